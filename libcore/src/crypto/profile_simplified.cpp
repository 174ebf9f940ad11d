// The RFC 3961 simplified profile: E(Ke, confounder | plaintext) followed by
// a MAC of confounder | plaintext under Ki.
//   aes*-cts-hmac-sha1-96  (RFC 3962)  AES-CBC-CTS, HMAC-SHA1-96, DK = KRB5KDF
//   camellia*-cts-cmac     (RFC 6803)  Camellia-CBC-CTS, CMAC, KDF-FEEDBACK-CMAC
//   des3-cbc-sha1          (RFC 3961)  3DES-CBC with zero padding, HMAC-SHA1, DK = KRB5KDF
#include <algorithm>
#include <cstring>
#include <string>

#include "crypto/profile.hpp"
#include "krbkit/crypto/crypto.hpp"

namespace krbkit::crypto_detail {
namespace {

enum class Kdf { dk, feedback_cmac };
enum class S2k { pbkdf2_dk, pbkdf2_saltp, des3_nfold };

struct Primitives {
  Cipher enc;  // the message cipher (CTS, or CBC for des3)
  Cipher cbc;  // the same block cipher in CBC, for DK, CMAC and PRF
  std::size_t block;
  bool cmac;  // MAC is CMAC(cbc) rather than HMAC-SHA1
  Kdf kdf;
  S2k s2k;
};

// DES3 random-to-key: each 7 bytes become 8, the eighth byte collecting the
// low bits of the seven; then odd parity in every low bit.
void des3_random_to_key(const std::uint8_t* in, std::uint8_t* out) {
  for (int i = 0; i < 3; ++i) {
    std::uint8_t* o = out + 8 * i;
    std::memcpy(o, in + 7 * i, 7);
    std::uint8_t last = 0;
    for (int j = 0; j < 7; ++j) last |= static_cast<std::uint8_t>((o[j] & 1) << (j + 1));
    o[7] = last;
    for (int j = 0; j < 8; ++j) {
      std::uint8_t b = o[j] & 0xfe;
      int ones = __builtin_popcount(b);
      o[j] = static_cast<std::uint8_t>(b | ((ones % 2 == 0) ? 1 : 0));
    }
  }
}

class SimplifiedProfile final : public Profile {
 public:
  explicit constexpr SimplifiedProfile(Primitives p) : p_(p) {}

  Result<Key> string_to_key(const EnctypeInfo& e, std::string_view password, BytesView salt,
                            BytesView params) const override {
    SecretBytes tkey(e.key_bytes);
    if (p_.s2k == S2k::des3_nfold) {
      if (!params.empty())
        return Error{Errc::invalid_argument, std::string(e.name) + ": string-to-key takes no s2kparams"};
      SecretBytes input(password);
      input.resize(password.size() + salt.size());
      std::copy(salt.begin(), salt.end(), input.data() + password.size());
      Bytes folded = nfold(input.view(), e.seed_bytes);
      des3_random_to_key(folded.data(), tkey.data());
      secure_wipe(folded.data(), folded.size());
    } else {
      KRBKIT_TRY(iterations, s2k_iterations(e, params));
      Bytes saltp;
      if (p_.s2k == S2k::pbkdf2_saltp) {  // RFC 6803: enctype name | 0x00 | salt
        saltp.assign(e.name.begin(), e.name.end());
        saltp.push_back(0);
      }
      saltp.insert(saltp.end(), salt.begin(), salt.end());
      KRBKIT_CHECK(pbkdf2(Md::sha1, as_bytes(password), saltp, iterations, tkey.data(), tkey.size()));
    }
    KRBKIT_TRY(key, derive(Key{e.id, std::move(tkey)}, as_bytes("kerberos"), e.key_bytes));
    return Key{e.id, std::move(key)};
  }

