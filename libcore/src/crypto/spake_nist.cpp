// SPAKE's P-256, P-384 and P-521 groups on OpenSSL's EC_POINT arithmetic.
// EC_POINT_oct2point refuses an encoding that is not a point of the curve;
// the NIST curves have no cofactor, so every such point is in the group.

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <array>
#include <memory>

#include "crypto/spake_curves.hpp"

namespace krbkit::spake::detail {

namespace {

// The draft's constants M (the KDC's) and N (the client's), compressed.
constexpr std::array<std::uint8_t, 33> kP256M{
    0x02, 0x88, 0x6E, 0x2F, 0x97, 0xAC, 0xE4, 0x6E, 0x55, 0xBA, 0x9D, 0xD7, 0x24, 0x25, 0x79, 0xF2, 0x99,
    0x3B, 0x64, 0xE1, 0x6E, 0xF3, 0xDC, 0xAB, 0x95, 0xAF, 0xD4, 0x97, 0x33, 0x3D, 0x8F, 0xA1, 0x2F};
constexpr std::array<std::uint8_t, 33> kP256N{
    0x03, 0xD8, 0xBB, 0xD6, 0xC6, 0x39, 0xC6, 0x29, 0x37, 0xB0, 0x4D, 0x99, 0x7F, 0x38, 0xC3, 0x77, 0x07,
    0x19, 0xC6, 0x29, 0xD7, 0x01, 0x4D, 0x49, 0xA2, 0x4B, 0x4F, 0x98, 0xBA, 0xA1, 0x29, 0x2B, 0x49};
constexpr std::array<std::uint8_t, 49> kP384M{
    0x03, 0x0F, 0xF0, 0x89, 0x5A, 0xE5, 0xEB, 0xF6, 0x18, 0x70, 0x80, 0xA8, 0x2D, 0x82, 0xB4, 0x2E, 0x27,
    0x65, 0xE3, 0xB2, 0xF8, 0x74, 0x9C, 0x7E, 0x05, 0xEB, 0xA3, 0x66, 0x43, 0x4B, 0x36, 0x3D, 0x3D, 0xC3,
    0x6F, 0x15, 0x31, 0x47, 0x39, 0x07, 0x4D, 0x2E, 0xB8, 0x61, 0x3F, 0xCE, 0xEC, 0x28, 0x53};
constexpr std::array<std::uint8_t, 49> kP384N{
    0x02, 0xC7, 0x2C, 0xF2, 0xE3, 0x90, 0x85, 0x3A, 0x1C, 0x1C, 0x4A, 0xD8, 0x16, 0xA6, 0x2F, 0xD1, 0x58,
    0x24, 0xF5, 0x60, 0x78, 0x91, 0x8F, 0x43, 0xF9, 0x22, 0xCA, 0x21, 0x51, 0x8F, 0x9C, 0x54, 0x3B, 0xB2,
    0x52, 0xC5, 0x49, 0x02, 0x14, 0xCF, 0x9A, 0xA3, 0xF0, 0xBA, 0xAB, 0x4B, 0x66, 0x5C, 0x10};
constexpr std::array<std::uint8_t, 67> kP521M{
    0x02, 0x00, 0x3F, 0x06, 0xF3, 0x81, 0x31, 0xB2, 0xBA, 0x26, 0x00, 0x79, 0x1E, 0x82, 0x48, 0x8E, 0x8D,
    0x20, 0xAB, 0x88, 0x9A, 0xF7, 0x53, 0xA4, 0x18, 0x06, 0xC5, 0xDB, 0x18, 0xD3, 0x7D, 0x85, 0x60, 0x8C,
    0xFA, 0xE0, 0x6B, 0x82, 0xE4, 0xA7, 0x2C, 0xD7, 0x44, 0xC7, 0x19, 0x19, 0x35, 0x62, 0xA6, 0x53, 0xEA,
    0x1F, 0x11, 0x9E, 0xEF, 0x93, 0x56, 0x90, 0x7E, 0xDC, 0x9B, 0x56, 0x97, 0x99, 0x62, 0xD7, 0xAA};
constexpr std::array<std::uint8_t, 67> kP521N{
    0x02, 0x00, 0xC7, 0x92, 0x4B, 0x9E, 0xC0, 0x17, 0xF3, 0x09, 0x45, 0x62, 0x89, 0x43, 0x36, 0xA5, 0x3C,
    0x50, 0x16, 0x7B, 0xA8, 0xC5, 0x96, 0x38, 0x76, 0x88, 0x05, 0x42, 0xBC, 0x66, 0x9E, 0x49, 0x4B, 0x25,
    0x32, 0xD7, 0x6C, 0x5B, 0x53, 0xDF, 0xB3, 0x49, 0xFD, 0xF6, 0x91, 0x54, 0xB9, 0xE0, 0x04, 0x8C, 0x58,
    0xA4, 0x2E, 0x8E, 0xD0, 0x4C, 0xEF, 0x05, 0x2A, 0x3B, 0xC3, 0x49, 0xD9, 0x55, 0x75, 0xCD, 0x25};

struct GroupFree {
  void operator()(EC_GROUP* g) const { EC_GROUP_free(g); }
};
struct PointFree {
  void operator()(EC_POINT* p) const { EC_POINT_clear_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
struct CtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using GroupPtr = std::unique_ptr<EC_GROUP, GroupFree>;
using PointPtr = std::unique_ptr<EC_POINT, PointFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using CtxPtr = std::unique_ptr<BN_CTX, CtxFree>;

struct Curve {
  GroupPtr group;
  CtxPtr ctx;
  BnPtr order;
  BytesView m, n;
  std::size_t mult_len = 0, elem_len = 0;
};

Error openssl_failed(std::string_view what) {
  return Error{Errc::internal, fmt::format("SPAKE: OpenSSL EC arithmetic failed ({})", what)};
}

Result<Curve> curve(Group g) {
  Curve c;
  int nid = NID_X9_62_prime256v1;
  c.m = kP256M;
  c.n = kP256N;
  if (g == Group::p384) {
    nid = NID_secp384r1;
    c.m = kP384M;
    c.n = kP384N;
  } else if (g == Group::p521) {
    nid = NID_secp521r1;
    c.m = kP521M;
    c.n = kP521N;
  }
  const GroupInfo* info = find_group(static_cast<std::int32_t>(g));
  c.mult_len = info->mult_len;
  c.elem_len = info->elem_len;
  c.group.reset(EC_GROUP_new_by_curve_name(nid));
  c.ctx.reset(BN_CTX_new());
  c.order.reset(BN_new());
  if (!c.group || !c.ctx || !c.order || EC_GROUP_get_order(c.group.get(), c.order.get(), c.ctx.get()) != 1)
    return openssl_failed("curve");
  return c;
}

Result<PointPtr> point(const Curve& c, BytesView encoded) {
  PointPtr p(EC_POINT_new(c.group.get()));
  if (!p) return openssl_failed("point");
  if (EC_POINT_oct2point(c.group.get(), p.get(), encoded.data(), encoded.size(), c.ctx.get()) != 1)
    return Error{Errc::invalid_argument, "SPAKE: the peer's element is not a point of the curve"};
  return p;
}

// A big-endian scalar; reduced modulo the order when `reduce` (w is PRF output).
Result<BnPtr> scalar(const Curve& c, BytesView bytes, bool reduce) {
  BnPtr s(BN_new());
  if (!s) return openssl_failed("scalar");
  BN_set_flags(s.get(), BN_FLG_CONSTTIME);
  if (BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), s.get()) == nullptr ||
      (reduce && BN_nnmod(s.get(), s.get(), c.order.get(), c.ctx.get()) != 1))
    return openssl_failed("scalar");
  return s;
}

Result<Bytes> encode(const Curve& c, const EC_POINT* p) {
  Bytes out(c.elem_len);
  if (EC_POINT_point2oct(c.group.get(), p, POINT_CONVERSION_COMPRESSED, out.data(), out.size(),
                         c.ctx.get()) != out.size())
    return Error{Errc::invalid_argument, "SPAKE: the result is the point at infinity"};
  return out;
}

}  // namespace

Result<SecretBytes> nist_random_scalar(Group group) {
  KRBKIT_TRY(c, curve(group));
  BnPtr s(BN_new());
  SecretBytes out(c.mult_len);
  if (!s || BN_priv_rand_range(s.get(), c.order.get()) != 1 ||
      BN_bn2binpad(s.get(), out.data(), static_cast<int>(out.size())) < 0)
    return openssl_failed("random scalar");
  return out;
}

Result<Bytes> nist_public(Group group, Side side, BytesView wbytes, BytesView priv) {
  KRBKIT_TRY(c, curve(group));
  KRBKIT_TRY(constant, point(c, side == Side::kdc ? c.m : c.n));
  KRBKIT_TRY(w, scalar(c, wbytes, true));
  KRBKIT_TRY(p, scalar(c, priv, false));
  PointPtr pub(EC_POINT_new(c.group.get()));
  if (!pub || EC_POINT_mul(c.group.get(), pub.get(), p.get(), constant.get(), w.get(), c.ctx.get()) != 1)
    return openssl_failed("public element");
  return encode(c, pub.get());
}

Result<SecretBytes> nist_shared(Group group, Side side, BytesView wbytes, BytesView priv, BytesView theirs) {
  KRBKIT_TRY(c, curve(group));
  KRBKIT_TRY(constant, point(c, side == Side::kdc ? c.n : c.m));
  KRBKIT_TRY(peer, point(c, theirs));
  KRBKIT_TRY(w, scalar(c, wbytes, true));
  KRBKIT_TRY(p, scalar(c, priv, false));
  PointPtr r(EC_POINT_new(c.group.get()));
  EC_GROUP* g = c.group.get();
  BN_CTX* ctx = c.ctx.get();
  // r = p * (peer - w * constant)
  if (!r || EC_POINT_mul(g, r.get(), nullptr, constant.get(), w.get(), ctx) != 1 ||
      EC_POINT_invert(g, r.get(), ctx) != 1 || EC_POINT_add(g, r.get(), peer.get(), r.get(), ctx) != 1 ||
      EC_POINT_mul(g, r.get(), nullptr, r.get(), p.get(), ctx) != 1)
    return openssl_failed("shared element");
  KRBKIT_TRY(encoded, encode(c, r.get()));
  SecretBytes out{BytesView(encoded)};
  secure_wipe(encoded.data(), encoded.size());
  return out;
}

}  // namespace krbkit::spake::detail
