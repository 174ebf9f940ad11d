// KEYRING caches: one cache keyring in a collection (MIT's cc_keyring.c
// krcc_* operations), and the collection operations names.cpp hands over.
//
// Unlike MIT's kinit, which clears the cache keyring and refills it, write()
// fills a new keyring of the same name and links it into the collection in
// one step (a link displaces the keyring of the same name), so a reader sees
// the old cache or the new one, and a failure half-way (the key quota used
// up) leaves the old cache as it was.

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "internal.hpp"
#include "keyring.hpp"
#include "krbkit/ccache/keyring_payload.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::ccache::detail {
namespace {

// The kernel drops a credential's key when its ticket ends, and the cache
// keyring when its last ticket does, as MIT sets them (a timeout of 0 would
// mean none, so an ended ticket gets 1 second).
unsigned seconds_left(KerberosTime end) {
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto left = (end - now).count();
  return left > 0 ? static_cast<unsigned>(left) : 1;
}

class KeyringCache final : public Cache {
 public:
  // `primary_by_default`: the cache was named through its collection
  // ("KEYRING:session:x"), whose primary key MIT's resolve initializes.
  KeyringCache(KeyringName name, key_serial_t collection, bool primary_by_default)
      : name_(std::move(name)), collection_(collection), primary_by_default_(primary_by_default) {}

  std::string name() const override { return name_.full_name(); }
  std::string_view type() const override { return "KEYRING"; }

  bool exists() const override {
    auto cache = find_cache();
    if (!cache || *cache == 0) return false;
    auto princ = keys::search(*cache, "user", std::string(keyring::kPrincipalKey));
    return princ && *princ != 0;
  }

  // Each failure names the cache (a quota used up, another user's keyring).
  Result<CacheContents> read() override { return naming_cache(read_keys(nullptr), name()); }
  // Each key's record is parsed from the read buffer and handed over before
  // the next key is read (klist holds one record at a time, as for a FILE cache).
  Result<CacheContents> read_each(const RecordSink& sink) override {
    return naming_cache(read_keys(&sink), name());
  }
  Result<void> write(const CacheContents& contents, int /*version: always MIT's v4 records*/) override {
    return naming_cache(write_keys(contents), name());
  }
  Result<void> store(const Credentials& cred) override { return naming_cache(store_key(cred), name()); }
  Result<std::size_t> rewrite(const std::function<bool(const Credentials&)>& drop,
                              const Credentials* add) override {
    return naming_cache(rewrite_keys(drop, add), name());
  }
  Result<void> destroy() override { return naming_cache(destroy_keys(), name()); }

 private:
  struct SpecialKeys {
    key_serial_t principal = 0, offsets = 0;
  };

  // The cache, its records in the kernel's order: to `sink` one at a time
  // (the result then holds none), or without one in the result.
  Result<CacheContents> read_keys(const RecordSink* sink) const {
    KRBKIT_TRY(cache, existing_cache());
    KRBKIT_TRY(special, special_keys(cache));
    const std::string cache_name = name();
    keys::PayloadReader reader;
    CacheContents out;
    KRBKIT_TRY(princ, reader.read(special.principal, cache_name));
    if (!princ) return not_found();
    KRBKIT_TRY(principal,
               parse_principal_record(*princ, cache_name + " " + std::string(keyring::kPrincipalKey)));
    out.default_principal = std::move(principal);
    if (special.offsets != 0) {
      KRBKIT_TRY(payload, reader.read(special.offsets, cache_name));
      if (payload) {
        KRBKIT_TRY(offset, keyring::parse_time_offsets(*payload));
        out.kdc_offset = offset;
      }
    }
    KRBKIT_CHECK(
        for_each_credential(cache, special, reader, [&](key_serial_t, Credentials&& cred) -> Result<void> {
          if (sink != nullptr)
            (*sink)(out, cred, is_config_principal(cred.server));
          else
            append_record(out, std::move(cred));
          return success();
        }));
    return out;
  }

