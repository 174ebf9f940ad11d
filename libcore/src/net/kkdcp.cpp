#include "krbkit/net/kkdcp.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "krbkit/proto/messages.hpp"
#include "server_addresses.hpp"
#include "tls_context.hpp"

namespace krbkit::net {
namespace {

using Clock = std::chrono::steady_clock;

struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};

// A failure of one step: `certificate` when the peer's certificate was refused.
Error step_error(std::string why, bool certificate = false) {
  return Error{certificate ? Errc::certificate_refused : Errc::io, std::move(why)};
}

int ms_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

// Waits until `fd` is ready for `events`; false at the deadline.
bool wait_fd(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    int left = ms_left(deadline);
    if (left == 0) return false;
    int rc = ::poll(&p, 1, left);
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) return false;
  }
}

// A TCP connection to the first of host's addresses that accepts, non-blocking.
Result<int> connect_socket(const std::string& host, std::uint16_t port, Clock::time_point deadline) {
  AddrinfoList list;
  if (int rc = lookup_server(host, port, SOCK_STREAM, list); rc != 0) return step_error(gai_strerror(rc));
  std::string last = "no address";
  for (auto* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) return fd;
    int err = errno;
    if (err == EINPROGRESS) {
      if (!wait_fd(fd, POLLOUT, deadline)) {
        ::close(fd);
        return step_error("timed out connecting");
      }
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) return fd;
    }
    last = std::strerror(err);
    ::close(fd);
  }
  return step_error(last);
}

bool is_ip_address(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// Drives one SSL_* call to completion on the non-blocking socket.
template <class Call>
Result<int> drive(SSL* ssl, int fd, Clock::time_point deadline, const char* what, Call&& call) {
  while (true) {
    ERR_clear_error();
    int rc = call();
    if (rc > 0) return rc;
    int err = SSL_get_error(ssl, rc);
    if (err == SSL_ERROR_ZERO_RETURN) return 0;
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (!wait_fd(fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline))
        return step_error(fmt::format("timed out in the TLS {}", what));
      continue;
    }
    if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
      return rc == 0 ? Result<int>(0) : step_error(fmt::format("TLS {}: {}", what, std::strerror(errno)));
    return step_error(fmt::format("TLS {}: {}", what, openssl_reason()));
  }
}

Result<void> handshake(SSL* ssl, int fd, const std::string& host, Clock::time_point deadline) {
  if (is_ip_address(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl, host.c_str());
    SSL_set1_host(ssl, host.c_str());
  }
  SSL_set_fd(ssl, fd);
  auto done = drive(ssl, fd, deadline, "handshake", [&] { return SSL_connect(ssl); });
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK)
    return step_error("certificate verify failed: " + refused_certificate_reason(verify, host), true);
  if (!done) return std::move(done).error();
  if (*done == 0) return step_error("the server closed the connection during the TLS handshake");
  return success();
}

std::string http_request(const KdcTarget& target, BytesView body) {
  const std::string host =
      target.host.find(':') != std::string::npos ? fmt::format("[{}]", target.host) : target.host;
  std::string out = fmt::format(
      "POST {} HTTP/1.0\r\nHost: {}:{}\r\nCache-Control: no-cache\r\nPragma: no-cache\r\n"
      "Content-type: application/kerberos\r\nContent-Length: {}\r\n\r\n",
      target.path.empty() ? "/" : target.path, host, target.port, body.size());
  out.append(reinterpret_cast<const char*>(body.data()), body.size());
  return out;
}

Result<HttpResponse> post(SSL* ssl, int fd, const std::string& request, Clock::time_point deadline) {
  std::size_t sent = 0;
  while (sent < request.size()) {
    KRBKIT_TRY(n, drive(ssl, fd, deadline, "write", [&] {
                 return SSL_write(ssl, request.data() + sent, static_cast<int>(request.size() - sent));
               }));
    if (n == 0) return step_error("the server closed the connection before the request was sent");
    sent += static_cast<std::size_t>(n);
  }
  Bytes in;
  while (true) {
    std::uint8_t buf[16384];
    KRBKIT_TRY(n, drive(ssl, fd, deadline, "read", [&] { return SSL_read(ssl, buf, sizeof buf); }));
    in.insert(in.end(), buf, buf + n);
    KRBKIT_TRY(response, parse_http_response(in, n == 0));
    if (response) return std::move(*response);
  }
}

// SIGPIPE held off while OpenSSL writes to a socket the peer may have closed.
class NoSigpipe {
 public:
  NoSigpipe() {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    sigpending(&pending_);
    pthread_sigmask(SIG_BLOCK, &pipe, &old_);
  }
  ~NoSigpipe() {
    sigset_t now;
    sigpending(&now);
    if (sigismember(&now, SIGPIPE) && !sigismember(&pending_, SIGPIPE)) {
      sigset_t pipe;
      sigemptyset(&pipe);
      sigaddset(&pipe, SIGPIPE);
      timespec zero{0, 0};
      sigtimedwait(&pipe, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_{}, pending_{};
};

Result<Bytes> exchange(const KdcTarget& target, std::string_view realm, BytesView request,
                       const HttpsOptions& options, const Tracer& trace) {
  const auto deadline = Clock::now() + options.timeout;
  KRBKIT_TRY(ctx, make_tls_context(options.anchors));
  KRBKIT_TRY(fd, connect_socket(target.host, target.port, deadline));
  std::unique_ptr<int, void (*)(int*)> fd_owner(&fd, [](int* f) { ::close(*f); });
  std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx.get()));
  if (!ssl) return step_error(openssl_reason());
  NoSigpipe no_sigpipe;
  KRBKIT_CHECK(handshake(ssl.get(), fd, target.host, deadline));
  trace("TLS connection to {} established ({})", to_string(target), SSL_get_version(ssl.get()));
  KRBKIT_TRY(response, post(ssl.get(), fd, http_request(target, kkdcp_request(request, realm)), deadline));
  if (response.status != 200)
    return step_error(fmt::format("HTTP {} {}{}", response.status, response.reason,
                                  response.status / 100 == 3 ? " (redirects are not followed)" : ""));
  auto message = kkdcp_reply_message(response.body);
  if (!message) return step_error(fmt::format("not a KDC proxy reply: {}", message.error().detail));
  return std::move(*message);
}

}  // namespace

Result<Bytes> kkdcp_send(const KdcTarget& target, std::string_view realm, BytesView request,
                         const HttpsOptions& options, const Tracer& trace) {
  trace("Sending HTTPS request ({} bytes) to {}", request.size(), to_string(target));
  auto reply = exchange(target, realm, request, options, trace);
  if (reply) {
    trace("Received answer ({} bytes) from {}", reply->size(), to_string(target));
    return reply;
  }
  trace("Error with {}: {}", to_string(target), reply.error().detail);
  return reply;
}

}  // namespace krbkit::net
