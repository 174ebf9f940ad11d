// The KCM daemon's UNIX socket (see kcm_socket.hpp), as MIT's cc_kcm.c
// speaks it: one connection per cache, one reconnect on EPIPE (sssd closes
// idle connections), replies up to 10 MiB.

#include "krbkit/net/kcm_socket.hpp"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "krbkit/base/environment.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"

namespace krbkit::net {
namespace {

constexpr std::uint32_t kMaxReply = 10 * 1024 * 1024;

Error io_error(const std::string& path, std::string what) {
  return Error{Errc::ccache_io, fmt::format("socket {}: {}", path, what)};
}

// The daemon went away under us: it closed the connection, or reset it.
bool hung_up(int err) { return err == EPIPE || err == ECONNRESET; }

Error hung_up_error(const std::string& path) {
  return Error{Errc::cache_daemon_hung_up, fmt::format("socket {}", path)};
}

Result<int> open_socket(const std::string& path) {
  if (path == "-") return Error{Errc::cache_daemon_unreachable, "kcm_socket = - switches KCM off"};
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return io_error(path, "socket path too long");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return io_error(path, std::strerror(errno));
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == ENOENT || err == ECONNREFUSED)
      return Error{Errc::cache_daemon_unreachable, fmt::format("socket {}", path)};
    return io_error(path, std::strerror(err));
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<KcmSocket>> KcmSocket::connect(const std::string& path) {
  KRBKIT_TRY(fd, open_socket(path));
  return std::unique_ptr<KcmSocket>(new KcmSocket(path, fd));
}

KcmSocket::~KcmSocket() { ::close(fd_); }

Result<Bytes> KcmSocket::call(BytesView request) {
  const Bytes one[] = {Bytes(request.begin(), request.end())};
  KRBKIT_TRY(replies, call_all(one));
  return std::move(replies.front());
}

// The frames of `requests` sent together, then the replies read in order:
// both daemons read one request at a time from the stream and answer in
// order (Heimdal's ipc server loops over every whole request it has read;
// sssd-kcm reads exact lengths and stops reading until it has answered), so
// N calls take one round trip instead of N.
Result<std::vector<Bytes>> KcmSocket::call_all(std::span<const Bytes> requests) {
  Bytes frames;
  for (const Bytes& request : requests) {
    put_u32be(frames, static_cast<std::uint32_t>(request.size()));
    frames.insert(frames.end(), request.begin(), request.end());
  }
  int err = 0;
  auto sent = send_all(frames, err);
  if (!sent.ok() && err == EPIPE) {  // an idle connection the daemon closed: once more
    KRBKIT_TRY(fd, open_socket(path_));
    ::close(fd_);
    fd_ = fd;
    sent = send_all(frames, err);
  }
  if (!sent.ok() && hung_up(err)) return hung_up_error(path_);
  KRBKIT_CHECK(sent);
  std::vector<Bytes> replies;
  replies.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    KRBKIT_TRY(reply, receive_reply());
    replies.push_back(std::move(reply));
  }
  return replies;
}

// length(32) code(32) reply(length); a code other than 0 comes back as a
// reply holding that status alone, as MIT takes it.
Result<Bytes> KcmSocket::receive_reply() {
  std::uint8_t head[8];
  KRBKIT_CHECK(receive(head, sizeof head));
  const std::uint32_t len = get_u32be(head);
  Bytes reply(head + 4, head + 8);
  if (get_u32be(head + 4) != 0) return reply;
  if (len > kMaxReply)
    return Error{Errc::cache_reply_malformed, fmt::format("socket {}: a reply of {} bytes", path_, len)};
  reply.resize(len);
  KRBKIT_CHECK(receive(reply.data(), len));
  return reply;
}

Result<void> KcmSocket::send_all(BytesView data, int& err) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      return io_error(path_, fmt::format("cannot send: {}", std::strerror(err)));
    }
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return success();
}

Result<void> KcmSocket::receive(std::uint8_t* out, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::recv(fd_, out, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && hung_up(errno)) return hung_up_error(path_);
    if (n < 0) return io_error(path_, fmt::format("cannot receive: {}", std::strerror(errno)));
    if (n == 0) return hung_up_error(path_);
    out += n;
    size -= static_cast<std::size_t>(n);
  }
  return success();
}

std::string configured_kcm_socket() {
  auto profile = config::load_profile(Environment::from_process());
  if (!profile.ok()) return kDefaultKcmSocket;
  return config::libdefault(*profile, {}, "kcm_socket").value_or(kDefaultKcmSocket);
}

}  // namespace krbkit::net