  // Each credential key of `cache` (not the principal or offsets key) to
  // `fn(id, credential)`, in the kernel's order, each parsed from `reader`'s
  // buffer; keys removed or expired meanwhile are skipped.
  template <typename Fn>
  Result<void> for_each_credential(key_serial_t cache, const SpecialKeys& special,
                                   keys::PayloadReader& reader, Fn&& fn) const {
    const std::string cache_name = name();
    KRBKIT_TRY(ids, keys::list(cache, cache_name));
    std::string what = cache_name + " key ";  // "<cache> key <id>" names a damaged key
    const std::size_t prefix = what.size();
    for (key_serial_t id : ids) {
      if (id == special.principal || id == special.offsets) continue;
      KRBKIT_TRY(payload, reader.read(id, cache_name));
      if (!payload) continue;
      what.resize(prefix);
      what += std::to_string(id);
      KRBKIT_TRY(cred, parse_credential_record(*payload, what));
      KRBKIT_CHECK(fn(id, std::move(cred)));
    }
    return success();
  }

  Result<void> write_keys(const CacheContents& contents) {
    KRBKIT_TRY(collection, collection_for_writing());
    // Filled while linked only from this process's keyring, then put in place.
    KRBKIT_TRY(fresh, keys::add("keyring", name_.subsidiary, {}, KEY_SPEC_PROCESS_KEYRING));
    auto filled = fill(fresh, contents);
    if (filled.ok() && ::keyctl_link(fresh, collection) < 0)
      filled = keys::error("cannot link the cache keyring", name(), errno);
    // The legacy anchor's first cache is also linked from the session keyring (MIT).
    if (filled.ok() && name_.legacy_cache()) (void)::keyctl_link(fresh, session_write_anchor());
    (void)::keyctl_unlink(fresh, KEY_SPEC_PROCESS_KEYRING);
    if (!filled.ok()) {
      (void)::keyctl_clear(fresh);
      return filled;
    }
    set_expiry(fresh, contents);
    return success();
  }

  Result<void> store_key(const Credentials& cred) const {
    KRBKIT_TRY(cache, existing_cache());
    KRBKIT_CHECK(add_credential(cache, cred));
    KRBKIT_TRY(contents, read_keys(nullptr));
    set_expiry(cache, contents);
    return success();
  }

  Result<std::size_t> rewrite_keys(const std::function<bool(const Credentials&)>& drop,
                                   const Credentials* add) const {
    KRBKIT_TRY(cache, existing_cache());
    KRBKIT_TRY(special, special_keys(cache));
    keys::PayloadReader reader;
    std::size_t dropped = 0;
    KRBKIT_CHECK(
        for_each_credential(cache, special, reader, [&](key_serial_t id, Credentials&& cred) -> Result<void> {
          if (!drop(cred)) return success();
          if (::keyctl_unlink(id, cache) < 0) return keys::error("cannot remove a credential", name(), errno);
          ++dropped;
          return success();
        }));
    if (add != nullptr) KRBKIT_CHECK(store_key(*add));
    return dropped;
  }

  Result<void> destroy_keys() const {
    KRBKIT_TRY(cache, existing_cache());
    (void)::keyctl_clear(cache);
    if (::keyctl_unlink(cache, collection_) < 0) return keys::error("cannot unlink", name(), errno);
    if (name_.legacy_cache()) (void)::keyctl_unlink(cache, session_write_anchor());
    return success();
  }

  Error not_found() const {
    return Error{Errc::ccache_not_found, "Credentials cache keyring '" + name() + "' not found"};
  }

  Result<key_serial_t> find_cache() const {
    if (collection_ == 0) return 0;
    return keys::search(collection_, "keyring", name_.subsidiary);
  }

  Result<key_serial_t> existing_cache() const {
    KRBKIT_TRY(cache, find_cache());
    if (cache == 0) return not_found();
    return cache;
  }

