#pragma once
// ONC RPC over a byte stream with record marking (RFC 5531 11): each record
// is sent as fragments, each prefixed by a 4-byte big-endian header whose top
// bit marks the last fragment and whose low 31 bits give its length. MIT's
// kadmind splits replies into 3996-byte fragments; read_record() joins them.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit::rpc {

// A connected byte stream (TCP in practice; tests use a fake).
class Stream {
 public:
  virtual ~Stream() = default;
  virtual Result<void> write_all(BytesView data) = 0;
  // Reads exactly `out.size()` bytes; Errc::io when the peer closes first.
  virtual Result<void> read_exact(std::span<std::uint8_t> out) = 0;
  // "127.0.0.1:749", for messages.
  virtual std::string peer() const = 0;
};

// Connects to host:port (every address getaddrinfo gives, in turn). Reads
// and writes time out after `io_timeout`. Errc::io naming host and port.
Result<std::unique_ptr<Stream>> connect_tcp(std::string_view host, std::uint16_t port,
                                            std::chrono::seconds connect_timeout = std::chrono::seconds(10),
                                            std::chrono::seconds io_timeout = std::chrono::seconds(3600));

// One record as a single last fragment.
Bytes frame_record(BytesView message);
// Writes `message` as one record.
Result<void> write_record(Stream& s, BytesView message);
// Reads one record (all its fragments); Errc::parse beyond `max_size` bytes.
Result<Bytes> read_record(Stream& s, std::size_t max_size = std::size_t{64} << 20);

}  // namespace krbkit::rpc
