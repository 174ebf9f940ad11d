// kadm5 error messages (MIT 1.20's kadm_err.et wording).

#include "krbkit/kadm5/errors.hpp"

#include <array>
#include <cstring>
#include <string>

namespace krbkit::kadm5 {
namespace {

constexpr std::array<const char*, 64> kMessages = {
    "Operation failed for unspecified reason",
    "Operation requires ``get'' privilege",
    "Operation requires ``add'' privilege",
    "Operation requires ``modify'' privilege",
    "Operation requires ``delete'' privilege",
    "Insufficient authorization for operation",
    "Database inconsistency detected",
    "Principal or policy already exists",
    "Communication failure with server",
    "No administration server found for realm",
    "Password history principal key version mismatch",
    "Connection to server not initialized",
    "Principal does not exist",
    "Policy does not exist",
    "Invalid field mask for operation",
    "Invalid number of character classes",
    "Invalid password length",
    "Illegal policy name",
    "Illegal principal name",
    "Invalid auxiliary attributes",
    "Invalid password history count",
    "Password minimum life is greater than password maximum life",
    "Password is too short",
    "Password does not contain enough character classes",
    "Password is in the password dictionary",
    "Cannot reuse password",
    "Current password's minimum life has not expired",
    "Policy is in use",
    "Connection to server already initialized",
    "Incorrect password",
    "Cannot change protected principal",
    "Programmer error! Bad Admin server handle",
    "Programmer error! Bad API structure version",
    "API structure version specified by application is no longer supported (to fix, recompile application "
    "against current KADM5 API header files and libraries)",
    "API structure version specified by application is unknown to libraries (to fix, obtain current KADM5 "
    "API "
    "header files and libraries and recompile application)",
    "Programmer error! Bad API version",
    "API version specified by application is no longer supported by libraries (to fix, update application to "
    "adhere to current API version and recompile)",
    "API version specified by application is no longer supported by server (to fix, update application to "
    "adhere "
    "to current API version and recompile)",
    "API version specified by application is unknown to libraries (to fix, obtain current KADM5 API header "
    "files "
    "and libraries and recompile application)",
    "API version specified by application is unknown to server (to fix, obtain and install newest KADM5 "
    "Admin "
    "Server)",
    "Database error! Required KADM5 principal missing",
    "The salt type of the specified principal does not support renaming",
    "Illegal configuration parameter for remote KADM5 client",
    "Illegal configuration parameter for local KADM5 client",
    "Operation requires ``list'' privilege",
    "Operation requires ``change-password'' privilege",
    "GSS-API (or Kerberos) error",
    "Programmer error! Illegal tagged data list type",
    "Required parameters in kdc.conf missing",
    "Bad krb5 admin server hostname",
    "Operation requires ``set-key'' privilege",
    "Multiple values for single or folded enctype",
    "Invalid enctype for setv4key",
    "Mismatched enctypes for setkey3",
    "Missing parameters in krb5.conf required for kadmin client",
    "XDR encoding error",
    "Cannot resolve network address for admin server in requested realm",
    "Unspecified password quality failure",
    "Invalid key/salt tuples",
    "Invalid multiple or duplicate kvnos in setkey operation",
    "Operation requires ``extract-keys'' privilege",
    "Principal keys are locked down",
    "Operation requires initial ticket",
    "Alias target must be within the same realm",
};

constexpr std::int32_t kKrb5Base = -1765328384;  // com_err table "krb5"

class Kadm5Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kadm5"; }
  std::string message(int code) const override {
    if (code >= kErrorBase && code < kErrorBase + static_cast<int>(kMessages.size()))
      return kMessages[static_cast<std::size_t>(code - kErrorBase)];
    if (code >= kKrb5Base && code < kKrb5Base + 128) return kdc_category().message(code - kKrb5Base);
    if (code > 0 && code < 4096) return std::strerror(code);
    return "Unknown code " + std::to_string(code);
  }
};

}  // namespace

const std::error_category& kadm5_category() {
  static const Kadm5Category category;
  return category;
}

}  // namespace krbkit::kadm5
