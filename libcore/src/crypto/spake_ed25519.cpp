// SPAKE's edwards25519 group on libsodium's point arithmetic
// (crypto_scalarmult_ed25519_*noclamp, crypto_core_ed25519_add/sub): the
// library checks that every point it is given is a canonical encoding of a
// point of the prime-order subgroup, and refuses the identity as a result.

#include <sodium.h>

#include <array>
#include <cstdint>

#include "crypto/spake_curves.hpp"

namespace krbkit::spake::detail {

namespace {

using Point = std::array<std::uint8_t, 32>;

// The draft's constants M (the KDC's) and N (the client's).
constexpr Point kM{0xD0, 0x48, 0x03, 0x2C, 0x6E, 0xA0, 0xB6, 0xD6, 0x97, 0xDD, 0xC2,
                   0xE8, 0x6B, 0xDA, 0x85, 0xA3, 0x3A, 0xDA, 0xC9, 0x20, 0xF1, 0xBF,
                   0x18, 0xE1, 0xB0, 0xC6, 0xD1, 0x66, 0xA5, 0xCE, 0xCD, 0xAF};
constexpr Point kN{0xD3, 0xBF, 0xB5, 0x18, 0xF4, 0x4F, 0x34, 0x30, 0xF2, 0x9D, 0x0C,
                   0x92, 0xAF, 0x50, 0x38, 0x65, 0xA1, 0xED, 0x32, 0x81, 0xDC, 0x69,
                   0xB3, 0x5D, 0xD8, 0x68, 0xBA, 0x85, 0xF8, 0x86, 0xC4, 0xAB};

const Point& constant(Side side) { return side == Side::kdc ? kM : kN; }
Side other(Side side) { return side == Side::kdc ? Side::client : Side::kdc; }

Result<void> ready() {
  static const int rc = sodium_init();  // safe to call again; 1 when already done
  if (rc < 0) return Error{Errc::internal, "libsodium did not initialize"};
  return success();
}

// A little-endian integer reduced modulo the group order l. w is 32 bytes of
// PRF output, and MIT's private values are multiples of the cofactor up to
// 8l; every point met here lies in the subgroup of order l, so n*P depends
// only on n mod l.
SecretBytes reduced(BytesView scalar) {
  std::uint8_t wide[crypto_core_ed25519_NONREDUCEDSCALARBYTES] = {};
  std::copy(scalar.begin(), scalar.end(), wide);
  SecretBytes out(crypto_core_ed25519_SCALARBYTES);
  crypto_core_ed25519_scalar_reduce(out.data(), wide);
  sodium_memzero(wide, sizeof wide);
  return out;
}

}  // namespace

Result<SecretBytes> ed25519_random_scalar() {
  KRBKIT_CHECK(ready());
  SecretBytes s(crypto_core_ed25519_SCALARBYTES);
  crypto_core_ed25519_scalar_random(s.data());  // in ]0, l[
  return s;
}

Result<Bytes> ed25519_public(Side side, BytesView wbytes, BytesView priv) {
  KRBKIT_CHECK(ready());
  const SecretBytes w = reduced(wbytes), p = reduced(priv);
  Point base_part, mask;
  Bytes out(crypto_core_ed25519_BYTES);
  if (crypto_scalarmult_ed25519_base_noclamp(base_part.data(), p.data()) != 0)
    return Error{Errc::invalid_argument,
                 "SPAKE edwards25519: a private scalar that is zero modulo the order"};
  if (crypto_scalarmult_ed25519_noclamp(mask.data(), w.data(), constant(side).data()) != 0 ||
      crypto_core_ed25519_add(out.data(), base_part.data(), mask.data()) != 0)
    return Error{Errc::invalid_argument, "SPAKE edwards25519: w is zero modulo the order"};
  return out;
}

Result<SecretBytes> ed25519_shared(Side side, BytesView wbytes, BytesView priv, BytesView theirs) {
  KRBKIT_CHECK(ready());
  const SecretBytes w = reduced(wbytes), p = reduced(priv);
  Point mask, unmasked;
  SecretBytes out(crypto_core_ed25519_BYTES);
  if (crypto_scalarmult_ed25519_noclamp(mask.data(), w.data(), constant(other(side)).data()) != 0)
    return Error{Errc::invalid_argument, "SPAKE edwards25519: w is zero modulo the order"};
  if (crypto_core_ed25519_sub(unmasked.data(), theirs.data(), mask.data()) != 0 ||
      crypto_scalarmult_ed25519_noclamp(out.data(), p.data(), unmasked.data()) != 0)
    return Error{Errc::invalid_argument,
                 "SPAKE edwards25519: the peer's element is not a point of the prime-order subgroup"};
  return out;
}

}  // namespace krbkit::spake::detail
