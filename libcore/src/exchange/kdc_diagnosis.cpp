// kdiag's decisions (kdc_diagnosis.hpp): what a KDC's answer says, what to
// probe, and what is wrong. No I/O here.

#include "krbkit/exchange/kdc_diagnosis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace krbkit::exchange {
namespace {

void read_method_data(const std::vector<PaData>& padata, ProbeReading& out) {
  std::vector<EtypeInfoEntry> old_info;
  for (const auto& pa : padata) {
    if (pa.padata_type == PaType::etype_info2) {
      if (auto info = decode_etype_info2(pa.padata_value)) out.etype_info = std::move(*info);
    } else if (pa.padata_type == PaType::etype_info) {
      if (auto info = decode_etype_info(pa.padata_value)) old_info = std::move(*info);
    }
    auto name = offer_name(pa.padata_type);
    if (!name.empty() && std::find(out.offers.begin(), out.offers.end(), name) == out.offers.end())
      out.offers.push_back(std::move(name));
  }
  // ETYPE-INFO only when there is no ETYPE-INFO2 (RFC 4120 5.2.7.5).
  if (out.etype_info.empty())
    for (auto& e : old_info) {
      EtypeInfo2Entry entry{e.etype, std::nullopt, std::nullopt};
      if (e.salt) entry.salt = std::string(as_chars(*e.salt));
      out.etype_info.push_back(std::move(entry));
    }
}

// "7 min", "45 s", "3 h": how far apart two clocks are, for a sentence.
std::string rough_duration(double seconds) {
  // Rounded half up by hand: std::llround would load libm at every start.
  const double magnitude = std::fabs(seconds);
  const auto whole = static_cast<long long>(magnitude);
  const long long s = whole + (magnitude - static_cast<double>(whole) >= 0.5 ? 1 : 0);
  if (s < 120) return fmt::format("{} s", s);
  if (s < 2 * 3600) return fmt::format("{} min", (s + 30) / 60);
  if (s < 2 * 86400) return fmt::format("{} h", (s + 1800) / 3600);
  return fmt::format("{} days", (s + 43200) / 86400);
}

std::string server_name(const net::KdcTarget& t) {
  net::KdcTarget plain = t;
  plain.transport = net::Transport::any;
  return net::to_string(plain);
}

std::string transport_upper(net::Transport t) {
  std::string name = net::transport_name(t);
  for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

std::string failure_words(const std::string& error) {
  if (error == net::kProbeRefused) return "refused the connection";
  if (error == net::kProbeSilent) return "silent";
  return fmt::format("unreachable ({})", error);
}

bool skewed(const ServerReport& k, std::chrono::seconds clockskew) {
  return k.reachable && k.clock_offset_s &&
         std::fabs(*k.clock_offset_s) > static_cast<double>(clockskew.count());
}

void kdc_problems(const Diagnosis& d, std::vector<std::string>& out) {
  const auto clockskew = d.clockskew;
  std::set<std::string> reported;  // one clock sentence per server, not per transport
  for (const auto& k : d.kdcs) {
    if (!k.reachable) {
      out.push_back(fmt::format("KDC {} {} over {}", server_name(k.target), failure_words(k.error),
                                transport_upper(k.target.transport)));
      continue;
    }
    if (!skewed(k, clockskew)) continue;
    auto name = server_name(k.target);
    if (!reported.insert(name).second) continue;
    out.push_back(fmt::format("clock {} {} the KDC {}: tickets will fail (allowed skew {} s)",
                              rough_duration(*k.clock_offset_s),
                              *k.clock_offset_s < 0 ? "ahead of" : "behind", name, clockskew.count()));
  }
  if (!any_kdc_answered(d) && !d.kdcs.empty())
    out.insert(out.begin(), fmt::format("no KDC of {} answered", d.realm));
}

void server_problems(const std::vector<ServerReport>& servers, const char* what,
                     std::vector<std::string>& out) {
  // A server is fine when one of its transports answers (Heimdal's kpasswdd has no TCP).
  std::vector<std::string> names;
  for (const auto& s : servers) {
    auto name = server_name(s.target);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  for (const auto& name : names) {
    std::vector<std::string> failures;
    bool answered = false;
    for (const auto& s : servers) {
      if (server_name(s.target) != name) continue;
      if (s.reachable) answered = true;
      failures.push_back(
          fmt::format("{} over {}", failure_words(s.error), transport_upper(s.target.transport)));
    }
    if (!answered) out.push_back(fmt::format("{} {} {}", what, name, fmt::join(failures, ", ")));
  }
}

}  // namespace

std::string offer_name(PaType type) {
  switch (type) {
    case PaType::enc_timestamp: return "encrypted-timestamp";
    case PaType::fx_fast: return "fast";
    case PaType::pk_as_req:
    case PaType::pk_as_req_old: return "pkinit";
    case PaType::spake: return "spake";
    case PaType::encrypted_challenge: return "encrypted-challenge";
    case PaType::otp_challenge:
    case PaType::otp_request: return "otp";
    case PaType::sam_challenge: return "sam";
    default: return "";
  }
}

Result<ProbeReading> read_probe_reply(BytesView reply) {
  KRBKIT_TRY(decoded, decode_kdc_reply(reply));
  ProbeReading out;
  if (auto* rep = std::get_if<KdcRep>(&decoded)) {
    if (rep->msg_type != MsgType::as_rep) return Error{Errc::parse, "a TGS-REP in answer to an AS-REQ"};
    out.preauth_required = false;
    read_method_data(rep->padata, out);
    out.offers.clear();  // an AS-REP's padata offers nothing; it only names the salt
    return out;
  }
  const auto& err = std::get<KrbError>(decoded);
  out.stime = err.stime;
  out.susec = err.susec;
  out.error_code = err.error_code;
  if (!err.is(KdcErr::preauth_required)) {
    out.error = err.to_error().message();
    return out;
  }
  out.preauth_required = true;
  if (err.e_data) {
    auto padata = decode_method_data(*err.e_data);
    if (padata) read_method_data(*padata, out);
  }
  return out;
}

double clock_offset(KerberosTime stime, std::int32_t susec, std::chrono::system_clock::time_point received,
                    std::chrono::microseconds rtt) {
  using namespace std::chrono;
  const auto kdc = time_point_cast<microseconds>(stime) + microseconds(susec);
  const auto local = time_point_cast<microseconds>(received) - rtt / 2;
  return duration<double>(kdc - local).count();
}

std::vector<net::KdcTarget> probe_targets(const std::vector<net::KdcTarget>& servers) {
  std::vector<net::KdcTarget> out;
  for (const auto& s : servers) {
    if (s.transport != net::Transport::any) {
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
      continue;
    }
    for (auto t : {net::Transport::udp, net::Transport::tcp}) {
      auto one = s;
      one.transport = t;
      if (std::find(out.begin(), out.end(), one) == out.end()) out.push_back(std::move(one));
    }
  }
  return out;
}

bool any_kdc_answered(const Diagnosis& d) {
  return std::any_of(d.kdcs.begin(), d.kdcs.end(), [](const ServerReport& k) { return k.reachable; });
}

bool clock_skewed(const Diagnosis& d) {
  return std::any_of(d.kdcs.begin(), d.kdcs.end(),
                     [&](const ServerReport& k) { return skewed(k, d.clockskew); });
}

std::vector<std::string> find_problems(const Diagnosis& d) {
  std::vector<std::string> out;
  kdc_problems(d, out);
  if (d.principal && d.principal->unknown)
    out.push_back(fmt::format("principal {} is unknown to the KDC", d.principal->name));
  else if (d.principal && !d.principal->error.empty())
    out.push_back(fmt::format("the KDC refused {}: {}", d.principal->name, d.principal->error));
  server_problems(d.kpasswd, "password server", out);
  server_problems(d.kadmin, "admin server", out);
  return out;
}

}  // namespace krbkit::exchange
