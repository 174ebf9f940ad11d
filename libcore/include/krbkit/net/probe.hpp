#pragma once
// One server, one transport, one message, one deadline: the probes kdiag
// makes. Unlike KdcClient::send (which tries every KDC until one answers),
// a probe reports on exactly one server: whether it answered, how fast, and
// if not, why ("refused", "silent", a resolver error).
//
// Prober is the seam kdiag's decisions (exchange/kdc_diagnosis.hpp) are
// tested through with a fake; NetworkProber does the I/O, over KdcClient for
// UDP and TCP. A server reached another way (HTTPS, MS-KKDCP) is a KdcTarget
// of its own transport that a Prober sends over the same way.

#include <chrono>
#include <string>
#include <string_view>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/net/locate.hpp"

namespace krbkit::net {

// Why a probe got no answer, in the words kdiag prints and its JSON carries.
inline constexpr std::string_view kProbeRefused = "refused";
inline constexpr std::string_view kProbeSilent = "silent";

struct ProbeOutcome {
  bool reachable = false;
  // Empty when reachable; else kProbeRefused, kProbeSilent or what failed
  // ("Name or service not known").
  std::string error;
  std::chrono::microseconds rtt{};  // request sent to reply received
  Bytes reply;                      // exchange(): the server's answer
  // The local time the reply arrived (for the clock offset).
  std::chrono::system_clock::time_point received{};
};

class Prober {
 public:
  virtual ~Prober() = default;
  // Sends `request` to `target` (one of `realm`'s servers) over
  // target.transport (udp or tcp, never any) and waits at most `deadline`
  // for one reply.
  virtual ProbeOutcome exchange(std::string_view realm, const KdcTarget& target, Service service,
                                BytesView request, std::chrono::milliseconds deadline) const = 0;
  // Opens a TCP connection to `target` within `deadline`, and closes it.
  virtual ProbeOutcome connect(const KdcTarget& target, std::chrono::milliseconds deadline) const = 0;
};

class NetworkProber final : public Prober {
 public:
  explicit NetworkProber(config::Profile profile, Tracer tracer = {});
  ProbeOutcome exchange(std::string_view realm, const KdcTarget& target, Service service, BytesView request,
                        std::chrono::milliseconds deadline) const override;
  ProbeOutcome connect(const KdcTarget& target, std::chrono::milliseconds deadline) const override;

 private:
  config::Profile profile_;
  Tracer tracer_;
};

// The reason in one of KdcClient's attempt lines ("udp 127.0.0.1:88
// (Connection refused)", "tcp 127.0.0.1:88 (no reply)"): kProbeRefused,
// kProbeSilent, or the text in the last parentheses.
std::string probe_failure_reason(std::string_view attempt);

}  // namespace krbkit::net
