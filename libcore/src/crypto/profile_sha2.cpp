// RFC 8009: aes128-cts-hmac-sha256-128 and aes256-cts-hmac-sha384-192.
// Encrypt-then-MAC: C = AES-CTS(Ke, confounder | plaintext), H = HMAC(Ki, IV | C)
// truncated; keys come from KDF-HMAC-SHA2 (SP 800-108 counter mode).
#include <algorithm>
#include <cstring>
#include <string>

#include "crypto/profile.hpp"

namespace krbkit::crypto_detail {
namespace {

class Sha2Profile final : public Profile {
 public:
  constexpr Sha2Profile(Cipher cts, Md md) : cts_(cts), md_(md) {}

  Result<Key> string_to_key(const EnctypeInfo& e, std::string_view password, BytesView salt,
                            BytesView params) const override {
    KRBKIT_TRY(iterations, s2k_iterations(e, params));
    Bytes saltp(e.name.begin(), e.name.end());  // enctype name | 0x00 | salt
    saltp.push_back(0);
    saltp.insert(saltp.end(), salt.begin(), salt.end());
    SecretBytes tkey(e.key_bytes);
    KRBKIT_CHECK(pbkdf2(md_, as_bytes(password), saltp, iterations, tkey.data(), tkey.size()));
    KRBKIT_TRY(key, derive(Key{e.id, std::move(tkey)}, as_bytes("kerberos"), e.key_bytes));
    return Key{e.id, std::move(key)};
  }

  Result<SecretBytes> derive(const Key& base, BytesView constant, std::size_t len) const override {
    SecretBytes out(len);
    KRBKIT_CHECK(kbkdf_hmac(md_, base.bytes.view(), constant, {}, out.data(), len));
    return out;
  }

  // Ke is key-sized; Kc and Ki are as long as the truncated MAC.
  Result<SecretBytes> usage_key(const EnctypeInfo& e, const Key& base, KeyUsage usage,
                                primitive::KeyRole role) const override {
    std::size_t len = role == primitive::KeyRole::encryption ? e.key_bytes : e.mac_bytes;
    return fast_kdf_hmac(md_, base.bytes.view(), usage_constant(usage, role), len);
  }

  Result<Bytes> encrypt(const EnctypeInfo& e, const Key& key, KeyUsage usage, BytesView confounder,
                        BytesView plaintext) const override {
    KRBKIT_TRY(ke, usage_key(e, key, usage, primitive::KeyRole::encryption));
    KRBKIT_TRY(ki, usage_key(e, key, usage, primitive::KeyRole::integrity));
    const std::size_t n = confounder.size() + plaintext.size();
    Bytes out(n + e.mac_bytes);
    KRBKIT_CHECK(run_cipher_split(cts_, true, ke.view(), confounder, out.data(), plaintext,
                                  out.data() + confounder.size()));
    std::uint8_t h[48];
    KRBKIT_CHECK(hmac(md_, ki.view(), {BytesView{kZeroIv, 16}, BytesView{out.data(), n}}, h));
    std::memcpy(out.data() + n, h, e.mac_bytes);
    return out;
  }

  Result<SecretBytes> decrypt(const EnctypeInfo& e, const Key& key, KeyUsage usage,
                              BytesView ciphertext) const override {
    if (ciphertext.size() < e.confounder_bytes + e.mac_bytes) return short_ciphertext(e, ciphertext.size());
    const std::size_t n = ciphertext.size() - e.mac_bytes;
    KRBKIT_TRY(ki, usage_key(e, key, usage, primitive::KeyRole::integrity));
    std::uint8_t h[48];
    KRBKIT_CHECK(hmac(md_, ki.view(), {BytesView{kZeroIv, 16}, ciphertext.first(n)}, h));
    if (!equal_ct(BytesView{h, e.mac_bytes}, ciphertext.subspan(n))) return integrity_error(e);
    KRBKIT_TRY(ke, usage_key(e, key, usage, primitive::KeyRole::encryption));
    std::uint8_t confounder[16];
    SecretBytes plain(n - e.confounder_bytes);
    KRBKIT_CHECK(run_cipher_split(cts_, false, ke.view(), ciphertext.first(e.confounder_bytes), confounder,
                                  ciphertext.subspan(e.confounder_bytes, plain.size()), plain.data()));
    secure_wipe(confounder, sizeof confounder);
    return plain;
  }

  Result<Bytes> checksum(const EnctypeInfo& e, const Key& key, KeyUsage usage,
                         BytesView data) const override {
    KRBKIT_TRY(kc, usage_key(e, key, usage, primitive::KeyRole::checksum));
    Bytes out(md_size(md_));
    KRBKIT_CHECK(hmac(md_, kc.view(), {data}, out.data()));
    out.resize(e.mac_bytes);
    return out;
  }

  // PRF = KDF-HMAC-SHA2(key, "prf", input, 256 or 384 bits)
  Result<Bytes> prf(const EnctypeInfo& e, const Key& key, BytesView input) const override {
    Bytes out(e.prf_bytes);
    KRBKIT_CHECK(kbkdf_hmac(md_, key.bytes.view(), as_bytes("prf"), input, out.data(), out.size()));
    return out;
  }

 private:
  static constexpr std::uint8_t kZeroIv[16] = {};
  Cipher cts_;
  Md md_;
};

}  // namespace

const Profile& aes128_sha256_profile() {
  static const Sha2Profile p{Cipher::aes128_cts, Md::sha256};
  return p;
}
const Profile& aes256_sha384_profile() {
  static const Sha2Profile p{Cipher::aes256_cts, Md::sha384};
  return p;
}

}  // namespace krbkit::crypto_detail
