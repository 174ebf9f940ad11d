#pragma once
// Realms the configuration does not name, found as MIT's hostrealm modules
// find them ("dns" and "domain", hostrealm_dns.c and hostrealm_domain.c):
// the realm of a host when [domain_realm] has no entry, and the default
// realm when [libdefaults] has none.

#include <optional>
#include <string>
#include <string_view>

#include "krbkit/base/trace.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"

namespace krbkit::net {

// The first string of the TXT record of _kerberos.<host>, else of
// _kerberos.<each parent domain> in turn ("web.dept.example.com":
// _kerberos.web.dept.example.com, _kerberos.dept.example.com, ...), a
// trailing dot dropped. nullopt for a numeric address, when no name has a
// record, and when the DNS server does not answer.
std::optional<std::string> realm_from_dns_txt(std::string_view host, const Tracer& trace);

// The realm MIT guesses for a host no KDC referred and [domain_realm] does
// not name (krb5_get_fallback_host_realm), first that answers:
//   1. with dns_lookup_realm, a _kerberos TXT record (realm_from_dns_txt);
//   2. with realm_try_domains = N (>= 0), the host's name in upper case and
//      then up to N of its parent domains, each taken when a KDC is known
//      for it as a realm (krb5.conf, or DNS with dns_lookup_kdc); the
//      search stops at a one-label suffix;
//   3. the host's parent domain in upper case.
// "" for a name without a dot (and a numeric address).
std::string fallback_host_realm(const config::Profile& profile, std::string_view host, const Tracer& trace);

// Fills defaults.default_realm when krb5.conf has none and dns_lookup_realm
// is on, as MIT's krb5_get_default_realm does: the TXT record of
// _kerberos.<this host's canonical name> or of a parent domain, else of
// _kerberos.<the resolver's search domain>. Unchanged otherwise.
void default_realm_from_dns(config::LibDefaults& defaults, const Tracer& trace);

}  // namespace krbkit::net
