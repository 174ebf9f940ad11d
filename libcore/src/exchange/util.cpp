#include "exchange/util.hpp"

#include <openssl/rand.h>

#include <algorithm>

#include "krbkit/config/values.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange::detail {

std::uint32_t random_nonce() {
  std::uint32_t n = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&n), sizeof n);
  return n & 0x7fffffffu;
}

bool contains(const std::vector<Enctype>& list, Enctype e) {
  return std::find(list.begin(), list.end(), e) != list.end();
}

std::string enctype_list(const std::vector<Enctype>& list) {
  std::string out;
  for (auto e : list) out += (out.empty() ? "" : ", ") + enctype_name(e);
  return out;
}

std::vector<Enctype> default_enctype_list() {
  auto d = config::default_enctypes();
  return {d.begin(), d.end()};
}

std::string name_of(const Principal& p) { return unparse_principal(p); }

}  // namespace krbkit::exchange::detail
