// PKINIT key agreement and key derivation through OpenSSL's EVP_PKEY and
// EVP_KDF: ephemeral finite-field DH (RFC 3526 groups) or ECDH (RFC 5349).

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>

#include "crypto/pkinit_ossl.hpp"
#include "krbkit/crypto/pkinit.hpp"

namespace krbkit::pkinit {

using namespace ossl;

struct KeyAgreement::Impl {
  PkeyPtr key;
};

std::string_view group_name(DhGroup g) {
  switch (g) {
    case DhGroup::modp2048: return "modp2048";
    case DhGroup::modp4096: return "modp4096";
    case DhGroup::p256: return "P-256";
    case DhGroup::p384: return "P-384";
    case DhGroup::p521: return "P-521";
  }
  return "?";
}

bool is_ecdh(DhGroup g) { return g == DhGroup::p256 || g == DhGroup::p384 || g == DhGroup::p521; }

namespace {

// OpenSSL's names: the MODP groups as X9.42 keys (DHX), whose
// SubjectPublicKeyInfo is dhpublicnumber with p, g and q as RFC 4556 wants.
const char* ossl_group(DhGroup g) {
  switch (g) {
    case DhGroup::modp2048: return "modp_2048";
    case DhGroup::modp4096: return "modp_4096";
    case DhGroup::p256: return "P-256";
    case DhGroup::p384: return "P-384";
    case DhGroup::p521: return "P-521";
  }
  return "";
}

Result<PkeyPtr> generate_key(DhGroup g) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, is_ecdh(g) ? "EC" : "DHX", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0) return ossl_error(Errc::internal, "key generation");
  std::array params{
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(ossl_group(g)), 0),
      OSSL_PARAM_construct_end()};
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_CTX_set_params(ctx.get(), params.data()) <= 0 || EVP_PKEY_generate(ctx.get(), &key) <= 0)
    return ossl_error(Errc::internal, std::string("generating a ") + std::string(group_name(g)) + " key");
  return PkeyPtr(key);
}

// The KDC's DH public value arrives as a DER INTEGER; OpenSSL wants its
// big-endian magnitude.
Result<Bytes> dh_public_value(BytesView der) {
  const unsigned char* p = der.data();
  std::unique_ptr<ASN1_INTEGER, decltype(&ASN1_INTEGER_free)> y(
      d2i_ASN1_INTEGER(nullptr, &p, static_cast<long>(der.size())), ASN1_INTEGER_free);
  if (!y || p != der.data() + der.size())
    return Error{Errc::parse, "KDCDHKeyInfo.subjectPublicKey: not a DER INTEGER"};
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(ASN1_INTEGER_to_BN(y.get(), nullptr), BN_free);
  if (!bn || BN_is_negative(bn.get()))
    return Error{Errc::parse, "KDCDHKeyInfo.subjectPublicKey: bad integer"};
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), out.data());
  return out;
}

}  // namespace

KeyAgreement::KeyAgreement(DhGroup group, std::unique_ptr<Impl> impl)
    : group_(group), impl_(std::move(impl)) {}
KeyAgreement::KeyAgreement(KeyAgreement&&) noexcept = default;
KeyAgreement& KeyAgreement::operator=(KeyAgreement&&) noexcept = default;
KeyAgreement::~KeyAgreement() = default;

Result<KeyAgreement> KeyAgreement::generate(DhGroup group) {
  KRBKIT_TRY(key, generate_key(group));
  auto impl = std::make_unique<Impl>();
  impl->key = std::move(key);
  return KeyAgreement(group, std::move(impl));
}

