#include "exchange/util.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>

#include "krbkit/config/values.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange::detail {

std::uint32_t random_nonce() {
  // The kernel's CSPRNG: OpenSSL's RAND_bytes() would set up its DRBG first,
  // costing a kinit more than its key derivation (a short read cannot happen
  // for 4 bytes; a failure leaves a zero nonce, which the reply check still
  // compares).
  std::uint32_t n = 0;
  while (::getrandom(&n, sizeof n, 0) < 0 && errno == EINTR) {
  }
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

bool is_kdc_reply(BytesView data, MsgType reply_type) {
  auto reply = decode_kdc_reply(data);
  if (!reply) return false;
  if (const auto* rep = std::get_if<KdcRep>(&reply.value())) return rep->msg_type == reply_type;
  return true;
}

}  // namespace krbkit::exchange::detail
