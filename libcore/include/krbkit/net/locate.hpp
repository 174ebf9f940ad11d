#pragma once
// Where a realm's KDCs (and password-change and admin servers) are:
//
//   1. krb5.conf [realms] REALM = { kdc = ... } (primary_kdc/master_kdc,
//      kpasswd_server, admin_server for the other services). Entries are
//      "host", "host:port", "[v6addr]", "[v6addr]:port", optionally prefixed
//      "udp/" or "tcp/";
//   2. else, when dns_lookup_kdc is true (or, unset, dns_fallback): DNS URI
//      records (_kerberos.REALM, _kpasswd.REALM, _kerberos-adm.REALM; MIT
//      1.15+) unless dns_uri_lookup is false, and when there are none, SRV
//      records (_kerberos._udp/_tcp, _kerberos-master, _kpasswd,
//      _kerberos-adm._tcp), lowest priority first, then heaviest;
//   3. else, for the KDC service, the realm name itself as a host name
//      (Heimdal's last resort; MIT stops at 2 with 'Cannot find KDC for
//      realm "R"', which is what we say when that host does not resolve).
//
// Nothing here knows about Kerberos messages. The errors when no server is
// known or none answers word it as MIT does first, then add what was tried.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/config/profile.hpp"

namespace krbkit::net {

enum class Transport { any, udp, tcp, https };  // https: MS-KKDCP through a KDC proxy (kkdcp.hpp)
const char* transport_name(Transport t);        // "any", "udp", "tcp", "https"

enum class Service {
  kdc,          // port 88
  primary_kdc,  // the realm's primary (master) KDC, port 88
  kpasswd,      // password changes, port 464
  admin,        // kadmind, port 749, TCP
};
std::uint16_t default_port(Service s);
// "KDC", "primary KDC", "password server", "admin server".
const char* service_name(Service s);

struct KdcTarget {
  std::string host;
  std::uint16_t port = 88;
  Transport transport = Transport::any;
  // Nothing configured or in DNS: this is the realm name tried as a host.
  bool realm_name = false;
  // Transport::https: the URL's path ("/KdcProxy"), "/" when it has none.
  std::string path{};

  friend bool operator==(const KdcTarget&, const KdcTarget&) = default;
};
// "kdc.example.com:88", "[::1]:88", "tcp/kdc.example.com:88",
// "https://proxy.example.com:443/KdcProxy".
std::string to_string(const KdcTarget& t);

// One krb5.conf server entry: [udp/|tcp/]host[:port], or an MS-KKDCP proxy's
// URL https://host[:port][/path] (port 443 unless given). Errc::config for
// an empty host or a bad port.
Result<KdcTarget> parse_server(std::string_view entry, std::uint16_t port = 88);

struct LocateOptions {
  Service service = Service::kdc;
  // DNS URI and SRV lookups; nullopt: krb5.conf's dns_lookup_kdc (default true).
  std::optional<bool> dns_lookup;
  // Where the DNS queries and their answers are traced.
  Tracer trace{};
};

// A server named by a URI record's target (MIT's parse_uri_fields):
// "krb5srv:FLAGS:TRANSPORT:RESIDUAL", FLAGS holding "m" for a primary KDC,
// TRANSPORT "udp" or "tcp" with RESIDUAL "host[:port]", or "kkdcp" with an
// https:// URL. Errc::parse (naming the record) for anything else.
struct UriServer {
  KdcTarget target;
  bool primary = false;
};
Result<UriServer> parse_krb5srv_uri(std::string_view uri, std::uint16_t default_port);

// Where a list of servers came from (kdiag reports it).
enum class ServerSource { config, uri, srv, realm_name };
// "krb5.conf", "uri", "srv", "realm-name".
const char* source_name(ServerSource s);

struct LocatedServers {
  std::vector<KdcTarget> servers;
  ServerSource source = ServerSource::config;
};

// The servers for `realm`, in order of preference, and where they were
// found. When there are none (e.g. no primary KDC is configured),
// not_found_error().
Result<LocatedServers> locate_with_source(const config::Profile& profile, std::string_view realm,
                                          const LocateOptions& options = {});
// The same without the source.
Result<std::vector<KdcTarget>> locate(const config::Profile& profile, std::string_view realm,
                                      const LocateOptions& options = {});
inline Result<std::vector<KdcTarget>> locate_kdcs(const config::Profile& profile, std::string_view realm,
                                                  const LocateOptions& options = {}) {
  return locate(profile, realm, options);
}

// Errc::no_kdc when no server of the service is known, in MIT's words:
// 'Cannot find KDC for realm "R"' (or "password server", ...), `detail` saying
// where we looked or what we tried.
Error not_found_error(Service service, std::string_view realm, std::string detail);

// Errc::no_kdc when none of the servers answered: "Cannot contact any KDC
// for realm 'R'" (MIT's words; "password server", ... for the other
// services), detail "tried: <each attempt and why it failed>".
Error unreachable_error(Service service, std::string_view realm, const std::vector<std::string>& tried);

// Whether `target` (compared by host and port) is one of the realm's
// primary KDCs: a reply from it makes retrying at the primary pointless.
bool is_primary_kdc(const config::Profile& profile, std::string_view realm, const KdcTarget& target);

}  // namespace krbkit::net
