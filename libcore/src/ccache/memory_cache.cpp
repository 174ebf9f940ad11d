// MEMORY: caches, held in this process only (as MIT's cc_memory.c).

#include <map>
#include <mutex>

#include "internal.hpp"

namespace krbkit::ccache::detail {
namespace {

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, CacheContents>& registry() {
  static std::map<std::string, CacheContents> caches;
  return caches;
}

class MemoryCache final : public Cache {
 public:
  explicit MemoryCache(std::string name) : name_(std::move(name)) {}

  std::string name() const override { return "MEMORY:" + name_; }
  std::string_view type() const override { return "MEMORY"; }

  bool exists() const override {
    std::lock_guard lock(registry_mutex());
    return registry().count(name_) != 0;
  }

  Result<CacheContents> read() override {
    std::lock_guard lock(registry_mutex());
    auto it = registry().find(name_);
    if (it == registry().end()) return not_found();
    return it->second.clone();
  }

  Result<void> write(const CacheContents& contents, int version) override {
    if (version < 1 || version > 4) return Error{Errc::invalid_argument, "credential cache format version"};
    std::lock_guard lock(registry_mutex());
    registry()[name_] = contents.clone();
    return success();
  }

  Result<void> store(const Credentials& cred) override {
    std::lock_guard lock(registry_mutex());
    auto it = registry().find(name_);
    if (it == registry().end()) return not_found();
    append_record(it->second, cred);
    return success();
  }

  Result<std::size_t> rewrite(const std::function<bool(const Credentials&)>& drop,
                              const Credentials* add) override {
    std::lock_guard lock(registry_mutex());
    auto it = registry().find(name_);
    if (it == registry().end()) return not_found();
    const std::size_t dropped = drop_keeping_order(it->second, drop);
    if (add) append_record(it->second, *add);
    return dropped;
  }

  Result<void> destroy() override {
    std::lock_guard lock(registry_mutex());
    if (registry().erase(name_) == 0) return not_found();
    return success();
  }

 private:
  Error not_found() const { return Error{Errc::ccache_not_found, "MEMORY:" + name_}; }
  std::string name_;
};

}  // namespace

std::unique_ptr<Cache> make_memory_cache(std::string name) {
  return std::make_unique<MemoryCache>(std::move(name));
}

std::vector<std::string> memory_cache_names() {
  std::lock_guard lock(registry_mutex());
  std::vector<std::string> out;
  for (const auto& [name, contents] : registry()) out.push_back("MEMORY:" + name);
  return out;
}

}  // namespace krbkit::ccache::detail
