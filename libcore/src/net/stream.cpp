// TCP streams with deadlines (kadmin's RPC connection).

#include "krbkit/net/stream.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "server_addresses.hpp"

namespace krbkit::net {
namespace {

void set_socket_timeouts(int fd, std::chrono::milliseconds limit) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(limit.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>(limit.count() % 1000 * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

class TcpStream final : public Stream {
 public:
  TcpStream(int fd, std::string peer) : fd_(fd), peer_(std::move(peer)) {}
  ~TcpStream() override { ::close(fd_); }
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;

  Result<void> write_all(BytesView data) override {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Error{std::error_code(errno, std::system_category()), "sending to " + peer_};
      }
      data = data.subspan(static_cast<std::size_t>(n));
    }
    return success();
  }

  Result<void> read_exact(std::span<std::uint8_t> out) override {
    // Acknowledge at once: a server that writes a reply's length and body
    // separately (Heimdal's kadmind) holds the body back (Nagle) until the
    // length is acknowledged, which a delayed ACK makes take 40 ms.
    const int on = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
    while (!out.empty()) {
      ssize_t n = ::recv(fd_, out.data(), out.size(), 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return Error{Errc::timeout, "no reply from " + peer_};
        return Error{std::error_code(errno, std::system_category()), "receiving from " + peer_};
      }
      if (n == 0) return Error{Errc::io, peer_ + " closed the connection"};
      out = out.subspan(static_cast<std::size_t>(n));
    }
    return success();
  }

  std::string peer() const override { return peer_; }

  void set_timeout(std::chrono::milliseconds limit) override { set_socket_timeouts(fd_, limit); }

 private:
  int fd_;
  std::string peer_;
};

// Non-blocking connect with a deadline; the socket is blocking afterwards.
int connect_with_timeout(const addrinfo* ai, std::chrono::seconds timeout, int& err) {
  int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) {
    err = errno;
    return -1;
  }
  int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
  if (rc < 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    rc = ::poll(&p, 1, static_cast<int>(timeout.count() * 1000));
    if (rc == 0) {
      err = ETIMEDOUT;
      ::close(fd);
      return -1;
    }
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    rc = err == 0 ? 0 : -1;
  } else if (rc < 0) {
    err = errno;
  }
  if (rc < 0) {
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, flags);
  return fd;
}

}  // namespace

Result<std::unique_ptr<Stream>> connect_tcp(std::string_view host, std::uint16_t port,
                                            std::chrono::seconds connect_timeout,
                                            std::chrono::seconds io_timeout) {
  const std::string name = std::string(host);
  const std::string where =
      (name.find(':') != std::string::npos ? "[" + name + "]" : name) + ":" + std::to_string(port);
  AddrinfoList list;
  if (int rc = lookup_server(name, port, SOCK_STREAM, list); rc != 0)
    return Error{Errc::io, "cannot resolve " + name + ": " + ::gai_strerror(rc)};
  int err = 0;
  int fd = -1;
  for (addrinfo* ai = list.get(); ai != nullptr && fd < 0; ai = ai->ai_next)
    fd = connect_with_timeout(ai, connect_timeout, err);
  list.reset();
  if (fd < 0) return Error{std::error_code(err, std::system_category()), "connecting to " + where};
  set_socket_timeouts(fd, io_timeout);
  return std::unique_ptr<Stream>(std::make_unique<TcpStream>(fd, where));
}

}  // namespace krbkit::net
