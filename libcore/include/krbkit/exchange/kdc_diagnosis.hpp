#pragma once
// kdiag: what is wrong between this host and a realm's servers, found
// without a password or any credentials.
//
// For each KDC (from krb5.conf, DNS URI or SRV records, or --kdc) and each
// transport it may be reached over, one AS-REQ without pre-authentication:
// whether it answered (else why: refused, silent), how fast, the KDC's clock
// (the stime of its KRB-ERROR) against ours, and for the principal whether
// pre-authentication is required, the ETYPE-INFO2 entries (enctype, salt,
// s2kparams) and the mechanisms offered (encrypted timestamp, FAST, PKINIT,
// SPAKE, ...). Then whether the password and admin servers answer. Every
// probe has a deadline and they run at once, so a silent server costs one
// deadline, not one per server.
//
// The decisions (what a reply says, what to probe, what is wrong) are
// functions of bytes and values, unit-tested; diagnose() drives them over a
// net::Prober.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/net/locate.hpp"
#include "krbkit/net/probe.hpp"
#include "krbkit/proto/messages.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

// One server over one transport.
struct ServerReport {
  net::KdcTarget target;  // transport: udp or tcp (https when a Prober speaks it)
  net::ServerSource source = net::ServerSource::config;
  bool given = false;  // named with --kdc rather than located
  bool reachable = false;
  std::string error;  // why not: net::kProbeRefused, net::kProbeSilent, ...
  std::optional<double> rtt_ms;
  // KDC time minus local time, from the stime of a KRB-ERROR.
  std::optional<double> clock_offset_s;
};

// What the KDC said about the principal.
struct PrincipalReport {
  std::string name;
  std::optional<bool> preauth_required;  // nullopt: no KDC told
  std::vector<EtypeInfo2Entry> etype_info;
  std::vector<std::string> offers;  // "encrypted-timestamp", "fast", "pkinit", "spake", ...
  std::string error;                // a KDC error other than PREAUTH_REQUIRED ("Client not found ...")
  bool unknown = false;             // the KDC does not know the principal
};

struct Diagnosis {
  std::string realm;
  std::vector<ServerReport> kdcs, kpasswd, kadmin;
  std::optional<PrincipalReport> principal;
  std::vector<std::string> problems;    // one sentence each; empty: nothing wrong found
  std::chrono::seconds clockskew{300};  // krb5.conf's, what a clock offset is judged by
};

// Whether some KDC answered over some transport.
bool any_kdc_answered(const Diagnosis& d);
// Whether our clock is further than d.clockskew from some KDC's.
bool clock_skewed(const Diagnosis& d);

// What a KDC's answer to the probe AS-REQ tells.
struct ProbeReading {
  std::optional<KerberosTime> stime;
  std::int32_t susec = 0;
  std::optional<bool> preauth_required;
  std::vector<EtypeInfo2Entry> etype_info;
  std::vector<std::string> offers;
  std::optional<std::int32_t> error_code;  // a KRB-ERROR's code
  std::string error;                       // its text, for codes other than PREAUTH_REQUIRED
};
// Reads a KRB-ERROR (PREAUTH_REQUIRED's METHOD-DATA: ETYPE-INFO2, else
// ETYPE-INFO, and the padata types offered) or an AS-REP (no
// pre-authentication required; its ETYPE-INFO2). Errc::parse for anything else.
Result<ProbeReading> read_probe_reply(BytesView reply);

// The name kdiag gives a pre-authentication mechanism a KDC offers
// ("encrypted-timestamp", "fast", "pkinit", "spake", "encrypted-challenge",
// "otp"), or "" for padata that offers none (cookies, etype-info).
std::string offer_name(PaType type);

// KDC time minus local time, in seconds: `stime` against the local time
// halfway between sending and receiving.
double clock_offset(KerberosTime stime, std::int32_t susec, std::chrono::system_clock::time_point received,
                    std::chrono::microseconds rtt);

// The targets to probe for located servers: one per transport a server may
// be reached over (a server without a udp/ or tcp/ prefix twice).
std::vector<net::KdcTarget> probe_targets(const std::vector<net::KdcTarget>& servers);

// What is wrong, one sentence each: KDCs refused or silent (per transport),
// no KDC answering, a clock further from a KDC's than
// unknown principal, password or admin servers that answer over no transport.
// d.clockskew.
std::vector<std::string> find_problems(const Diagnosis& d);

struct DiagnoseOptions {
  std::string realm;
  // The principal to ask about; nullopt: a name no KDC knows, for the
  // reachability and clock probes only.
  std::optional<Principal> principal;
  // Probe these KDCs instead of the located ones (kdiag --kdc).
  std::vector<net::KdcTarget> kdcs;
  std::chrono::milliseconds deadline{1000};  // per probe
  Tracer tracer{};
};
// Locates and probes the realm's servers through `prober`. Fails only when
// no KDC can be located; a server that does not answer is a finding.
Result<Diagnosis> diagnose(const config::Profile& profile, const DiagnoseOptions& options,
                           const net::Prober& prober);

}  // namespace krbkit::exchange
