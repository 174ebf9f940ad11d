#pragma once
// The DNS step of locate() (locate.hpp): URI records first, then SRV.

#include <string_view>
#include <vector>

#include "krbkit/config/profile.hpp"
#include "krbkit/net/locate.hpp"

namespace krbkit::net {

struct DnsServers {
  std::vector<KdcTarget> servers;
  bool silent = false;  // the DNS server did not answer: nothing more to ask it
  ServerSource source = ServerSource::srv;
};

// The servers of `service` for `realm` published in DNS, as MIT 1.20's
// dns_locate_server_uri then dns_locate_server_srv find them; empty when
// there are none or the resolver fails (which falls back, as with MIT).
// The first query the DNS server leaves unanswered (dns_srv.hpp's limits)
// ends the lookup, `silent` set; `source` says which kind of record the
// servers came from.
DnsServers locate_in_dns(const config::Profile& profile, std::string_view realm, Service service,
                         const Tracer& trace);

}  // namespace krbkit::net
