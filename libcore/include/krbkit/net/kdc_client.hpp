#pragma once
// Sending a request to a realm's KDCs and getting one reply back, as MIT's
// k5_sendto does:
//
//  - UDP for requests below udp_preference_limit (default 1465 bytes), TCP
//    (4-byte big-endian length prefix) above it or when asked (force_tcp, as
//    after KRB_ERR_RESPONSE_TOO_BIG); a KDC without a udp/ or tcp/ prefix is
//    tried over the preferred transport first and the other one later;
//  - non-blocking sockets and poll(): each KDC gets 1 s to answer before the
//    next is tried, while the earlier ones may still answer; a refused
//    connection moves on at once;
//  - MIT's schedule: first pass 1 s per server plus 2 s, then two more passes
//    re-sending over UDP with 4 s and 8 s back-off; or an overall deadline
//    (krb5.conf kdc_timeout / request_timeout, or SendOptions::timeout);
//  - a reply the caller's `accept` rejects is skipped (traced), not fatal.
//
// The reply says which KDC answered, so an exchange can send its next request
// (the pre-authenticated AS-REQ) to the same KDC with SendOptions::prefer.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/net/locate.hpp"

namespace krbkit::net {

struct SendOptions {
  bool force_tcp = false;     // never UDP
  bool primary_only = false;  // only the realm's primary KDC(s)
  // Try this KDC first (compared by host and port), e.g. Reply::from of the
  // previous request in the same exchange.
  std::optional<KdcTarget> prefer;
  // Whether a reply looks like a reply to this request (e.g. its first DER
  // tag is AS-REP or KRB-ERROR); rejected replies are skipped. Default: any
  // non-empty reply.
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

class KdcClient {
 public:
  // Keeps a copy of the profile; reads [libdefaults] per realm at send time.
  explicit KdcClient(config::Profile profile, Tracer tracer = {});

  // Locates the realm's KDCs and sends `request`. When none answers,
  // unreachable_error() naming the realm and every KDC tried (and why each
  // failed), or not_found_error() when the only one was the realm name
  // (locate.hpp) and it does not resolve.
  Result<Reply> send(std::string_view realm, BytesView request, const SendOptions& options = {}) const;

  // Sends to an explicit list of servers (tests, kpasswd with a given host).
  Result<Reply> send_to(std::string_view realm, const std::vector<KdcTarget>& targets, BytesView request,
                        const SendOptions& options = {}) const;

  const Tracer& tracer() const { return tracer_; }

 private:
  config::Profile profile_;
  Tracer tracer_;
};

}  // namespace krbkit::net