  Result<Key> random_to_key(const EnctypeInfo& e, BytesView seed) const override {
    if (p_.s2k != S2k::des3_nfold || seed.size() != e.seed_bytes) return Profile::random_to_key(e, seed);
    SecretBytes key(e.key_bytes);
    des3_random_to_key(seed.data(), key.data());
    return Key{e.id, std::move(key)};
  }

  Result<SecretBytes> derive(const Key& base, BytesView constant, std::size_t len) const override {
    SecretBytes out(len);
    if (p_.kdf == Kdf::dk) {
      KRBKIT_CHECK(krb5kdf(p_.cbc, base.bytes.view(), constant, out.data(), len));
    } else {
      KRBKIT_CHECK(kbkdf_cmac_feedback(p_.cbc, base.bytes.view(), constant, out.data(), len));
    }
    return out;
  }

  Result<SecretBytes> usage_key(const EnctypeInfo& e, const Key& base, KeyUsage usage,
                                primitive::KeyRole role) const override {
    Bytes constant = usage_constant(usage, role);
    if (p_.kdf == Kdf::feedback_cmac)
      return fast_kdf_feedback_cmac(p_.cbc, base.bytes.view(), constant, e.key_bytes);
    if (p_.enc != Cipher::des3_cbc) return fast_dk_aes(p_.cbc, base.bytes.view(), constant, e.key_bytes);
    return derive(base, constant, e.key_bytes);
  }

  std::size_t ciphertext_size(const EnctypeInfo& e, std::size_t plaintext_size) const override {
    return padded(e.confounder_bytes + plaintext_size) + e.mac_bytes;
  }

  Result<Bytes> encrypt(const EnctypeInfo& e, const Key& key, KeyUsage usage, BytesView confounder,
                        BytesView plaintext) const override {
    KRBKIT_TRY(ke, usage_key(e, key, usage, primitive::KeyRole::encryption));
    KRBKIT_TRY(ki, usage_key(e, key, usage, primitive::KeyRole::integrity));
    const std::size_t n = padded(confounder.size() + plaintext.size());
    Bytes out(n + e.mac_bytes);
    if (p_.enc == Cipher::des3_cbc) {
      // Zero padding to whole blocks: MAC and encrypt a padded copy, in place.
      std::copy(confounder.begin(), confounder.end(), out.begin());
      std::copy(plaintext.begin(), plaintext.end(),
                out.begin() + static_cast<std::ptrdiff_t>(confounder.size()));
      KRBKIT_CHECK(mac(e, ki.view(), {BytesView{out.data(), n}}, out.data() + n));
      KRBKIT_CHECK(run_cipher(p_.enc, true, ke.view(), nullptr, out.data(), n, out.data()));
      return out;
    }
    // No copy of the plaintext: MAC and cipher read confounder and plaintext
    // where they are and write straight into the result.
    KRBKIT_CHECK(mac(e, ki.view(), {confounder, plaintext}, out.data() + n));
    KRBKIT_CHECK(run_cipher_split(p_.enc, true, ke.view(), confounder, out.data(), plaintext,
                                  out.data() + confounder.size()));
    return out;
  }

  Result<SecretBytes> decrypt(const EnctypeInfo& e, const Key& key, KeyUsage usage,
                              BytesView ciphertext) const override {
    if (ciphertext.size() < e.confounder_bytes + e.mac_bytes) return short_ciphertext(e, ciphertext.size());
    const std::size_t n = ciphertext.size() - e.mac_bytes;
    if (p_.enc == Cipher::des3_cbc && n % p_.block != 0)
      return Error{Errc::integrity, std::string(e.name) + ": ciphertext is not a whole number of blocks"};
    KRBKIT_TRY(ke, usage_key(e, key, usage, primitive::KeyRole::encryption));
    KRBKIT_TRY(ki, usage_key(e, key, usage, primitive::KeyRole::integrity));
    std::uint8_t confounder[16];
    SecretBytes plain(n - e.confounder_bytes);
    KRBKIT_CHECK(run_cipher_split(p_.enc, false, ke.view(), ciphertext.first(e.confounder_bytes), confounder,
                                  ciphertext.subspan(e.confounder_bytes, plain.size()), plain.data()));
    std::uint8_t expected[kMaxMac];
    KRBKIT_CHECK(mac(e, ki.view(), {BytesView{confounder, e.confounder_bytes}, plain.view()}, expected));
    secure_wipe(confounder, sizeof confounder);
    if (!equal_ct(BytesView{expected, e.mac_bytes}, ciphertext.subspan(n))) return integrity_error(e);
    return plain;
  }

