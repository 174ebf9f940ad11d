#pragma once
// The one seam between the Kerberos exchanges and the network: send a
// message to a realm's servers (KDCs, password servers) and get one reply
// back, or a failure naming every server tried; or open a session with one
// (the admin server).
//
// The AS, TGS, etype-info, kpasswd and kadmin code take a RealmTransport&,
// never a socket, so a test can hand them a fake that answers from captured
// bytes. KdcClient (kdc_client.hpp) is the implementation over UDP, TCP and
// HTTPS (MS-KKDCP, kkdcp.hpp: picked per server by KdcTarget::transport);
// where the servers are (krb5.conf, DNS URI/SRV records) is locate.hpp's
// business. No exchange knows which of these carried its messages.
//
// Failures are Errc::no_kdc ("Cannot contact any KDC for realm 'R'", detail
// "tried: udp 127.0.0.1:88 (Connection refused), ...") or not_found_error()
// when no server is known; SendOptions::attempts receives the same list.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/net/locate.hpp"
#include "krbkit/net/stream.hpp"

namespace krbkit::net {

// The words an attempt is listed with when the server answered something
// that does not decode as a reply to the request (SendOptions::accept said
// no): "udp 127.0.0.1:88 (unparseable reply)".
inline constexpr std::string_view kUnparseableReply = "unparseable reply";

struct SendOptions {
  bool force_tcp = false;     // never UDP
  bool primary_only = false;  // only the realm's primary KDC(s)
  // These servers, in this order, instead of the located ones (tests, a
  // caller that tries servers one at a time as kpasswd does).
  std::vector<KdcTarget> servers;
  // Try this KDC first (compared by host and port), e.g. Reply::from of the
  // previous request in the same exchange.
  std::optional<KdcTarget> prefer;
  // Whether a reply is a reply to this request (e.g. it decodes as an AS-REP
  // or a KRB-ERROR); a rejected reply fails that server (kUnparseableReply).
  // Default: any non-empty reply.
  std::function<bool(BytesView)> accept;
  // Overall deadline; nullopt: krb5.conf kdc_timeout/request_timeout, else
  // MIT's pass schedule.
  std::optional<std::chrono::milliseconds> timeout;
  // How long each KDC gets before the next one is tried.
  std::chrono::milliseconds per_kdc_wait{1000};
  // Which servers to look up (kpasswd and kadmin use the same transport);
  // also names them in the error when none answers.
  Service service = Service::kdc;
  // When set, each attempt that failed ("tcp 127.0.0.1:464 (Connection
  // refused)") is appended here too, for a caller that tries servers one by
  // one and reports them all in one unreachable_error().
  std::vector<std::string>* attempts = nullptr;
};

struct Reply {
  Bytes data;
  KdcTarget from;       // the configured target that answered (its host, port and transport)
  Transport transport;  // the transport the answer came over (udp or tcp)
  std::string address;  // the numeric address that answered: "127.0.0.1:88", "[::1]:88"
};

class RealmTransport {
 public:
  virtual ~RealmTransport() = default;

  // Sends `request` to the servers of options.service for `realm` (located
  // through krb5.conf or DNS, or options.servers when given) until one sends
  // a reply options.accept takes. A reply it refuses means that server
  // failed: the next one is tried, and the refused one is listed as
  // "(unparseable reply)" when none answers.
  virtual Result<Reply> send(std::string_view realm, BytesView request,
                             const SendOptions& options = {}) const = 0;

  // Opens a session with one server, for protocols that keep a connection
  // (kadmin's RPC to the admin server).
  virtual Result<std::unique_ptr<Stream>> connect(const KdcTarget& server) const = 0;

  // Where the exchanges write their trace lines.
  virtual const Tracer& tracer() const = 0;
};

}  // namespace krbkit::net
