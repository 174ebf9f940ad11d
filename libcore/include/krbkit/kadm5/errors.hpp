#pragma once
// kadm5 result codes (com_err table "ovk", base 43787520) with MIT's messages.
// The server's `code` field can also hold krb5 codes (base -1765328384) and
// errno values; kadm5_category() words those too.

#include <cstdint>
#include <system_error>

#include "krbkit/base/result.hpp"

namespace krbkit::kadm5 {

inline constexpr std::int32_t kErrorBase = 43787520;

// Table order (MIT kadm_err.et).
enum class Code : std::int32_t {
  failure = kErrorBase,
  auth_get,
  auth_add,
  auth_modify,
  auth_delete,
  auth_insufficient,
  bad_db,
  dup,
  rpc_error,
  no_srv,
  bad_hist_key,
  not_init,
  unk_princ,
  unk_policy,
  bad_mask,
  bad_class,
  bad_length,
  bad_policy,
  bad_principal,
  bad_aux_attr,
  bad_history,
  bad_min_pass_life,
  pass_q_tooshort,
  pass_q_class,
  pass_q_dict,
  pass_reuse,
  pass_toosoon,
  policy_ref,
  init,
  bad_password,
  protect_principal,
  bad_server_handle,
  bad_struct_version,
  old_struct_version,
  new_struct_version,
  bad_api_version,
  old_lib_api_version,
  old_server_api_version,
  new_lib_api_version,
  new_server_api_version,
  secure_princ_missing,
  no_rename_salt,
  bad_client_params,
  bad_server_params,
  auth_list,
  auth_changepw,
  gss_error,
  bad_tl_type,
  missing_conf_params,
  bad_server_name,
  auth_setkey,
  setkey_dup_enctypes,
  setv4key_inval,
  setkey3_etype_mismatch,
  missing_krb5_conf_params,
  xdr_failure,
  cant_resolve,
  pass_q_generic,
  bad_keysalts,
  setkey_bad_kvno,
  auth_extract,
  protect_keys,
  auth_initial,
  alias_realm,
};

const std::error_category& kadm5_category();
// Any code from the server (kadm5, krb5 or errno) as an error_code.
inline std::error_code make_error_code(Code c) { return {static_cast<int>(c), kadm5_category()}; }
inline std::error_code server_code(std::uint32_t code) { return {static_cast<int>(code), kadm5_category()}; }

// True when `e` carries this kadm5 code.
inline bool is(const Error& e, Code c) { return e.code == make_error_code(c); }

}  // namespace krbkit::kadm5

template <>
struct std::is_error_code_enum<krbkit::kadm5::Code> : std::true_type {};
