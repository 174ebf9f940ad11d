#pragma once
// Pieces shared by the cache types and the name resolution (not public).

#include <memory>
#include <string>
#include <vector>

#include "krbkit/ccache/cache.hpp"

namespace krbkit::ccache::detail {

// A cache in one file. `display_name` is the full name ("FILE:/p" or
// "DIR::/d/tkt"), `type` "FILE" or "DIR". A DIR member's temporary files are
// hidden (".tmp-..."), so collection listings never show them.
std::unique_ptr<Cache> make_file_cache(std::string path, std::string display_name, std::string type);

std::unique_ptr<Cache> make_memory_cache(std::string name);
std::vector<std::string> memory_cache_names();  // every MEMORY: cache of this process, full names

}  // namespace krbkit::ccache::detail
