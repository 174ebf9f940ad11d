#pragma once
// der::Reader: a strict DER reader over a byte span, with a sticky error that
// names the field that failed.
//
// A Reader walks the elements (tag, length, value) of one constructed value.
// Entering a field returns a child Reader over that field's contents; the
// child's path is the parent's plus the field name, so an error reads
// "AS-REP.enc-part.cipher: length runs past the end". The first failure is
// kept (MIT's k5input idea); after it every read returns a default value and
// every child is empty, so decoding code is straight-line:
//
//   // EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING }
//   der::Reader in(bytes, "EncryptedData");
//   {
//     auto seq = in.sequence();
//     v.etype = seq.field(0, "etype").int32();
//     if (seq.has_field(1)) v.kvno = seq.field(1, "kvno").uint32();
//     v.cipher = seq.field(2, "cipher").octet_string();
//   }                                     // children check they were read to the end
//   return in.finish(std::move(v));      // Result<T>: the value, or the first error
//
// What is rejected (each with its own message): indefinite lengths,
// non-minimal lengths, non-minimal INTEGERs, integers out of the target's
// range, length fields over 4 bytes or lengths over kMaxLength, lengths past
// the end of the enclosing element, high tag numbers (>= 31, unused by
// Kerberos), nesting deeper than kMaxDepth, unread bytes at the end of any
// constructed element (including the message), BOOLEAN other than 00/FF, and
// GeneralizedTime other than YYYYMMDDHHMMSSZ.
//
// Lifetime: a child refers to its root's error state and to its parent (its
// path is built from the chain of parents, and only when an error is
// reported: formatting it for every field read cost more than the decoding),
// so a parent must outlive its children and a field name must outlive the
// child read under it (pass string literals). Children may be temporaries
// (`seq.field(0, "etype").int32()`), but a temporary cannot have children:
// the child-making calls are for named readers only (`&`-qualified). A child
// checks in its destructor that nothing follows what was read.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/der/tag.hpp"

namespace krbkit::der {

inline constexpr unsigned kMaxDepth = 32;
inline constexpr std::size_t kMaxLength = std::size_t{1} << 24;  // 16 MiB, far above any Kerberos message

class Reader {
 public:
  // A root reader over a whole encoding; `what` starts every error path.
  Reader(BytesView data, std::string what);
  // The reader only borrows its bytes: refuse a temporary buffer.
  Reader(Bytes&& data, std::string what) = delete;
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  bool ok() const { return !state_->error.has_value(); }
  // True when every element has been read (or after a failure).
  bool at_end() const { return !ok() || pos_ >= data_.size(); }
  // "AS-REP.enc-part.cipher": the root's name and the fields down to here.
  std::string path() const;
  // Records "<path>: <message>" unless an earlier failure is already recorded.
  void fail(std::string_view message);

  // The tag byte of the next element, if there is one.
  std::optional<std::uint8_t> peek_tag() const;
  bool next_is(std::uint8_t tag_byte) const { return peek_tag() == tag_byte; }
  bool has_field(unsigned n) const { return next_is(tag::context(n)); }

  // Children. Each consumes one element of this reader.
  Reader field(unsigned n, std::string_view name) &;  // [n] EXPLICIT
  Reader sequence() &;                                // SEQUENCE / SEQUENCE OF
  Reader application(unsigned n, std::string_view name) &;
  Reader constructed(std::uint8_t tag_byte, std::string_view name) &;
  // The next element as a reader of its own, named "<path>[index]" (for the
  // items of a SEQUENCE OF); the child reads that single element.
  Reader item() &;

  // The whole encoding (tag, length, value) of the next element, without
  // consuming it; empty on error. For keeping a Ticket's original bytes.
  BytesView peek_element();

  // Primitives; each consumes one element.
  std::int64_t integer(std::int64_t min, std::int64_t max);
  std::int32_t int32() { return static_cast<std::int32_t>(integer(INT32_MIN, INT32_MAX)); }
  std::uint32_t uint32() { return static_cast<std::uint32_t>(integer(0, UINT32_MAX)); }
  // Microseconds ::= INTEGER (0..999999)
  std::int32_t microseconds() { return static_cast<std::int32_t>(integer(0, 999999)); }
  bool boolean();
  Bytes octet_string();
  std::string general_string();                 // KerberosString ::= GeneralString
  std::chrono::sys_seconds generalized_time();  // KerberosTime: YYYYMMDDHHMMSSZ
  std::uint32_t flags();                        // KerberosFlags: the first 32 bits, bit 0 = MSB
  // For PKINIT's X.509 and CMS neighbours:
  Bytes object_identifier();          // the OID's content octets
  Bytes bit_string();                 // the bits of a BIT STRING with no unused bits
  Bytes implicit_octets(unsigned n);  // [n] IMPLICIT OCTET STRING
  Bytes integer_bytes();              // an INTEGER of any size: its content octets (two's complement)

  // For a root reader: the value, or the first error (including unread bytes).
  template <class T>
  Result<T> finish(T&& value) {
    check_end();
    if (!ok()) return *state_->error;
    return Result<T>(std::forward<T>(value));
  }
  Result<void> finish() {
    check_end();
    if (!ok()) return *state_->error;
    return success();
  }

 private:
  struct State {
    std::optional<Error> error;
  };
  // Where a failure is reported, relative to a reader: the reader itself
  // (no name, no index), its field `name`, or its item `index`.
  static constexpr std::size_t kNoIndex = ~std::size_t{0};
  struct Where {
    std::string_view name;
    std::size_t index = kNoIndex;
  };
  struct Header {
    std::uint8_t tag = 0;
    std::size_t header_size = 0;
    std::size_t length = 0;
  };

  Reader(State* state, BytesView data, const Reader* parent, Where where, unsigned depth);
  // Parses and validates the next header without consuming it; failures are
  // reported under `where`.
  std::optional<Header> read_header(Where where);
  void fail_at(Where where, std::string_view message);
  std::string path_of(Where where) const;
  BytesView primitive(std::uint8_t tag_byte, const char* type_name);
  Reader child(std::uint8_t tag_byte, std::string_view name);
  void check_end();

  State own_;
  State* state_;
  BytesView data_;
  std::size_t pos_ = 0;
  std::string root_name_;           // the root's `what`
  const Reader* parent_ = nullptr;  // null for the root
  Where where_;                     // this reader, relative to parent_
  unsigned depth_ = 0;
  unsigned items_ = 0;
};

}  // namespace krbkit::der
