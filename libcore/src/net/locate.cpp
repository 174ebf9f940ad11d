#include "krbkit/net/locate.hpp"

#include <fmt/format.h>

#include <charconv>

#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/values.hpp"
#include "locate_dns.hpp"

namespace krbkit::net {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// The krb5.conf relations naming the servers of a service, in order.
std::vector<std::string_view> relations(Service s) {
  switch (s) {
    case Service::kdc: return {"kdc"};
    case Service::primary_kdc: return {"primary_kdc", "master_kdc"};
    case Service::kpasswd: return {"kpasswd_server"};
    case Service::admin: return {"admin_server"};
  }
  return {};
}

Result<std::vector<KdcTarget>> from_profile(const config::Profile& profile, std::string_view realm,
                                            Service service) {
  std::vector<KdcTarget> out;
  for (auto relation : relations(service)) {
    for (const auto& entry : profile.get_all({"realms", realm, relation})) {
      auto target = parse_server(entry, default_port(service));
      if (!target) {
        auto error = std::move(target).error();
        error.detail = fmt::format("[realms] {} {}: {}", realm, relation, error.detail);
        return error;
      }
      if (service == Service::admin && target->transport == Transport::any)
        target->transport = Transport::tcp;
      out.push_back(std::move(*target));
    }
    if (!out.empty()) break;
  }
  // MIT: without kpasswd_server, the admin server's host at port 464.
  if (out.empty() && service == Service::kpasswd) {
    for (const auto& entry : profile.get_all({"realms", realm, "admin_server"})) {
      auto target = parse_server(entry, 464);
      if (!target) continue;
      target->port = 464;
      target->transport = Transport::any;
      out.push_back(std::move(*target));
    }
  }
  return out;
}

}  // namespace

const char* transport_name(Transport t) {
  switch (t) {
    case Transport::any: return "any";
    case Transport::udp: return "udp";
    case Transport::tcp: return "tcp";
    case Transport::https: return "https";
  }
  return "?";
}

std::uint16_t default_port(Service s) {
  switch (s) {
    case Service::kdc:
    case Service::primary_kdc: return 88;
    case Service::kpasswd: return 464;
    case Service::admin: return 749;
  }
  return 88;
}

const char* service_name(Service s) {
  switch (s) {
    case Service::kdc: return "KDC";
    case Service::primary_kdc: return "primary KDC";
    case Service::kpasswd: return "password server";
    case Service::admin: return "admin server";
  }
  return "KDC";
}

Error not_found_error(Service service, std::string_view realm, std::string detail) {
  Error e{Errc::no_kdc, std::move(detail)};
  e.summary = fmt::format("Cannot find {} for realm \"{}\"", service_name(service), realm);
  return e;
}

Error unreachable_error(Service service, std::string_view realm, const std::vector<std::string>& tried) {
  Error e{Errc::no_kdc, tried.empty() ? "tried: nothing" : fmt::format("tried: {}", fmt::join(tried, ", "))};
  e.summary = fmt::format("Cannot contact any {} for realm '{}'", service_name(service), realm);
  return e;
}

std::string to_string(const KdcTarget& t) {
  if (t.transport == Transport::https) {
    const std::string host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
    return fmt::format("https://{}:{}{}", host, t.port, t.path.empty() ? "/" : t.path);
  }
  std::string prefix = t.transport == Transport::any ? "" : fmt::format("{}/", transport_name(t.transport));
  if (t.host.find(':') != std::string::npos) return fmt::format("{}[{}]:{}", prefix, t.host, t.port);
  return fmt::format("{}{}:{}", prefix, t.host, t.port);
}

Result<KdcTarget> parse_server(std::string_view entry, std::uint16_t port) {
  auto text = trim(entry);
  KdcTarget t;
  t.port = port;
  if (starts_with_icase(text, "https://")) {
    // The path is everything from the first '/' after the authority.
    text.remove_prefix(8);
    t.transport = Transport::https;
    t.port = 443;
    const auto slash = text.find('/');
    t.path = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
    text = text.substr(0, slash);
  } else if (starts_with_icase(text, "udp/")) {
    t.transport = Transport::udp;
    text.remove_prefix(4);
  } else if (starts_with_icase(text, "tcp/")) {
    t.transport = Transport::tcp;
    text.remove_prefix(4);
  }
  std::string_view host = text, port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos)
      return Error{Errc::config, fmt::format("'{}': missing ']' after an IPv6 address", entry)};
    host = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Error{Errc::config, fmt::format("'{}': text after ']'", entry)};
      port_text = rest.substr(1);
    }
  } else if (auto colon = text.find(':'); colon != std::string_view::npos && text.rfind(':') == colon) {
    // One colon: host:port. Several: a bare IPv6 address, as MIT reads it.
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  if (host.empty()) return Error{Errc::config, fmt::format("'{}': no host name", entry)};
  if (!port_text.empty() || (host.size() != text.size() && text.back() == ':')) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535)
      return Error{Errc::config, fmt::format("'{}': bad port '{}'", entry, port_text)};
    t.port = static_cast<std::uint16_t>(value);
  }
  t.host = std::string(host);
  return t;
}

const char* source_name(ServerSource s) {
  switch (s) {
    case ServerSource::config: return "krb5.conf";
    case ServerSource::uri: return "uri";
    case ServerSource::srv: return "srv";
    case ServerSource::realm_name: return "realm-name";
  }
  return "?";
}

Result<std::vector<KdcTarget>> locate(const config::Profile& profile, std::string_view realm,
                                      const LocateOptions& options) {
  KRBKIT_TRY(located, locate_with_source(profile, realm, options));
  return std::move(located.servers);
}

Result<LocatedServers> locate_with_source(const config::Profile& profile, std::string_view realm,
                                          const LocateOptions& options) {
  KRBKIT_TRY(found, from_profile(profile, realm, options.service));
  if (!found.empty()) return LocatedServers{std::move(found), ServerSource::config};

  bool dns = true;
  if (options.dns_lookup) {
    dns = *options.dns_lookup;
  } else {
    dns = config::libdefault_dns_lookup(profile, "dns_lookup_kdc", true);
  }
  bool dns_silent = false;
  if (dns && !realm.empty()) {
    auto in_dns = locate_in_dns(profile, realm, options.service, options.trace);
    if (!in_dns.servers.empty()) return LocatedServers{std::move(in_dns.servers), in_dns.source};
    dns_silent = in_dns.silent;
  }
  // The realm name as a host would wait on the same silent DNS server.
  if (options.service == Service::kdc && !realm.empty() && !dns_silent) {
    found.push_back(KdcTarget{std::string(realm), 88, Transport::any, true});
    return LocatedServers{std::move(found), ServerSource::realm_name};
  }
  auto looked_for = relations(options.service);
  if (options.service == Service::kpasswd) looked_for.push_back("admin_server");
  std::string where = fmt::format("no {} in krb5.conf", fmt::join(looked_for, " or "));
  if (dns_silent)
    where += ", and the DNS server does not answer";
  else if (dns && !realm.empty())
    where += ", no DNS URI or SRV record";
  else if (!options.dns_lookup)
    where += ", and dns_lookup_kdc = false";
  return not_found_error(options.service, realm, std::move(where));
}

bool is_primary_kdc(const config::Profile& profile, std::string_view realm, const KdcTarget& target) {
  auto primaries = locate(profile, realm, LocateOptions{Service::primary_kdc, std::nullopt});
  if (!primaries) return false;
  for (const auto& p : *primaries)
    if (p.host == target.host && p.port == target.port) return true;
  return false;
}

}  // namespace krbkit::net
