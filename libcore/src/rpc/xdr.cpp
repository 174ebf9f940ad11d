// XDR codec (RFC 4506).

#include "krbkit/rpc/xdr.hpp"

namespace krbkit::rpc {
namespace {
std::size_t pad4(std::size_t n) { return (4 - n % 4) % 4; }
}  // namespace

void XdrWriter::opaque(BytesView data) {
  u32(static_cast<std::uint32_t>(data.size()));
  fixed(data);
}

void XdrWriter::fixed(BytesView data) {
  out_.insert(out_.end(), data.begin(), data.end());
  out_.insert(out_.end(), pad4(data.size()), 0);
}

void XdrReader::fail(const char* field, std::string_view problem) {
  if (failed_) return;
  failed_ = true;
  error_ = what_ + "." + field + ": " + std::string(problem);
}

bool XdrReader::need(const char* field, std::size_t n) {
  if (failed_) return false;
  if (data_.size() - pos_ < n) {
    fail(field, "runs past the end of the data");
    return false;
  }
  return true;
}

std::uint32_t XdrReader::u32(const char* field) {
  if (!need(field, 4)) return 0;
  std::uint32_t v = get_u32be(data_.data() + pos_);
  pos_ += 4;
  return v;
}

bool XdrReader::boolean(const char* field) {
  std::uint32_t v = u32(field);
  if (v > 1) fail(field, "boolean is neither 0 nor 1");
  return v == 1;
}

BytesView XdrReader::fixed(const char* field, std::size_t n) {
  if (!need(field, n + pad4(n))) return {};
  BytesView v = data_.subspan(pos_, n);
  pos_ += n + pad4(n);
  return v;
}

Bytes XdrReader::opaque(const char* field, std::size_t max) {
  std::uint32_t n = u32(field);
  if (n > max) {
    fail(field, "length " + std::to_string(n) + " is too large");
    return {};
  }
  BytesView v = fixed(field, n);
  return Bytes(v.begin(), v.end());
}

std::string XdrReader::string(const char* field, std::size_t max) {
  Bytes b = opaque(field, max);
  return std::string(as_chars(b));
}

Result<void> XdrReader::status() const {
  if (failed_) return Error{Errc::parse, error_};
  return success();
}

Result<void> XdrReader::finish() const {
  KRBKIT_CHECK(status());
  if (!at_end())
    return Error{Errc::parse,
                 what_ + ": " + std::to_string(data_.size() - pos_) + " unexpected bytes at the end"};
  return success();
}

}  // namespace krbkit::rpc
