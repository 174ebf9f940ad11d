#pragma once
// LeReader: little-endian reads for the PAC's buffers, with BinaryReader's
// sticky first failure (offset, field, problem), plus UTF-16LE strings, SIDs
// and FILETIMEs, and the NDR alignment KERB_VALIDATION_INFO needs.
#include <string>
#include <string_view>

#include "krbkit/base/binary_reader.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/pac/pac.hpp"

namespace krbkit::pac {

class LeReader {
 public:
  explicit LeReader(BytesView data) : data_(data), r_(data) {}

  bool failed() const { return r_.failed(); }
  std::size_t offset() const { return r_.offset(); }
  std::size_t remaining() const { return r_.remaining(); }
  std::size_t failure_offset() const { return r_.failure_offset(); }
  const std::string& failure_field() const { return r_.failure_field(); }
  const std::string& failure_problem() const { return r_.failure_problem(); }
  void fail(std::string_view field, std::string problem) { r_.fail(field, std::move(problem)); }

  std::uint8_t u8(std::string_view f) { return r_.u8(f); }
  std::uint16_t u16(std::string_view f) {
    BytesView b = r_.bytes(2, f);
    return b.size() == 2 ? static_cast<std::uint16_t>(b[0] | (b[1] << 8)) : 0;
  }
  std::uint32_t u32(std::string_view f) {
    BytesView b = r_.bytes(4, f);
    if (b.size() != 4) return 0;
    return static_cast<std::uint32_t>(b[0]) | (static_cast<std::uint32_t>(b[1]) << 8) |
           (static_cast<std::uint32_t>(b[2]) << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
  }
  std::int32_t i32(std::string_view f) { return static_cast<std::int32_t>(u32(f)); }
  std::uint64_t u64(std::string_view f) {
    std::uint64_t lo = u32(f);
    return lo | (static_cast<std::uint64_t>(u32(f)) << 32);
  }
  FileTime filetime(std::string_view f) { return FileTime{u64(f)}; }
  BytesView bytes(std::size_t n, std::string_view f) { return r_.bytes(n, f); }
  void skip(std::size_t n, std::string_view f) { r_.bytes(n, f); }
  // NDR: pads to a multiple of n from the start of the data.
  void align(std::size_t n) {
    std::size_t pad = (n - offset() % n) % n;
    if (pad && pad <= remaining()) skip(pad, "alignment");
  }

  // `byte_len` bytes of UTF-16LE as UTF-8.
  std::string utf16(std::size_t byte_len, std::string_view f);
  // The same at an absolute offset, without moving.
  std::string utf16_at(std::size_t at, std::size_t byte_len, std::string_view f);
  BytesView slice_at(std::size_t at, std::size_t len, std::string_view f);
  // A SID: revision, count, 6-byte big-endian authority, count LE u32.
  Sid sid(std::string_view f);

 private:
  BytesView data_;
  BinaryReader r_;
};

// UTF-16LE to UTF-8 (unpaired surrogates become U+FFFD).
std::string utf16le_to_utf8(BytesView data);

}  // namespace krbkit::pac
