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
//  - a reply the caller's `accept` rejects is skipped (traced), not fatal:
//    that KDC is listed as "(unparseable reply)" when none answers.
//  - an https:// server (MS-KKDCP, kkdcp.hpp) gets one HTTPS exchange, to its
//    end or 10 s (or the deadline), before the next server; when every server
//    tried was a proxy whose certificate was refused, the error is
//    Errc::certificate_refused rather than no_kdc.
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
#include "krbkit/net/realm_transport.hpp"

namespace krbkit::net {

// The RealmTransport over UDP and TCP (MIT's k5_sendto).
class KdcClient final : public RealmTransport {
 public:
  // Keeps a copy of the profile; reads [libdefaults] per realm at send time.
  explicit KdcClient(config::Profile profile, Tracer tracer = {});

  // Locates the realm's KDCs and sends `request`. When none answers,
  // unreachable_error() naming the realm and every KDC tried (and why each
  // failed), or not_found_error() when the only one was the realm name
  // (locate.hpp) and it does not resolve.
  // options.servers, when given, replace the located ones.
  Result<Reply> send(std::string_view realm, BytesView request,
                     const SendOptions& options = {}) const override;

  // A TCP connection to `server` (connect_tcp).
  Result<std::unique_ptr<Stream>> connect(const KdcTarget& server) const override;

  // Sends to an explicit list of servers (tests, kpasswd with a given host).
  Result<Reply> send_to(std::string_view realm, const std::vector<KdcTarget>& targets, BytesView request,
                        const SendOptions& options = {}) const;

  const Tracer& tracer() const override { return tracer_; }

 private:
  config::Profile profile_;
  Tracer tracer_;
};

}  // namespace krbkit::net
