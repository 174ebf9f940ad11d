#include "krbkit/der/reader.hpp"

#include <fmt/format.h>

#include "krbkit/der/time.hpp"

namespace krbkit::der {

std::string tag::describe(std::uint8_t t) {
  switch (t) {
    case boolean: return "BOOLEAN";
    case integer: return "INTEGER";
    case bit_string: return "BIT STRING";
    case octet_string: return "OCTET STRING";
    case generalized_time: return "GeneralizedTime";
    case general_string: return "GeneralString";
    case sequence: return "SEQUENCE";
    default: break;
  }
  if ((t & 0xe0) == 0xa0) return fmt::format("[{}]", t & 0x1f);
  if ((t & 0xe0) == 0x60) return fmt::format("[APPLICATION {}]", t & 0x1f);
  return fmt::format("tag 0x{:02x}", t);
}

Reader::Reader(BytesView data, std::string what) : state_(&own_), data_(data), root_name_(std::move(what)) {}

Reader::Reader(State* state, BytesView data, const Reader* parent, Where where, unsigned depth)
    : state_(state), data_(data), parent_(parent), where_(where), depth_(depth) {}

Reader::~Reader() { check_end(); }

void Reader::check_end() {
  if (ok() && pos_ < data_.size())
    fail(fmt::format("{} unexpected byte(s) after the last element", data_.size() - pos_));
}

void Reader::fail(std::string_view message) { fail_at({}, message); }

void Reader::fail_at(Where where, std::string_view message) {
  if (!ok()) return;
  const std::string path = path_of(where);
  std::string detail = path.empty() ? std::string(message) : fmt::format("{}: {}", path, message);
  state_->error = Error{Errc::parse, std::move(detail)};
}

std::string Reader::path() const { return parent_ ? parent_->path_of(where_) : root_name_; }

// The path of a field or item of this reader ("<path>.<name>", "<path>[i]"),
// or of this reader itself.
std::string Reader::path_of(Where where) const {
  std::string out = path();
  if (where.index != kNoIndex) {
    out += fmt::format("[{}]", where.index);
  } else if (!where.name.empty()) {
    if (!out.empty()) out += '.';
    out += where.name;
  }
  return out;
}

std::optional<std::uint8_t> Reader::peek_tag() const {
  if (at_end()) return std::nullopt;
  return data_[pos_];
}

std::optional<Reader::Header> Reader::read_header(Where where) {
  if (!ok()) return std::nullopt;
  if (pos_ >= data_.size()) {
    fail_at(where, "missing");
    return std::nullopt;
  }
  const std::size_t left = data_.size() - pos_;
  const std::uint8_t* p = data_.data() + pos_;
  Header h;
  h.tag = p[0];
  if ((h.tag & 0x1f) == 0x1f) {
    fail_at(where, "tag numbers above 30 are not used by Kerberos");
    return std::nullopt;
  }
  if (left < 2) {
    fail_at(where, "length runs past the end");
    return std::nullopt;
  }
  std::uint8_t first = p[1];
  if (first < 0x80) {
    h.length = first;
    h.header_size = 2;
  } else if (first == 0x80) {
    fail_at(where, "indefinite length is not DER");
    return std::nullopt;
  } else {
    std::size_t n = first & 0x7f;
    if (n > 4) {
      fail_at(where, fmt::format("length field of {} bytes is absurd", n));
      return std::nullopt;
    }
    if (left < 2 + n) {
      fail_at(where, "length runs past the end");
      return std::nullopt;
    }
    if (p[2] == 0) {
      fail_at(where, "non-minimal length (leading zero byte)");
      return std::nullopt;
    }
    std::size_t len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | p[2 + i];
    if (len < 0x80) {
      fail_at(where, "non-minimal length (long form for a short length)");
      return std::nullopt;
    }
    if (len > kMaxLength) {
      fail_at(where, fmt::format("length {} is absurd", len));
      return std::nullopt;
    }
    h.length = len;
    h.header_size = 2 + n;
  }
  if (h.length > left - h.header_size) {
    fail_at(where, "length runs past the end");
    return std::nullopt;
  }
  return h;
}

Reader Reader::child(std::uint8_t tag_byte, std::string_view name) {
  // Failures are named after the field that was looked for.
  const Where where{name};
  auto h = read_header(where);
  if (h && h->tag != tag_byte) {
    fail_at(where, fmt::format("expected {}, found {}", tag::describe(tag_byte), tag::describe(h->tag)));
    h.reset();
  }
  if (h && depth_ + 1 > kMaxDepth) {
    fail_at(where, fmt::format("nested deeper than {} levels", kMaxDepth));
    h.reset();
  }
  if (!h) return Reader(state_, {}, this, where, depth_ + 1);
  BytesView content = data_.subspan(pos_ + h->header_size, h->length);
  pos_ += h->header_size + h->length;
  return Reader(state_, content, this, where, depth_ + 1);
}

Reader Reader::field(unsigned n, std::string_view name) & { return child(tag::context(n), name); }

Reader Reader::sequence() & { return child(tag::sequence, {}); }

Reader Reader::application(unsigned n, std::string_view name) & { return child(tag::application(n), name); }

Reader Reader::constructed(std::uint8_t tag_byte, std::string_view name) & { return child(tag_byte, name); }

Reader Reader::item() & {
  const Where where{{}, items_++};
  BytesView element;
  if (auto h = read_header(where)) element = data_.subspan(pos_, h->header_size + h->length);
  pos_ += element.size();
  return Reader(state_, element, this, where, depth_);
}

BytesView Reader::peek_element() {
  auto h = read_header({});
  if (!h) return {};
  return data_.subspan(pos_, h->header_size + h->length);
}

BytesView Reader::primitive(std::uint8_t tag_byte, const char* type_name) {
  auto h = read_header({});
  if (!h) return {};
  if (h->tag != tag_byte) {
    fail(fmt::format("expected {}, found {}", type_name, tag::describe(h->tag)));
    return {};
  }
  BytesView content = data_.subspan(pos_ + h->header_size, h->length);
  pos_ += h->header_size + h->length;
  return content;
}

std::int64_t Reader::integer(std::int64_t min, std::int64_t max) {
  BytesView c = primitive(tag::integer, "INTEGER");
  if (!ok()) return 0;
  if (c.empty()) {
    fail("empty INTEGER");
    return 0;
  }
  if (c.size() > 1 && ((c[0] == 0x00 && !(c[1] & 0x80)) || (c[0] == 0xff && (c[1] & 0x80)))) {
    fail("non-minimal INTEGER");
    return 0;
  }
  if (c.size() > 8) {
    fail("INTEGER out of range");
    return 0;
  }
  // Sign-extend, then shift in the bytes.
  std::uint64_t u = (c[0] & 0x80) ? ~std::uint64_t{0} : 0;
  for (std::uint8_t b : c) u = (u << 8) | b;
  auto v = static_cast<std::int64_t>(u);
  if (v < min || v > max) {
    fail(fmt::format("INTEGER {} out of range {}..{}", v, min, max));
    return 0;
  }
  return v;
}

bool Reader::boolean() {
  BytesView c = primitive(tag::boolean, "BOOLEAN");
  if (!ok()) return false;
  if (c.size() != 1 || (c[0] != 0x00 && c[0] != 0xff)) {
    fail("BOOLEAN must be one byte, 00 or FF");
    return false;
  }
  return c[0] == 0xff;
}

Bytes Reader::octet_string() {
  BytesView c = primitive(tag::octet_string, "OCTET STRING");
  return Bytes(c.begin(), c.end());
}

Bytes Reader::object_identifier() {
  BytesView c = primitive(tag::object_identifier, "OBJECT IDENTIFIER");
  if (ok() && (c.empty() || (c.back() & 0x80) != 0)) fail("malformed OBJECT IDENTIFIER");
  return Bytes(c.begin(), c.end());
}

Bytes Reader::bit_string() {
  BytesView c = primitive(tag::bit_string, "BIT STRING");
  if (!ok()) return {};
  if (c.empty() || c[0] != 0) {
    fail("BIT STRING with unused bits");
    return {};
  }
  return Bytes(c.begin() + 1, c.end());
}

Bytes Reader::implicit_octets(unsigned n) {
  BytesView c = primitive(static_cast<std::uint8_t>(0x80 | n), "[IMPLICIT] OCTET STRING");
  return Bytes(c.begin(), c.end());
}

Bytes Reader::integer_bytes() {
  BytesView c = primitive(tag::integer, "INTEGER");
  if (ok() && c.empty()) fail("empty INTEGER");
  return Bytes(c.begin(), c.end());
}

std::string Reader::general_string() {
  BytesView c = primitive(tag::general_string, "GeneralString");
  return std::string(as_chars(c));
}

std::chrono::sys_seconds Reader::generalized_time() {
  BytesView c = primitive(tag::generalized_time, "GeneralizedTime");
  if (!ok()) return {};
  auto t = parse_generalized_time(as_chars(c));
  if (!t) {
    fail(fmt::format("KerberosTime must be YYYYMMDDHHMMSSZ, found \"{}\"",
                     as_chars(c.first(std::min<std::size_t>(c.size(), 32)))));
    return {};
  }
  return *t;
}

std::uint32_t Reader::flags() {
  BytesView c = primitive(tag::bit_string, "BIT STRING");
  if (!ok()) return 0;
  if (c.empty() || c[0] > 7 || (c.size() == 1 && c[0] != 0)) {
    fail("malformed BIT STRING");
    return 0;
  }
  std::uint32_t bits = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    bits <<= 8;
    if (i + 1 < c.size()) bits |= c[i + 1];
  }
  // Bits past the 32nd (longer KerberosFlags) carry nothing Kerberos defines.
  return bits;
}

}  // namespace krbkit::der
