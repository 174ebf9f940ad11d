// The client's addresses for kinit -a, as MIT's krb5_os_localaddr lists them:
// krb5.conf's extra_addresses, then the interfaces'; and the one address a
// server sees us coming from (kpasswd's KRB-PRIV).

#include "krbkit/net/local_addresses.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "krbkit/proto/constants.hpp"

namespace krbkit::net {

namespace {

std::optional<HostAddress> to_host_address(const sockaddr* sa) {
  HostAddress a;
  if (sa->sa_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(sa);
    const auto* p = reinterpret_cast<const std::uint8_t*>(&sin->sin_addr);
    a.type = address_type::ipv4;
    a.address.assign(p, p + 4);
  } else if (sa->sa_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
    const auto* p = reinterpret_cast<const std::uint8_t*>(&sin6->sin6_addr);
    a.type = address_type::ipv6;
    a.address.assign(p, p + 16);
  } else {
    return std::nullopt;
  }
  return a;
}

// MIT's is_loopback_address: 127.0.0.1 itself (not all of 127/8) and ::1.
bool is_loopback(const sockaddr* sa) {
  if (sa->sa_family == AF_INET)
    return reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr == htonl(INADDR_LOOPBACK);
  if (sa->sa_family == AF_INET6)
    return IN6_IS_ADDR_LOOPBACK(&reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr);
  return false;
}

// 0.0.0.0 or ::, what getsockname gives for a socket bound to no address.
bool is_unspecified(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) return reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr == 0;
  if (sa->sa_family == AF_INET6)
    return IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr);
  return false;
}

// MIT's k5_os_hostaddr: a numeric address, else a name; AI_ADDRCONFIG both
// times, so IPv6 only where the host has IPv6 configured.
std::vector<HostAddress> resolve(const std::string& name) {
  std::vector<HostAddress> out;
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_ADDRCONFIG;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  int r = ::getaddrinfo(name.c_str(), nullptr, &hints, &found);
  if (r != 0) {
    hints.ai_flags &= ~AI_NUMERICHOST;
    r = ::getaddrinfo(name.c_str(), nullptr, &hints, &found);
  }
  if (r != 0) return out;
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next)
    if (auto a = to_host_address(ai->ai_addr)) out.push_back(std::move(*a));
  return out;
}

}  // namespace

std::vector<std::string> split_address_list(std::string_view value) {
  std::vector<std::string> out;
  auto separator = [](char c) {
    return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  std::size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && separator(value[i])) ++i;
    std::size_t start = i;
    while (i < value.size() && !separator(value[i])) ++i;
    if (i > start) out.emplace_back(value.substr(start, i - start));
  }
  return out;
}

std::vector<HostAddress> extra_addresses(const config::Profile& profile) {
  std::vector<HostAddress> out;
  for (const auto& value : profile.get_all({"libdefaults", "extra_addresses"}))
    for (const auto& word : split_address_list(value))
      for (auto& a : resolve(word)) out.push_back(std::move(a));
  return out;
}

std::vector<HostAddress> interface_addresses(const ifaddrs* list) {
  std::vector<HostAddress> out;
  for (const auto* ifa = list; ifa != nullptr; ifa = ifa->ifa_next) {
    if ((ifa->ifa_flags & IFF_UP) == 0 || ifa->ifa_addr == nullptr || is_loopback(ifa->ifa_addr)) continue;
    if (ifa->ifa_addr->sa_family == AF_INET6 &&
        IN6_IS_ADDR_LINKLOCAL(&reinterpret_cast<const sockaddr_in6*>(ifa->ifa_addr)->sin6_addr))
      continue;
    auto a = to_host_address(ifa->ifa_addr);
    if (a && std::find(out.begin(), out.end(), *a) == out.end()) out.push_back(std::move(*a));
  }
  return out;
}

std::vector<HostAddress> local_addresses() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return {};
  auto out = interface_addresses(list);
  ::freeifaddrs(list);
  return out;
}

Result<HostAddress> local_address_toward(const KdcTarget& target) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(target.port);
  if (int rc = ::getaddrinfo(target.host.c_str(), port.c_str(), &hints, &found); rc != 0 || !found)
    return Error{Errc::no_kdc, target.host + ": " + (rc ? ::gai_strerror(rc) : "no address")};
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
  // Connecting a UDP socket sends nothing; it only makes the kernel pick the
  // route and so our source address for that server.
  for (const addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    bool named = ::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
                 ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0;
    ::close(fd);
    if (named && !is_unspecified(reinterpret_cast<const sockaddr*>(&ss)))
      if (auto address = to_host_address(reinterpret_cast<const sockaddr*>(&ss))) return *address;
  }
  // As MIT: the host's first address when the socket tells nothing.
  auto mine = local_addresses();
  if (!mine.empty()) return mine.front();
  return Error{Errc::no_kdc, to_string(target) + ": no local address to reach it from"};
}

std::vector<HostAddress> local_addresses(const config::Profile& profile) {
  auto out = extra_addresses(profile);
  for (auto& a : local_addresses()) out.push_back(std::move(a));
  return out;
}

}  // namespace krbkit::net