  Result<Bytes> checksum(const EnctypeInfo& e, const Key& key, KeyUsage usage,
                         BytesView data) const override {
    KRBKIT_TRY(kc, usage_key(e, key, usage, primitive::KeyRole::checksum));
    Bytes out(kMaxMac);
    KRBKIT_CHECK(mac(e, kc.view(), {data}, out.data()));
    out.resize(e.mac_bytes);
    return out;
  }

  Result<Bytes> prf(const EnctypeInfo& e, const Key& key, BytesView input) const override {
    KRBKIT_TRY(kp, derive(key, as_bytes("prf"), e.key_bytes));
    Bytes out(kMaxMac);
    if (p_.cmac) {  // RFC 6803: CMAC(DK(key, "prf"), input)
      KRBKIT_CHECK(cmac(p_.cbc, kp.view(), {input}, out.data()));
    } else {  // RFC 3962: E(DK(key, "prf"), truncate-to-blocks(SHA1(input)))
      std::uint8_t hash[20];
      KRBKIT_CHECK(digest(Md::sha1, {input}, hash));
      KRBKIT_CHECK(run_cipher(p_.cbc, true, kp.view(), nullptr, hash, e.prf_bytes, out.data()));
    }
    out.resize(e.prf_bytes);
    return out;
  }

 private:
  static constexpr std::size_t kMaxMac = 64;

  std::size_t padded(std::size_t n) const {
    return p_.enc == Cipher::des3_cbc ? (n + p_.block - 1) / p_.block * p_.block : n;
  }

  Result<void> mac(const EnctypeInfo& e, BytesView k, std::initializer_list<BytesView> data,
                   std::uint8_t* out) const {
    if (p_.cmac) return cmac(p_.cbc, k, data, out);
    if (e.mac_bytes == 20) return hmac(Md::sha1, k, data, out);
    std::uint8_t full[20];
    KRBKIT_CHECK(hmac(Md::sha1, k, data, full));
    std::memcpy(out, full, e.mac_bytes);
    return success();
  }

  Primitives p_;
};

}  // namespace

const Profile& aes128_sha1_profile() {
  static const SimplifiedProfile p{
      {Cipher::aes128_cts, Cipher::aes128_cbc, 16, false, Kdf::dk, S2k::pbkdf2_dk}};
  return p;
}
const Profile& aes256_sha1_profile() {
  static const SimplifiedProfile p{
      {Cipher::aes256_cts, Cipher::aes256_cbc, 16, false, Kdf::dk, S2k::pbkdf2_dk}};
  return p;
}
const Profile& camellia128_profile() {
  static const SimplifiedProfile p{
      {Cipher::camellia128_cts, Cipher::camellia128_cbc, 16, true, Kdf::feedback_cmac, S2k::pbkdf2_saltp}};
  return p;
}
const Profile& camellia256_profile() {
  static const SimplifiedProfile p{
      {Cipher::camellia256_cts, Cipher::camellia256_cbc, 16, true, Kdf::feedback_cmac, S2k::pbkdf2_saltp}};
  return p;
}
const Profile& des3_profile() {
  static const SimplifiedProfile p{{Cipher::des3_cbc, Cipher::des3_cbc, 8, false, Kdf::dk, S2k::des3_nfold}};
  return p;
}

}  // namespace krbkit::crypto_detail
