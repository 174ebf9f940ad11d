#pragma once
// Pieces shared by the cache types and the name resolution (not public).

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/ccache/cache.hpp"

namespace krbkit::ccache::detail {

// A cache in one file. `display_name` is the full name ("FILE:/p" or
// "DIR::/d/tkt"), `type` "FILE" or "DIR". A DIR member's temporary files are
// hidden (".tmp-..."), so collection listings never show them.
// `create_primary`: the primary file of the DIR collection the cache was
// resolved from (DIR:<dir> without one yet); write() then creates it, naming
// this member, unless someone made it meanwhile (MIT's kinit -c DIR:<dir>).
std::unique_ptr<Cache> make_file_cache(std::string path, std::string display_name, std::string type,
                                       std::string create_primary = {});

// Creates `path` holding `data`, 0600, all at once (a temporary file, synced,
// linked to the name); false if `path` already exists (a symlink too, even a
// dangling one), which is left as it is.
Result<bool> create_file(const std::string& path, BytesView data);

// Writes `data` to a new 0600 file `tmp` (a template ending in XXXXXX, by
// default "<path>.XXXXXX", in the same directory) and renames it over `path`
// (a symlink there is replaced, as MIT's kinit does): a reader sees the old
// or the new file, never a mix. Unlike MIT, the data is flushed before the
// rename and the directory after it (fileio::replace_atomically), so a crash
// or power loss never leaves an empty cache under the name.
Result<void> replace_file(const std::string& path, BytesView data, std::string tmp = {});

// Takes out the records `drop` selects; the others keep their order in the
// file (config entries stay between the tickets where they were: Heimdal's
// kinit writes them after the TGT). Returns how many were dropped.
std::size_t drop_keeping_order(CacheContents& contents, const std::function<bool(const Credentials&)>& drop);
// Adds `cred` after every record, as appending it to the file does.
void append_record(CacheContents& contents, Credentials&& cred);
inline void append_record(CacheContents& contents, const Credentials& cred) {
  append_record(contents, cred.clone());
}

// `e` with the cache's full name first in its detail, so that the one line
// a tool prints for a daemon's or the kernel's failure says which cache:
// "No KCM daemon is listening (cache KCM:0, socket /run/kcm.socket)".
Error naming_cache(Error e, std::string_view cache);
template <typename T>
Result<T> naming_cache(Result<T> r, std::string_view cache) {
  if (r.ok()) return r;
  return naming_cache(std::move(r).error(), cache);
}

std::unique_ptr<Cache> make_memory_cache(std::string name);

// KCM: caches (kcm_cache.cpp): a cache by residual ("" for the daemon's
// default), the collection, switching, a new cache (GEN_NEW).
Result<std::unique_ptr<Cache>> open_kcm_cache(std::string_view residual);
Result<std::vector<std::string>> kcm_collection(std::string_view residual);
Result<void> kcm_switch_to(std::string_view residual);
Result<std::unique_ptr<Cache>> new_kcm_cache();
std::vector<std::string> memory_cache_names();  // every MEMORY: cache of this process, full names

}  // namespace krbkit::ccache::detail
