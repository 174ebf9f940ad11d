#pragma once
// kinit's choice of cache in a collection (MIT's kinit.c k5_begin).

#include <memory>
#include <optional>
#include <string_view>

#include "krbkit/base/result.hpp"
#include "krbkit/ccache/cache.hpp"

namespace krbkit::ccache {

// kinit without -c, for a client that is not the default cache's own
// principal: where its new TGT goes, as MIT's kinit chooses. In a DIR
// collection, the member already holding `client` ("existing"), else a new
// member when the default cache holds someone else ("new"), else the default
// cache ("default"; also for FILE and MEMORY). The collection's primary moves
// to an "existing" or "new" cache once it is written (make_primary), never
// because the default cache was.
struct CacheChoice {
  std::unique_ptr<Cache> cache;
  std::string_view kind;  // "default", "existing" or "new": MIT's words in kinit -V
  bool make_primary = false;
};
Result<CacheChoice> choose_cache_for(std::unique_ptr<Cache> default_cache, std::string_view default_name,
                                     const Principal& client, const std::optional<Principal>& default_holder);

}  // namespace krbkit::ccache
