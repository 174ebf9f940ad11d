// Finding a realm's servers by DNS alone, against a real DNS server
// (dnsmasq, tests/realm/dns.sh) serving URI and SRV records for the test
// realm: no kdc, kpasswd_server or admin_server line in krb5.conf. The first
// record of each list names a dead address, so every success here also
// proves the failover to the next record; MIT's tools in the same mount
// namespace (the same private /etc/resolv.conf) must agree.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <random>

#include "realm/dns.hpp"
#include "realm/realm.hpp"

using namespace krbkit::test;

namespace {

struct Setup {
  Realm& realm;
  std::string dead;  // a loopback address where nothing listens
  DnsServer dns;
};

std::string records(const Realm& realm, const std::string& dead) {
  const std::string r = realm.name();
  const int kdc = realm.kdc_port(), kpw = realm.kpasswd_port(), adm = realm.kadmin_port();
  std::string out =
      fmt::format("host-record=kdc.krbkit.test,127.0.0.1\nhost-record=dead.krbkit.test,{}\n", dead);
  out += fmt::format(
      "srv-host=_kerberos._udp.{0},dead.krbkit.test,{1},0,0\n"
      "srv-host=_kerberos._udp.{0},kdc.krbkit.test,{1},10,0\n"
      "srv-host=_kerberos._tcp.{0},kdc.krbkit.test,{1},10,0\n"
      "srv-host=_kerberos-master._udp.{0},kdc.krbkit.test,{1},0,0\n"
      "srv-host=_kpasswd._tcp.{0},dead.krbkit.test,{2},0,0\n"
      "srv-host=_kpasswd._tcp.{0},kdc.krbkit.test,{2},10,0\n"
      "srv-host=_kerberos-adm._tcp.{0},dead.krbkit.test,{3},0,0\n"
      "srv-host=_kerberos-adm._tcp.{0},kdc.krbkit.test,{3},10,0\n",
      r, kdc, kpw, adm);
  out += uri_record("_kerberos." + r, 1, 0, fmt::format("krb5srv::udp:dead.krbkit.test:{}", kdc)) + "\n";
  out += uri_record("_kerberos." + r, 5, 0, fmt::format("krb5srv:m:tcp:kdc.krbkit.test:{}", kdc)) + "\n";
  out += uri_record("_kpasswd." + r, 1, 0, fmt::format("krb5srv::tcp:dead.krbkit.test:{}", kpw)) + "\n";
  out += uri_record("_kpasswd." + r, 5, 0, fmt::format("krb5srv::tcp:kdc.krbkit.test:{}", kpw)) + "\n";
  return out;
}

Setup& setup() {
  static Setup s = [] {
    Realm& realm = Realm::shared();
    std::random_device random;
    const std::string dead = fmt::format("127.{}.{}.54", random() % 254 + 1, random() % 254 + 1);
    return Setup{realm, dead, DnsServer(records(realm, dead))};
  }();
  static const bool namespaced = (use_resolv_conf(s.dns.resolv_conf()), true);
  (void)namespaced;
  return s;
}

// A krb5.conf naming no server at all: everything comes from DNS.
std::string dns_only_conf(bool uri, bool dns_lookup_kdc = true) {
  Setup& s = setup();
  const std::string path = s.realm.fresh_path("krb5.conf");
  std::ofstream(path) << fmt::format(
      "[libdefaults]\n  default_realm = {}\n  dns_lookup_kdc = {}\n  dns_uri_lookup = {}\n"
      "  dns_lookup_realm = false\n  rdns = false\n  allow_rc4 = true\n",
      s.realm.name(), dns_lookup_kdc, uri);
  return path;
}

EnvChanges traced(const std::string& conf) { return {{"KRB5_CONFIG", conf}, {"KRB5_TRACE", "/dev/stderr"}}; }

// Whether `trace` mentions `first` before `then`.
bool in_order(const std::string& trace, const std::string& first, const std::string& then) {
  auto a = trace.find(first);
  return a != std::string::npos && trace.find(then, a) != std::string::npos;
}

void kinit_both(const std::string& conf, const std::string& expect_in_trace) {
  Setup& s = setup();
  const std::string dead = fmt::format("{}:{}", s.dead, s.realm.kdc_port());
  for (const std::string& tool : {krbkit_tool("kinit"), std::string("/usr/bin/kinit")}) {
    CAPTURE(tool);
    const std::string cc = s.realm.fresh_ccache();
    auto r = s.realm.run({tool, "-c", cc, s.realm.principal("alice")}, traced(conf),
                         s.realm.password("alice") + "\n");
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK_MESSAGE(r.err.find(expect_in_trace) != std::string::npos, r.err);
    // The dead record first, then the KDC that answered.
    CHECK_MESSAGE(in_order(r.err, dead, fmt::format("127.0.0.1:{}", s.realm.kdc_port())), r.err);
    auto list = s.realm.run({"/usr/bin/klist", "-c", cc});
    CHECK(list.out.find("krbtgt/" + s.realm.name() + "@" + s.realm.name()) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("kinit by URI records alone: the dead first record, then the next; MIT's kinit agrees") {
  kinit_both(dns_only_conf(true), "krb5srv:m:tcp:kdc.krbkit.test");
  CHECK(setup().dns.log().find("query[URI] _kerberos." + setup().realm.name()) != std::string::npos);
}

TEST_CASE("kinit by SRV records when dns_uri_lookup = false: priority order and failover; MIT agrees") {
  const std::string conf = dns_only_conf(false);
  kinit_both(conf, "dead.krbkit.test");
  auto ours = setup().realm.run(
      {krbkit_tool("kinit"), "-c", setup().realm.fresh_ccache(), setup().realm.principal("alice")},
      traced(conf), setup().realm.password("alice") + "\n");
  CHECK(ours.err.find("URI") == std::string::npos);
  CHECK(in_order(ours.err, "SRV answer: dead.krbkit.test", "SRV answer: kdc.krbkit.test"));
}

TEST_CASE("kvno and kpasswd find the KDC and the password server by DNS") {
  Setup& s = setup();
  for (bool uri : {true, false}) {
    CAPTURE(uri);
    const std::string conf = dns_only_conf(uri);
    const std::string user = fmt::format("dns-erin-{}", uri ? "uri" : "srv");
    REQUIRE(s.realm.kadmin_local("addprinc -pw old-pw-1 " + user + "\n").ok());
    const std::string cc = s.realm.fresh_ccache();
    REQUIRE(s.realm.run({krbkit_tool("kinit"), "-c", cc, user}, traced(conf), "old-pw-1\n").ok());
    auto kvno = s.realm.run({krbkit_tool("kvno"), "-c", cc, s.realm.host_principal()}, traced(conf));
    CHECK_MESSAGE(kvno.ok(), kvno.err);
    CHECK(kvno.out.find("kvno = 1") != std::string::npos);

    auto change = s.realm.run({krbkit_tool("kpasswd"), user}, traced(conf), "old-pw-1\nnew-pw-2\nnew-pw-2\n");
    REQUIRE_MESSAGE(change.ok(), change.err);
    const std::string dead_kpasswd = fmt::format("{}:{}", s.dead, s.realm.kpasswd_port());
    CHECK_MESSAGE(in_order(change.err, dead_kpasswd, fmt::format("127.0.0.1:{}", s.realm.kpasswd_port())),
                  change.err);
    // MIT's kinit, by DNS too, takes the new password.
    auto mit = s.realm.run({"/usr/bin/kinit", "-c", s.realm.fresh_ccache(), user}, {{"KRB5_CONFIG", conf}},
                           "new-pw-2\n");
    CHECK_MESSAGE(mit.ok(), mit.err);
  }
}

TEST_CASE("kadmin finds the admin server by its _kerberos-adm._tcp SRV records, as Heimdal's does") {
  Setup& s = setup();
  const std::string conf = dns_only_conf(false);
  auto r = s.realm.run({krbkit_tool("kadmin"), "-p", s.realm.principal("admin/admin"), "-w",
                        s.realm.password("admin"), "-q", "getprinc alice"},
                       traced(conf));
  REQUIRE_MESSAGE(r.ok(), r.err);
  CHECK(r.out.find("Principal: " + s.realm.principal("alice")) != std::string::npos);
  CHECK_MESSAGE(
      r.err.find("SRV answer: kdc.krbkit.test:" + std::to_string(s.realm.kadmin_port())) != std::string::npos,
      r.err);
}

TEST_CASE("dns_lookup_kdc = false: no DNS, and MIT's words for a realm nobody names") {
  Setup& s = setup();
  auto r = s.realm.run({krbkit_tool("kinit"), "-c", s.realm.fresh_ccache(), s.realm.principal("alice")},
                       {{"KRB5_CONFIG", dns_only_conf(true, false)}}, s.realm.password("alice") + "\n");
  CHECK(r.exit_code == 5);
  CHECK_MESSAGE(r.err.find("Cannot find KDC for realm \"" + s.realm.name() + "\"") != std::string::npos,
                r.err);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

namespace {

// A UDP socket on port 53 of a private loopback address that reads DNS
// queries and never answers (a DNS server that has hung, or a firewall
// dropping replies).
class SilentDns {
 public:
  SilentDns() {
    std::random_device random;
    for (int i = 0; i < 20 && fd_ < 0; ++i) {
      address_ = fmt::format("127.{}.{}.53", random() % 254 + 1, random() % 254 + 1);
      int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      sa.sin_port = htons(53);
      ::inet_pton(AF_INET, address_.c_str(), &sa.sin_addr);
      if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0)
        fd_ = fd;
      else
        ::close(fd);
    }
    REQUIRE(fd_ >= 0);
  }
  ~SilentDns() { ::close(fd_); }
  const std::string& address() const { return address_; }
  // The queries received since the last call.
  int queries() {
    int n = 0;
    char buf[512];
    while (::recv(fd_, buf, sizeof buf, 0) >= 0) ++n;
    return n;
  }

 private:
  int fd_ = -1;
  std::string address_;
};

// Runs argv with `resolv_conf` as /etc/resolv.conf (a mount namespace of its own).
RunResult run_with_resolv_conf(const std::string& resolv_conf, const std::vector<std::string>& argv,
                               const EnvChanges& env, std::string_view input = {}) {
  std::vector<std::string> wrapped = {
      "unshare", "-m", "sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolv_conf};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return setup().realm.run(wrapped, env, input);
}

bool ipv6_loopback_works(std::string& why) {
  int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    why = std::string("no IPv6 sockets: ") + std::strerror(errno);
    return false;
  }
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_addr = in6addr_loopback;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  if (!ok) why = std::string("cannot bind [::1]: ") + std::strerror(errno);
  ::close(fd);
  return ok;
}

}  // namespace

TEST_CASE("a DNS server that never answers: one URI query (two tries), then MIT's words, in seconds") {
  Setup& s = setup();
  SilentDns silent;
  // resolv.conf as most systems have it: glibc's 5 s per try, 2 tries, for
  // each of the URI and two SRV names and the realm name as a host (40 s).
  const std::string resolv = s.realm.fresh_path("silent-resolv.conf");
  std::ofstream(resolv) << "nameserver " << silent.address() << "\n";
  const auto start = std::chrono::steady_clock::now();
  auto r = run_with_resolv_conf(
      resolv, {krbkit_tool("kinit"), "-c", s.realm.fresh_ccache(), s.realm.principal("alice")},
      traced(dns_only_conf(true)), s.realm.password("alice") + "\n");
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.exit_code == 5);
  CHECK_MESSAGE(r.err.find("No more DNS lookups: the DNS server does not answer") != std::string::npos,
                r.err);
  CHECK_MESSAGE(
      r.err.find("kinit: Cannot find KDC for realm \"" + s.realm.name() +
                 "\" (no kdc in krb5.conf, and the DNS server does not answer)") != std::string::npos,
      r.err);
  CHECK_MESSAGE(r.err.find("SRV") == std::string::npos, r.err);
  CHECK(silent.queries() == 2);          // _kerberos.REALM URI, tried twice; nothing after it
  CHECK_MESSAGE(seconds < 20, seconds);  // 2 x 2 s, far from 40 s; generous for a loaded machine
}

TEST_CASE("IPv6: a KDC at [::1] from krb5.conf and from an AAAA-only SRV target; MIT's kinit agrees") {
  std::string why;
  if (!ipv6_loopback_works(why)) {
    MESSAGE("skipped: IPv6 loopback does not work here (" << why << ")");
    return;
  }
  static Realm v6(RealmKind::mit, "IPV6.TEST", {"--ipv6"});
  const int port = v6.kdc_port();
  static DnsServer dns(
      fmt::format("host-record=kdc6.krbkit.test,::1\n"
                  "srv-host=_kerberos._udp.IPV6.TEST,kdc6.krbkit.test,{0},0,0\n"
                  "srv-host=_kerberos._tcp.IPV6.TEST,kdc6.krbkit.test,{0},0,0\n",
                  port));
  auto conf = [&](const std::string& kdc) {
    const std::string path = v6.fresh_path("krb5.conf");
    std::ofstream(path) << "[libdefaults]\n  default_realm = IPV6.TEST\n  dns_lookup_kdc = true\n"
                        << "  dns_uri_lookup = false\n  rdns = false\n[realms]\n  IPV6.TEST = {\n"
                        << (kdc.empty() ? "" : "    kdc = " + kdc + "\n") << "  }\n";
    return path;
  };
  const std::string by_conf = conf(fmt::format("[::1]:{}", port)), by_dns = conf("");
  for (const auto& c : {by_conf, by_dns}) {
    for (const std::string& tool : {krbkit_tool("kinit"), std::string("/usr/bin/kinit")}) {
      CAPTURE(c);
      CAPTURE(tool);
      const std::string cc = v6.fresh_ccache();
      auto r = run_with_resolv_conf(dns.resolv_conf(), {tool, "-c", cc, "alice"}, traced(c),
                                    v6.password("alice") + "\n");
      REQUIRE_MESSAGE(r.ok(), r.err);
      // MIT's trace writes the address unbracketed ("dgram ::1:PORT").
      const bool mit = tool == std::string("/usr/bin/kinit");
      CHECK_MESSAGE(
          r.err.find(mit ? fmt::format("::1:{}", port) : fmt::format("[::1]:{}", port)) != std::string::npos,
          r.err);
      if (mit) continue;
      auto kvno = run_with_resolv_conf(dns.resolv_conf(),
                                       {krbkit_tool("kvno"), "-c", cc, v6.host_principal()}, traced(c));
      CHECK_MESSAGE(kvno.ok(), kvno.err);
      CHECK_MESSAGE(kvno.err.find(fmt::format("[::1]:{}", port)) != std::string::npos, kvno.err);
    }
  }
}
