// Shared pieces of the profiles.
#include "crypto/profile.hpp"

#include <string>

namespace krbkit::crypto_detail {

Result<Key> Profile::random_to_key(const EnctypeInfo& e, BytesView seed) const {
  if (seed.size() != e.seed_bytes)
    return Error{Errc::invalid_argument, std::string(e.name) + ": random-to-key needs " +
                                             std::to_string(e.seed_bytes) + " bytes, got " +
                                             std::to_string(seed.size())};
  return Key{e.id, SecretBytes(seed)};
}

Result<SecretBytes> Profile::derive(const Key& base, BytesView, std::size_t) const {
  return Error{Errc::unsupported, "etype " + std::to_string(to_int(base.enctype)) + " has no key derivation"};
}

Result<SecretBytes> Profile::usage_key(const EnctypeInfo& e, const Key& base, KeyUsage usage,
                                       primitive::KeyRole role) const {
  return derive(base, usage_constant(usage, role), e.key_bytes);
}

std::size_t Profile::ciphertext_size(const EnctypeInfo& e, std::size_t plaintext_size) const {
  return e.confounder_bytes + plaintext_size + e.mac_bytes;
}

Bytes usage_constant(KeyUsage usage, primitive::KeyRole role) {
  Bytes c;
  c.reserve(5);
  put_u32be(c, static_cast<std::uint32_t>(usage));
  c.push_back(static_cast<std::uint8_t>(role));
  return c;
}

Result<std::uint32_t> s2k_iterations(const EnctypeInfo& e, BytesView params) {
  if (params.empty()) return e.default_iterations;
  if (params.size() != 4)
    return Error{Errc::invalid_argument,
                 std::string(e.name) + ": s2kparams must be 4 bytes, got " + std::to_string(params.size())};
  std::uint32_t iterations = get_u32be(params.data());
  // MIT refuses counts above 2^24 (a KDC could otherwise make us spin for hours).
  if (iterations == 0 || iterations > (1u << 24))
    return Error{Errc::invalid_argument, std::string(e.name) + ": s2kparams iteration count " +
                                             std::to_string(iterations) + " out of range"};
  return iterations;
}

Error integrity_error(const EnctypeInfo& e) {
  return Error{Errc::integrity, std::string(e.name) + ": ciphertext integrity check failed"};
}

Error short_ciphertext(const EnctypeInfo& e, std::size_t size) {
  return Error{Errc::integrity,
               std::string(e.name) + ": ciphertext of " + std::to_string(size) + " bytes is too short"};
}

}  // namespace krbkit::crypto_detail
