#pragma once
// The --json documents of kinit, kdestroy and kswitch, and the error object
// every tool writes on stderr under --json. Their schemas are
// man/json/*.schema.json, described in man/krbkit-json.7:
//
//   error:    {"schema": 1, "error": {"code": "KDC_ERR_PREAUTH_FAILED", "exit_code": 3,
//              "message": "<the plain error line's text>", "principal", "realm", "kdc",
//              "kdc_time"}}   (one line; unknown members null)
//   kinit:    {"schema": 1, "mode": "initial"|"renew"|"validate", "principal", "cache", "kdc",
//              "preauth", "fast", "ticket": <a credential of klist --json>}
//   kdestroy: {"schema": 1, "destroyed": [{"cache", "principal"}], "failed": [{"cache", "error"}]}
//   kswitch:  {"schema": 1, "primary": "<cache>", "principal"}

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "krbkit/base/error.hpp"
#include "krbkit/proto/credentials.hpp"

namespace krbkit::present {

// The error object's members beside the code: what the tool knows.
struct ErrorFacts {
  int exit_code = 1;
  std::string message;                   // the plain error line without "<prog>: "
  std::optional<std::string> principal;  // the principal the command was about
  std::string code;                      // the code's name; "": error_code_name(error.code)
};
// One line, ending in "\n". The realm is the principal's; "kdc" and
// "kdc_time" come from the error (Error::kdc, Error::kdc_time).
std::string error_json(const Error& error, const ErrorFacts& facts);

// What kinit obtained (or renewed, or validated).
struct KinitOutcome {
  std::string mode = "initial";        // "initial", "renew", "validate"
  std::string cache;                   // "FILE:/tmp/krb5cc_1000"
  std::string kdc;                     // "127.0.0.1:88/udp", "" when not known
  std::optional<std::string> preauth;  // "encrypted-timestamp", "spake", "pkinit", ...; nullopt: none
  bool fast = false;                   // the exchange was armored (FAST)
};
// "ticket" is `creds` as klist --json lists a credential.
std::string kinit_json(const KinitOutcome& outcome, const Credentials& creds, KerberosTime now);

struct DestroyedCache {
  std::string cache;
  std::optional<std::string> principal;  // the cache's default principal, if it had one
  std::optional<std::string> error;      // why it could not be destroyed
};
std::string kdestroy_json(const std::vector<DestroyedCache>& caches);

std::string kswitch_json(const std::string& primary, const std::optional<std::string>& principal);

}  // namespace krbkit::present
