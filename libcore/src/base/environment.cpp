#include "krbkit/base/environment.hpp"

#include <cstdlib>

namespace krbkit {
namespace {
// Fills every field from `get(name)`.
template <class Get>
Environment read_variables(Get&& get) {
  Environment e;
  e.krb5_config = get("KRB5_CONFIG");
  e.krb5ccname = get("KRB5CCNAME");
  e.krb5_ktname = get("KRB5_KTNAME");
  e.krb5_client_ktname = get("KRB5_CLIENT_KTNAME");
  e.krb5_trace = get("KRB5_TRACE");
  e.tmpdir = get("TMPDIR");
  e.user = get("USER");
  e.home = get("HOME");
  e.krbkit_klist_decode = get("KRBKIT_KLIST_DECODE");
  e.krbkit_test_crash_at = get("KRBKIT_TEST_CRASH_AT");
  e.no_color = get("NO_COLOR");
  return e;
}
}  // namespace

Environment Environment::from_process() {
  return read_variables([](const char* name) -> std::optional<std::string> {
    const char* value = ::secure_getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  });
}

std::optional<std::string> Environment::named(const std::string& name) {
  const char* value = ::secure_getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Environment Environment::from_map(const std::map<std::string, std::string>& vars) {
  return read_variables([&](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

std::vector<std::string> Environment::config_files() const {
  if (!krb5_config) return {"/etc/krb5.conf"};
  std::vector<std::string> files;
  std::string_view rest = *krb5_config;
  while (true) {
    auto colon = rest.find(':');
    auto part = rest.substr(0, colon);
    if (!part.empty()) files.emplace_back(part);
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return files;
}

}  // namespace krbkit
