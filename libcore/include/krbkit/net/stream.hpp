#pragma once
// A connected byte stream, for protocols that hold a session rather than
// send one message (kadmin's ONC RPC; a KCM socket later).

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit::net {

class Stream {
 public:
  virtual ~Stream() = default;
  virtual Result<void> write_all(BytesView data) = 0;
  // Reads exactly `out.size()` bytes; Errc::io when the peer closes first.
  virtual Result<void> read_exact(std::span<std::uint8_t> out) = 0;
  // "127.0.0.1:749", for messages.
  virtual std::string peer() const = 0;
  // From now on a read or write that waits longer than `limit` fails with
  // Errc::timeout: a short deadline for one exchange (kadmin's protocol
  // probe) on a stream whose sessions otherwise wait an hour, as MIT's.
  // Streams that never block (test doubles) keep this default.
  virtual void set_timeout(std::chrono::milliseconds limit) { (void)limit; }
};

// Connects to host:port (every address getaddrinfo gives, in turn). Reads
// and writes time out after `io_timeout`. Errc::io naming host and port.
Result<std::unique_ptr<Stream>> connect_tcp(std::string_view host, std::uint16_t port,
                                            std::chrono::seconds connect_timeout = std::chrono::seconds(10),
                                            std::chrono::seconds io_timeout = std::chrono::seconds(3600));

}  // namespace krbkit::net
