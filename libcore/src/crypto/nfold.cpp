// RFC 3961 section 5.1 n-fold: replicate the input, each copy rotated right
// by 13 bits more than the last, until the length is lcm(in, out), then add
// the out-sized blocks with ones'-complement addition.
#include <numeric>

#include "krbkit/crypto/crypto.hpp"

namespace krbkit {

Bytes nfold(BytesView input, std::size_t out_bytes) {
  Bytes out(out_bytes, 0);
  const std::size_t in_bytes = input.size();
  if (in_bytes == 0 || out_bytes == 0) return out;
  const std::size_t lcm = std::lcm(in_bytes, out_bytes);
  const std::size_t in_bits = in_bytes * 8;
  unsigned carry = 0;
  // Walk the lcm-sized string from its last byte to its first, adding each
  // byte into the output byte it lands on; carries move towards the front.
  for (std::size_t i = lcm; i-- > 0;) {
    // Byte i of the replicated string: copy number i / in_bytes, rotated
    // right by 13 * copy bits. Its most significant bit is bit `msbit` of
    // the unrotated input (counting from the most significant bit, 0-based).
    const std::size_t copy = i / in_bytes;
    const std::size_t msbit =
        (in_bits - (13 * copy) % in_bits + (i % in_bytes) * 8) % in_bits;  // position in the input
    // Gather 8 bits starting at msbit (wrapping around the input).
    const std::size_t byte = msbit / 8, shift = msbit % 8;
    unsigned value = input[byte];
    value = (value << shift) | (input[(byte + 1) % in_bytes] >> (8 - shift));
    if (shift == 0) value = input[byte];
    value &= 0xff;
    carry += out[i % out_bytes] + value;
    out[i % out_bytes] = static_cast<std::uint8_t>(carry & 0xff);
    carry >>= 8;
  }
  // End-around carry.
  for (std::size_t i = out_bytes; carry != 0 && i-- > 0;) {
    carry += out[i];
    out[i] = static_cast<std::uint8_t>(carry & 0xff);
    carry >>= 8;
    if (i == 0 && carry != 0) i = out_bytes;
  }
  return out;
}

}  // namespace krbkit
