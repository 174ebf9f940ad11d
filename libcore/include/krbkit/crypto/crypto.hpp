#pragma once
// RFC 3961 operations for every enctype krbkit supports (see enctypes.hpp):
// string-to-key, random-to-key, encrypt/decrypt with a key usage, keyed and
// unkeyed checksums, PRF and KRB-FX-CF2 (RFC 6113).
//
//   KRBKIT_TRY(key, string_to_key(Enctype::aes256_cts_hmac_sha1_96, password, as_bytes(salt)));
//   KRBKIT_TRY(ct, encrypt(key, KeyUsage::as_rep_enc_part, plaintext));
//   KRBKIT_TRY(pt, decrypt(key, KeyUsage::as_rep_enc_part, ct));     // Errc::integrity when ct was altered
//
// Key usages are the RFC 4120 numbers (base/key_usage.hpp); rc4-hmac's own usage mapping
// (3 -> 8, 23 -> 13) is applied internally.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/key.hpp"
#include "krbkit/base/key_usage.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/crypto/enctypes.hpp"

namespace krbkit {

// The enctypes these operations support: the same as supported_enctypes()
// (test_crypto checks), listed from the table of profiles.
std::vector<Enctype> enctypes_with_operations();

// string-to-key with a salt (usually realm + principal components) and the
// optional s2kparams from ETYPE-INFO2 (AES/Camellia: 4-byte big-endian
// iteration count; empty: the enctype's default). Weak enctypes need the policy.
Result<Key> string_to_key(Enctype e, std::string_view password, BytesView salt, BytesView s2kparams = {},
                          CryptoPolicy policy = {});

// A fresh random key. Precondition: `e` is supported (an empty Key with
// Enctype::null otherwise); use the Result overload when that is not known.
Key random_key(Enctype e);
Result<Key> random_key(Enctype e, CryptoPolicy policy);
// RFC 3961 random-to-key: `seed` must be seed_bytes long.
Result<Key> random_to_key(Enctype e, BytesView seed, CryptoPolicy policy = {});

// Random bytes from the kernel's CSPRNG: Errc::internal when it fails, so no
// nonce, key or confounder is ever made of zeros.
Result<void> random_fill(std::uint8_t* out, std::size_t len);
// Four random bytes as a number (nonces, RPC xids, sequence numbers).
Result<std::uint32_t> random_u32();
// For tests: while on, every random draw above (and every key, confounder
// and nonce made from one) fails as a broken getrandom() would.
void simulate_random_failure(bool on);

// Encrypts with a fresh random confounder.
Result<Bytes> encrypt(const Key& key, KeyUsage usage, BytesView plaintext);
// For known-answer tests: the confounder is given (confounder_bytes long).
Result<Bytes> encrypt_with_confounder(const Key& key, KeyUsage usage, BytesView confounder,
                                      BytesView plaintext);
// Errc::integrity ("<enctype>: ciphertext integrity check failed") on any change.
// des3 returns the plaintext with its zero padding, as MIT does.
Result<SecretBytes> decrypt(const Key& key, KeyUsage usage, BytesView ciphertext);
// The ciphertext length encrypt() gives for a plaintext length.
Result<std::size_t> ciphertext_size(Enctype e, std::size_t plaintext_size);

// Checksums. `key` may be null for unkeyed types (crc32, rsa-md4, rsa-md5, sha1).
Result<Bytes> make_checksum(Cksumtype c, const Key* key, KeyUsage usage, BytesView data);
// Errc::integrity when the checksum does not match. With a key, the type
// must be a keyed one: an unkeyed or unknown type is KRB_AP_ERR_INAPP_CKSUM
// (kdc_error(50)), as MIT's callers check with krb5_c_is_keyed_cksum.
Result<void> verify_checksum(Cksumtype c, const Key* key, KeyUsage usage, BytesView data, BytesView checksum);

// RFC 3961 pseudo-random function (prf_bytes of output).
Result<Bytes> prf(const Key& key, BytesView input);
// RFC 6113 PRF+(key, pepper) = PRF(key, 1 | pepper) | PRF(key, 2 | pepper) | ..., `len` bytes.
Result<SecretBytes> prf_plus(const Key& key, BytesView pepper, std::size_t len);
// RFC 6113 KRB-FX-CF2; the result has k1's enctype, or `out` when given.
Result<Key> cf2(const Key& k1, const Key& k2, BytesView pepper1, BytesView pepper2);
Result<Key> cf2(const Key& k1, const Key& k2, BytesView pepper1, BytesView pepper2, Enctype out);

// RFC 3961 section 5.1 n-fold, to `out_bytes` bytes.
Bytes nfold(BytesView input, std::size_t out_bytes);

}  // namespace krbkit
