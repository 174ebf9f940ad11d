#pragma once
// Building blocks under the RFC 3961 operations, public for known-answer
// tests and for the rare caller that needs one directly. Protocol code should
// use crypto.hpp instead.

#include <cstdint>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/key.hpp"
#include "krbkit/base/key_usage.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"

namespace krbkit::primitive {

// The last byte of an RFC 3961 usage constant.
enum class KeyRole : std::uint8_t { checksum = 0x99, encryption = 0xAA, integrity = 0x55 };

// Kc, Ke or Ki for a usage, derived from `base` the way its enctype does it
// (DK for AES-SHA1/des3, KDF-HMAC-SHA2 for RFC 8009, KDF-FEEDBACK-CMAC for Camellia).
Result<SecretBytes> derive_usage_key(const Key& base, KeyUsage usage, KeyRole role);
// DK(base, constant) with the enctype's key derivation, key_bytes long.
Result<SecretBytes> derive_key(const Key& base, BytesView constant);

enum class BlockCipher { aes128, aes256, camellia128, camellia256 };
// CBC with Kerberos ciphertext stealing (CS3: the last two blocks swapped),
// one shot; input at least one block.
Result<Bytes> cts_encrypt(BlockCipher cipher, BytesView key, BytesView iv, BytesView input);
Result<Bytes> cts_decrypt(BlockCipher cipher, BytesView key, BytesView iv, BytesView input);
// CMAC (RFC 4493) with Camellia-128 or Camellia-256.
Result<Bytes> camellia_cmac(BytesView key, BytesView input);

}  // namespace krbkit::primitive
