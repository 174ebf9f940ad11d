#include "server_addresses.hpp"

namespace krbkit::net {

int lookup_server(const std::string& host, std::uint16_t port, int socktype, AddrinfoList& out) {
  const std::string service = std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socktype;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* list = nullptr;
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  if (rc == EAI_NONAME) {  // not a literal address: a name
    hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
    rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
  }
  out.reset(rc == 0 ? list : nullptr);
  return rc;
}

}  // namespace krbkit::net
