#pragma once
// The client's addresses for an address-bound TGT (kinit -a, or noaddresses =
// false), by MIT's rules (lib/krb5/os/localaddr.c krb5_os_localaddr):
//   - first every address named by [libdefaults] extra_addresses (all its
//     values, each a list separated by blanks and commas; a numeric IPv4 or
//     IPv6 address, else a host name resolved to all its addresses; what does
//     not resolve is skipped);
//   - then the addresses of the interfaces that are up, IPv4 and IPv6, in the
//     system's order, each once, without 127.0.0.1, ::1 and IPv6 link-local
//     ones. An extra address that is also an interface's is listed twice, as
//     MIT lists it.

#include <ifaddrs.h>

#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/net/locate.hpp"
#include "krbkit/proto/basic_types.hpp"

namespace krbkit::net {

// extra_addresses first, then the interfaces' (the list above).
std::vector<HostAddress> local_addresses(const config::Profile& profile);

// The interfaces' addresses alone (getifaddrs(3)).
std::vector<HostAddress> local_addresses();

// The addresses [libdefaults] extra_addresses names, in order.
std::vector<HostAddress> extra_addresses(const config::Profile& profile);

// The words of one extra_addresses value: "10.0.0.1, ::1 host" -> 3 words.
std::vector<std::string> split_address_list(std::string_view value);

// The addresses `list` (as getifaddrs(3) returns it) contributes, by the rules
// above.
std::vector<HostAddress> interface_addresses(const ifaddrs* list);

// Our address as seen on the way to `target` (the source address the kernel
// picks for it), for kpasswd's KRB-PRIV s-address; the host's first address
// when the kernel names none. Errc::no_kdc when the host does not resolve.
Result<HostAddress> local_address_toward(const KdcTarget& target);

}  // namespace krbkit::net
