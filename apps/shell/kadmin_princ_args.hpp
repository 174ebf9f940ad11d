#pragma once
// kadmin_parse_princ_args: what add_principal and modify_principal take
// (options, then the principal as the last word), and their usage texts.

#include <optional>
#include <string>
#include <vector>

#include "krbkit/kadm5/types.hpp"
#include "shell/requests.hpp"

namespace krbkit::shell {

struct PrincArgs {
  kadm5::PrincipalEntry entry;
  std::uint32_t mask = 0;
  std::optional<std::string> password;
  bool randkey = false, nokey = false;
  std::optional<std::vector<kadm5::KeySalt>> key_salts;
};

// Errc::invalid_argument with detail "usage" for a usage error; a date,
// duration, key/salt list or name that does not parse is its own error.
Result<PrincArgs> parse_princ_args(const Words& a, const std::string& realm, std::int32_t attributes);

std::string addprinc_usage();
std::string modprinc_usage();

}  // namespace krbkit::shell
