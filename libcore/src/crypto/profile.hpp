#pragma once
// A Profile is the RFC 3961 operations of one enctype row: the simplified
// profile (RFC 3961/3962 AES-SHA1, RFC 6803 Camellia, des3), RFC 8009
// (AES-SHA2, encrypt-then-MAC) and RFC 4757 (rc4-hmac). Each row of the
// enctype has one instance (profile_table.cpp), which carries the primitives
// it uses.

#include <cstdint>
#include <string_view>

#include "crypto/ossl.hpp"
#include "krbkit/base/bytes.hpp"
#include "krbkit/base/key.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/crypto/primitives.hpp"

namespace krbkit::crypto_detail {

class Profile {
 public:
  virtual ~Profile() = default;

  virtual Result<Key> string_to_key(const EnctypeInfo& e, std::string_view password, BytesView salt,
                                    BytesView params) const = 0;
  // Default: the seed is the key (AES, Camellia, RC4).
  virtual Result<Key> random_to_key(const EnctypeInfo& e, BytesView seed) const;
  // DK(base, constant) / KDF(base, constant) with `len` bytes of output.
  virtual Result<SecretBytes> derive(const Key& base, BytesView constant, std::size_t len) const;
  // Kc / Ke / Ki for a usage.
  virtual Result<SecretBytes> usage_key(const EnctypeInfo& e, const Key& base, KeyUsage usage,
                                        primitive::KeyRole role) const;
  virtual std::size_t ciphertext_size(const EnctypeInfo& e, std::size_t plaintext_size) const;
  virtual Result<Bytes> encrypt(const EnctypeInfo& e, const Key& key, KeyUsage usage, BytesView confounder,
                                BytesView plaintext) const = 0;
  virtual Result<SecretBytes> decrypt(const EnctypeInfo& e, const Key& key, KeyUsage usage,
                                      BytesView ciphertext) const = 0;
  // The enctype's mandatory keyed checksum.
  virtual Result<Bytes> checksum(const EnctypeInfo& e, const Key& key, KeyUsage usage,
                                 BytesView data) const = 0;
  virtual Result<Bytes> prf(const EnctypeInfo& e, const Key& key, BytesView input) const = 0;
};

// The usage constant of RFC 3961: usage as 4 big-endian bytes, then the role byte.
Bytes usage_constant(KeyUsage usage, primitive::KeyRole role);
// Iteration count from s2kparams (4-byte big-endian) or the enctype's default.
Result<std::uint32_t> s2k_iterations(const EnctypeInfo& e, BytesView params);
Error integrity_error(const EnctypeInfo& e);
Error short_ciphertext(const EnctypeInfo& e, std::size_t size);

// Per-message derivations from cached contexts (kdf_fast.cpp); same results
// as krb5kdf() / kbkdf_hmac() / kbkdf_cmac_feedback() for these inputs.
Result<SecretBytes> fast_dk_aes(Cipher cbc, BytesView key, BytesView constant, std::size_t len);
Result<SecretBytes> fast_kdf_hmac(Md md, BytesView key, BytesView label, std::size_t len);
Result<SecretBytes> fast_kdf_feedback_cmac(Cipher cbc, BytesView key, BytesView label, std::size_t len);

// The profile of a row of the enctype table (profile_table.cpp);
// Errc::unsupported_enctype when the table has none.
Result<const Profile*> find_profile(const EnctypeInfo& e);

// One instance per enctype row (defined next to their profiles).
const Profile& aes128_sha1_profile();
const Profile& aes256_sha1_profile();
const Profile& camellia128_profile();
const Profile& camellia256_profile();
const Profile& des3_profile();
const Profile& aes128_sha256_profile();
const Profile& aes256_sha384_profile();
const Profile& rc4_profile();
const Profile& rc4_exp_profile();

// Checksums of the rc4 family that are not the enctype's own (md5-hmac-rc4),
// and hmac-md5 with any key (as MIT allows).
Result<Bytes> rc4_hmac_md5_checksum(BytesView key, KeyUsage usage, BytesView data);
Result<Bytes> rc4_md5_hmac_checksum(BytesView key, KeyUsage usage, BytesView data);

}  // namespace krbkit::crypto_detail
