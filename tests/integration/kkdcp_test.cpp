// Kerberos over HTTPS (MS-KKDCP) against a real KDC proxy: python3-kdcproxy
// behind gunicorn with certificates the test's own CA signed
// (tests/realm/kdcproxy.sh), in front of the shared MIT realm. kinit, kvno
// and kpasswd reach the realm only through https:// URLs (from krb5.conf,
// then from DNS URI records served by dnsmasq), next to MIT's tools
// (krb5-k5tls) through the same proxy; a certificate from another CA, one
// for another name, an expired one and a proxy that is down each give one
// line naming the URL and the reason, their own exit status and no cache.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "realm/dns.hpp"
#include "realm/kdcproxy.hpp"
#include "realm/realm.hpp"

using namespace krbkit::test;

namespace {

constexpr int kExitKdcUnreachable = 5;
constexpr int kExitCertificateRefused = 16;

KdcProxy& proxy() {
  static KdcProxy p(Realm::shared());
  return p;
}

// A krb5.conf whose realm has only the given kdc entries (none: DNS), the
// proxy as its password server (unless DNS), and `anchor` as http_anchors.
std::string conf(const std::vector<std::string>& kdcs, const std::string& anchor) {
  Realm& realm = Realm::shared();
  std::string realms;
  for (const auto& k : kdcs) realms += "    kdc = " + k + "\n";
  if (!kdcs.empty()) realms += "    kpasswd_server = " + proxy().url() + "\n";
  const std::string path = realm.fresh_path("krb5.conf");
  std::ofstream(path) << fmt::format(
      "[libdefaults]\n  default_realm = {0}\n  dns_lookup_kdc = {1}\n  rdns = false\n  allow_rc4 = true\n"
      "[realms]\n  {0} = {{\n{2}    http_anchors = {3}\n  }}\n",
      realm.name(), kdcs.empty(), realms, anchor);
  return path;
}

std::string file_anchor(const std::string& pem) { return "FILE:" + pem; }

EnvChanges traced(const std::string& conf) { return {{"KRB5_CONFIG", conf}, {"KRB5_TRACE", "/dev/stderr"}}; }

RunResult kinit(const std::string& tool, const std::string& conf, const std::string& cc, bool trace = false) {
  Realm& realm = Realm::shared();
  EnvChanges env = trace ? traced(conf) : EnvChanges{{"KRB5_CONFIG", conf}};
  return realm.run({tool, "-c", cc, realm.principal("alice")}, env, realm.password("alice") + "\n");
}

bool cache_exists(const std::string& cc) { return std::filesystem::exists(cc.substr(cc.find(':') + 1)); }

// Our kinit refused: one line naming the URL and the reason, `exit_code`,
// no cache written.
void check_refused(const std::string& conf, int exit_code, const std::string& url,
                   const std::string& reason) {
  const std::string cc = Realm::shared().fresh_ccache();
  auto r = kinit(krbkit_tool("kinit"), conf, cc);
  CHECK_MESSAGE(r.exit_code == exit_code, r.err);
  CHECK_MESSAGE(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
  CHECK_MESSAGE(
      r.err.find("Cannot contact any KDC for realm '" + Realm::shared().name() + "'") != std::string::npos,
      r.err);
  CHECK_MESSAGE(r.err.find(url + " (") != std::string::npos, r.err);
  CHECK_MESSAGE(r.err.find(reason) != std::string::npos, r.err);
  CHECK_FALSE(cache_exists(cc));
}

}  // namespace

TEST_CASE("kinit and kvno through the HTTPS proxy alone, as MIT's kinit does") {
  Realm& realm = Realm::shared();
  const std::string c = conf({proxy().url()}, file_anchor(proxy().ca()));
  const std::string cc = realm.fresh_ccache();
  auto ours = kinit(krbkit_tool("kinit"), c, cc, true);
  REQUIRE_MESSAGE(ours.ok(), ours.err);
  CHECK_MESSAGE(ours.err.find("TLS connection to " + proxy().url() + " established") != std::string::npos,
                ours.err);
  auto kvno = realm.run({krbkit_tool("kvno"), "-c", cc, realm.host_principal()}, {{"KRB5_CONFIG", c}});
  CHECK_MESSAGE(kvno.ok(), kvno.err);
  CHECK(kvno.out.find("kvno = ") != std::string::npos);
  // MIT's kinit (krb5-k5tls) through the same proxy; MIT's klist reads ours.
  auto mit = kinit("/usr/bin/kinit", c, realm.fresh_ccache());
  CHECK_MESSAGE(mit.ok(), mit.err);
  auto list = realm.run({"/usr/bin/klist", "-c", cc});
  CHECK(list.out.find(realm.host_principal()) != std::string::npos);
}

TEST_CASE("http_anchors DIR: every file of the directory, as MIT reads it") {
  Realm& realm = Realm::shared();
  const std::string dir = realm.fresh_path("anchors");
  std::filesystem::create_directory(dir);
  std::filesystem::copy_file(proxy().other_ca(), dir + "/a-other.pem");
  std::filesystem::copy_file(proxy().ca(), dir + "/b-ours.crt");  // no hashed names needed
  std::ofstream(dir + "/c-notes.txt") << "not a certificate\n";
  const std::string c = conf({proxy().url()}, "DIR:" + dir);
  auto ours = kinit(krbkit_tool("kinit"), c, realm.fresh_ccache());
  CHECK_MESSAGE(ours.ok(), ours.err);
  CHECK_MESSAGE(kinit("/usr/bin/kinit", c, realm.fresh_ccache()).ok(), "MIT's kinit with DIR:");
  // Without our CA in it, the directory refuses the proxy.
  std::filesystem::remove(dir + "/b-ours.crt");
  check_refused(c, kExitCertificateRefused, proxy().url(), "untrusted CA");
}

TEST_CASE("kpasswd through the HTTPS proxy; MIT's kinit through it takes the new password") {
  Realm& realm = Realm::shared();
  const std::string c = conf({proxy().url()}, file_anchor(proxy().ca()));
  REQUIRE(realm.kadmin_local("addprinc -pw https-old-1 kkdcp-erin\n").ok());
  auto change =
      realm.run({krbkit_tool("kpasswd"), "kkdcp-erin"}, traced(c), "https-old-1\nhttps-new-2\nhttps-new-2\n");
  REQUIRE_MESSAGE(change.ok(), change.err);
  CHECK(change.out.find("Password changed.") != std::string::npos);
  auto mit = realm.run({"/usr/bin/kinit", "-c", realm.fresh_ccache(), "kkdcp-erin"}, {{"KRB5_CONFIG", c}},
                       "https-new-2\n");
  CHECK_MESSAGE(mit.ok(), mit.err);
}

TEST_CASE("a certificate from another CA: one line, exit 16, no cache; MIT's kinit refuses it too") {
  const std::string c = conf({proxy().url()}, file_anchor(proxy().other_ca()));
  check_refused(c, kExitCertificateRefused, proxy().url(), "certificate verify failed: untrusted CA");
  CHECK_FALSE(kinit("/usr/bin/kinit", c, Realm::shared().fresh_ccache()).ok());
  // kpasswd refuses it the same way.
  auto change = Realm::shared().run({krbkit_tool("kpasswd"), "alice"}, {{"KRB5_CONFIG", c}}, "x\ny\ny\n");
  CHECK_MESSAGE(change.exit_code == kExitCertificateRefused, change.err);
}

TEST_CASE("a certificate for another name (the proxy's is for 127.0.0.1, not localhost): exit 16") {
  const std::string url = fmt::format("https://localhost:{}/KdcProxy", proxy().port());
  const std::string c = conf({url}, file_anchor(proxy().ca()));
  check_refused(c, kExitCertificateRefused, url, "certificate is not for localhost (hostname mismatch)");
  CHECK_FALSE(kinit("/usr/bin/kinit", c, Realm::shared().fresh_ccache()).ok());
}

TEST_CASE("an expired certificate (valid 1-2 January 2020) from the trusted CA: exit 16") {
  const std::string c = conf({proxy().expired_url()}, file_anchor(proxy().ca()));
  check_refused(c, kExitCertificateRefused, proxy().expired_url(), "certificate expired");
  CHECK_FALSE(kinit("/usr/bin/kinit", c, Realm::shared().fresh_ccache()).ok());
}

TEST_CASE("a proxy that is down: one line, exit 5") {
  std::random_device random;
  // A loopback address nobody listens on, at the proxy's port.
  const std::string url =
      fmt::format("https://127.{}.{}.61:{}/KdcProxy", random() % 254 + 1, random() % 254 + 1, proxy().port());
  check_refused(conf({url}, file_anchor(proxy().ca())), kExitKdcUnreachable, url, "Connection refused");
}

TEST_CASE("a refused proxy first, then the realm's KDC over UDP: the next KDC is tried") {
  Realm& realm = Realm::shared();
  const std::string bad = fmt::format("https://localhost:{}/KdcProxy", proxy().port());
  const std::string c =
      conf({bad, "127.0.0.1:" + std::to_string(realm.kdc_port())}, file_anchor(proxy().ca()));
  auto ours = kinit(krbkit_tool("kinit"), c, realm.fresh_ccache(), true);
  REQUIRE_MESSAGE(ours.ok(), ours.err);
  CHECK_MESSAGE(ours.err.find("Error with " + bad + ": certificate verify failed") != std::string::npos,
                ours.err);
}

TEST_CASE(
    "the proxy found by DNS URI records (krb5srv::kkdcp:https://...): kinit, kvno, kpasswd, MIT's kinit") {
  Realm& realm = Realm::shared();
  const std::string r = realm.name();
  static DnsServer dns(uri_record("_kerberos." + r, 0, 0, "krb5srv::kkdcp:" + proxy().url()) + "\n" +
                       uri_record("_kpasswd." + r, 0, 0, "krb5srv::kkdcp:" + proxy().url()) + "\n");
  use_resolv_conf(dns.resolv_conf());
  const std::string c = conf({}, file_anchor(proxy().ca()));
  const std::string cc = realm.fresh_ccache();
  auto ours = kinit(krbkit_tool("kinit"), c, cc, true);
  REQUIRE_MESSAGE(ours.ok(), ours.err);
  CHECK_MESSAGE(ours.err.find("URI answer: krb5srv::kkdcp:" + proxy().url()) != std::string::npos, ours.err);
  CHECK_MESSAGE(ours.err.find("TLS connection to " + proxy().url() + " established") != std::string::npos,
                ours.err);
  auto kvno = realm.run({krbkit_tool("kvno"), "-c", cc, realm.host_principal()}, {{"KRB5_CONFIG", c}});
  CHECK_MESSAGE(kvno.ok(), kvno.err);
  REQUIRE(realm.kadmin_local("addprinc -pw https-dns-1 kkdcp-dns-frank\n").ok());
  auto change = realm.run({krbkit_tool("kpasswd"), "kkdcp-dns-frank"}, traced(c),
                          "https-dns-1\nhttps-dns-2\nhttps-dns-2\n");
  CHECK_MESSAGE(change.ok(), change.err);
  auto mit = realm.run({"/usr/bin/kinit", "-c", realm.fresh_ccache(), "kkdcp-dns-frank"}, traced(c),
                       "https-dns-2\n");
  CHECK_MESSAGE(mit.ok(), mit.err);
  CHECK_MESSAGE(mit.err.find("URI answer: 0 0 \"krb5srv::kkdcp:" + proxy().url()) != std::string::npos,
                mit.err);
  CHECK_MESSAGE(mit.err.find("Sending HTTPS request to https 127.0.0.1:") != std::string::npos, mit.err);
}
