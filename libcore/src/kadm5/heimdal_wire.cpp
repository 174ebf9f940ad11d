// Heimdal's kadmin messages (layouts: heimdal_wire.hpp; facts from Heimdal
// 7.8's lib/kadm5/marshall.c, *_c.c and kadmin/server.c).

#include "krbkit/kadm5/heimdal_wire.hpp"

#include <fmt/format.h>

#include "krbkit/kadm5/errors.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::kadm5::heimdal {

void StoreWriter::data(BytesView b) {
  put_u32be(out_, static_cast<std::uint32_t>(b.size()));
  out_.insert(out_.end(), b.begin(), b.end());
}

void StoreWriter::principal(const Principal& p) {
  i32(static_cast<std::int32_t>(p.type));
  i32(static_cast<std::int32_t>(p.components.size()));
  string(p.realm);
  for (const auto& c : p.components) string(c);
}

void StoreReader::fail(const char* field, const std::string& why) {
  if (error_.empty()) error_ = fmt::format("{}: {}", field, why);
}

Result<void> StoreReader::status() const {
  if (error_.empty()) return success();
  return Error{Errc::parse, "Heimdal kadmin reply: " + error_};
}

std::int32_t StoreReader::i32(const char* field) {
  if (!ok()) return 0;
  if (remaining() < 4) {
    fail(field, fmt::format("{} bytes left, 4 wanted", remaining()));
    return 0;
  }
  const auto v = static_cast<std::int32_t>(get_u32be(in_.data() + pos_));
  pos_ += 4;
  return v;
}

std::int16_t StoreReader::i16(const char* field) {
  if (!ok()) return 0;
  if (remaining() < 2) {
    fail(field, fmt::format("{} bytes left, 2 wanted", remaining()));
    return 0;
  }
  const auto v = static_cast<std::int16_t>(get_u16be(in_.data() + pos_));
  pos_ += 2;
  return v;
}

Bytes StoreReader::data(const char* field) {
  const std::int32_t n = i32(field);
  if (!ok()) return {};
  if (n < 0 || static_cast<std::size_t>(n) > remaining()) {
    fail(field, fmt::format("length {} but {} bytes left", n, remaining()));
    return {};
  }
  Bytes out(in_.begin() + static_cast<std::ptrdiff_t>(pos_),
            in_.begin() + static_cast<std::ptrdiff_t>(pos_) + n);
  pos_ += static_cast<std::size_t>(n);
  return out;
}

std::string StoreReader::string(const char* field) {
  Bytes b = data(field);
  return std::string(b.begin(), b.end());
}

std::size_t StoreReader::count(const char* field, std::size_t min_item) {
  const std::int32_t n = i32(field);
  if (!ok()) return 0;
  if (n < 0 || static_cast<std::size_t>(n) > remaining() / min_item) {
    fail(field, fmt::format("count {} does not fit in {} bytes", n, remaining()));
    return 0;
  }
  return static_cast<std::size_t>(n);
}

Principal StoreReader::principal(const char* field) {
  Principal p;
  p.type = static_cast<NameType>(i32(field));
  const std::size_t n = count(field, 4);
  p.realm = string(field);
  for (std::size_t i = 0; i < n && ok(); ++i) p.components.push_back(string(field));
  return p;
}

namespace {

Result<Principal> parse_full(std::string_view name) {
  PrincipalParseFlags flags;
  flags.require_realm = true;
  return parse_principal(name, {}, flags);
}

StoreWriter op_writer(Op op) {
  StoreWriter w;
  w.i32(static_cast<std::int32_t>(op));
  return w;
}

// A request of an op and one principal.
Result<StoreWriter> op_naming(Op op, std::string_view name) {
  KRBKIT_TRY(p, parse_full(name));
  StoreWriter w = op_writer(op);
  w.principal(p);
  return w;
}

// The reply's code; the reader is left at the results.
Result<void> read_code(StoreReader& r) {
  const std::int32_t code = r.i32("code");
  KRBKIT_CHECK(r.status());
  if (code != 0) return code_error(code);
  return success();
}

void put_key_info(StoreWriter& w, const KeyInfo& k) {
  w.i32(k.ver);
  w.i32(static_cast<std::int32_t>(k.kvno));
  w.i32(k.enctype);
  w.data({});
  w.i32(k.salttype);
  w.data({});
}

}  // namespace

