#pragma once
// The environment variables krbkit reads. Every read goes through here, with
// secure_getenv() as MIT reads them, so a set-uid or set-gid program ignores
// them all. A variable set to "" is "" here; each reader decides what that
// means (an empty KRB5CCNAME is ignored, an empty KRB5_CONFIG names no file).

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace krbkit {

struct Environment {
  std::optional<std::string> krb5_config;           // KRB5_CONFIG: colon-separated files
  std::optional<std::string> krb5ccname;            // KRB5CCNAME
  std::optional<std::string> krb5_ktname;           // KRB5_KTNAME
  std::optional<std::string> krb5_client_ktname;    // KRB5_CLIENT_KTNAME
  std::optional<std::string> krb5_trace;            // KRB5_TRACE: trace file
  std::optional<std::string> tmpdir;                // TMPDIR: %{TEMP} in paths
  std::optional<std::string> user;                  // USER: kadmin's default principal
  std::optional<std::string> home;                  // HOME: kadmin's and ktutil's history files
  std::optional<std::string> krbkit_klist_decode;   // KRBKIT_KLIST_DECODE: klist's decoder helper
  std::optional<std::string> krbkit_test_crash_at;  // KRBKIT_TEST_CRASH_AT: fileio::crash_point's step
  std::optional<std::string> no_color;              // NO_COLOR: no colour in klist -H

  static Environment from_process();
  // A variable krb5.conf names (http_anchors = ENV:NAME), read the same way.
  static std::optional<std::string> named(const std::string& name);
  // For tests: the variables from a map (missing keys are unset).
  static Environment from_map(const std::map<std::string, std::string>& vars);

  // KRB5_CONFIG split at ':' (empty parts dropped), else /etc/krb5.conf.
  std::vector<std::string> config_files() const;
};

}  // namespace krbkit
