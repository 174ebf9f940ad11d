// Which RFC 3961 profile does the work for each enctype, keyed by number.
// The enctype table (enctype_table.cpp) has the names, sizes and flags and
// no pointers into the crypto code, so that printing an enctype's name does
// not link OpenSSL; test_crypto checks that the two tables hold the same
// enctypes.
#include <array>
#include <utility>
#include <vector>

#include "crypto/profile.hpp"
#include "krbkit/crypto/crypto.hpp"

namespace krbkit {
namespace crypto_detail {
namespace {

const std::array<std::pair<Enctype, const Profile*>, 9>& profiles() {
  static const std::array<std::pair<Enctype, const Profile*>, 9> table{{
      {Enctype::aes256_cts_hmac_sha1_96, &aes256_sha1_profile()},
      {Enctype::aes128_cts_hmac_sha1_96, &aes128_sha1_profile()},
      {Enctype::aes256_cts_hmac_sha384_192, &aes256_sha384_profile()},
      {Enctype::aes128_cts_hmac_sha256_128, &aes128_sha256_profile()},
      {Enctype::camellia256_cts_cmac, &camellia256_profile()},
      {Enctype::camellia128_cts_cmac, &camellia128_profile()},
      {Enctype::rc4_hmac, &rc4_profile()},
      {Enctype::des3_cbc_sha1, &des3_profile()},
      {Enctype::rc4_hmac_exp, &rc4_exp_profile()},
  }};
  return table;
}

}  // namespace

Result<const Profile*> find_profile(const EnctypeInfo& e) {
  for (const auto& [id, profile] : profiles())
    if (id == e.id) return profile;
  return Error{Errc::unsupported_enctype, std::string(e.name) + " has no crypto profile"};
}

}  // namespace crypto_detail

std::vector<Enctype> enctypes_with_operations() {
  std::vector<Enctype> out;
  for (const auto& row : crypto_detail::profiles()) out.push_back(row.first);
  return out;
}

}  // namespace krbkit
