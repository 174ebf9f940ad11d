#pragma once
// Building PAC bytes in tests (unit fixtures and forged tickets against a
// real realm): little-endian fields, a PACTYPE around buffers, and an empty
// PAC_SIGNATURE_DATA; the hex PAC buffers of tests/data/pac.
#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/enctype.hpp"

namespace krbkit::test_pac {

// tests/data/pac/<name>, a hex dump, as bytes.
inline Bytes read_hex(const std::string& name) {
  std::ifstream in(std::string(KRBKIT_TEST_DATA_DIR) + "/pac/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  Bytes out;
  REQUIRE(from_hex(text, out));
  return out;
}

inline void put32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}

// A PACTYPE around the given buffers (data 8-aligned, as AD lays it out).
inline Bytes make_pac(const std::vector<std::pair<std::uint32_t, Bytes>>& buffers) {
  Bytes out;
  put32(out, static_cast<std::uint32_t>(buffers.size()));
  put32(out, 0);
  std::size_t offset = 8 + 16 * buffers.size();
  for (const auto& [type, data] : buffers) {
    put32(out, type);
    put32(out, static_cast<std::uint32_t>(data.size()));
    put32(out, static_cast<std::uint32_t>(offset));
    put32(out, 0);
    offset += (data.size() + 7) / 8 * 8;
  }
  for (const auto& [type, data] : buffers) {
    out.insert(out.end(), data.begin(), data.end());
    out.resize((out.size() + 7) / 8 * 8, 0);
  }
  return out;
}

// PAC_SIGNATURE_DATA with a zero signature of `len` bytes.
inline Bytes signature_buffer(Cksumtype type, std::size_t len) {
  Bytes b;
  put32(b, static_cast<std::uint32_t>(to_int(type)));
  b.resize(4 + len, 0);
  return b;
}

}  // namespace krbkit::test_pac
