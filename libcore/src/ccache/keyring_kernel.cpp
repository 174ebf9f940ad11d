// KEYRING caches: the kernel calls (through libkeyutils) and MIT's layout of
// anchors, collections and the primary key (cc_keyring.c get_collection,
// get_primary_name, set_primary_name).

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <span>

#include "keyring.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/ccache/keyring_payload.hpp"

namespace krbkit::ccache::detail {

std::string KeyringName::full_name() const {
  return fmt::format("KEYRING:{}:{}:{}", anchor, collection, subsidiary);
}

KeyringName parse_keyring_residual(std::string_view residual) {
  KeyringName n;
  auto sep = residual.find(':');
  if (sep == std::string_view::npos) {
    n.anchor = "legacy";
  } else {
    n.anchor = std::string(residual.substr(0, sep));
    residual.remove_prefix(sep + 1);
  }
  sep = residual.find(':');
  n.collection = std::string(residual.substr(0, sep));
  if (sep != std::string_view::npos) {
    n.subsidiary = std::string(residual.substr(sep + 1));
    n.has_subsidiary = true;
  }
  return n;
}

namespace keys {

Error error(std::string_view doing, std::string_view what, int err) {
  switch (err) {
    case EDQUOT:
      return Error{Errc::cache_quota, fmt::format("{}: {}: /proc/sys/kernel/keys/{}", what, doing,
                                                  ::geteuid() == 0 ? "root_maxbytes" : "maxbytes")};
    case EACCES:
    case EPERM: return Error{Errc::cache_not_ours, fmt::format("{}: {}: permission denied", what, doing)};
    default: return Error{Errc::ccache_io, fmt::format("{}: {}: {}", what, doing, std::strerror(err))};
  }
}

// Errors that mean the key is no longer there for us (MIT's cursor moves on).
bool gone(int err) { return err == ENOKEY || err == EKEYEXPIRED || err == EKEYREVOKED || err == EACCES; }

namespace {

// Reads the key into `first`, or into `large` when it does not fit there
// (then `in_large`); returns the payload's size, or -1 with errno set.
long read_payload(key_serial_t key, std::span<std::uint8_t> first, Bytes& large, bool& in_large) {
  in_large = false;
  long size = ::keyctl_read(key, reinterpret_cast<char*>(first.data()), first.size());
  while (size > 0 && static_cast<std::size_t>(size) > (in_large ? large.size() : first.size())) {
    secure_wipe(large.data(), large.size());
    large.assign(static_cast<std::size_t>(size), 0);  // the key grew or is large: read it whole
    in_large = true;
    size = ::keyctl_read(key, reinterpret_cast<char*>(large.data()), large.size());
  }
  return size;
}

}  // namespace

void PayloadReader::wipe() {
  secure_wipe(first_.data(), used_);
  used_ = 0;
  secure_wipe(large_.data(), large_.size());
}

Result<std::optional<BytesView>> PayloadReader::read(key_serial_t key, std::string_view what) {
  wipe();
  bool in_large = false;
  const long size = read_payload(key, first_, large_, in_large);
  if (size < 0) {
    const int err = errno;
    if (gone(err)) return std::optional<BytesView>();
    return error("cannot read key", what, err);
  }
  const auto n = static_cast<std::size_t>(size);
  if (in_large) return std::optional<BytesView>(BytesView(large_).first(n));
  used_ = n;
  return std::optional<BytesView>(BytesView(first_).first(n));
}

Result<std::optional<Bytes>> read(key_serial_t key, std::string_view what) {
  PayloadReader reader;
  KRBKIT_TRY(payload, reader.read(key, what));
  if (!payload) return std::optional<Bytes>();
  return std::optional<Bytes>(Bytes(payload->begin(), payload->end()));
}

Result<std::vector<key_serial_t>> list(key_serial_t keyring, std::string_view what) {
  std::array<std::uint8_t, 8192> first;  // 2,048 keys
  Bytes large;
  bool in_large = false;
  const long size = read_payload(keyring, first, large, in_large);
  if (size < 0) return error("cannot list keyring", what, errno);
  std::vector<key_serial_t> out(static_cast<std::size_t>(size) / sizeof(key_serial_t));
  std::memcpy(out.data(), in_large ? large.data() : first.data(), out.size() * sizeof(key_serial_t));
  return out;
}

Result<key_serial_t> search(key_serial_t keyring, const char* type, const std::string& description,
                            key_serial_t link_to) {
  const long key = ::keyctl_search(keyring, type, description.c_str(), link_to);
  if (key >= 0) return static_cast<key_serial_t>(key);
  if (errno == ENOKEY || errno == EKEYEXPIRED || errno == EKEYREVOKED) return 0;
  return error("cannot search for " + std::string(type), description, errno);
}

Result<key_serial_t> add(const char* type, const std::string& description, BytesView payload,
                         key_serial_t keyring) {
  const key_serial_t key = ::add_key(type, description.c_str(), payload.empty() ? nullptr : payload.data(),
                                     payload.size(), keyring);
  if (key < 0) return error(fmt::format("cannot add {} key", type), description, errno);
  return key;
}

}  // namespace keys

key_serial_t session_write_anchor() {
  // A process without a session keyring of its own reads the user session
  // keyring through @s, but writing to @s would give it a new empty one
  // whose keys no other process sees; write to the user session keyring then.
  const key_serial_t s = ::keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
  const key_serial_t u = ::keyctl_get_keyring_ID(KEY_SPEC_USER_SESSION_KEYRING, 0);
  return s == u ? KEY_SPEC_USER_SESSION_KEYRING : KEY_SPEC_SESSION_KEYRING;
}

namespace {

// MIT's find_or_create_keyring: a keyring `name` in `parent`; a new one is
// also linked from `possess` (the process keyring), since a link from the
// user or persistent keyring alone confers no possession.
Result<key_serial_t> find_or_create(key_serial_t parent, key_serial_t possess, const std::string& name,
                                    bool create) {
  KRBKIT_TRY(found, keys::search(parent, "keyring", name, possess));
  if (found != 0 || !create) return found;
  KRBKIT_TRY(key, keys::add("keyring", name, {}, possess != 0 ? possess : parent));
  if (possess != 0 && ::keyctl_link(key, parent) < 0) return keys::error("cannot link keyring", name, errno);
  return key;
}

Result<key_serial_t> persistent_keyring(const std::string& uid_text) {
  uid_t uid = ::geteuid();
  if (!uid_text.empty()) {
    char* end = nullptr;
    errno = 0;
    const long n = std::strtol(uid_text.c_str(), &end, 10);
    if (errno != 0 || *end != '\0' || n < 0)
      return Error{Errc::invalid_argument, "invalid UID in persistent keyring name: " + uid_text};
    uid = static_cast<uid_t>(n);
  }
  const long key = ::keyctl_get_persistent(uid, KEY_SPEC_PROCESS_KEYRING);
  if (key >= 0) return static_cast<key_serial_t>(key);
  // Without persistent keyrings in the kernel, MIT uses the user keyring.
  if (errno == EOPNOTSUPP && uid == ::geteuid()) return KEY_SPEC_USER_KEYRING;
  return keys::error("cannot get the persistent keyring", "uid " + std::to_string(uid), errno);
}

}  // namespace

Result<key_serial_t> find_collection(const KeyringName& name, bool create) {
  if (name.anchor == "persistent") {
    KRBKIT_TRY(persistent, persistent_keyring(name.collection));
    return find_or_create(persistent, KEY_SPEC_PROCESS_KEYRING, std::string(keyring::kPersistentCollection),
                          create);
  }
  key_serial_t anchor = 0, possess = 0;
  if (name.anchor == "process") {
    anchor = KEY_SPEC_PROCESS_KEYRING;
  } else if (name.anchor == "thread") {
    anchor = KEY_SPEC_THREAD_KEYRING;
  } else if (name.anchor == "session" || name.anchor == "legacy") {
    anchor = session_write_anchor();
  } else if (name.anchor == "user") {
    anchor = KEY_SPEC_USER_KEYRING;
    possess = KEY_SPEC_PROCESS_KEYRING;
  } else {
    return Error{Errc::invalid_argument, "invalid keyring anchor name \"" + name.anchor + "\""};
  }
  // A process or thread keyring that does not exist yet holds nothing.
  if (!create && (anchor == KEY_SPEC_PROCESS_KEYRING || anchor == KEY_SPEC_THREAD_KEYRING) &&
      ::keyctl_get_keyring_ID(anchor, 0) < 0)
    return 0;
  return find_or_create(anchor, possess, std::string(keyring::kCollectionPrefix) + name.collection, create);
}

Result<std::string> primary_of(const KeyringName& name, key_serial_t collection) {
  const std::string fallback = name.collection.empty() ? "tkt" : name.collection;
  if (collection == 0) return fallback;
  const std::string key_name(keyring::kPrimaryKey);
  KRBKIT_TRY(key, keys::search(collection, "user", key_name));
  if (key == 0) return fallback;
  KRBKIT_TRY(payload, keys::read(key, key_name));
  if (!payload) return fallback;
  return keyring::parse_primary(*payload).context("reading the primary cache of " + name.full_name());
}

Result<void> set_primary(key_serial_t collection, const std::string& subsidiary) {
  KRBKIT_TRY(key, keys::add("user", std::string(keyring::kPrimaryKey), keyring::serialize_primary(subsidiary),
                            collection));
  (void)key;
  return success();
}

}  // namespace krbkit::ccache::detail
