// Cache names, the default name, DIR: collections and the collection
// operations, plus the conveniences every cache type shares.

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>

#include "internal.hpp"
#include "keyring.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/base/file_io.hpp"
#include "krbkit/base/path_expand.hpp"

namespace krbkit::ccache {
namespace {

struct ParsedName {
  std::string type;      // "FILE", "DIR", "MEMORY", or another prefix
  std::string residual;  // what follows "TYPE:"
};

ParsedName split_name(std::string_view name) {
  const auto colon = name.find(':');
  // A bare path (or a name without a type) is a FILE cache.
  if (name.empty() || name.front() == '/' || colon == std::string_view::npos)
    return {"FILE", std::string(name)};
  return {std::string(name.substr(0, colon)), std::string(name.substr(colon + 1))};
}

bool is_member_name(std::string_view file) { return file.substr(0, 3) == "tkt"; }

std::string primary_path(const std::string& dir) { return dir + "/primary"; }

// The member <dir>/primary names (its first line), or nullopt when there is
// no primary file yet: DIR:<dir> then stands for <dir>/tkt, and the primary
// file naming it is created when that cache is written (MIT creates it when
// the name is resolved, so its klist makes it too; ours only reads).
Result<std::optional<std::string>> read_primary(const std::string& dir) {
  std::ifstream in(primary_path(dir));
  if (!in) return std::optional<std::string>();
  std::string line;
  const bool got = static_cast<bool>(std::getline(in, line));
  if (!got || in.eof() || !is_member_name(line) || line.find('/') != std::string::npos)
    return Error{Errc::ccache_format, primary_path(dir) + " contains invalid filename"};
  return std::optional<std::string>(line);
}

Result<void> write_primary(const std::string& dir, const std::string& member) {
  const std::string text = member + "\n";
  return detail::replace_file(primary_path(dir), as_bytes(text));
}

struct DirMember {
  std::string dir, file;
};

Result<DirMember> split_member(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0)
    return Error{Errc::invalid_argument, "subsidiary cache path " + path + " has no parent directory"};
  DirMember m{path.substr(0, slash), path.substr(slash + 1)};
  if (!is_member_name(m.file))
    return Error{Errc::invalid_argument,
                 "subsidiary cache path " + path + " filename does not begin with \"tkt\""};
  return m;
}

// A cache file, initialized or not: MIT's cursors yield every name that
// stat()s (an empty file left by an interrupted kinit too), so kdestroy -A
// removes it and kdestroy's warning counts it.
bool cache_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

Result<std::unique_ptr<Cache>> open(std::string_view name) {
  ParsedName n = split_name(name);
  if (n.type == "FILE") {
    if (n.residual.empty()) return Error{Errc::invalid_argument, "empty FILE: cache name"};
    return detail::make_file_cache(n.residual, "FILE:" + n.residual, "FILE");
  }
  if (n.type == "DIR") {
    if (n.residual.empty()) return Error{Errc::invalid_argument, "empty DIR: cache name"};
    std::string path;
    if (n.residual.front() == ':') {
      path = n.residual.substr(1);
      KRBKIT_TRY(member, split_member(path));
      (void)member;
    } else {
      struct stat st {};
      if (::stat(n.residual.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
        return Error{Errc::ccache_format,
                     "credential cache directory " + n.residual + " exists but is not a directory"};
      KRBKIT_TRY(primary, read_primary(n.residual));
      path = n.residual + "/" + primary.value_or("tkt");
      if (!primary) return detail::make_file_cache(path, "DIR::" + path, "DIR", primary_path(n.residual));
    }
    return detail::make_file_cache(path, "DIR::" + path, "DIR");
  }
  if (n.type == "MEMORY") return detail::make_memory_cache(n.residual);
  if (n.type == "KEYRING") return detail::open_keyring_cache(n.residual);
  if (n.type == "KCM") return detail::open_kcm_cache(n.residual);
  if (n.type == "API" || n.type == "MSLSA")
    return Error{Errc::unsupported, "cache type " + n.type + " not supported"};
  return Error{Errc::unsupported, "unknown credential cache type " + n.type};
}

namespace detail {

Error naming_cache(Error e, std::string_view cache) {
  e.detail = fmt::format("cache {}{}{}", cache, e.detail.empty() ? "" : ", ", e.detail);
  return e;
}

}  // namespace detail

std::string residual(std::string_view name) {
  const auto colon = name.find(':');
  return std::string(colon == std::string_view::npos ? name : name.substr(colon + 1));
}

Result<std::string> default_cache_name(const std::optional<std::string>& configured) {
  const auto env = Environment::from_process();
  if (env.krb5ccname && !env.krb5ccname->empty()) return *env.krb5ccname;
  if (configured && !configured->empty()) {
    return expand_path_tokens(*configured).context("expanding default_ccache_name " + *configured);
  }
  return "FILE:/tmp/krb5cc_" + std::to_string(::getuid());
}

Result<std::vector<std::string>> list_collection(std::string_view default_name) {
  const ParsedName n = split_name(default_name);
  std::vector<std::string> out;
  if (n.type == "MEMORY") return detail::memory_cache_names();
  if (n.type == "KEYRING") return detail::keyring_collection(n.residual);
  if (n.type == "KCM") return detail::kcm_collection(n.residual);
  if (n.type == "FILE") {
    if (cache_file(n.residual)) out.push_back("FILE:" + n.residual);
    return out;
  }
  if (n.type != "DIR") {
    KRBKIT_TRY(probe, open(default_name));  // the unsupported-type error
    (void)probe;
    return out;
  }
  // One member named by itself (DIR::<dir>/tktX) is a collection of that
  // cache alone, as MIT's cursor takes it (dcc_ptcursor_new).
  if (!n.residual.empty() && n.residual.front() == ':') {
    KRBKIT_TRY(member, split_member(n.residual.substr(1)));
    const std::string path = member.dir + "/" + member.file;
    if (cache_file(path)) out.push_back("DIR::" + path);
    return out;
  }
  const std::string& dir = n.residual;
  // The member the primary file names comes first, the others follow in the
  // directory's order, as MIT's cursor yields them; without a primary file,
  // or with a damaged one, all come in the directory's order (MIT).
  auto primary_file = read_primary(dir);
  const std::string primary = primary_file.ok() ? primary_file->value_or("") : std::string();
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return out;
    return fileio::errno_error(Errc::ccache_io, "cannot list", dir, errno);
  }
  std::vector<std::string> others;
  bool have_primary = false;
  while (const dirent* e = ::readdir(d)) {
    const std::string file = e->d_name;
    if (!is_member_name(file) || !cache_file(dir + "/" + file)) continue;
    if (file == primary)
      have_primary = true;
    else
      others.push_back(file);
  }
  ::closedir(d);
  if (have_primary) out.push_back("DIR::" + dir + "/" + primary);
  for (const auto& f : others) out.push_back("DIR::" + dir + "/" + f);
  return out;
}

Result<void> switch_to(std::string_view cache_name) {
  const ParsedName n = split_name(cache_name);
  if (n.type == "KEYRING") return detail::keyring_switch_to(n.residual);
  if (n.type == "KCM") return detail::kcm_switch_to(n.residual);
  if (n.type != "DIR" || n.residual.empty() || n.residual.front() != ':') {
    KRBKIT_TRY(probe, open(cache_name));  // unsupported types still fail
    (void)probe;
    return success();
  }
  KRBKIT_TRY(m, split_member(n.residual.substr(1)));
  return write_primary(m.dir, m.file);
}

Result<std::unique_ptr<Cache>> new_unique(std::string_view default_name) {
  const ParsedName n = split_name(default_name);
  if (n.type == "KEYRING") return detail::new_keyring_cache(n.residual);
  if (n.type == "KCM") return detail::new_kcm_cache();
  if (n.type == "MEMORY") {
    auto names = detail::memory_cache_names();
    for (unsigned i = 1;; ++i) {
      std::string name = fmt::format("krbkit{}", i);
      if (std::find(names.begin(), names.end(), "MEMORY:" + name) == names.end())
        return detail::make_memory_cache(name);
    }
  }
  std::string tmpl;
  std::string type = n.type;
  if (n.type == "DIR") {
    // A member named by itself is a collection of that cache alone: nowhere to add one (MIT).
    if (!n.residual.empty() && n.residual.front() == ':')
      return Error{Errc::unsupported,
                   "Can't create new subsidiary cache because default cache is not a directory collection"};
    const std::string& dir = n.residual;
    if (dir.empty()) return Error{Errc::invalid_argument, "empty DIR: cache name"};
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return fileio::errno_error(Errc::ccache_io, "cannot create directory", dir, errno);
    tmpl = dir + "/tktXXXXXX";
  } else if (n.type == "FILE") {
    const auto slash = n.residual.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : n.residual.substr(0, slash);
    tmpl = fmt::format("{}/krb5cc_{}_XXXXXX", dir, ::getuid());
  } else {
    KRBKIT_TRY(probe, open(default_name));
    (void)probe;
    return Error{Errc::unsupported, "cannot create a new cache of type " + n.type};
  }
  // Reserve the name with an empty 0600 file; it reads as "not found" until written.
  KRBKIT_TRY(fd, fileio::create_unique(tmpl, Errc::ccache_io));
  (void)fd;
  if (type == "DIR") return detail::make_file_cache(tmpl, "DIR::" + tmpl, "DIR");
  return detail::make_file_cache(tmpl, "FILE:" + tmpl, "FILE");
}

Result<std::optional<std::string>> find_in_collection(std::string_view default_name,
                                                      const Principal& principal) {
  KRBKIT_TRY(names, list_collection(default_name));
  for (const auto& name : names) {
    KRBKIT_TRY(cache, open(name));
    auto contents = cache->read();
    if (contents && contents->default_principal == principal) return std::optional<std::string>(name);
  }
  return std::optional<std::string>();
}

// --- conveniences shared by every cache type ---

Result<void> Cache::initialize_and_store(const Principal& principal, const std::vector<Credentials>& creds,
                                         const std::vector<Credentials>& config, int version,
                                         std::optional<KdcOffset> kdc_offset) {
  CacheContents c;
  c.version = version;
  c.default_principal = principal;
  c.kdc_offset = kdc_offset;
  for (const auto& cr : creds) c.creds.push_back(cr.clone());
  for (const auto& cr : config) c.config_entries.push_back(cr.clone());
  return write(c, version);
}

Result<CacheContents> Cache::read_each(const RecordSink& sink) {
  KRBKIT_TRY(contents, read());
  for_each_in_file_order(contents,
                         [&](const Credentials& record, bool config) { sink(contents, record, config); });
  contents.creds.clear();
  contents.config_entries.clear();
  contents.config_after.clear();
  return contents;
}

Result<void> Cache::replace(const Credentials& cred) {
  KRBKIT_TRY(dropped, rewrite([&](const Credentials& c) { return same_slot(c, cred); }, &cred));
  (void)dropped;
  return success();
}

Result<std::size_t> Cache::remove(const Principal& server) {
  return rewrite([&](const Credentials& c) { return c.server == server; }, nullptr);
}

Result<void> Cache::set_config(std::string_view key, std::string_view principal, BytesView value) {
  KRBKIT_TRY(contents, read());
  Credentials entry = make_config_entry(contents.default_principal, key, principal, value);
  KRBKIT_TRY(dropped, rewrite(
                          [&](const Credentials& c) {
                            auto v = config_entry_view(c);
                            return v && v->key == key && v->principal == principal;
                          },
                          &entry));
  (void)dropped;
  return success();
}

}  // namespace krbkit::ccache
