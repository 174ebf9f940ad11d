#pragma once
// Credential caches by name: FILE:, DIR: and KEYRING: collections, MEMORY:, the default
// name, and the collection operations kswitch / klist -l -A / kdestroy -A use.
// The byte format is in format.hpp; this is storage.
//
// Names (as MIT resolves them):
//   FILE:/path, or a bare /path         one file
//   DIR:/dir                            the collection's primary cache: /dir/primary holds the
//                                       file name of a tkt* member; when there is no primary
//                                       file, /dir/tkt, and writing that cache creates the
//                                       primary file naming it (MIT's kinit -c DIR:/dir)
//   DIR::/dir/tktXXXXXX                 one member of a collection
//   MEMORY:name                         in this process only
//   KEYRING:anchor:collection           the primary cache of a kernel keyring collection, as MIT
//                                       lays it out (keyring_payload.hpp): anchor session, user,
//                                       persistent (collection: a uid, or "" for ours), process or
//                                       thread; KEYRING:name is the legacy form (session anchor)
//   KEYRING:anchor:collection:name      one cache of that collection ("KEYRING:session:x:x")
//   KCM:, API:                          Errc::unsupported
//
// Safety of FILE and DIR caches:
//   - files are created 0600 with O_CREAT|O_EXCL|O_NOFOLLOW;
//   - write() (kinit) writes a temporary file in the same directory and
//     rename()s it over the cache, so readers see the old or the new cache,
//     never half of one, and a crash leaves the old one;
//   - store() (kvno) takes MIT's lock (exclusive fcntl lock on the whole
//     file) and appends; read() takes the shared lock, so a reader never sees
//     a half-appended record from krbkit or MIT;
//   - a last record cut short (a writer killed half-way through an append)
//     does not cost the records before it: read() returns them, with
//     CacheContents::torn_record set, and the next store() or rewrite()
//     writes its record over the torn one and cuts the file there (MIT's
//     kvno appends after the torn bytes, where no reader finds it);
//   - a cache owned by another user (unless we are root), one that is not a
//     regular file, or one reached through a symlink in a sticky or
//     world-writable directory such as /tmp is refused with Errc::ccache_unsafe;
//   - destroy() overwrites the file with zeros, then unlinks it: no ticket or
//     session key remains readable by name or in the old blocks (MIT only unlinks).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/ccache/format.hpp"

namespace krbkit::ccache {

class Cache {
 public:
  virtual ~Cache() = default;

  // The full name, with its type: "FILE:/tmp/krb5cc_1000", "DIR::/d/tkt", "MEMORY:x".
  virtual std::string name() const = 0;
  // "FILE", "DIR", "KEYRING" or "MEMORY".
  virtual std::string_view type() const = 0;
  // The file behind the cache ("" for MEMORY).
  virtual std::string path() const { return {}; }

  // The whole cache, up to a torn last record (see torn_record).
  // Errc::ccache_not_found when it does not exist, Errc::ccache_format when
  // damaged otherwise, Errc::ccache_unsafe, Errc::ccache_io.
  virtual Result<CacheContents> read() = 0;
  // read()'s records one at a time, in file order, to `sink` (format.hpp);
  // the result is read()'s without them. FILE, DIR, KEYRING and KCM caches
  // parse as they go, from the file, each key's payload or the daemon's
  // reply (a listing holds one record at a time); MEMORY reads first.
  virtual Result<CacheContents> read_each(const RecordSink& sink);
  virtual bool exists() const = 0;

  // Replaces the whole cache (kinit), writing format `version` (4, or 3 for
  // krb5.conf ccache_type = 3).
  virtual Result<void> write(const CacheContents& contents, int version = 4) = 0;

  // Appends one credential (or config entry) in the file's own version (kvno).
  virtual Result<void> store(const Credentials& cred) = 0;

  // Rewrites the cache without the credentials `drop` selects (config entries
  // included), then appends `add` if given; all under the exclusive lock.
  // Returns how many were dropped.
  virtual Result<std::size_t> rewrite(const std::function<bool(const Credentials&)>& drop,
                                      const Credentials* add) = 0;

  // Removes the cache; Errc::ccache_not_found if there is none.
  virtual Result<void> destroy() = 0;

  // --- conveniences over the primitives ---
  Result<void> initialize_and_store(const Principal& principal, const std::vector<Credentials>& creds,
                                    const std::vector<Credentials>& config = {}, int version = 4,
                                    std::optional<KdcOffset> kdc_offset = std::nullopt);
  // Stores `cred`, replacing any credential for the same client and server
  // (same_slot), so a repeated kvno does not pile up duplicates.
  Result<void> replace(const Credentials& cred);
  // Removes the credentials for `server` (all clients); returns how many.
  Result<std::size_t> remove(const Principal& server);
  // Adds or replaces one config entry (client: the cache's default principal).
  Result<void> set_config(std::string_view key, std::string_view principal, BytesView value);
};

// Resolves a cache name (see above). Does not touch the file system except
// for DIR:, whose primary file is read (a missing directory is created 0700,
// and a missing primary file, when the cache is written; MIT creates both
// when it resolves the name, so that its klist of a new DIR: name does too).
Result<std::unique_ptr<Cache>> open(std::string_view name);

// A cache's name without its type, as MIT's krb5_cc_get_name gives it
// ("FILE:/tmp/x" -> "/tmp/x", "DIR::/d/tkt" -> ":/d/tkt").
std::string residual(std::string_view name);

// KRB5CCNAME if set and non-empty, else `configured` (krb5.conf
// default_ccache_name) with %{} tokens expanded, else FILE:/tmp/krb5cc_<uid>.
Result<std::string> default_cache_name(const std::optional<std::string>& configured = std::nullopt);

// --- collections (the cache set the default name belongs to) ---

// The names of the caches that exist in the collection of `default_name`
// (as files: an empty, uninitialized one too, as MIT's cursors yield it),
// primary first: a DIR collection's tkt* files (the others in the
// directory's order, as MIT lists them); for one member named by
// itself (DIR::/dir/tktX) that cache alone, as MIT's collection cursor; for
// FILE: the default file if it exists; for MEMORY: every memory cache of
// this process; for KEYRING: the cache keyrings of the collection, the one
// its primary key names first, the others in the kernel's order (a keyring
// that holds no principal yet too, as MIT's cursor yields it). A damaged primary file only leaves the order
// unspecified.
Result<std::vector<std::string>> list_collection(std::string_view default_name);

// Makes `cache_name` the primary of its DIR or KEYRING collection (kswitch). For a
// FILE or MEMORY cache there is nothing to switch and this succeeds, as in MIT.
Result<void> switch_to(std::string_view cache_name);

// A new empty member of the collection of `default_name` (kinit into a
// collection, kswitch -p of a new principal): DIR: a new tktXXXXXX file;
// MEMORY: a fresh name; FILE: a new file next to the default one; KEYRING:
// a new empty krb_ccache_XXXXXXXX keyring in the collection. For a
// DIR:: member name Errc::unsupported, as MIT (that collection is one cache).
Result<std::unique_ptr<Cache>> new_unique(std::string_view default_name);

// The cache in the collection whose default principal is `principal`, if any.
Result<std::optional<std::string>> find_in_collection(std::string_view default_name,
                                                      const Principal& principal);

}  // namespace krbkit::ccache
