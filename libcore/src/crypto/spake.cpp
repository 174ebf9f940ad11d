// SPAKE pre-authentication's group table and its derivations from the
// initial reply key (draft-ietf-kitten-krb-spake-preauth, as MIT computes
// them: derive_wbytes, update_thash and derive_key of its spake module).

#include "krbkit/crypto/spake.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <initializer_list>

#include "crypto/spake_curves.hpp"
#include "krbkit/crypto/crypto.hpp"

namespace krbkit::spake {

namespace {

const GroupInfo& info_of(Group group) { return *find_group(static_cast<std::int32_t>(group)); }

const EVP_MD* hash_of(Group group) {
  switch (group) {
    case Group::edwards25519:
    case Group::p256: return EVP_sha256();
    case Group::p384: return EVP_sha384();
    case Group::p521: return EVP_sha512();
  }
  return nullptr;
}

Result<Bytes> hash(Group group, std::initializer_list<BytesView> parts) {
  Bytes out(info_of(group).hash_len);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, hash_of(group), nullptr) == 1;
  for (BytesView p : parts) ok = ok && EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(ctx, out.data(), nullptr) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return Error{Errc::internal, "SPAKE transcript hash failed in OpenSSL"};
  return out;
}

Bytes be32(std::uint32_t v) {
  Bytes out;
  put_u32be(out, v);
  return out;
}

}  // namespace

Result<SecretBytes> derive_wbytes(Group group, const Key& initial_key) {
  Bytes input = to_bytes("SPAKEsecret");
  put_u32be(input, static_cast<std::uint32_t>(group));
  return prf_plus(initial_key, input, info_of(group).mult_len);
}

Result<SecretBytes> random_scalar(Group group) {
  if (group == Group::edwards25519) return detail::ed25519_random_scalar();
  return detail::nist_random_scalar(group);
}

Result<Bytes> public_element(Group group, Side side, BytesView wbytes, BytesView priv) {
  const GroupInfo& g = info_of(group);
  if (wbytes.size() != g.mult_len || priv.size() != g.mult_len)
    return Error{Errc::invalid_argument, "SPAKE: a scalar of the wrong length"};
  if (group == Group::edwards25519) return detail::ed25519_public(side, wbytes, priv);
  return detail::nist_public(group, side, wbytes, priv);
}

Result<SecretBytes> shared_element(Group group, Side side, BytesView wbytes, BytesView priv,
                                   BytesView theirs) {
  const GroupInfo& g = info_of(group);
  if (wbytes.size() != g.mult_len || priv.size() != g.mult_len)
    return Error{Errc::invalid_argument, "SPAKE: a scalar of the wrong length"};
  if (theirs.size() != g.elem_len)
    return Error{Errc::invalid_argument, fmt::format("SPAKE: the peer's {} element has {} bytes, not {}",
                                                     g.name, theirs.size(), g.elem_len)};
  if (group == Group::edwards25519) return detail::ed25519_shared(side, wbytes, priv, theirs);
  return detail::nist_shared(group, side, wbytes, priv, theirs);
}

Result<Bytes> update_transcript(Group group, BytesView thash, BytesView a, BytesView b) {
  const Bytes zeros(info_of(group).hash_len, 0);
  return hash(group, {thash.empty() ? BytesView(zeros) : thash, a, b});
}

Result<Key> derive_key(Group group, const Key& initial_key, BytesView wbytes, BytesView shared,
                       BytesView thash, BytesView request_body, std::uint32_t n) {
  KRBKIT_TRY(info, enctype_info(initial_key.enctype, CryptoPolicy{true}));
  const std::size_t hash_len = info_of(group).hash_len;
  const Bytes group_be = be32(static_cast<std::uint32_t>(group));
  const Bytes etype_be = be32(static_cast<std::uint32_t>(initial_key.enctype));
  const Bytes n_be = be32(n);
  SecretBytes seed((info->seed_bytes + hash_len - 1) / hash_len * hash_len);
  for (std::size_t block = 0; block * hash_len < info->seed_bytes; ++block) {
    const std::uint8_t count = static_cast<std::uint8_t>(block + 1);
    KRBKIT_TRY(h, hash(group, {as_bytes("SPAKEkey"), group_be, etype_be, wbytes, shared, thash, request_body,
                               n_be, BytesView(&count, 1)}));
    std::copy(h.begin(), h.end(), seed.data() + block * hash_len);
    secure_wipe(h.data(), h.size());
  }
  KRBKIT_TRY(hkey,
             random_to_key(initial_key.enctype, seed.view().first(info->seed_bytes), CryptoPolicy{true}));
  return cf2(initial_key, hkey, as_bytes("SPAKE"), as_bytes("keyderiv"));
}

}  // namespace krbkit::spake
