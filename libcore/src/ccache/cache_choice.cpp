#include "krbkit/ccache/cache_choice.hpp"

namespace krbkit::ccache {

Result<CacheChoice> choose_cache_for(std::unique_ptr<Cache> default_cache, std::string_view default_name,
                                     const Principal& client,
                                     const std::optional<Principal>& default_holder) {
  if (default_cache->type() == "DIR" || default_cache->type() == "KEYRING" ||
      default_cache->type() == "KCM") {
    KRBKIT_TRY(found, find_in_collection(default_name, client));
    if (found) {
      KRBKIT_TRY(existing, open(*found));
      return CacheChoice{std::move(existing), "existing", true};
    }
    if (default_holder && !(*default_holder == client)) {
      KRBKIT_TRY(fresh, new_unique(default_name).context("generating new ccache"));
      return CacheChoice{std::move(fresh), "new", true};
    }
  }
  return CacheChoice{std::move(default_cache), "default", false};
}

}  // namespace krbkit::ccache
