// kinit -a's address list by MIT's krb5_os_localaddr rules: extra_addresses
// from krb5.conf, then the interfaces' without loopback and link-local ones.
#include "krbkit/net/local_addresses.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <net/if.h>
#include <netinet/in.h>

#include <deque>

#include "krbkit/proto/constants.hpp"

using namespace krbkit;
using namespace krbkit::net;

namespace {

HostAddress ipv4(const char* text) {
  HostAddress a{address_type::ipv4, Bytes(4)};
  REQUIRE(::inet_pton(AF_INET, text, a.address.data()) == 1);
  return a;
}

HostAddress ipv6(const char* text) {
  HostAddress a{address_type::ipv6, Bytes(16)};
  REQUIRE(::inet_pton(AF_INET6, text, a.address.data()) == 1);
  return a;
}

// A getifaddrs(3)-style list built by hand.
struct FakeInterfaces {
  std::deque<sockaddr_storage> addresses;
  std::deque<ifaddrs> entries;
  void add(const char* name, unsigned flags, const char* text) {
    ifaddrs e{};
    e.ifa_name = const_cast<char*>(name);
    e.ifa_flags = flags;
    if (text != nullptr) {
      sockaddr_storage& ss = addresses.emplace_back();
      ss = {};
      if (std::string_view(text).find(':') == std::string_view::npos) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
        sin->sin_family = AF_INET;
        REQUIRE(::inet_pton(AF_INET, text, &sin->sin_addr) == 1);
      } else {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
        sin6->sin6_family = AF_INET6;
        REQUIRE(::inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1);
      }
      e.ifa_addr = reinterpret_cast<sockaddr*>(&ss);
    }
    if (!entries.empty()) entries.back().ifa_next = nullptr;
    entries.push_back(e);
    for (std::size_t i = 0; i + 1 < entries.size(); ++i) entries[i].ifa_next = &entries[i + 1];
  }
  const ifaddrs* list() const { return entries.empty() ? nullptr : &entries.front(); }
};

}  // namespace

TEST_CASE("extra_addresses values split at blanks and commas, as MIT's krb5_os_localaddr_profile") {
  CHECK(split_address_list("10.0.0.1, ::1\thost.example,,192.0.2.9 ") ==
        std::vector<std::string>{"10.0.0.1", "::1", "host.example", "192.0.2.9"});
  CHECK(split_address_list(" ,\t, ").empty());
  CHECK(split_address_list("").empty());
  CHECK(split_address_list("127.0.0.1") == std::vector<std::string>{"127.0.0.1"});
}

TEST_CASE(
    "extra_addresses: every [libdefaults] value in order, loopback included; realm subsections ignored") {
  auto profile = config::Profile::parse(
                     "[libdefaults]\n"
                     "    extra_addresses = 127.0.0.1, 192.0.2.77\n"
                     "    extra_addresses = 10.9.9.9\n"
                     "    KRBKIT.TEST = {\n"
                     "        extra_addresses = 10.1.1.1\n"
                     "    }\n")
                     .value();
  CHECK(extra_addresses(profile) ==
        std::vector<HostAddress>{ipv4("127.0.0.1"), ipv4("192.0.2.77"), ipv4("10.9.9.9")});
  CHECK(extra_addresses(config::Profile::parse("[libdefaults]\n    noaddresses = false\n").value()).empty());
}

TEST_CASE("the interfaces' addresses: up ones, each once, without 127.0.0.1, ::1 and IPv6 link-local") {
  FakeInterfaces fake;
  fake.add("lo", IFF_UP | IFF_LOOPBACK, "127.0.0.1");
  fake.add("lo", IFF_UP | IFF_LOOPBACK, "::1");
  fake.add("lo", IFF_UP | IFF_LOOPBACK, "127.0.0.2");  // MIT skips 127.0.0.1 only
  fake.add("eth0", IFF_UP, nullptr);                   // no address (AF_PACKET-less entry)
  fake.add("eth0", IFF_UP, "192.0.2.2");
  fake.add("eth0", IFF_UP, "fe80::fc:ff:fe00:1");
  fake.add("eth0", IFF_UP, "fd00::2");
  fake.add("eth1", 0, "10.0.0.1");        // down
  fake.add("eth2", IFF_UP, "192.0.2.2");  // the same address again
  fake.add("eth3", IFF_UP, "198.51.100.4");
  CHECK(interface_addresses(fake.list()) == std::vector<HostAddress>{ipv4("127.0.0.2"), ipv4("192.0.2.2"),
                                                                     ipv6("fd00::2"), ipv4("198.51.100.4")});
  CHECK(interface_addresses(nullptr).empty());
}

TEST_CASE("local_addresses(profile): extra_addresses first, then the interfaces'") {
  auto profile =
      config::Profile::parse("[libdefaults]\n    extra_addresses = 192.0.2.200 127.0.0.1\n").value();
  auto all = local_addresses(profile);
  auto interfaces = local_addresses();
  REQUIRE(all.size() == interfaces.size() + 2);
  CHECK(all[0] == ipv4("192.0.2.200"));
  CHECK(all[1] == ipv4("127.0.0.1"));
  CHECK(std::vector<HostAddress>(all.begin() + 2, all.end()) == interfaces);
  for (const auto& a : interfaces) {
    CHECK(a != ipv4("127.0.0.1"));
    CHECK(a != ipv6("::1"));
  }
}
