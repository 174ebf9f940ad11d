#pragma once
// Byte strings: owned (Bytes) and borrowed (BytesView), plus hex helpers used
// by tests, traces and the tools' output.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace krbkit {

using Bytes = std::vector<std::uint8_t>;
using BytesView = std::span<const std::uint8_t>;

inline BytesView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(BytesView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes to_bytes(std::string_view s) {
  auto v = as_bytes(s);
  return Bytes(v.begin(), v.end());
}

// Lower-case hex without separators ("0a1b").
std::string to_hex(BytesView data);
// Parses hex (either case, no separators); returns false on odd length or a
// non-hex character.
bool from_hex(std::string_view hex, Bytes& out);
// For tests and constants: throws std::invalid_argument on bad input.
Bytes hex(std::string_view hex);

// Big-endian integer helpers for the binary file and wire formats.
inline void put_u16be(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
inline void put_u32be(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}
inline std::uint16_t get_u16be(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t get_u32be(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

}  // namespace krbkit