  Result<SpecialKeys> special_keys(key_serial_t cache) const {
    KRBKIT_TRY(principal, keys::search(cache, "user", std::string(keyring::kPrincipalKey)));
    if (principal == 0) return not_found();
    KRBKIT_TRY(offsets, keys::search(cache, "user", std::string(keyring::kTimeOffsetsKey)));
    return SpecialKeys{principal, offsets};
  }

  Result<key_serial_t> collection_for_writing() {
    if (collection_ == 0) {
      KRBKIT_TRY(created, find_collection(name_, true));
      collection_ = created;
    }
    // A collection named without a cache gets the primary key MIT's resolve
    // gives it, naming the collection's first cache (this one).
    if (!primary_by_default_) return collection_;
    KRBKIT_TRY(primary_key, keys::search(collection_, "user", std::string(keyring::kPrimaryKey)));
    if (primary_key == 0)
      KRBKIT_CHECK(set_primary(collection_, name_.collection.empty() ? "tkt" : name_.collection));
    return collection_;
  }

  Result<void> fill(key_serial_t cache, const CacheContents& contents) const {
    KRBKIT_TRY(princ, serialize_principal_record(contents.default_principal));
    KRBKIT_TRY(pkey, keys::add("user", std::string(keyring::kPrincipalKey), princ, cache));
    (void)pkey;
    // Legacy readers would take the offsets key for a credential (MIT leaves it out there).
    if (contents.kdc_offset && !name_.legacy_cache()) {
      KRBKIT_TRY(okey, keys::add("user", std::string(keyring::kTimeOffsetsKey),
                                 keyring::serialize_time_offsets(*contents.kdc_offset), cache));
      (void)okey;
    }
    for (const auto& c : contents.config_entries) KRBKIT_CHECK(add_credential(cache, c));
    for (const auto& c : contents.creds) KRBKIT_CHECK(add_credential(cache, c));
    return success();
  }

  // One key per credential, named by its server as MIT's krb5_unparse_name
  // writes it: big_key where the kernel has it (not in legacy caches), else user.
  Result<void> add_credential(key_serial_t cache, const Credentials& cred) const {
    KRBKIT_TRY(payload, serialize_credential(cred, 4));
    const std::string description = unparse_principal(cred.server);
    key_serial_t key = -1;
    if (name_.anchor != "legacy") {
      key = ::add_key("big_key", description.c_str(), payload.data(), payload.size(), cache);
      if (key < 0 && errno != EINVAL && errno != ENODEV)
        return keys::error("cannot add credential key", description, errno);
    }
    if (key < 0) {
      KRBKIT_TRY(user_key, keys::add("user", description, payload, cache));
      key = user_key;
    }
    if (cred.endtime.time_since_epoch().count() > 0 && seconds_left(cred.endtime) > 1)
      (void)::keyctl_set_timeout(key, seconds_left(cred.endtime));
    return success();
  }

  static void set_expiry(key_serial_t cache, const CacheContents& contents) {
    KerberosTime last{};
    for (const auto& c : contents.creds) last = std::max(last, c.endtime);
    for (const auto& c : contents.config_entries) last = std::max(last, c.endtime);
    if (last.time_since_epoch().count() > 0) (void)::keyctl_set_timeout(cache, seconds_left(last));
  }

