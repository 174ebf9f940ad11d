#pragma once
// BinaryReader: a bounds-checked reader for the fixed-layout binary file
// formats (credential caches, keytabs). Integers are big-endian, or in host
// byte order for the old format versions that used it (ccache v1/v2, keytab
// v1). The first failure sticks, as in MIT's k5input: later reads return 0 or
// empty and do not move, so parsing code reads as straight lines and checks
// failed() where it matters. The failure records the byte offset and the name
// of the field being read, for an error message like
//   "/tmp/krb5cc_1000: byte 212: credential 1 ticket: length 4294967295 runs past the end".

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "krbkit/base/bytes.hpp"

namespace krbkit {

class BinaryReader {
 public:
  enum class Order { big_endian, host };

  explicit BinaryReader(BytesView data, Order order = Order::big_endian) : data_(data), order_(order) {}

  void set_order(Order order) { order_ = order; }
  std::size_t offset() const { return pos_; }
  std::size_t remaining() const { return failed_ ? 0 : data_.size() - pos_; }
  std::size_t size() const { return data_.size(); }
  bool at_end() const { return pos_ == data_.size(); }
  bool failed() const { return failed_; }
  // Whether the failure was the data ending too soon (a field, a length or a
  // count needing more bytes than are left), rather than a bad value: what a
  // file cut short looks like, which more bytes could have made whole.
  bool ran_out() const { return ran_out_; }

  // Where and why reading failed (valid when failed()).
  std::size_t failure_offset() const { return failure_offset_; }
  const std::string& failure_field() const { return failure_field_; }
  const std::string& failure_problem() const { return failure_problem_; }

  // Records a failure at `at` (default: the current offset); only the first counts.
  void fail(std::string_view field, std::string problem, std::size_t at = npos) {
    if (failed_) return;
    failed_ = true;
    failure_offset_ = at == npos ? pos_ : at;
    failure_field_ = std::string(field);
    failure_problem_ = std::move(problem);
  }

  std::uint8_t u8(std::string_view field) {
    const std::uint8_t* p = take(1, field);
    return p ? p[0] : 0;
  }
  std::uint16_t u16(std::string_view field) {
    const std::uint8_t* p = take(2, field);
    if (!p) return 0;
    if (order_ == Order::big_endian) return get_u16be(p);
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  std::uint32_t u32(std::string_view field) {
    const std::uint8_t* p = take(4, field);
    if (!p) return 0;
    if (order_ == Order::big_endian) return get_u32be(p);
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  std::int16_t i16(std::string_view field) { return static_cast<std::int16_t>(u16(field)); }
  std::int32_t i32(std::string_view field) { return static_cast<std::int32_t>(u32(field)); }

  // `n` bytes, or an empty view after recording "length N runs past the end"
  // (the offset recorded is that of the length field when `length_at` is given).
  BytesView bytes(std::size_t n, std::string_view field, std::size_t length_at = npos) {
    if (failed_) return {};
    if (n > data_.size() - pos_) {
      fail_ran_out(field,
                   "length " + std::to_string(n) + " runs past the end (" +
                       std::to_string(data_.size() - pos_) + " bytes left)",
                   length_at);
      return {};
    }
    BytesView out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }

  void skip(std::size_t n, std::string_view field) { (void)bytes(n, field); }

  // As fail(), for a failure that more data could have avoided (ran_out()).
  void fail_ran_out(std::string_view field, std::string problem, std::size_t at = npos) {
    if (failed_) return;
    fail(field, std::move(problem), at);
    ran_out_ = true;
  }

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  const std::uint8_t* take(std::size_t n, std::string_view field) {
    if (failed_) return nullptr;
    if (n > data_.size() - pos_) {
      fail_ran_out(field,
                   pos_ == data_.size() ? "truncated: file ends here" : "truncated: file ends inside it");
      return nullptr;
    }
    const std::uint8_t* p = data_.data() + pos_;
    pos_ += n;
    return p;
  }

  BytesView data_;
  Order order_;
  std::size_t pos_ = 0;
  bool failed_ = false;
  bool ran_out_ = false;
  std::size_t failure_offset_ = 0;
  std::string failure_field_;
  std::string failure_problem_;
};

// Host-order helpers for writing the old formats.
inline void put_u16_order(Bytes& out, std::uint16_t v, BinaryReader::Order order) {
  if (order == BinaryReader::Order::big_endian) return put_u16be(out, v);
  std::uint8_t b[2];
  std::memcpy(b, &v, 2);
  for (auto x : b) out.push_back(x);
}
inline void put_u32_order(Bytes& out, std::uint32_t v, BinaryReader::Order order) {
  if (order == BinaryReader::Order::big_endian) return put_u32be(out, v);
  std::uint8_t b[4];
  std::memcpy(b, &v, 4);
  for (auto x : b) out.push_back(x);
}

}  // namespace krbkit
