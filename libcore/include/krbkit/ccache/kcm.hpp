#pragma once
// KCM: caches, held by a credential-cache daemon (sssd-kcm, Heimdal's kcm)
// and reached through the KCM protocol (kcm_protocol.hpp). The transport is
// not here: net::use_kcm_daemon() (net/kcm_socket.hpp) installs the UNIX
// socket connector every tool uses; tests may install their own.
//
// Names: KCM: is the daemon's default cache (GET_DEFAULT_CACHE), KCM:name
// one cache; the collection is every cache the daemon holds for us.

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit::ccache {

// One connection to the daemon: a request in, the whole reply out (status
// first, kcm::parse_reply). A daemon that is not there is
// Errc::cache_daemon_unreachable, one that closes the connection
// Errc::cache_daemon_hung_up; the cache adds its name to the detail.
class KcmConnection {
 public:
  virtual ~KcmConnection() = default;
  virtual Result<Bytes> call(BytesView request) = 0;
  // Each request's reply, in order; a transport that can sends them all
  // before reading the replies (one round trip). By default one by one.
  virtual Result<std::vector<Bytes>> call_all(std::span<const Bytes> requests) {
    std::vector<Bytes> replies;
    for (const auto& request : requests) {
      KRBKIT_TRY(reply, call(request));
      replies.push_back(std::move(reply));
    }
    return replies;
  }
};

using KcmConnector = std::function<Result<std::unique_ptr<KcmConnection>>()>;

// Sets how KCM: caches reach the daemon. Without one, KCM: names are
// Errc::unsupported.
void set_kcm_connector(KcmConnector connector);

}  // namespace krbkit::ccache
