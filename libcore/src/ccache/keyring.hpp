#pragma once
// KEYRING: caches in Linux kernel keyrings, laid out as MIT's cc_keyring.c
// lays them out (see krbkit/ccache/keyring_payload.hpp), through libkeyutils.
// Not public: names.cpp sends KEYRING: names here.

#include <keyutils.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/ccache/cache.hpp"

namespace krbkit::ccache::detail {

// A KEYRING residual, as MIT parses it: "anchor:collection[:subsidiary]", or
// "collection" alone (the legacy anchor: the session keyring).
struct KeyringName {
  std::string anchor;      // session, user, persistent, process, thread or legacy
  std::string collection;  // persistent: a uid, or "" for the effective uid
  std::string subsidiary;  // "": the collection's primary cache
  bool has_subsidiary = false;

  // "KEYRING:anchor:collection:subsidiary", the name MIT's tools show.
  std::string full_name() const;
  // The legacy anchor's first cache, also linked from the session keyring
  // so that pre-collection code sees it (MIT's is_legacy_cache_name).
  bool legacy_cache() const { return anchor == "legacy" && subsidiary == collection; }
};
KeyringName parse_keyring_residual(std::string_view residual);

// --- the kernel calls, with errors as krbkit errors ---
namespace keys {

// Reads keys' payloads one after another into one buffer: 8 KB on the stack,
// which fits a usual credential in one KEYCTL_READ (libkeyutils'
// keyctl_read_alloc makes two, the size then the data, into a new
// allocation), or a larger one on the heap. A view is valid until the next
// read(); what a read left behind is wiped at the next one and at the end, as
// credential keys hold session keys.
class PayloadReader {
 public:
  PayloadReader() = default;
  PayloadReader(const PayloadReader&) = delete;
  PayloadReader& operator=(const PayloadReader&) = delete;
  ~PayloadReader() { wipe(); }

  // The key's payload; nullopt when the key is gone, revoked, expired or not
  // ours to read (MIT's cursor skips those).
  Result<std::optional<BytesView>> read(key_serial_t key, std::string_view what);

 private:
  static constexpr std::size_t kFirstReadSize = 8192;
  void wipe();
  std::array<std::uint8_t, kFirstReadSize> first_;
  Bytes large_;
  std::size_t used_ = 0;  // bytes of first_ the last read filled
};

// A key's payload, copied (PayloadReader::read).
Result<std::optional<Bytes>> read(key_serial_t key, std::string_view what);
// The keys linked from a keyring, in the kernel's order.
Result<std::vector<key_serial_t>> list(key_serial_t keyring, std::string_view what);
// keyctl_search; 0 when there is no such key.
Result<key_serial_t> search(key_serial_t keyring, const char* type, const std::string& description,
                            key_serial_t link_to = 0);
// add_key (a key of the same type and description in `keyring` is updated or displaced).
Result<key_serial_t> add(const char* type, const std::string& description, BytesView payload,
                         key_serial_t keyring);
// An error for a failed call, by errno: quota, permission, or I/O.
Error error(std::string_view doing, std::string_view what, int err);

}  // namespace keys

// The collection keyring of `name` (created when `create`), or 0.
Result<key_serial_t> find_collection(const KeyringName& name, bool create);
// The subsidiary name of the collection's primary cache: its primary key, or
// the collection's own name ("tkt" for "") when it has none (MIT).
Result<std::string> primary_of(const KeyringName& name, key_serial_t collection);
Result<void> set_primary(key_serial_t collection, const std::string& subsidiary);
// Where a session-anchored collection is written (MIT's session_write_anchor).
key_serial_t session_write_anchor();

// --- the entry points names.cpp uses ---
Result<std::unique_ptr<Cache>> open_keyring_cache(std::string_view residual);
Result<std::vector<std::string>> keyring_collection(std::string_view residual);
Result<void> keyring_switch_to(std::string_view residual);
Result<std::unique_ptr<Cache>> new_keyring_cache(std::string_view residual);

}  // namespace krbkit::ccache::detail
