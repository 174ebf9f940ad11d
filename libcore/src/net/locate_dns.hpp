#pragma once
// The DNS step of locate() (locate.hpp): URI records first, then SRV.

#include <string_view>
#include <vector>

#include "krbkit/config/profile.hpp"
#include "krbkit/net/locate.hpp"

namespace krbkit::net {

// The servers of `service` for `realm` published in DNS, as MIT 1.20's
// dns_locate_server_uri then dns_locate_server_srv find them; empty when
// there are none or the resolver fails (which falls back, as with MIT).
// `source` is set to the kind of record the servers came from.
std::vector<KdcTarget> locate_in_dns(const config::Profile& profile, std::string_view realm, Service service,
                                     const Tracer& trace, ServerSource& source);

}  // namespace krbkit::net
