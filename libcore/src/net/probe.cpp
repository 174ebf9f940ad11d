// kdiag's probes over UDP and TCP (probe.hpp).

#include "krbkit/net/probe.hpp"

#include <cstring>
#include <system_error>

#include "krbkit/net/kdc_client.hpp"
#include "krbkit/net/stream.hpp"

namespace krbkit::net {
namespace {

using Steady = std::chrono::steady_clock;

std::chrono::microseconds since(Steady::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - start);
}

}  // namespace

std::string probe_failure_reason(std::string_view attempt) {
  auto open = attempt.rfind('(');
  auto close = attempt.rfind(')');
  std::string_view why = attempt;
  if (open != std::string_view::npos && close != std::string_view::npos && close > open)
    why = attempt.substr(open + 1, close - open - 1);
  if (why == std::strerror(ECONNREFUSED)) return std::string(kProbeRefused);
  if (why == "no reply" || why == std::strerror(ETIMEDOUT)) return std::string(kProbeSilent);
  return std::string(why);
}

NetworkProber::NetworkProber(config::Profile profile, Tracer tracer)
    : profile_(std::move(profile)), tracer_(std::move(tracer)) {}

ProbeOutcome NetworkProber::exchange(std::string_view realm, const KdcTarget& target, Service service,
                                     BytesView request, std::chrono::milliseconds deadline) const {
  KdcClient client(profile_, tracer_);
  std::vector<std::string> attempts;
  SendOptions options;
  options.servers = {target};
  options.service = service;
  options.timeout = deadline;
  options.per_kdc_wait = deadline;
  options.force_tcp = target.transport == Transport::tcp;
  options.attempts = &attempts;
  ProbeOutcome outcome;
  const auto start = Steady::now();
  auto reply = client.send_to(realm, {target}, request, options);
  outcome.rtt = since(start);
  outcome.received = std::chrono::system_clock::now();
  if (reply) {
    outcome.reachable = true;
    outcome.reply = std::move(reply->data);
  } else if (!attempts.empty()) {
    outcome.error = probe_failure_reason(attempts.front());
  } else {
    outcome.error = reply.error().detail.empty() ? reply.error().message() : reply.error().detail;
  }
  return outcome;
}

ProbeOutcome NetworkProber::connect(const KdcTarget& target, std::chrono::milliseconds deadline) const {
  tracer_("Probing a TCP connection to {}", to_string(target));
  auto seconds = std::chrono::ceil<std::chrono::seconds>(deadline);
  ProbeOutcome outcome;
  const auto start = Steady::now();
  auto stream = connect_tcp(target.host, target.port, seconds, seconds);
  outcome.rtt = since(start);
  outcome.received = std::chrono::system_clock::now();
  if (stream) {
    outcome.reachable = true;
    return outcome;
  }
  const auto& code = stream.error().code;
  if (code == std::errc::connection_refused)
    outcome.error = kProbeRefused;
  else if (code == std::errc::timed_out)
    outcome.error = kProbeSilent;
  else
    outcome.error = stream.error().message();
  return outcome;
}

}  // namespace krbkit::net
