#pragma once
// XDR (RFC 4506): big-endian 4-byte units, opaque data padded to 4 bytes.
//
//   XdrWriter w;  w.u32(2112);  w.opaque(token);  Bytes b = w.take();
//   XdrReader r(b);
//   auto prog = r.u32("call.prog");     // sticky error: later reads return 0/empty
//   auto tok = r.opaque("init_res.gss_token");
//   KRBKIT_CHECK(r.finish());           // first failure, naming its field; or trailing bytes

#include <cstdint>
#include <string>
#include <string_view>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit::rpc {

class XdrWriter {
 public:
  void u32(std::uint32_t v) { put_u32be(out_, v); }
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
  void boolean(bool v) { u32(v ? 1 : 0); }
  // Variable-length opaque: length, bytes, zero padding.
  void opaque(BytesView data);
  void string(std::string_view s) { opaque(as_bytes(s)); }
  // Fixed-length opaque: bytes and padding, no length.
  void fixed(BytesView data);
  // Bytes that are already XDR.
  void raw(BytesView data) { out_.insert(out_.end(), data.begin(), data.end()); }

  const Bytes& bytes() const { return out_; }
  std::size_t size() const { return out_.size(); }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

class XdrReader {
 public:
  explicit XdrReader(BytesView data, std::string what = "XDR") : data_(data), what_(std::move(what)) {}

  std::uint32_t u32(const char* field);
  std::int32_t i32(const char* field) { return static_cast<std::int32_t>(u32(field)); }
  bool boolean(const char* field);
  Bytes opaque(const char* field, std::size_t max = 1 << 24);
  std::string string(const char* field, std::size_t max = 1 << 24);
  // Fixed-length opaque of n bytes (plus padding).
  BytesView fixed(const char* field, std::size_t n);
  // The unread rest, without consuming it.
  BytesView rest() const { return data_.subspan(pos_); }
  void skip_all() { pos_ = data_.size(); }

  bool ok() const { return !failed_; }
  bool at_end() const { return pos_ == data_.size(); }
  // Records a failure found by the caller (a bad value): "<what>.<field>: <problem>".
  void fail(const char* field, std::string_view problem);
  // The first failure, or success.
  Result<void> status() const;
  // status(), and also an error when bytes are left over.
  Result<void> finish() const;

 private:
  bool need(const char* field, std::size_t n);

  BytesView data_;
  std::string what_;
  std::size_t pos_ = 0;
  bool failed_ = false;
  std::string error_;
};

}  // namespace krbkit::rpc