Result<void> put_principal_entry(StoreWriter& w, const PrincipalEntry& e) {
  KRBKIT_TRY(principal, parse_full(e.principal));
  std::optional<Principal> mod_name;
  if (e.mod_name) {
    KRBKIT_TRY(m, parse_full(*e.mod_name));
    mod_name = std::move(m);
  }
  w.principal(principal);
  w.i32(e.princ_expire_time);
  w.i32(e.pw_expiration);
  w.i32(e.last_pwd_change);
  w.i32(e.max_life);
  w.i32(mod_name ? 1 : 0);
  if (mod_name) w.principal(*mod_name);
  w.i32(e.mod_date);
  w.i32(e.attributes);
  w.i32(static_cast<std::int32_t>(e.kvno));
  w.i32(static_cast<std::int32_t>(e.mkvno));
  w.i32(e.policy ? 1 : 0);
  if (e.policy) w.string(*e.policy);
  w.i32(e.aux_attributes);
  w.i32(e.max_renewable_life);
  w.i32(e.last_success);
  w.i32(e.last_failed);
  w.i32(static_cast<std::int32_t>(e.fail_auth_count));
  w.i32(static_cast<std::int32_t>(e.key_data.size()));
  for (const auto& k : e.key_data) put_key_info(w, k);
  w.i32(static_cast<std::int32_t>(e.tl_data.size()));
  for (const auto& t : e.tl_data) {
    w.i32(t.type);
    w.data(t.contents);
  }
  return success();
}

namespace {

// Heimdal's salt types (hdb) as MIT's: pw-salt with the principal's
// default salt is "normal", with another salt (aes-sha2's random ones)
// "special"; afs3 is afs3.
std::int32_t mit_salttype(std::int32_t heimdal, const Bytes& salt, const std::string& default_salt) {
  constexpr std::int32_t kPwSalt = 3, kAfs3Salt = 10;
  constexpr std::int32_t kMitNormal = 0, kMitSpecial = 4, kMitAfs3 = 5;
  if (heimdal == kPwSalt) return as_chars(salt) == default_salt ? kMitNormal : kMitSpecial;
  if (heimdal == kAfs3Salt) return kMitAfs3;
  return heimdal;
}

// Key data: ver, kvno, enctype, key, salttype, salt. The key is real when it
// is not Heimdal's placeholder (KADM5_BOGUS_KEY_DATA, four 0xe5 bytes).
void get_key_data(StoreReader& r, EntryWithKeys& out, const std::string& default_salt) {
  static constexpr std::string_view kBogus = "\xe5\xe5\xe5\xe5";
  const std::size_t n = r.count("key_data.count", 24);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    KeyInfo k;
    k.ver = r.i32("key_data.ver");
    k.kvno = static_cast<std::uint32_t>(r.i32("key_data.kvno"));
    k.enctype = r.i32("key_data.enctype");
    Bytes key = r.data("key_data.key");
    k.salttype = r.i32("key_data.salttype");
    Bytes salt = r.data("key_data.salt");
    if (!r.ok()) break;
    k.salttype = mit_salttype(k.salttype, salt, default_salt);
    if (!key.empty() && as_chars(key) != kBogus)
      out.keys.push_back(
          ExtractedKey{k.kvno, Key{static_cast<Enctype>(k.enctype), SecretBytes(key)}, k.salttype, salt});
    secure_wipe(key.data(), key.size());
    out.entry.key_data.push_back(k);
  }
  out.entry.n_key_data = static_cast<std::int32_t>(out.entry.key_data.size());
}