Result<Bytes> KeyAgreement::public_key_info() const {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(impl_->key.get(), &der);
  if (len <= 0) return ossl_error(Errc::internal, "encoding the public key");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Result<SecretBytes> KeyAgreement::agree(BytesView kdc_public) const {
  Bytes value;
  if (is_ecdh(group_)) {
    value.assign(kdc_public.begin(), kdc_public.end());
  } else {
    KRBKIT_TRY(y, dh_public_value(kdc_public));
    value = std::move(y);
  }
  PkeyPtr peer(EVP_PKEY_new());
  if (!peer || EVP_PKEY_copy_parameters(peer.get(), impl_->key.get()) <= 0 ||
      EVP_PKEY_set1_encoded_public_key(peer.get(), value.data(), value.size()) <= 0)
    return ossl_error(Errc::integrity, "the KDC's public key is not in the group");
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, impl_->key.get(), nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
      (!is_ecdh(group_) && EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1) <= 0))
    return ossl_error(Errc::internal, "key agreement");
  if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.get(), 1) <= 0)
    return ossl_error(Errc::integrity, "the KDC's public key is not valid in the group");
  std::size_t len = 0;
  if (EVP_PKEY_derive(ctx.get(), nullptr, &len) <= 0) return ossl_error(Errc::internal, "key agreement");
  SecretBytes secret(len);
  if (EVP_PKEY_derive(ctx.get(), secret.data(), &len) <= 0)
    return ossl_error(Errc::integrity, "key agreement");
  if (len != secret.size()) return Error{Errc::internal, "key agreement: short shared secret"};
  return secret;
}

std::vector<Bytes> kdf_oids() {
  // 1.3.6.1.5.2.3.6.{2,1,3}: id-pkinit-kdf-ah-sha256, -sha1, -sha512
  return {Bytes{0x2B, 0x06, 0x01, 0x05, 0x02, 0x03, 0x06, 0x02},
          Bytes{0x2B, 0x06, 0x01, 0x05, 0x02, 0x03, 0x06, 0x01},
          Bytes{0x2B, 0x06, 0x01, 0x05, 0x02, 0x03, 0x06, 0x03}};
}

Result<SecretBytes> kdf(BytesView oid, BytesView shared_secret, BytesView other_info, std::size_t length) {
  const char* md = nullptr;
  const auto oids = kdf_oids();
  const std::array names{"SHA256", "SHA1", "SHA512"};
  for (std::size_t i = 0; i < oids.size(); ++i)
    if (std::ranges::equal(oids[i], oid)) md = names[i];
  if (md == nullptr)
    return Error{Errc::unsupported, "PKINIT KDF " + to_hex(oid) + " is not one of RFC 8636's"};
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> alg(EVP_KDF_fetch(nullptr, "SSKDF", nullptr),
                                                        EVP_KDF_free);
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(alg ? EVP_KDF_CTX_new(alg.get()) : nullptr,
                                                                EVP_KDF_CTX_free);
  if (!ctx) return ossl_error(Errc::internal, "SSKDF");
  std::array params{
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(md), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(shared_secret.data()),
                                        shared_secret.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<std::uint8_t*>(other_info.data()),
                                        other_info.size()),
      OSSL_PARAM_construct_end()};
  SecretBytes out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), length, params.data()) <= 0)
    return ossl_error(Errc::internal, "SSKDF");
  return out;
}

Result<SecretBytes> octetstring2key(BytesView x, std::size_t length) {
  SecretBytes out(length);
  std::array<std::uint8_t, 20> md{};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  for (std::size_t offset = 0, counter = 0; offset < length; offset += md.size(), ++counter) {
    const auto c = static_cast<std::uint8_t>(counter);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) <= 0 ||
        EVP_DigestUpdate(ctx.get(), &c, 1) <= 0 || EVP_DigestUpdate(ctx.get(), x.data(), x.size()) <= 0 ||
        EVP_DigestFinal_ex(ctx.get(), md.data(), nullptr) <= 0)
      return ossl_error(Errc::internal, "octetstring2key");
    std::copy_n(md.begin(), std::min(md.size(), length - offset), out.data() + offset);
  }
  return out;
}

}  // namespace krbkit::pkinit
