// Per-message key derivation (Kc, Ke, Ki) from the cached EVP cipher and MAC
// contexts. OpenSSL 3.0's KRB5KDF and KBKDF take their cipher or digest by
// name and look it up on every derivation (EVP_KDF_CTX_dup is not supported
// for them), which cost ~2.5 us per key, two keys per message. These compute
// the same functions with one or two cached block/MAC operations.
// string-to-key and primitive::derive_key still go through EVP_KDF, and
// tests/unit/crypto checks that both agree for every enctype.
#include <algorithm>

#include "crypto/profile.hpp"
#include "krbkit/crypto/crypto.hpp"

namespace krbkit::crypto_detail {

Result<SecretBytes> fast_dk_aes(Cipher cbc, BytesView key, BytesView constant, std::size_t len) {
  // DR = E(n-fold(constant)) | E(E(n-fold(constant))) ... which is CBC with a
  // zero IV over n-fold(constant) followed by zero blocks.
  std::uint8_t input[32] = {};
  Bytes folded = nfold(constant, 16);
  std::copy(folded.begin(), folded.end(), input);
  SecretBytes out(len);
  KRBKIT_CHECK(run_cipher(cbc, true, key, nullptr, input, len, out.data()));
  return out;
}

Result<SecretBytes> fast_kdf_hmac(Md md, BytesView key, BytesView label, std::size_t len) {
  // K1 = HMAC(key, 00000001 | label | 0x00 | L), L = output bits; one block suffices.
  Bytes tail{0};
  put_u32be(tail, static_cast<std::uint32_t>(len * 8));
  static const std::uint8_t one[4] = {0, 0, 0, 1};
  std::uint8_t block[48];
  KRBKIT_CHECK(hmac(md, key, {BytesView{one, 4}, label, tail}, block));
  SecretBytes out(BytesView{block, len});
  secure_wipe(block, sizeof block);
  return out;
}

Result<SecretBytes> fast_kdf_feedback_cmac(Cipher cbc, BytesView key, BytesView label, std::size_t len) {
  // K(0) = zero block; K(i) = CMAC(key, K(i-1) | i | label | 0x00 | L).
  Bytes tail{0};
  put_u32be(tail, static_cast<std::uint32_t>(len * 8));
  SecretBytes out(len);
  std::uint8_t k[16] = {};
  for (std::uint32_t i = 1, done = 0; done < len; ++i) {
    const std::uint8_t counter[4] = {0, 0, 0, static_cast<std::uint8_t>(i)};
    KRBKIT_CHECK(cmac(cbc, key, {BytesView{k, 16}, BytesView{counter, 4}, label, tail}, k));
    std::size_t take = std::min<std::size_t>(16, len - done);
    std::copy_n(k, take, out.data() + done);
    done += static_cast<std::uint32_t>(take);
  }
  secure_wipe(k, sizeof k);
  return out;
}

}  // namespace krbkit::crypto_detail
