// RPC record marking (RFC 5531 11) over a net::Stream.

#include "krbkit/rpc/transport.hpp"

#include <string>

namespace krbkit::rpc {

Bytes frame_record(BytesView message) {
  Bytes out;
  out.reserve(message.size() + 4);
  put_u32be(out, 0x80000000U | static_cast<std::uint32_t>(message.size()));
  out.insert(out.end(), message.begin(), message.end());
  return out;
}

Result<void> write_record(Stream& s, BytesView message) { return s.write_all(frame_record(message)); }

Result<Bytes> read_record(Stream& s, std::size_t max_size) {
  Bytes record;
  for (;;) {
    std::uint8_t mark[4];
    KRBKIT_CHECK(s.read_exact(mark));
    const std::uint32_t word = get_u32be(mark);
    const std::size_t len = word & 0x7fffffffU;
    if (record.size() + len > max_size)
      return Error{Errc::parse,
                   "RPC record from " + s.peer() + " is larger than " + std::to_string(max_size) + " bytes"};
    const std::size_t at = record.size();
    record.resize(at + len);
    KRBKIT_CHECK(s.read_exact(std::span<std::uint8_t>(record.data() + at, len)));
    if (word & 0x80000000U) return record;
  }
}

}  // namespace krbkit::rpc
