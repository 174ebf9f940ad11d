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
};

using KcmConnector = std::function<Result<std::unique_ptr<KcmConnection>>()>;

// Sets how KCM: caches reach the daemon. Without one, KCM: names are
// Errc::unsupported.
void set_kcm_connector(KcmConnector connector);

}  // namespace krbkit::ccache
