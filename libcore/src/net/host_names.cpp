// Resolver look-ups of host names (see host_names.hpp).

#include "krbkit/net/host_names.hpp"

#include <netdb.h>
#include <resolv.h>
#include <sys/socket.h>

#include <memory>

namespace krbkit::net {

std::string resolver_search_domain() {
  struct __res_state state {};
  if (res_ninit(&state) != 0) return {};
  std::string domain = state.dnsrch[0] != nullptr ? state.dnsrch[0] : "";
  res_nclose(&state);
  return domain;
}

std::optional<std::string> canonical_host_name(const std::string& host, bool reverse) {
  addrinfo hints{};
  hints.ai_flags = AI_CANONNAME;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) return std::nullopt;
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
  std::string name = found->ai_canonname != nullptr ? found->ai_canonname : host;
  char reversed[NI_MAXHOST];
  if (reverse && ::getnameinfo(found->ai_addr, found->ai_addrlen, reversed, sizeof reversed, nullptr, 0,
                               NI_NAMEREQD) == 0)
    name = reversed;
  return name;
}

}  // namespace krbkit::net
