#pragma once
// der::Writer: builds DER in one pass. A constructed element is opened, its
// contents are written by a callback, and its length is filled in when the
// callback returns (BoringSSL's CBB_add_asn1 idea): no length is computed in
// advance and nothing is encoded twice.
//
//   der::Writer w;
//   w.sequence([&] {
//     w.field(0, [&] { w.int32(etype); });
//     if (kvno) w.field(1, [&] { w.uint32(*kvno); });
//     w.field(2, [&] { w.octet_string(cipher); });
//   });
//   Bytes der = w.take();
//
// The output is always DER: minimal lengths and integers.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "krbkit/base/bytes.hpp"
#include "krbkit/der/tag.hpp"

namespace krbkit::der {

class Writer {
 public:
  // A constructed element with the given identifier byte; `body` writes its contents.
  template <class F>
  void constructed(std::uint8_t tag_byte, F&& body) {
    std::size_t at = open(tag_byte);
    std::forward<F>(body)();
    close(at);
  }
  template <class F>
  void sequence(F&& body) {
    constructed(tag::sequence, std::forward<F>(body));
  }
  // [n] EXPLICIT
  template <class F>
  void field(unsigned n, F&& body) {
    constructed(tag::context(n), std::forward<F>(body));
  }
  template <class F>
  void application(unsigned n, F&& body) {
    constructed(tag::application(n), std::forward<F>(body));
  }

  void integer(std::int64_t value);
  void int32(std::int32_t value) { integer(value); }
  void uint32(std::uint32_t value) { integer(value); }
  void boolean(bool value);
  void octet_string(BytesView value);
  void general_string(std::string_view value);
  void generalized_time(std::chrono::sys_seconds t);
  void flags(std::uint32_t bits);                     // KerberosFlags: BIT STRING of 32 bits
  void object_identifier(BytesView content);          // the OID's content octets
  void bit_string(BytesView bits);                    // no unused bits
  void implicit_octets(unsigned n, BytesView value);  // [n] IMPLICIT OCTET STRING
  // Bytes that are already a complete DER element (a Ticket kept as received).
  void raw(BytesView element) { out_.insert(out_.end(), element.begin(), element.end()); }

  const Bytes& bytes() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  std::size_t open(std::uint8_t tag_byte);
  void close(std::size_t at);
  void primitive(std::uint8_t tag_byte, BytesView content);

  Bytes out_;
};

}  // namespace krbkit::der
