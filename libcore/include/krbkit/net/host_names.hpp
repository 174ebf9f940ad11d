#pragma once
// Host names from the resolver, as MIT's library looks them up when it names
// a host-based service (kadmin/<host>).

#include <optional>
#include <string>

namespace krbkit::net {

// MIT's k5_primary_domain: the resolver's first search domain
// (resolv.conf's search/domain), or "" when there is none.
std::string resolver_search_domain();

// The name DNS gives for `host` (MIT's expand_hostname with use_dns): its
// canonical name, and with `reverse` the name of its first address
// (getnameinfo, a name required). nullopt when the lookup fails.
std::optional<std::string> canonical_host_name(const std::string& host, bool reverse);

}  // namespace krbkit::net
