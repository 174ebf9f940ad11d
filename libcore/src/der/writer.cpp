#include "krbkit/der/writer.hpp"

#include "krbkit/der/time.hpp"

namespace krbkit::der {

std::size_t Writer::open(std::uint8_t tag_byte) {
  out_.push_back(tag_byte);
  out_.push_back(0);  // length placeholder: short form until close() knows better
  return out_.size();
}

void Writer::close(std::size_t at) {
  std::size_t length = out_.size() - at;
  if (length < 0x80) {
    out_[at - 1] = static_cast<std::uint8_t>(length);
    return;
  }
  std::uint8_t len_bytes[sizeof(std::size_t)];
  std::size_t n = 0;
  for (std::size_t v = length; v != 0; v >>= 8) len_bytes[n++] = static_cast<std::uint8_t>(v);
  out_[at - 1] = static_cast<std::uint8_t>(0x80 | n);
  // Make room for the long-form length bytes after the first length byte.
  out_.insert(out_.begin() + static_cast<std::ptrdiff_t>(at), n, 0);
  for (std::size_t i = 0; i < n; ++i) out_[at + i] = len_bytes[n - 1 - i];
}

void Writer::primitive(std::uint8_t tag_byte, BytesView content) {
  std::size_t at = open(tag_byte);
  out_.insert(out_.end(), content.begin(), content.end());
  close(at);
}

void Writer::integer(std::int64_t value) {
  std::uint8_t be[8];
  auto u = static_cast<std::uint64_t>(value);
  for (int i = 7; i >= 0; --i, u >>= 8) be[i] = static_cast<std::uint8_t>(u);
  // Drop leading bytes that only repeat the sign.
  std::size_t start = 0;
  while (start < 7 &&
         ((be[start] == 0x00 && !(be[start + 1] & 0x80)) || (be[start] == 0xff && (be[start + 1] & 0x80))))
    ++start;
  primitive(tag::integer, BytesView(be + start, 8 - start));
}

void Writer::boolean(bool value) {
  const std::uint8_t b = value ? 0xff : 0x00;
  primitive(tag::boolean, BytesView(&b, 1));
}

void Writer::octet_string(BytesView value) { primitive(tag::octet_string, value); }

void Writer::object_identifier(BytesView content) { primitive(tag::object_identifier, content); }

void Writer::bit_string(BytesView bits) {
  std::size_t at = open(tag::bit_string);
  out_.push_back(0);  // no unused bits
  out_.insert(out_.end(), bits.begin(), bits.end());
  close(at);
}

void Writer::implicit_octets(unsigned n, BytesView value) {
  primitive(static_cast<std::uint8_t>(0x80 | n), value);
}

void Writer::general_string(std::string_view value) { primitive(tag::general_string, as_bytes(value)); }

void Writer::generalized_time(std::chrono::sys_seconds t) {
  primitive(tag::generalized_time, as_bytes(format_generalized_time(t)));
}

void Writer::flags(std::uint32_t bits) {
  const std::uint8_t content[5] = {0, static_cast<std::uint8_t>(bits >> 24),
                                   static_cast<std::uint8_t>(bits >> 16),
                                   static_cast<std::uint8_t>(bits >> 8), static_cast<std::uint8_t>(bits)};
  primitive(tag::bit_string, BytesView(content, 5));
}

}  // namespace krbkit::der
