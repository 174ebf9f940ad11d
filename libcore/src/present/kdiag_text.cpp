// kdiag's table (kdiag.hpp).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/present/kdiag.hpp"
#include "present_internal.hpp"

namespace krbkit::present {
namespace {

using Row = TextRow;

std::string plain_server(net::KdcTarget t) {
  t.transport = net::Transport::any;
  return net::to_string(t);
}

std::string clock_cell(const std::optional<double>& offset) {
  if (!offset) return "-";
  const double s = std::fabs(*offset) < 0.05 ? 0.0 : *offset;  // no "-0.0 s"
  if (std::fabs(s) < 120) return fmt::format("{:+.1f} s", s);
  return fmt::format("{:+.0f} min", s / 60);
}

void add_rows(std::vector<Row>& rows, const char* service,
              const std::vector<exchange::ServerReport>& servers) {
  for (const auto& s : servers)
    rows.push_back(Row{{service, plain_server(s.target), source_text(s),
                        net::transport_name(s.target.transport), s.reachable ? "ok" : s.error,
                        s.rtt_ms ? fmt::format("{:.1f} ms", *s.rtt_ms) : "-", clock_cell(s.clock_offset_s)}});
}

// A salt as text, bytes that are not printable ASCII as \xNN.
std::string salt_text(const std::string& salt) {
  std::string out;
  for (unsigned char c : salt)
    out += (c >= 0x20 && c < 0x7f && c != '\\') ? std::string(1, static_cast<char>(c))
                                                : fmt::format("\\x{:02x}", c);
  return out;
}

std::string principal_text(const exchange::PrincipalReport& p) {
  std::string out = fmt::format("principal {}: ", p.name);
  if (p.unknown) return out + "unknown to the KDC\n";
  if (!p.error.empty()) return out + p.error + "\n";
  if (!p.preauth_required) return out + "no KDC said\n";
  out += *p.preauth_required ? "pre-authentication required\n" : "no pre-authentication required\n";
  for (const auto& e : p.etype_info) {
    out += fmt::format("  {}", enctype_name(e.etype));
    if (e.salt) out += fmt::format("  salt \"{}\"", salt_text(*e.salt));
    if (e.s2kparams) out += fmt::format("  s2kparams {}", to_hex(*e.s2kparams));
    out += "\n";
  }
  if (!p.offers.empty()) out += fmt::format("  offers: {}\n", fmt::join(p.offers, ", "));
  return out;
}

}  // namespace

std::string source_text(const exchange::ServerReport& r) {
  return r.given ? "command-line" : net::source_name(r.source);
}

std::string kdiag_text(const exchange::Diagnosis& d) {
  std::vector<Row> rows{{{"service", "server", "source", "via", "status", "rtt", "clock"}}};
  add_rows(rows, "kdc", d.kdcs);
  add_rows(rows, "kpasswd", d.kpasswd);
  add_rows(rows, "kadmin", d.kadmin);
  std::string out = fmt::format("realm {}\n", d.realm) + text_table(rows);
  if (d.principal) out += principal_text(*d.principal);
  if (d.problems.empty()) return out + "OK: no problem found\n";
  return out + fmt::format("PROBLEM: {}\n", fmt::join(d.problems, "; "));
}

}  // namespace krbkit::present
