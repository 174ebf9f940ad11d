#pragma once
// The KCM daemon's UNIX socket (Heimdal's framing, which sssd-kcm and MIT's
// client use): a request goes out as length(32) request; a reply comes back
// as length(32) code(32) reply, all big-endian, where a code other than 0 is
// the daemon's own failure and `length` counts the reply only.

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit::net {

// MIT's and Heimdal's default socket.
inline constexpr const char* kDefaultKcmSocket = "/var/run/.heim_org.h5l.kcm-socket";

// One connection to the daemon (ccache::KcmConnection's transport; the
// tools join the two in apps/common/cli.cpp, as net/ sits above ccache/).
class KcmSocket {
 public:
  // The daemon at `path` ("-": KCM switched off, as in MIT). No daemon
  // there (or "-"): Errc::cache_daemon_unreachable, detail "socket <path>".
  static Result<std::unique_ptr<KcmSocket>> connect(const std::string& path);
  ~KcmSocket();
  KcmSocket(const KcmSocket&) = delete;
  KcmSocket& operator=(const KcmSocket&) = delete;

  // One request out, the reply (status first) in. The daemon closing or
  // resetting the connection before its whole reply is
  // Errc::cache_daemon_hung_up; a reply over 10 MiB Errc::cache_reply_malformed.
  Result<Bytes> call(BytesView request);
  // Several requests sent at once, their replies (in the same order) read
  // after: one round trip for all. Keep a batch small (a few KB of
  // requests), so that it fits the socket's buffer while the daemon answers.
  Result<std::vector<Bytes>> call_all(std::span<const Bytes> requests);

 private:
  KcmSocket(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  Result<Bytes> receive_reply();
  Result<void> send_all(BytesView data, int& err);
  Result<void> receive(std::uint8_t* out, std::size_t size);
  std::string path_;
  int fd_;
};

// krb5.conf's [libdefaults] kcm_socket, else kDefaultKcmSocket.
std::string configured_kcm_socket();

}  // namespace krbkit::net