std::optional<std::string> flagged_principal(StoreReader& r, const char* field) {
  if (r.i32(field) == 0) return std::nullopt;
  Principal p = r.principal(field);
  return r.ok() ? std::optional<std::string>(unparse_principal(p)) : std::nullopt;
}

}  // namespace

EntryWithKeys get_principal_entry(StoreReader& r) {
  EntryWithKeys out;
  PrincipalEntry& e = out.entry;
  Principal principal = r.principal("principal");
  if (r.ok()) e.principal = unparse_principal(principal);
  std::string default_salt = principal.realm;
  for (const auto& c : principal.components) default_salt += c;
  e.princ_expire_time = r.i32("princ_expire_time");
  e.pw_expiration = r.i32("pw_expiration");
  e.last_pwd_change = r.i32("last_pwd_change");
  e.max_life = r.i32("max_life");
  e.mod_name = flagged_principal(r, "mod_name");
  e.mod_date = r.i32("mod_date");
  e.attributes = r.i32("attributes");
  e.kvno = static_cast<std::uint32_t>(r.i32("kvno"));
  e.mkvno = static_cast<std::uint32_t>(r.i32("mkvno"));
  if (r.i32("policy") != 0) e.policy = r.string("policy");
  e.aux_attributes = r.i32("aux_attributes");
  e.max_renewable_life = r.i32("max_renewable_life");
  e.last_success = r.i32("last_success");
  e.last_failed = r.i32("last_failed");
  e.fail_auth_count = static_cast<std::uint32_t>(r.i32("fail_auth_count"));
  get_key_data(r, out, default_salt);
  const std::size_t n_tl = r.count("tl_data.count", 8);
  for (std::size_t i = 0; i < n_tl && r.ok(); ++i) {
    TlData t;
    t.type = r.i32("tl_data.type");
    t.contents = r.data("tl_data.contents");
    if (r.ok()) e.tl_data.push_back(std::move(t));
  }
  return out;
}

Bytes params_message(std::string_view realm) {
  constexpr std::int32_t kConfigRealm = 0x1;  // KADM5_CONFIG_REALM
  StoreWriter w;
  w.i32(kConfigRealm);
  w.string(realm);
  return w.take();
}

Result<Bytes> get_request(std::string_view name, std::uint32_t mask) {
  KRBKIT_TRY(w, op_naming(Op::get, name));
  w.i32(static_cast<std::int32_t>(mask));
  return w.take();
}

Result<Bytes> delete_request(std::string_view name) {
  KRBKIT_TRY(w, op_naming(Op::del, name));
  return w.take();
}

Result<Bytes> create_request(const PrincipalEntry& entry, std::uint32_t mask, std::string_view password) {
  StoreWriter w = op_writer(Op::create);
  KRBKIT_CHECK(put_principal_entry(w, entry));
  w.i32(static_cast<std::int32_t>(mask));
  w.string(password);
  return w.take();
}

Result<Bytes> modify_request(const PrincipalEntry& entry, std::uint32_t mask) {
  StoreWriter w = op_writer(Op::modify);
  KRBKIT_CHECK(put_principal_entry(w, entry));
  w.i32(static_cast<std::int32_t>(mask));
  return w.take();
}

Result<Bytes> rename_request(std::string_view from, std::string_view to) {
  KRBKIT_TRY(w, op_naming(Op::rename, from));
  KRBKIT_TRY(target, parse_full(to));
  w.principal(target);
  return w.take();
}

Result<Bytes> chpass_request(std::string_view name, std::string_view password, bool keepold) {
  KRBKIT_TRY(w, op_naming(Op::chpass, name));
  w.string(password);
  w.i32(keepold ? 1 : 0);
  return w.take();
}

