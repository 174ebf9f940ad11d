#pragma once
// A fake KDC on 127.0.0.1 for transport tests: a thread serving UDP and/or
// TCP (4-byte length prefix) on one port below 32768, answering each request
// with whatever `respond` returns (nothing: stay silent).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "krbkit/base/bytes.hpp"

namespace krbkit::test {

class FakeKdc {
 public:
  using Respond = std::function<std::vector<Bytes>(BytesView request)>;

  struct Options {
    bool udp = true;
    bool tcp = true;
    Respond respond;
    bool raw_tcp = false;  // send the replies over TCP without length prefixes
  };

  // Binds sockets on a free port; `udp`/`tcp` false leave that side closed.
  explicit FakeKdc(Options options) : options_(std::move(options)) {
    bind_free_port(options_.udp, options_.tcp);
    if (::pipe(stop_pipe_) != 0) throw std::runtime_error("pipe");
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeKdc() {
    if (thread_.joinable()) {
      (void)!::write(stop_pipe_[1], "x", 1);
      thread_.join();
    }
    for (int fd : {udp_fd_, tcp_fd_, stop_pipe_[0], stop_pipe_[1]})
      if (fd >= 0) ::close(fd);
    for (int fd : clients_) ::close(fd);
  }

  std::uint16_t port() const { return port_; }
  int udp_requests() const { return udp_requests_; }
  int tcp_requests() const { return tcp_requests_; }

  // A port below 32768 where nothing listens on UDP or TCP right now.
  static std::uint16_t closed_port() {
    FakeKdc probe;
    return probe.port_;
  }

  // The usual answer: 0x6b (the AS-REP tag byte), then the request.
  static std::vector<Bytes> echo(BytesView request) {
    Bytes reply{0x6b};
    reply.insert(reply.end(), request.begin(), request.end());
    return {reply};
  }

 private:
  FakeKdc() { bind_free_port(false, false); }

  static int bound_socket(int type, std::uint16_t port) {
    int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    if (type == SOCK_STREAM) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }

  // Tries random ports in [20000, 32000) until both UDP and TCP bind, then
  // keeps the sides asked for.
  void bind_free_port(bool keep_udp, bool keep_tcp) {
    std::mt19937 rng(std::random_device{}());
    for (int attempt = 0; attempt < 200; ++attempt) {
      auto port = static_cast<std::uint16_t>(20000 + rng() % 12000);
      int u = bound_socket(SOCK_DGRAM, port);
      int t = bound_socket(SOCK_STREAM, port);
      if (u >= 0 && t >= 0) {
        port_ = port;
        if (keep_udp)
          udp_fd_ = u;
        else
          ::close(u);
        if (keep_tcp) {
          tcp_fd_ = t;
          ::listen(tcp_fd_, 8);
        } else {
          ::close(t);
        }
        return;
      }
      if (u >= 0) ::close(u);
      if (t >= 0) ::close(t);
    }
    throw std::runtime_error("no free port for the fake KDC");
  }

  static bool read_exact(int fd, std::uint8_t* p, std::size_t n) {
    while (n > 0) {
      ssize_t r = ::recv(fd, p, n, 0);
      if (r <= 0) return false;
      p += r;
      n -= static_cast<std::size_t>(r);
    }
    return true;
  }

  void serve() {
    while (true) {
      std::vector<pollfd> fds{{stop_pipe_[0], POLLIN, 0}};
      if (udp_fd_ >= 0) fds.push_back({udp_fd_, POLLIN, 0});
      if (tcp_fd_ >= 0) fds.push_back({tcp_fd_, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), -1) < 0) continue;
      if (fds[0].revents != 0) return;
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        if (fds[i].fd == udp_fd_)
          serve_udp();
        else
          serve_tcp();
      }
    }
  }

  void serve_udp() {
    Bytes buf(65536);
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(udp_fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return;
    ++udp_requests_;
    buf.resize(static_cast<std::size_t>(n));
    for (const auto& reply : options_.respond(buf))
      ::sendto(udp_fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
  }

  void serve_tcp() {
    int fd = ::accept4(tcp_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    clients_.push_back(fd);  // kept open until the end: a silent KDC never hangs up
    std::uint8_t len_bytes[4];
    if (!read_exact(fd, len_bytes, 4)) return;
    Bytes request(get_u32be(len_bytes));
    if (!read_exact(fd, request.data(), request.size())) return;
    ++tcp_requests_;
    for (const auto& reply : options_.respond(request)) {
      Bytes framed;
      if (!options_.raw_tcp) put_u32be(framed, static_cast<std::uint32_t>(reply.size()));
      framed.insert(framed.end(), reply.begin(), reply.end());
      ::send(fd, framed.data(), framed.size(), MSG_NOSIGNAL);
    }
  }

  Options options_;
  std::uint16_t port_ = 0;
  int udp_fd_ = -1;
  int tcp_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  std::vector<int> clients_;
  std::atomic<int> udp_requests_{0};
  std::atomic<int> tcp_requests_{0};
  std::thread thread_;
};

}  // namespace krbkit::test
