#pragma once
// Encryption and checksum type numbers (IANA "Kerberos Encryption Type
// Numbers"). They live in base because the codec, the crypto and the file
// formats all carry them; the crypto module's table says what each one is.

#include <cstdint>

namespace krbkit {

enum class Enctype : std::int32_t {
  null = 0,
  des_cbc_crc = 1,
  des_cbc_md4 = 2,
  des_cbc_md5 = 3,
  des3_cbc_sha1 = 16,
  aes128_cts_hmac_sha1_96 = 17,
  aes256_cts_hmac_sha1_96 = 18,
  aes128_cts_hmac_sha256_128 = 19,
  aes256_cts_hmac_sha384_192 = 20,
  rc4_hmac = 23,
  rc4_hmac_exp = 24,
  camellia128_cts_cmac = 25,
  camellia256_cts_cmac = 26,
};

enum class Cksumtype : std::int32_t {
  crc32 = 1,
  rsa_md4 = 2,
  rsa_md5 = 7,
  sha1 = 14,  // unkeyed SHA-1 (RFC 3961 "sha1")
  hmac_sha1_des3_kd = 12,
  hmac_sha1_96_aes128 = 15,
  hmac_sha1_96_aes256 = 16,
  cmac_camellia128 = 17,
  cmac_camellia256 = 18,
  hmac_sha256_128_aes128 = 19,
  hmac_sha384_192_aes256 = 20,
  hmac_md5_rc4 = -138,  // RFC 4757 HMAC-MD5
  md5_hmac_rc4 = -137,  // MIT "md5-hmac-rc4": HMAC-MD5(key, MD5(usage || data))
  gssapi = 0x8003,      // RFC 4121 authenticator checksum (not a real checksum)
};

inline constexpr std::int32_t to_int(Enctype e) { return static_cast<std::int32_t>(e); }
inline constexpr std::int32_t to_int(Cksumtype c) { return static_cast<std::int32_t>(c); }

}  // namespace krbkit