// Optional trailing items, each present when any after it is (randkey_c.c).
Result<Bytes> randkey_request(std::string_view name, bool keepold,
                              const std::optional<std::vector<KeySalt>>& ks) {
  KRBKIT_TRY(w, op_naming(Op::randkey, name));
  const bool tuples = ks && !ks->empty();
  if (keepold || tuples) w.i32(keepold ? 1 : 0);
  if (tuples) {
    w.i32(static_cast<std::int32_t>(ks->size()));
    for (const auto& t : *ks) {
      w.i32(static_cast<std::int32_t>(t.enctype));
      w.i32(t.salttype);
    }
  }
  return w.take();
}

Bytes get_privs_request() { return op_writer(Op::get_privs).take(); }

Bytes get_princs_request(const std::optional<std::string_view>& expression) {
  StoreWriter w = op_writer(Op::get_princs);
  w.i32(expression ? 1 : 0);
  if (expression) w.string(*expression);
  return w.take();
}

Result<void> read_code_reply(BytesView reply) {
  StoreReader r(reply);
  return read_code(r);
}

Result<EntryWithKeys> read_get_reply(BytesView reply) {
  StoreReader r(reply);
  KRBKIT_CHECK(read_code(r));
  EntryWithKeys out = get_principal_entry(r);
  KRBKIT_CHECK(r.status());
  return out;
}

// Keyblocks: int16 enctype, data key (krb5_ret_keyblock).
Result<std::vector<Key>> read_randkey_reply(BytesView reply) {
  StoreReader r(reply);
  KRBKIT_CHECK(read_code(r));
  const std::size_t n = r.count("keys.count", 6);
  std::vector<Key> keys;
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    const std::int16_t enctype = r.i16("keys.enctype");
    Bytes value = r.data("keys.value");
    keys.emplace_back(static_cast<Enctype>(enctype), SecretBytes(value));
    secure_wipe(value.data(), value.size());
  }
  KRBKIT_CHECK(r.status());
  return keys;
}

Result<std::uint32_t> read_privs_reply(BytesView reply) {
  StoreReader r(reply);
  KRBKIT_CHECK(read_code(r));
  const auto privs = static_cast<std::uint32_t>(r.i32("privileges"));
  KRBKIT_CHECK(r.status());
  return privs;
}

Result<std::vector<std::string>> read_princs_reply(BytesView reply) {
  StoreReader r(reply);
  KRBKIT_CHECK(read_code(r));
  const std::size_t n = r.count("names.count", 4);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n && r.ok(); ++i) names.push_back(r.string("names"));
  KRBKIT_CHECK(r.status());
  return names;
}

Error code_error(std::int32_t code) {
  // Heimdal's kadm5_err.et from BAD_TL_TYPE on (MIT has GSS_ERROR before it).
  struct Later {
    std::optional<Code> mit;
    const char* heimdal_words;
  };
  static constexpr Later kLater[] = {
      {Code::bad_tl_type, nullptr},
      {Code::missing_conf_params, nullptr},
      {Code::bad_server_name, nullptr},
      {std::nullopt, "Key/salt tuples not supported by this function"},
      {Code::setkey3_etype_mismatch, nullptr},
      {std::nullopt, "Given usage of kadm5_decrypt() not supported"},
      {std::nullopt, "Policy operations not supported"},
      {std::nullopt, "Keep old keys option not supported"},
      {Code::auth_extract, nullptr},
      {std::nullopt, "Database already locked"},
      {std::nullopt, "Database not locked"},
      {std::nullopt, "Incremental propagation log got corrupted"},
      {std::nullopt, "Incremental propagation log must be upgraded"},
  };
  const std::int32_t first_later = static_cast<std::int32_t>(Code::gss_error);
  // In 64 bits: any int32 may come from the server.
  const std::int64_t index = std::int64_t{code} - first_later;
  if (index < 0 || index >= static_cast<std::int64_t>(std::size(kLater)))
    return Error{server_code(static_cast<std::uint32_t>(code))};
  const Later& later = kLater[static_cast<std::size_t>(index)];
  if (later.mit) return Error{*later.mit};
  return Error{Code::failure, later.heimdal_words};
}

}  // namespace krbkit::kadm5::heimdal