  KeyringName name_;
  key_serial_t collection_;
  bool primary_by_default_;
};

// Random letters and digits after krb_ccache_: seven, as MIT's unique_keyring
// makes them (its KRCC_NAME_RAND_CHARS is 8, counting the terminating NUL).
std::string unique_subsidiary() {
  static constexpr std::string_view kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device random;
  std::uniform_int_distribution<std::size_t> pick(0, kChars.size() - 1);
  std::string out(keyring::kUniquePrefix);
  for (int i = 0; i < 7; ++i) out += kChars[pick(random)];
  return out;
}

Result<std::unique_ptr<Cache>> open_cache(std::string_view residual) {
  KeyringName name = parse_keyring_residual(residual);
  KRBKIT_TRY(collection, find_collection(name, false));
  const bool by_collection = !name.has_subsidiary;
  if (by_collection) {
    KRBKIT_TRY(primary, primary_of(name, collection));
    name.subsidiary = primary;
    name.has_subsidiary = true;
  }
  return std::unique_ptr<Cache>(std::make_unique<KeyringCache>(std::move(name), collection, by_collection));
}

Result<std::vector<std::string>> collection_names(std::string_view residual) {
  const KeyringName name = parse_keyring_residual(residual);
  std::vector<std::string> out;
  KRBKIT_TRY(collection, find_collection(name, false));
  if (collection == 0) return out;
  KeyringName member = name;
  if (name.has_subsidiary) {
    // A cache named by itself is a collection of that cache alone (MIT's cursor).
    KRBKIT_TRY(cache, keys::search(collection, "keyring", name.subsidiary));
    if (cache != 0) out.push_back(member.full_name());
    return out;
  }
  KRBKIT_TRY(primary, primary_of(name, collection));
  KRBKIT_TRY(primary_cache, keys::search(collection, "keyring", primary));
  member.subsidiary = primary;
  if (primary_cache != 0) out.push_back(member.full_name());
  KRBKIT_TRY(ids, keys::list(collection, name.full_name()));
  for (key_serial_t id : ids) {
    char* description = nullptr;
    if (::keyctl_describe_alloc(id, &description) < 0) continue;
    // "type;uid;gid;perm;description"
    const std::string text = description;
    ::free(description);
    const auto last = text.rfind(';');
    if (text.rfind("keyring;", 0) != 0 || last == std::string::npos) continue;
    member.subsidiary = text.substr(last + 1);
    if (member.subsidiary != primary) out.push_back(member.full_name());
  }
  return out;
}

Result<void> switch_to_cache(std::string_view cache_residual) {
  KRBKIT_TRY(cache, open_cache(cache_residual));
  const KeyringName name = parse_keyring_residual(ccache::residual(cache->name()));
  KRBKIT_TRY(collection, find_collection(name, true));
  return set_primary(collection, name.subsidiary);
}

Result<std::unique_ptr<Cache>> new_cache(std::string_view residual) {
  KeyringName name = parse_keyring_residual(residual);
  if (name.has_subsidiary)
    return Error{Errc::unsupported,
                 "Can't create new subsidiary cache because default cache is already a subsidiary"};
  KRBKIT_TRY(collection, find_collection(name, true));
  for (int tries = 0; tries < 100; ++tries) {
    name.subsidiary = unique_subsidiary();
    KRBKIT_TRY(taken, keys::search(collection, "keyring", name.subsidiary));
    if (taken != 0) continue;
    // Reserve the name with an empty keyring: it reads as "not found" until written.
    KRBKIT_TRY(reserved, keys::add("keyring", name.subsidiary, {}, collection));
    (void)reserved;
    name.has_subsidiary = true;
    return std::unique_ptr<Cache>(std::make_unique<KeyringCache>(std::move(name), collection, false));
  }
  return Error{Errc::ccache_io, "cannot find a free cache name in " + name.full_name()};
}

std::string full_name(std::string_view residual) { return "KEYRING:" + std::string(residual); }

}  // namespace

// Failures before a cache is at hand name the cache as it was given.
Result<std::unique_ptr<Cache>> open_keyring_cache(std::string_view residual) {
  return naming_cache(open_cache(residual), full_name(residual));
}
Result<std::vector<std::string>> keyring_collection(std::string_view residual) {
  return naming_cache(collection_names(residual), full_name(residual));
}
Result<void> keyring_switch_to(std::string_view residual) {
  return naming_cache(switch_to_cache(residual), full_name(residual));
}
Result<std::unique_ptr<Cache>> new_keyring_cache(std::string_view residual) {
  return naming_cache(new_cache(residual), full_name(residual));
}

}  // namespace krbkit::ccache::detail
