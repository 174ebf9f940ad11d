#pragma once
// The environment variables the tools read, read once at start-up.
//
// Like MIT, KRB5_CONFIG and KRB5_TRACE (and the cache and keytab names) are
// read with secure_getenv(), so a set-uid program ignores them.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "krbkit/base/result.hpp"

namespace krbkit {

namespace config {
class Profile;
}

struct Environment {
  std::optional<std::string> krb5_config;         // KRB5_CONFIG: colon-separated files
  std::optional<std::string> krb5ccname;          // KRB5CCNAME
  std::optional<std::string> krb5_ktname;         // KRB5_KTNAME
  std::optional<std::string> krb5_client_ktname;  // KRB5_CLIENT_KTNAME
  std::optional<std::string> krb5_trace;          // KRB5_TRACE: trace file

  static Environment from_process();
  // For tests: the variables from a map (missing keys are unset).
  static Environment from_map(const std::map<std::string, std::string>& vars);

  // KRB5_CONFIG split at ':' (empty parts dropped), else /etc/krb5.conf.
  std::vector<std::string> config_files() const;
};

namespace config {
// Loads the profile from env.config_files() (missing files are skipped).
Result<Profile> load_profile(const Environment& env);
}  // namespace config

}  // namespace krbkit
