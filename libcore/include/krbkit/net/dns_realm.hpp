#pragma once
// The realm DNS names for a host (MIT's hostrealm_dns.c), used when
// dns_lookup_realm (or dns_fallback) is true and [domain_realm] has no entry.

#include <optional>
#include <string>
#include <string_view>

#include "krbkit/base/trace.hpp"

namespace krbkit::net {

// The first string of the TXT record of _kerberos.<host>, else of
// _kerberos.<each parent domain> in turn ("web.dept.example.com":
// _kerberos.web.dept.example.com, _kerberos.dept.example.com, ...), a
// trailing dot dropped. nullopt for a numeric address, when no name has a
// record, and when the DNS server does not answer.
std::optional<std::string> realm_from_dns_txt(std::string_view host, const Tracer& trace);

}  // namespace krbkit::net
