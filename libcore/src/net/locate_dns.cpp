#include "locate_dns.hpp"

#include <fmt/format.h>

#include <cctype>

#include "krbkit/config/libdefaults.hpp"
#include "krbkit/net/dns_srv.hpp"

namespace krbkit::net {
namespace {

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// The URI owner name's first label for a service (MIT's dns_locate_server_uri).
std::string_view uri_label(Service s) {
  switch (s) {
    case Service::kdc:
    case Service::primary_kdc: return "_kerberos";
    case Service::kpasswd: return "_kpasswd";
    case Service::admin: return "_kerberos-adm";
  }
  return "_kerberos";
}

// SRV names and the transport each gives.
std::vector<std::pair<std::string_view, Transport>> srv_names(Service s) {
  switch (s) {
    case Service::kdc: return {{"_kerberos._udp.", Transport::udp}, {"_kerberos._tcp.", Transport::tcp}};
    case Service::primary_kdc:
      return {{"_kerberos-master._udp.", Transport::udp}, {"_kerberos-master._tcp.", Transport::tcp}};
    case Service::kpasswd: return {{"_kpasswd._udp.", Transport::udp}, {"_kpasswd._tcp.", Transport::tcp}};
    case Service::admin: return {{"_kerberos-adm._tcp.", Transport::tcp}};
  }
  return {};
}

// Traces a failed query; true when the DNS server did not answer at all,
// so that no further name is asked (each would wait as long again).
bool dns_silent(const Error& e, const char* what, const Tracer& trace) {
  trace("DNS {} lookup failed: {}", what, e.detail.empty() ? e.message() : e.detail);
  if (!e.is(Errc::timeout)) return false;
  trace("No more DNS lookups: the DNS server does not answer");
  return true;
}

std::vector<KdcTarget> from_uri(std::string_view realm, Service service, const Tracer& trace, bool& silent) {
  std::vector<KdcTarget> out;
  const std::string name = fmt::format("{}.{}", uri_label(service), realm);
  trace("Looking up DNS URI records for {}", name);
  auto records = query_uri(name);
  if (!records) {
    silent = dns_silent(records.error(), "URI", trace);
    return out;
  }
  for (const auto& record : *records) {
    trace("URI answer: {} (priority {}, weight {})", record.target, record.priority, record.weight);
    auto server = parse_krb5srv_uri(record.target, default_port(service));
    if (!server) {
      trace("Skipping URI record: {}", server.error().detail);
      continue;
    }
    // The primary KDCs are the records flagged "m"; an admin server speaks TCP
    // on its own port (kadmin goes through no KDC proxy, as MIT's).
    if (service == Service::primary_kdc && !server->primary) continue;
    if (service == Service::admin && server->target.transport != Transport::tcp &&
        server->target.transport != Transport::any)
      continue;
    if (service == Service::admin) server->target.transport = Transport::tcp;
    out.push_back(std::move(server->target));
  }
  if (out.empty()) trace("No URI records found");
  return out;
}

std::vector<KdcTarget> from_srv(std::string_view realm, Service service, const Tracer& trace, bool& silent) {
  std::vector<KdcTarget> out;
  for (auto [prefix, transport] : srv_names(service)) {
    const std::string name = fmt::format("{}{}", prefix, realm);
    trace("Looking up DNS SRV records for {}", name);
    auto records = query_srv(name);
    if (!records) {  // a resolver failure is like no records: fall back
      silent = dns_silent(records.error(), "SRV", trace);
      if (silent) break;
      continue;
    }
    for (const auto& r : *records) {
      trace("SRV answer: {}:{} (priority {}, weight {})", r.target, r.port, r.priority, r.weight);
      out.push_back(KdcTarget{r.target, r.port, transport});
    }
  }
  if (out.empty()) trace("No SRV records found");
  return out;
}

}  // namespace

Result<UriServer> parse_krb5srv_uri(std::string_view uri, std::uint16_t default_port) {
  auto bad = [&](std::string_view why) { return Error{Errc::parse, fmt::format("'{}': {}", uri, why)}; };
  if (!iequals_prefix(uri, "krb5srv:")) return bad("not a krb5srv: URI");
  auto rest = uri.substr(8);
  const auto flags_end = rest.find(':');
  if (rest.empty() || flags_end == std::string_view::npos) return bad("no transport");
  UriServer server;
  for (char c : rest.substr(0, flags_end))
    if (c == 'm' || c == 'M') server.primary = true;
  rest.remove_prefix(flags_end + 1);
  std::string entry;
  if (iequals_prefix(rest, "udp:") || iequals_prefix(rest, "tcp:")) {
    entry = fmt::format("{}/{}", rest.substr(0, 3), rest.substr(4));
  } else if (iequals_prefix(rest, "kkdcp:")) {
    entry = std::string(rest.substr(6));
    if (!iequals_prefix(entry, "https://")) return bad("kkdcp without an https:// URL");
  } else {
    return bad("transport is not udp, tcp or kkdcp");
  }
  auto target = parse_server(entry, default_port);
  if (!target) return bad(target.error().detail);
  server.target = std::move(*target);
  return server;
}

DnsServers locate_in_dns(const config::Profile& profile, std::string_view realm, Service service,
                         const Tracer& trace) {
  DnsServers found;
  // MIT reads dns_uri_lookup with profile_get_boolean; a word it does not know is the default.
  auto uri = config::libdefault_strict_boolean(profile, "dns_uri_lookup", true);
  if (!uri || *uri) {
    found.source = ServerSource::uri;
    found.servers = from_uri(realm, service, trace, found.silent);
    if (!found.servers.empty() || found.silent) return found;
  }
  found.source = ServerSource::srv;
  found.servers = from_srv(realm, service, trace, found.silent);
  return found;
}

}  // namespace krbkit::net
