#pragma once
// Heimdal's kadmin protocol as bytes (sans I/O): the plaintext of the
// KRB-PRIV messages its lib/kadm5 client and kadmind exchange after
// krb5_sendauth (heimdal_session.hpp does the network).
//
// Everything is krb5_storage in big-endian order:
//   int32    4 bytes, two's complement
//   data     int32 length, then the bytes
//   string   data without a trailing NUL
//   principal  int32 name-type, int32 component count, string realm, string component...
//
//   request ::= int32 op, arguments          (op: Op below)
//   reply   ::= int32 code, results if code == 0
//
// A principal record is every field of kadm5_principal_ent_rec in Heimdal's
// order (pw_expiration before last_pwd_change; mod_name and policy behind an
// int32 "present" flag; key data as ver, kvno, enctype, key, salttype, salt;
// tl-data as type, data); the server sends keys only to a client allowed
// get-keys (else a 32-byte bogus key) and only when the mask asks.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/key.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/kadm5/types.hpp"
#include "krbkit/proto/basic_types.hpp"

namespace krbkit::kadm5::heimdal {

// enum kadm_ops (lib/kadm5/private.h).
enum class Op : std::int32_t {
  get = 0,
  del = 1,
  create = 2,
  rename = 3,
  chpass = 4,
  modify = 5,
  randkey = 6,
  get_privs = 7,
  get_princs = 8,
  chpass_with_key = 9,
  nop = 10,
};

// Heimdal's privilege bits beyond MIT's four (kadm5/admin.h).
namespace privs {
inline constexpr std::uint32_t list = 0x10, cpw = 0x20, get_keys = 0x40;
}

class StoreWriter {
 public:
  void i32(std::int32_t v) { put_u32be(out_, static_cast<std::uint32_t>(v)); }
  void data(BytesView b);
  void string(std::string_view s) { data(as_bytes(s)); }
  void principal(const Principal& p);
  const Bytes& bytes() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

// Reads fields in turn; the first short or impossible field stops it, and
// status() then names it ("Heimdal kadmin reply: principal.realm: 3 bytes
// left, 9 wanted").
class StoreReader {
 public:
  explicit StoreReader(BytesView in) : in_(in) {}
  std::int32_t i32(const char* field);
  std::int16_t i16(const char* field);
  Bytes data(const char* field);
  std::string string(const char* field);
  Principal principal(const char* field);
  // A count of items each at least `min_item` bytes long, refused when the
  // rest of the message cannot hold them (or it is negative).
  std::size_t count(const char* field, std::size_t min_item);
  bool ok() const { return error_.empty(); }
  std::size_t remaining() const { return in_.size() - pos_; }
  Result<void> status() const;
  void fail(const char* field, const std::string& why);

 private:
  BytesView in_;
  std::size_t pos_ = 0;
  std::string error_;
};

// Puts every field of `entry` (Heimdal's kadm5_store_principal_ent: all of
// them, key data and tl-data included). Errc::invalid_argument for a name
// that does not parse.
Result<void> put_principal_entry(StoreWriter& w, const PrincipalEntry& entry);

// A principal record as the server sends it, with the key contents when
// they are real (ExtractedKey per key; empty when the server sent bogus keys).
struct EntryWithKeys {
  PrincipalEntry entry;
  std::vector<ExtractedKey> keys;
};
EntryWithKeys get_principal_entry(StoreReader& r);

// The first message after sendauth: kadm5_config_params with only the realm.
Bytes params_message(std::string_view realm);

// Requests. Names are full names with a realm ("alice@REALM"); a name that
// does not parse is Errc::invalid_argument.
Result<Bytes> get_request(std::string_view name, std::uint32_t mask);
Result<Bytes> delete_request(std::string_view name);
Result<Bytes> create_request(const PrincipalEntry& entry, std::uint32_t mask, std::string_view password);
Result<Bytes> modify_request(const PrincipalEntry& entry, std::uint32_t mask);
Result<Bytes> rename_request(std::string_view from, std::string_view to);
Result<Bytes> chpass_request(std::string_view name, std::string_view password, bool keepold);
Result<Bytes> randkey_request(std::string_view name, bool keepold,
                              const std::optional<std::vector<KeySalt>>& ks);
Bytes get_privs_request();
Bytes get_princs_request(const std::optional<std::string_view>& expression);

// Replies. A non-zero code is code_error(code); a reply that does not read
// is Errc::parse.
Result<void> read_code_reply(BytesView reply);
Result<EntryWithKeys> read_get_reply(BytesView reply);
Result<std::vector<Key>> read_randkey_reply(BytesView reply);
Result<std::uint32_t> read_privs_reply(BytesView reply);
Result<std::vector<std::string>> read_princs_reply(BytesView reply);

// A code from Heimdal's kadmind as the error MIT's client would report:
// Heimdal's kadm5 table is MIT's up to AUTH_CHANGEPW and differs after it
// (no GSS_ERROR), so its later codes are moved to MIT's entry of the same
// meaning, or keep Heimdal's own words where MIT has none.
Error code_error(std::int32_t code);

}  // namespace krbkit::kadm5::heimdal
