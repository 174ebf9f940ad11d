// kdiag's run (kdc_diagnosis.hpp): locate the realm's servers, probe them
// all at once through a net::Prober, and read what came back.

#include <cmath>
#include <future>

#include "krbkit/config/libdefaults.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/exchange/etype_info_probe.hpp"
#include "krbkit/exchange/kdc_diagnosis.hpp"

namespace krbkit::exchange {
namespace {

// The client of the probe when no principal is asked about: a name no KDC
// has, which still gets a KRB-ERROR (with the KDC's time) back.
constexpr const char* kProbeClient = "krbkit-kdiag-probe";

// No key is ever made: the probe stops at the first request.
class NoKey final : public KeySource {
 public:
  Result<Key> key(Enctype, BytesView, BytesView) override {
    return Error{Errc::internal, "kdiag sends no pre-authentication"};
  }
  std::optional<std::vector<Enctype>> enctypes() const override { return std::nullopt; }
  bool is_password() const override { return true; }
};

// The AS-REQ kinit would send first for `client`, without pre-authentication.
Result<Bytes> probe_request(const config::Profile& profile, const Principal& client) {
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile, client.realm));
  AsRequest request = probe_as_request(client);
  NoKey keys;
  AsExchange as(std::move(request), defaults, keys);
  KRBKIT_TRY(step, as.start());
  auto* send = std::get_if<SendToKdc>(&step);
  if (send == nullptr) return Error{Errc::internal, "the AS exchange ended before its first request"};
  return std::move(send->request);
}

// A password-change request (RFC 3244 framing, version 1) whose AP-REQ and
// KRB-PRIV are empty: a password server answers it with an error packet.
// (MIT's drops a request with no AP-REQ at all without a word.)
Bytes kpasswd_probe() { return Bytes{0x00, 0x0a, 0x00, 0x01, 0x00, 0x02, 0x6e, 0x00, 0x75, 0x00}; }

double round_ms(std::chrono::microseconds rtt) { return std::round(rtt.count() / 10.0) / 100.0; }

std::vector<ServerReport> plan(const std::vector<net::KdcTarget>& servers, net::ServerSource source,
                               bool given) {
  std::vector<ServerReport> out;
  for (auto& target : probe_targets(servers)) {
    ServerReport r;
    r.target = std::move(target);
    r.source = source;
    r.given = given;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<ServerReport> located(const config::Profile& profile, const DiagnoseOptions& options,
                                  net::Service service) {
  net::LocateOptions where{service, std::nullopt, options.tracer};
  auto found = net::locate_with_source(profile, options.realm, where);
  if (!found) return {};
  return plan(found->servers, found->source, false);
}

// A KDC's answer to the principal's AS-REQ and, when that was an AS-REP
// (which tells no time), to the unknown client's (a KRB-ERROR, with stime).
struct KdcOutcome {
  net::ProbeOutcome main;
  std::optional<net::ProbeOutcome> clock;
};

std::optional<double> offset_from(const net::ProbeOutcome& outcome) {
  if (!outcome.reachable) return std::nullopt;
  auto reading = read_probe_reply(outcome.reply);
  if (!reading || !reading->stime) return std::nullopt;
  return clock_offset(*reading->stime, reading->susec, outcome.received, outcome.rtt);
}

// Fills in what a KDC's reply says, and about the principal the first time.
void read_kdc(const KdcOutcome& outcome, ServerReport& report, std::optional<PrincipalReport>& principal,
              bool& principal_read) {
  auto reading = read_probe_reply(outcome.main.reply);
  if (!reading) {
    report.reachable = false;
    report.error = "not a Kerberos reply";
    return;
  }
  report.clock_offset_s = offset_from(outcome.clock ? *outcome.clock : outcome.main);
  if (!principal || principal_read) return;
  principal_read = true;
  principal->preauth_required = reading->preauth_required;
  principal->etype_info = std::move(reading->etype_info);
  principal->offers = std::move(reading->offers);
  if (reading->error_code && *reading->error_code == static_cast<std::int32_t>(KdcErr::c_principal_unknown))
    principal->unknown = true;
  else if (!reading->error.empty())
    principal->error = std::move(reading->error);
}

void record(const net::ProbeOutcome& outcome, ServerReport& report) {
  report.reachable = outcome.reachable;
  report.error = outcome.error;
  if (outcome.reachable) report.rtt_ms = round_ms(outcome.rtt);
}

}  // namespace

Result<Diagnosis> diagnose(const config::Profile& profile, const DiagnoseOptions& options,
                           const net::Prober& prober) {
  Diagnosis d;
  d.realm = options.realm;
  if (options.kdcs.empty()) {
    net::LocateOptions where{net::Service::kdc, std::nullopt, options.tracer};
    KRBKIT_TRY(found, net::locate_with_source(profile, options.realm, where));
    d.kdcs = plan(found.servers, found.source, false);
  } else {
    d.kdcs = plan(options.kdcs, net::ServerSource::config, true);
  }
  d.kpasswd = located(profile, options, net::Service::kpasswd);
  d.kadmin = located(profile, options, net::Service::admin);
  const Principal unknown{NameType::principal, {kProbeClient}, options.realm};
  KRBKIT_TRY(request, probe_request(profile, options.principal.value_or(unknown)));
  KRBKIT_TRY(clock_request, probe_request(profile, unknown));
  if (options.principal) {
    d.principal.emplace();
    d.principal->name = unparse_principal(*options.principal);
  }

  // Every probe at once: a silent server costs one deadline in all.
  const auto deadline = options.deadline;
  std::vector<std::future<KdcOutcome>> kdc_runs;
  std::vector<std::future<net::ProbeOutcome>> kpasswd_runs, kadmin_runs;
  for (const auto& k : d.kdcs)
    kdc_runs.push_back(std::async(std::launch::async, [&, target = k.target] {
      KdcOutcome o{prober.exchange(options.realm, target, net::Service::kdc, request, deadline),
                   std::nullopt};
      if (o.main.reachable && peek_msg_type(o.main.reply) == MsgType::as_rep)
        o.clock = prober.exchange(options.realm, target, net::Service::kdc, clock_request, deadline);
      return o;
    }));
  const Bytes kpasswd_request = kpasswd_probe();
  for (const auto& k : d.kpasswd)
    kpasswd_runs.push_back(std::async(std::launch::async, [&, target = k.target] {
      return prober.exchange(options.realm, target, net::Service::kpasswd, kpasswd_request, deadline);
    }));
  for (const auto& k : d.kadmin)
    kadmin_runs.push_back(
        std::async(std::launch::async, [&, target = k.target] { return prober.connect(target, deadline); }));

  bool principal_read = false;
  for (std::size_t i = 0; i < d.kdcs.size(); ++i) {
    auto outcome = kdc_runs[i].get();
    record(outcome.main, d.kdcs[i]);
    if (outcome.main.reachable) read_kdc(outcome, d.kdcs[i], d.principal, principal_read);
  }
  for (std::size_t i = 0; i < d.kpasswd.size(); ++i) record(kpasswd_runs[i].get(), d.kpasswd[i]);
  for (std::size_t i = 0; i < d.kadmin.size(); ++i) record(kadmin_runs[i].get(), d.kadmin[i]);

  KRBKIT_TRY(defaults, config::LibDefaults::from(profile, options.realm));
  d.clockskew = defaults.clockskew;
  d.problems = find_problems(d);
  return d;
}

}  // namespace krbkit::exchange
