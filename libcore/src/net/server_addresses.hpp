#pragma once
// getaddrinfo() for a server named in the configuration or on the command
// line (a KDC, an admin server, an HTTPS proxy), as host and port.
//
// A literal address (127.0.0.1, ::1) is converted as it is: no name service,
// and no AI_ADDRCONFIG, whose check of the host's own addresses is a netlink
// dump plus an nscd probe (~0.3 ms of a kinit on our test VM) and which
// would refuse ::1 on a host whose only IPv6 address is the loopback one. A
// name is looked up with AI_ADDRCONFIG, as before.

#include <netdb.h>

#include <cstdint>
#include <memory>
#include <string>

namespace krbkit::net {

struct AddrinfoFree {
  void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};
using AddrinfoList = std::unique_ptr<addrinfo, AddrinfoFree>;

// The EAI_* code (0 when `out` holds the addresses); `socktype` is
// SOCK_DGRAM or SOCK_STREAM.
int lookup_server(const std::string& host, std::uint16_t port, int socktype, AddrinfoList& out);

}  // namespace krbkit::net
