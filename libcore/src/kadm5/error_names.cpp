#include "krbkit/kadm5/error_names.hpp"

#include <array>
#include <cstring>

#include "krbkit/base/error_facts.hpp"
#include "krbkit/kadm5/errors.hpp"

namespace krbkit::kadm5 {
namespace {

// Code's enumerators in order, as MIT's kadm_err.et names them.
constexpr std::array<const char*, 64> kNames = {"KADM5_FAILURE",
                                                "KADM5_AUTH_GET",
                                                "KADM5_AUTH_ADD",
                                                "KADM5_AUTH_MODIFY",
                                                "KADM5_AUTH_DELETE",
                                                "KADM5_AUTH_INSUFFICIENT",
                                                "KADM5_BAD_DB",
                                                "KADM5_DUP",
                                                "KADM5_RPC_ERROR",
                                                "KADM5_NO_SRV",
                                                "KADM5_BAD_HIST_KEY",
                                                "KADM5_NOT_INIT",
                                                "KADM5_UNK_PRINC",
                                                "KADM5_UNK_POLICY",
                                                "KADM5_BAD_MASK",
                                                "KADM5_BAD_CLASS",
                                                "KADM5_BAD_LENGTH",
                                                "KADM5_BAD_POLICY",
                                                "KADM5_BAD_PRINCIPAL",
                                                "KADM5_BAD_AUX_ATTR",
                                                "KADM5_BAD_HISTORY",
                                                "KADM5_BAD_MIN_PASS_LIFE",
                                                "KADM5_PASS_Q_TOOSHORT",
                                                "KADM5_PASS_Q_CLASS",
                                                "KADM5_PASS_Q_DICT",
                                                "KADM5_PASS_REUSE",
                                                "KADM5_PASS_TOOSOON",
                                                "KADM5_POLICY_REF",
                                                "KADM5_INIT",
                                                "KADM5_BAD_PASSWORD",
                                                "KADM5_PROTECT_PRINCIPAL",
                                                "KADM5_BAD_SERVER_HANDLE",
                                                "KADM5_BAD_STRUCT_VERSION",
                                                "KADM5_OLD_STRUCT_VERSION",
                                                "KADM5_NEW_STRUCT_VERSION",
                                                "KADM5_BAD_API_VERSION",
                                                "KADM5_OLD_LIB_API_VERSION",
                                                "KADM5_OLD_SERVER_API_VERSION",
                                                "KADM5_NEW_LIB_API_VERSION",
                                                "KADM5_NEW_SERVER_API_VERSION",
                                                "KADM5_SECURE_PRINC_MISSING",
                                                "KADM5_NO_RENAME_SALT",
                                                "KADM5_BAD_CLIENT_PARAMS",
                                                "KADM5_BAD_SERVER_PARAMS",
                                                "KADM5_AUTH_LIST",
                                                "KADM5_AUTH_CHANGEPW",
                                                "KADM5_GSS_ERROR",
                                                "KADM5_BAD_TL_TYPE",
                                                "KADM5_MISSING_CONF_PARAMS",
                                                "KADM5_BAD_SERVER_NAME",
                                                "KADM5_AUTH_SETKEY",
                                                "KADM5_SETKEY_DUP_ENCTYPES",
                                                "KADM5_SETV4KEY_INVAL",
                                                "KADM5_SETKEY3_ETYPE_MISMATCH",
                                                "KADM5_MISSING_KRB5_CONF_PARAMS",
                                                "KADM5_XDR_FAILURE",
                                                "KADM5_CANT_RESOLVE",
                                                "KADM5_PASS_Q_GENERIC",
                                                "KADM5_BAD_KEYSALTS",
                                                "KADM5_SETKEY_BAD_KVNO",
                                                "KADM5_AUTH_EXTRACT",
                                                "KADM5_PROTECT_KEYS",
                                                "KADM5_AUTH_INITIAL",
                                                "KADM5_ALIAS_REALM"};
static_assert(static_cast<std::size_t>(Code::alias_realm) - kErrorBase + 1 == kNames.size(),
              "a name for every kadm5 code");

constexpr std::int32_t kKrb5Base = -1765328384;  // com_err table "krb5" (as errors.cpp)

}  // namespace

std::string error_name(const std::error_code& code) {
  if (code.category() != kadm5_category()) return "";
  const int value = code.value();
  if (value >= kErrorBase && value - kErrorBase < static_cast<int>(kNames.size()))
    return kNames[static_cast<std::size_t>(value - kErrorBase)];
  if (value >= kKrb5Base && value < kKrb5Base + 128) return error_code_name(kdc_error(value - kKrb5Base));
  if (value > 0 && value < 4096) return error_code_name(std::error_code(value, std::system_category()));
  return "KADM5_" + std::to_string(value);
}

}  // namespace krbkit::kadm5
