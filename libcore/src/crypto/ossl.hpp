#pragma once
// OpenSSL 3 EVP plumbing for the crypto module. Every EVP_CIPHER, EVP_MD,
// EVP_MAC and EVP_KDF is fetched once, on first use, and kept for the life of
// the process; the calls below only create short-lived contexts. RC4 and MD4
// come from the legacy provider loaded into a private OSSL_LIB_CTX, so nothing
// else in the process sees them.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit::crypto_detail {

enum class Md { sha1, sha256, sha384, md5, md4, count };
enum class Cipher {
  aes128_cts,
  aes256_cts,
  camellia128_cts,
  camellia256_cts,
  aes128_cbc,
  aes256_cbc,
  camellia128_cbc,
  camellia256_cbc,
  des3_cbc,
  rc4,
  count
};

std::string_view md_name(Md md);
std::string_view cipher_name(Cipher c);
// Whether the algorithm could be fetched (RC4/MD4 need the legacy provider).
bool available(Cipher c);
// Why the legacy provider is missing ("" when it loaded).
const std::string& legacy_provider_error();
std::size_t md_size(Md md);

// One-shot cipher over len bytes (CTS ciphers use mode CS3). iv may be null
// for an all-zero IV. in and out may not overlap partially.
Result<void> run_cipher(Cipher c, bool encrypt, BytesView key, const std::uint8_t* iv, const std::uint8_t* in,
                        std::size_t len, std::uint8_t* out);

// One cipher pass over in1 | in2 into out1 | out2 without joining the
// buffers: in1 is one block (the confounder), in2 the message. Block ciphers
// are chained through the IV (for CTS this holds when in2 is over one block;
// shorter messages go through a small stack buffer); stream ciphers run on.
Result<void> run_cipher_split(Cipher c, bool encrypt, BytesView key, BytesView in1, std::uint8_t* out1,
                              BytesView in2, std::uint8_t* out2);

// MACs over the concatenation of `parts`; `out` receives md_size(md) / 16 bytes.
Result<void> hmac(Md md, BytesView key, std::initializer_list<BytesView> parts, std::uint8_t* out);
Result<void> cmac(Cipher cbc, BytesView key, std::initializer_list<BytesView> parts, std::uint8_t* out);
Result<void> digest(Md md, std::initializer_list<BytesView> parts, std::uint8_t* out);

Result<void> pbkdf2(Md md, BytesView password, BytesView salt, std::uint32_t iterations, std::uint8_t* out,
                    std::size_t len);
// RFC 3961 DK (KRB5KDF): len must be the cipher's key length.
Result<void> krb5kdf(Cipher cbc, BytesView key, BytesView constant, std::uint8_t* out, std::size_t len);
// SP 800-108 counter mode with HMAC (RFC 8009 KDF-HMAC-SHA2).
Result<void> kbkdf_hmac(Md md, BytesView key, BytesView label, BytesView context, std::uint8_t* out,
                        std::size_t len);
// SP 800-108 feedback mode with CMAC and a zero IV (RFC 6803 KDF-FEEDBACK-CMAC).
Result<void> kbkdf_cmac_feedback(Cipher cbc, BytesView key, BytesView label, std::uint8_t* out,
                                 std::size_t len);

// Errc::internal when the kernel's CSPRNG fails (or random_fails is set).
Result<void> random_bytes(std::uint8_t* out, std::size_t len);
extern std::atomic<bool> random_fails;
// Constant-time comparison.
bool equal_ct(BytesView a, BytesView b);

}  // namespace krbkit::crypto_detail
