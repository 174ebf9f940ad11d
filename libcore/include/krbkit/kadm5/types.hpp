#pragma once
// kadm5 data as MIT's kadmind sends it (shared/protocols/kadmin-mit.md 3):
// principal and policy records, field masks, key/salt tuples, and the
// program constants.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/enctype.hpp"
#include "krbkit/base/key.hpp"

namespace krbkit::kadm5 {

inline constexpr std::uint32_t kProgram = 2112;  // KADM
inline constexpr std::uint32_t kVersion = 2;     // KADMVERS
inline constexpr std::uint32_t kApiVersion2 = 0x12345702;
inline constexpr std::uint32_t kApiVersion3 = 0x12345703;
inline constexpr std::uint32_t kApiVersion4 = 0x12345704;

// Procedure numbers (MIT kadm_rpc.h).
enum class Proc : std::uint32_t {
  create_principal = 1,
  delete_principal = 2,
  modify_principal = 3,
  rename_principal = 4,
  get_principal = 5,
  chpass_principal = 6,
  chrand_principal = 7,
  create_policy = 8,
  delete_policy = 9,
  modify_policy = 10,
  get_policy = 11,
  get_privs = 12,
  init = 13,
  get_princs = 14,
  get_pols = 15,
  setkey_principal = 16,
  create_principal3 = 18,
  chpass_principal3 = 19,
  chrand_principal3 = 20,
  setkey_principal3 = 21,
  purgekeys = 22,
  get_strings = 23,
  set_string = 24,
  setkey_principal4 = 25,
  extract_keys = 26,
};

// Principal field masks (admin.h).
namespace princ_mask {
inline constexpr std::uint32_t principal = 0x000001;
inline constexpr std::uint32_t princ_expire_time = 0x000002;
inline constexpr std::uint32_t pw_expiration = 0x000004;
inline constexpr std::uint32_t last_pwd_change = 0x000008;
inline constexpr std::uint32_t attributes = 0x000010;
inline constexpr std::uint32_t max_life = 0x000020;
inline constexpr std::uint32_t mod_time = 0x000040;
inline constexpr std::uint32_t mod_name = 0x000080;
inline constexpr std::uint32_t kvno = 0x000100;
inline constexpr std::uint32_t mkvno = 0x000200;
inline constexpr std::uint32_t aux_attributes = 0x000400;
inline constexpr std::uint32_t policy = 0x000800;
inline constexpr std::uint32_t policy_clr = 0x001000;
inline constexpr std::uint32_t max_rlife = 0x002000;
inline constexpr std::uint32_t last_success = 0x004000;
inline constexpr std::uint32_t last_failed = 0x008000;
inline constexpr std::uint32_t fail_auth_count = 0x010000;
inline constexpr std::uint32_t key_data = 0x020000;
inline constexpr std::uint32_t tl_data = 0x040000;
inline constexpr std::uint32_t normal = 0x41ffff;  // KADM5_PRINCIPAL_NORMAL_MASK
}  // namespace princ_mask

// Policy field masks (admin.h).
namespace policy_mask {
inline constexpr std::uint32_t policy = 0x00000800;
inline constexpr std::uint32_t pw_max_life = 0x00004000;
inline constexpr std::uint32_t pw_min_life = 0x00008000;
inline constexpr std::uint32_t pw_min_length = 0x00010000;
inline constexpr std::uint32_t pw_min_classes = 0x00020000;
inline constexpr std::uint32_t pw_history_num = 0x00040000;
inline constexpr std::uint32_t pw_max_failure = 0x00100000;
inline constexpr std::uint32_t pw_failure_count_interval = 0x00200000;
inline constexpr std::uint32_t pw_lockout_duration = 0x00400000;
inline constexpr std::uint32_t attributes = 0x00800000;
inline constexpr std::uint32_t max_life = 0x01000000;
inline constexpr std::uint32_t max_rlife = 0x02000000;
inline constexpr std::uint32_t allowed_keysalts = 0x04000000;
}  // namespace policy_mask

// Privilege bits of GET_PRIVS.
namespace privs {
inline constexpr std::uint32_t get = 0x01, add = 0x02, modify = 0x04, remove = 0x08;
}

// tl_data types clients send (kdb.h).
namespace tl_type {
inline constexpr std::int32_t last_admin_unlock = 0x0700;
inline constexpr std::int32_t db_args = 0x7fff;
}  // namespace tl_type

struct TlData {
  std::int32_t type = 0;
  Bytes contents;
  friend bool operator==(const TlData&, const TlData&) = default;
};

// krb5_key_data without the key bytes (what principal records carry).
struct KeyInfo {
  std::int32_t ver = 1;  // 1: no salt type on the wire
  std::uint32_t kvno = 0;
  std::int32_t enctype = 0;
  std::int32_t salttype = 0;
  friend bool operator==(const KeyInfo&, const KeyInfo&) = default;
};

// kadm5_principal_ent_rec. Names are unparsed ("alice@REALM"); times are
// Unix seconds, 0 = never.
struct PrincipalEntry {
  std::string principal;
  std::int32_t princ_expire_time = 0;
  std::int32_t last_pwd_change = 0;
  std::int32_t pw_expiration = 0;
  std::int32_t max_life = 0;
  std::optional<std::string> mod_name;
  std::int32_t mod_date = 0;
  std::int32_t attributes = 0;
  std::uint32_t kvno = 0;
  std::uint32_t mkvno = 0;
  std::optional<std::string> policy;
  std::int32_t aux_attributes = 0;
  std::int32_t max_renewable_life = 0;
  std::int32_t last_success = 0;
  std::int32_t last_failed = 0;
  std::uint32_t fail_auth_count = 0;
  std::int32_t n_key_data = 0;
  std::vector<TlData> tl_data;
  std::vector<KeyInfo> key_data;
  friend bool operator==(const PrincipalEntry&, const PrincipalEntry&) = default;
};

// kadm5_policy_ent_rec; which fields travel depends on the API version.
struct PolicyEntry {
  std::string name;
  std::int32_t pw_min_life = 0;
  std::int32_t pw_max_life = 0;
  std::int32_t pw_min_length = 0;
  std::int32_t pw_min_classes = 0;
  std::int32_t pw_history_num = 0;
  std::int32_t policy_refcnt = 0;
  std::uint32_t pw_max_fail = 0;                // v3
  std::int32_t pw_failcnt_interval = 0;         // v3
  std::int32_t pw_lockout_duration = 0;         // v3
  std::int32_t attributes = 0;                  // v4
  std::int32_t max_life = 0;                    // v4
  std::int32_t max_renewable_life = 0;          // v4
  std::optional<std::string> allowed_keysalts;  // v4
  std::vector<TlData> tl_data;                  // v4
  friend bool operator==(const PolicyEntry&, const PolicyEntry&) = default;
};

struct KeySalt {
  Enctype enctype = Enctype::null;
  std::int32_t salttype = 0;  // 0 normal
  friend bool operator==(const KeySalt&, const KeySalt&) = default;
};

// A key with its version and salt (EXTRACT_KEYS).
struct ExtractedKey {
  std::uint32_t kvno = 0;
  Key key;
  std::int32_t salttype = 0;
  Bytes salt;
};

}  // namespace krbkit::kadm5
