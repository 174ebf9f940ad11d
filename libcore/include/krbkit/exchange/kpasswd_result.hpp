#pragma once
// What a password server answers (RFC 3244 section 2): a 2-byte result code
// and a result string, which Active Directory fills with a binary policy
// blob instead of text. Worded as MIT's kpasswd words them.

#include <cstdint>
#include <optional>
#include <string>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/error.hpp"

namespace krbkit::exchange {

// Result codes (RFC 3244 section 2, MIT's KRB5_KPASSWD_*).
enum class KpasswdCode : std::uint16_t {
  success = 0,
  malformed = 1,            // the request was malformed
  hard_error = 2,           // the server could not process the request
  auth_error = 3,           // authentication failed
  soft_error = 4,           // the new password was refused (policy)
  access_denied = 5,        // not allowed to change this password
  bad_version = 6,          // protocol version not supported
  initial_flag_needed = 7,  // the ticket was not an initial one
  generic = 0xffff,         // "the request fails for some other reason"
};

// MIT's text for a result code: "Password change rejected", "Access denied",
// "Malformed request error", ...; "Password change failed" for others.
const char* kpasswd_code_text(std::uint16_t code);
// RFC name: "KRB5_KPASSWD_SOFTERROR"; "" for unknown codes.
const char* kpasswd_code_name(std::uint16_t code);

// Active Directory's password policy, sent in place of a result string as 30
// bytes: two zero bytes, then minimum length, history length and property
// flags (32 bits each), maximum age and minimum age (64 bits, in 100 ns).
struct AdPolicy {
  std::uint32_t min_length = 0;
  std::uint32_t history = 0;
  std::uint32_t properties = 0;  // bit 0: complexity required
  std::uint64_t max_age = 0;     // 100 ns units
  std::uint64_t min_age = 0;     // 100 ns units
};
// std::nullopt unless `result_string` is exactly such a blob.
std::optional<AdPolicy> decode_ad_policy(BytesView result_string);
// The policy as sentences, MIT's wording: "The password must contain at least
// 12 characters.  The password must be different from the previous 24
// passwords."; "" when the policy says nothing.
std::string describe_ad_policy(const AdPolicy& policy);

// What a password server answered.
struct KpasswdResult {
  std::uint16_t code = 0;
  Bytes result_string;                         // as sent: UTF-8 text, an AD policy blob, or empty
  bool from_error = false;                     // carried in a KRB-ERROR rather than a KRB-PRIV
  std::optional<std::int32_t> krb_error_code;  // the KRB-ERROR's error-code, if any

  bool ok() const { return code == 0; }
  // The server's reason, readable: the AD policy as sentences, else the text
  // when it is valid UTF-8 without NUL, else (non-empty but unreadable) MIT's
  // "Try a more complex password, or contact your administrator."; "" when
  // the server gave none.
  std::string message() const;
  // "Password change rejected: Password is too short" (code text, then the
  // message when there is one).
  std::string describe() const;
  // For callers that propagate a refusal: Errc::password_rejected with the
  // server's reason as detail ("Password change rejected (Password is too
  // short)"); other codes name themselves in the detail ("... (Access
  // denied: ...)"). An empty Error when ok().
  Error to_error() const;
};

}  // namespace krbkit::exchange
