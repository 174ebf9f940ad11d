#pragma once
// SPAKE2 as Kerberos pre-authentication uses it (draft-ietf-kitten-krb-spake-
// preauth; MIT's spake module, PA-SPAKE 151): the four groups MIT offers and
// the draft's derivations from the initial reply key. The curve arithmetic is
// a library's, not ours: libsodium's for edwards25519, OpenSSL's EC_POINT for
// P-256, P-384 and P-521.
//
// The KDC sends T = x*G + w*M, the client S = y*G + w*N, and both reach
// K = x*y*G, the KDC as x*(S - w*N), the client as y*(T - w*M):
//
//   KRBKIT_TRY(w, spake::derive_wbytes(group, initial_key));
//   KRBKIT_TRY(y, spake::random_scalar(group));
//   KRBKIT_TRY(S, spake::public_element(group, spake::Side::client, w.view(), y.view()));
//   KRBKIT_TRY(K, spake::shared_element(group, spake::Side::client, w.view(), y.view(), T));
//
// Scalars are mult_len bytes, little-endian for edwards25519 and big-endian
// for the NIST curves (as the draft and MIT write them); elements are
// elem_len bytes (edwards25519's encoding, compressed SEC1 points).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/key.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"

namespace krbkit::spake {

// The draft's group numbers.
enum class Group : std::int32_t { edwards25519 = 1, p256 = 2, p384 = 3, p521 = 4 };
// Whose constant an element carries: the KDC's is M, the client's N.
enum class Side { kdc, client };

struct GroupInfo {
  Group id;
  std::string_view name;  // as krb5.conf's spake_preauth_groups names it: "edwards25519", "P-256"
  std::size_t mult_len;   // bytes of a scalar (and of w)
  std::size_t elem_len;   // bytes of an encoded element
  std::size_t hash_len;   // the group's hash: SHA-256, SHA-256, SHA-384, SHA-512
};

std::span<const GroupInfo> groups();
// The group numbered `id`, or null when it is none of the four.
const GroupInfo* find_group(std::int32_t id);
// The group named `name` (case-insensitive, as MIT compares), or null.
const GroupInfo* find_group(std::string_view name);

// w's bytes: PRF+(initial key, "SPAKEsecret" | group as 4 bytes big-endian), mult_len bytes.
Result<SecretBytes> derive_wbytes(Group group, const Key& initial_key);
// A fresh private scalar, uniformly below the group's order.
Result<SecretBytes> random_scalar(Group group);
// priv*G + w*(M for the KDC, N for the client).
Result<Bytes> public_element(Group group, Side side, BytesView wbytes, BytesView priv);
// priv*(theirs - w*C), C the other side's constant. Errc::invalid_argument
// when `theirs` is no element of the group (not on the curve, outside the
// prime-order subgroup, or the result is the identity).
Result<SecretBytes> shared_element(Group group, Side side, BytesView wbytes, BytesView priv,
                                   BytesView theirs);
// The transcript hash after one update: H(thash | a | b), thash all zeros
// (hash_len bytes) when empty.
Result<Bytes> update_transcript(Group group, BytesView thash, BytesView a, BytesView b = {});
// K'[n]: random-to-key of H("SPAKEkey" | group | enctype | w | K | thash |
// request body | n | block count) for the initial key's enctype, then
// KRB-FX-CF2(initial key, that key, "SPAKE", "keyderiv"). K'[0] is the new
// reply key, K'[1] encrypts the client's second factor.
Result<Key> derive_key(Group group, const Key& initial_key, BytesView wbytes, BytesView shared,
                       BytesView thash, BytesView request_body, std::uint32_t n);

}  // namespace krbkit::spake
