// Address-bound TGTs (MIT's kinit -a): krbkit's TGS requests carry the TGT's
// addresses, as MIT's do (get_creds.c make_request sends cur_tgt->addresses),
// and the credentials keep them when the KDC leaves them out of the reply (MIT's
// kdcrep2creds), so MIT's klist -a lists the same addresses for krbkit's
// service tickets, cross-realm TGTs and renewed TGTs as for MIT's. A TGT
// without addresses still yields tickets without addresses.
//
// The KDC (on 127.0.0.1) refuses a TGT whose addresses do not include the
// sender's, so the client's krb5.conf adds 127.0.0.1 with extra_addresses
// (which kinit -a includes, krbkit's as MIT's) and sets noaddresses = false.
// krbkit's kinit binds the TGT to the addresses MIT's kinit does, for -a, -A
// and neither, under noaddresses and extra_addresses.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>

#include "realm/realm.hpp"

using namespace krbkit::test;

namespace {

const std::string kMitKinit = "/usr/bin/kinit";
const std::string kMitKlist = "/usr/bin/klist";
const std::string kMitKvno = "/usr/bin/kvno";

// The realm's krb5.conf with `libdefaults` put at the top of [libdefaults] and
// `extra` appended.
std::string conf_with(Realm& realm, const std::string& libdefaults, const std::string& extra = "") {
  std::ifstream in(realm.config());
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::string section = "[libdefaults]\n";
  auto at = text.find(section);
  REQUIRE(at != std::string::npos);
  text.insert(at + section.size(), libdefaults);
  std::string path = realm.fresh_path("addr.conf");
  std::ofstream(path) << text << extra;
  return path;
}

// The realm's krb5.conf with noaddresses = false (Heimdal: no-addresses), the
// loopback address added to kinit -a's (when `loopback`) and `extra` appended.
std::string address_conf(Realm& realm, bool loopback, const std::string& extra = "") {
  return conf_with(realm,
                   std::string(realm.kind() == RealmKind::heimdal ? "    no-addresses = false\n"
                                                                  : "    noaddresses = false\n") +
                       (loopback ? "    extra_addresses = 127.0.0.1\n" : ""),
                   extra);
}

// Service principal -> its "Addresses:" text in MIT's `klist -a -n`.
std::map<std::string, std::string> listed_addresses(Realm& realm, const std::string& cc,
                                                    const std::string& conf) {
  auto r = realm.run({kMitKlist, "-a", "-n", "-c", cc}, {{"KRB5_CONFIG", conf}});
  REQUIRE_MESSAGE(r.ok(), r.err);
  std::map<std::string, std::string> out;
  std::regex entry(R"(\d\S* \S+\s+\S+ \S+\s+(\S+)\n(?:\s+renew until [^\n]*\n)?\s+Addresses: ([^\n]*))");
  for (std::sregex_iterator it(r.out.begin(), r.out.end(), entry), end; it != end; ++it)
    out[(*it)[1]] = (*it)[2];
  return out;
}

// A kinit (krbkit's unless `kinit` says otherwise) with `flags` into a fresh
// cache.
std::string kinit_tgt(Realm& realm, const std::string& conf, std::vector<std::string> flags,
                      const std::string& kinit = krbkit_tool("kinit")) {
  std::string cc = realm.fresh_ccache();
  std::vector<std::string> argv = {kinit, "-c", cc};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(realm.principal("alice"));
  auto r = realm.run(argv, {{"KRB5_CONFIG", conf}}, realm.password("alice") + "\n");
  REQUIRE_MESSAGE(r.ok(), r.err);
  return cc;
}

// krbkit's kinit -a into a fresh cache.
std::string address_tgt(Realm& realm, const std::string& conf, std::vector<std::string> flags = {}) {
  flags.insert(flags.begin(), "-a");
  return kinit_tgt(realm, conf, flags);
}

// A second cache with the same contents ("FILE:" names).
std::string copy_cache(Realm& realm, const std::string& cc) {
  std::string copy = realm.fresh_ccache();
  std::filesystem::copy_file(cc.substr(5), copy.substr(5));
  return copy;
}

struct TwoRealms {
  Realm other{RealmKind::mit, "OTHER.TEST", {"--trust", "KRBKIT.TEST"}};
  Realm home{RealmKind::mit, "KRBKIT.TEST", {"--trust", "OTHER.TEST"}};
  TwoRealms() { REQUIRE(other.kadmin_local("addprinc -randkey host/server.other.test\n").ok()); }
  std::string other_kdc() const {
    return "[realms]\n    OTHER.TEST = {\n        kdc = 127.0.0.1:" + std::to_string(other.kdc_port()) +
           "\n    }\n";
  }
};

TwoRealms& realms() {
  static TwoRealms r;
  return r;
}

}  // namespace

TEST_CASE(
    "krbkit's kinit binds the TGT to the addresses MIT's kinit does: -a, -A, noaddresses, extra_addresses") {
  Realm& realm = realms().home;
  const std::string tgt = "krbtgt/KRBKIT.TEST@KRBKIT.TEST";
  struct Case {
    std::string libdefaults;
    std::vector<std::string> flags;
    bool bound;
  };
  const std::string off = "    noaddresses = false\n";
  const std::string loopback = "    extra_addresses = 127.0.0.1\n";
  const std::vector<Case> cases = {
      {off + loopback, {"-a"}, true},
      {off + loopback, {}, true},  // noaddresses = false: bound without -a
      {off + loopback, {"-A"}, false},
      {loopback, {"-a"}, true},  // -a whatever noaddresses says
      {loopback, {}, false},     // noaddresses defaults to true
      {"    noaddresses = true\n" + loopback, {}, false},
      {"    KRBKIT.TEST = {\n        noaddresses = false\n    }\n" + loopback, {}, true},  // per realm
      // Several values, commas and blanks, IPv6, a duplicate: all of them, in order.
      {off + "    extra_addresses = 192.0.2.250, ::1\t127.0.0.1\n    extra_addresses = 127.0.0.1 fd00::77\n",
       {"-a"},
       true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.libdefaults);
    CAPTURE(c.flags.empty() ? std::string("(no flag)") : c.flags[0]);
    std::string conf = conf_with(realm, c.libdefaults);
    std::string ours = listed_addresses(realm, kinit_tgt(realm, conf, c.flags), conf)[tgt];
    std::string mits = listed_addresses(realm, kinit_tgt(realm, conf, c.flags, kMitKinit), conf)[tgt];
    CHECK(ours == mits);
    CHECK((ours.find("127.0.0.1") != std::string::npos) == c.bound);
    if (!c.bound) CHECK(ours == "(none)");
  }
}

TEST_CASE("an address-bound TGT: krbkit's kvno gets a ticket bound to the TGT's addresses, as MIT's kvno") {
  Realm& realm = realms().home;
  std::string conf = address_conf(realm, true);
  std::string ours = address_tgt(realm, conf);
  std::string mits = copy_cache(realm, ours);
  const std::string tgt = "krbtgt/KRBKIT.TEST@KRBKIT.TEST";
  const std::string host = realm.host_principal();
  std::string tgt_addresses = listed_addresses(realm, ours, conf)[tgt];
  REQUIRE(tgt_addresses.find("127.0.0.1") != std::string::npos);

  auto r = realm.run({krbkit_tool("kvno"), "-c", ours, host}, {{"KRB5_CONFIG", conf}});
  REQUIRE_MESSAGE(r.ok(), r.err);
  auto m = realm.run({kMitKvno, "-c", mits, host}, {{"KRB5_CONFIG", conf}});
  REQUIRE_MESSAGE(m.ok(), m.err);
  CHECK(r.out == m.out);
  auto our_list = listed_addresses(realm, ours, conf);
  auto mit_list = listed_addresses(realm, mits, conf);
  CHECK(our_list[host] == tgt_addresses);
  CHECK(our_list[host] == mit_list[host]);
  CHECK(our_list.size() == mit_list.size());

  // The ticket itself, decrypted with the service key, is bound to them too.
  auto d = realm.run({krbkit_tool("klist"), "--decode", "-k", realm.host_keytab(), host},
                     {{"KRB5_CONFIG", conf}, {"KRB5CCNAME", ours}});
  REQUIRE_MESSAGE(d.ok(), d.err);
  CHECK_MESSAGE(d.out.find("Addresses:                 " + tgt_addresses + "\n") != std::string::npos, d.out);

  // Asked again: from the cache, nothing stored twice.
  auto again = realm.run({krbkit_tool("kvno"), "-c", ours, host}, {{"KRB5_CONFIG", conf}});
  REQUIRE(again.ok());
  auto k = realm.run({kMitKlist, "-c", ours});
  CHECK(k.out.find(host) == k.out.rfind(host));
}

TEST_CASE("a TGT without addresses: service tickets without addresses, as MIT's") {
  Realm& realm = realms().home;
  std::string conf = address_conf(realm, true);
  // kinit -A: no addresses, though noaddresses = false would ask for them.
  std::string ours = kinit_tgt(realm, conf, {"-A"});
  std::string mits = copy_cache(realm, ours);
  const std::string host = realm.host_principal();
  REQUIRE(realm.run({krbkit_tool("kvno"), "-c", ours, host}, {{"KRB5_CONFIG", conf}}).ok());
  REQUIRE(realm.run({kMitKvno, "-c", mits, host}, {{"KRB5_CONFIG", conf}}).ok());
  auto our_list = listed_addresses(realm, ours, conf);
  CHECK(our_list["krbtgt/KRBKIT.TEST@KRBKIT.TEST"] == "(none)");
  CHECK(our_list[host] == "(none)");
  CHECK(listed_addresses(realm, mits, conf)[host] == "(none)");
  auto d = realm.run({krbkit_tool("klist"), "--decode", "-k", realm.host_keytab(), host},
                     {{"KRB5_CONFIG", conf}, {"KRB5CCNAME", ours}});
  REQUIRE_MESSAGE(d.ok(), d.err);
  CHECK_MESSAGE(
      d.out.find("Addresses:                 none (usable from any address)\n") != std::string::npos, d.out);
}

TEST_CASE("cross realm: the cross-realm TGT and the foreign service ticket keep the TGT's addresses") {
  TwoRealms& two = realms();
  Realm& realm = two.home;
  std::string conf = address_conf(realm, true, two.other_kdc());
  std::string ours = address_tgt(realm, conf);
  std::string mits = copy_cache(realm, ours);
  const std::string service = "host/server.other.test@OTHER.TEST";
  const std::string cross = "krbtgt/OTHER.TEST@KRBKIT.TEST";
  std::string tgt_addresses = listed_addresses(realm, ours, conf)["krbtgt/KRBKIT.TEST@KRBKIT.TEST"];
  REQUIRE(tgt_addresses.find("127.0.0.1") != std::string::npos);

  auto r = realm.run({krbkit_tool("kvno"), "-c", ours, service}, {{"KRB5_CONFIG", conf}});
  REQUIRE_MESSAGE(r.ok(), r.err);
  auto m = realm.run({kMitKvno, "-c", mits, service}, {{"KRB5_CONFIG", conf}});
  REQUIRE_MESSAGE(m.ok(), m.err);
  auto our_list = listed_addresses(realm, ours, conf);
  auto mit_list = listed_addresses(realm, mits, conf);
  CHECK(our_list[cross] == tgt_addresses);
  CHECK(our_list[service] == tgt_addresses);
  CHECK(mit_list[cross] == our_list[cross]);
  CHECK(mit_list[service] == our_list[service]);
}

TEST_CASE("kinit -R of an address-bound TGT keeps its addresses, as MIT's kinit -R") {
  Realm& realm = realms().home;
  std::string conf = address_conf(realm, true);
  std::string ours = address_tgt(realm, conf, {"-r", "2h"});
  std::string mits = copy_cache(realm, ours);
  const std::string tgt = "krbtgt/KRBKIT.TEST@KRBKIT.TEST";
  std::string before = listed_addresses(realm, ours, conf)[tgt];
  REQUIRE(before.find("127.0.0.1") != std::string::npos);
  auto r = realm.run({krbkit_tool("kinit"), "-R", "-c", ours}, {{"KRB5_CONFIG", conf}});
  REQUIRE_MESSAGE(r.ok(), r.err);
  auto m = realm.run({kMitKinit, "-R", "-c", mits}, {{"KRB5_CONFIG", conf}});
  REQUIRE_MESSAGE(m.ok(), m.err);
  CHECK(listed_addresses(realm, ours, conf)[tgt] == before);
  CHECK(listed_addresses(realm, mits, conf)[tgt] == before);
  // The renewed TGT still gets service tickets bound to the same addresses.
  const std::string host = realm.host_principal();
  auto k = realm.run({krbkit_tool("kvno"), "-c", ours, host}, {{"KRB5_CONFIG", conf}});
  REQUIRE_MESSAGE(k.ok(), k.err);
  CHECK(listed_addresses(realm, ours, conf)[host] == before);
}

TEST_CASE("a TGT bound to addresses the KDC does not see us at: refused as MIT's kvno is") {
  Realm& realm = realms().home;
  std::string conf = address_conf(realm, false);  // kinit -a without the loopback address
  std::string ours = address_tgt(realm, conf);
  CHECK(listed_addresses(realm, ours, conf)["krbtgt/KRBKIT.TEST@KRBKIT.TEST"] ==
        listed_addresses(realm, kinit_tgt(realm, conf, {"-a"}, kMitKinit),
                         conf)["krbtgt/KRBKIT.TEST@KRBKIT.TEST"]);
  std::string addresses = listed_addresses(realm, ours, conf)["krbtgt/KRBKIT.TEST@KRBKIT.TEST"];
  if (addresses == "(none)") {
    MESSAGE("this host has no non-loopback address; kinit -a bound the TGT to none");
    return;
  }
  std::string mits = copy_cache(realm, ours);
  const std::string host = realm.host_principal();
  auto r = realm.run({krbkit_tool("kvno"), "-c", ours, host}, {{"KRB5_CONFIG", conf}});
  auto m = realm.run({kMitKvno, "-c", mits, host}, {{"KRB5_CONFIG", conf}});
  CHECK(m.exit_code != 0);
  CHECK(r.exit_code == m.exit_code);
  CHECK(r.err == m.err);  // "kvno: Incorrect net address while getting credentials for ..."
  CHECK(listed_addresses(realm, ours, conf).count(host) == 0);
}

TEST_CASE("Heimdal's KDC: krbkit's kvno keeps the TGT's addresses as Heimdal's kgetcred does") {
  Realm* heimdal = Realm::shared_heimdal();
  if (heimdal == nullptr) {
    MESSAGE("skipped: " << heimdal_unavailable().value_or("Heimdal unavailable"));
    return;
  }
  Realm& realm = *heimdal;
  const std::string bin = realm.get("HEIMDAL_BIN");
  std::string conf = address_conf(realm, false);
  std::string ours = realm.fresh_ccache();
  auto k = realm.run({bin + "/kinit", "--password-file=STDIN", "--extra-addresses=127.0.0.1", "-c", ours,
                      realm.principal("alice")},
                     {{"KRB5_CONFIG", conf}}, realm.password("alice") + "\n");
  REQUIRE_MESSAGE(k.ok(), k.err);
  std::string heims = copy_cache(realm, ours);
  const std::string tgt = "krbtgt/" + realm.name() + "@" + realm.name();
  const std::string host = realm.host_principal();
  std::string tgt_addresses = listed_addresses(realm, ours, conf)[tgt];
  REQUIRE(tgt_addresses.find("127.0.0.1") != std::string::npos);

  auto r = realm.run({krbkit_tool("kvno"), "-c", ours, host}, {{"KRB5_CONFIG", conf}});
  REQUIRE_MESSAGE(r.ok(), r.err);
  auto g = realm.run({bin + "/kgetcred", "-c", heims, host}, {{"KRB5_CONFIG", conf}});
  REQUIRE_MESSAGE(g.ok(), g.err);
  CHECK(listed_addresses(realm, ours, conf)[host] == tgt_addresses);
  CHECK(listed_addresses(realm, heims, conf)[host] == tgt_addresses);
  // The tickets themselves, as Heimdal's KDC made them, alike.
  auto decoded = [&](const std::string& cc) {
    auto d = realm.run({krbkit_tool("klist"), "--decode", "-k", realm.host_keytab(), host},
                       {{"KRB5_CONFIG", conf}, {"KRB5CCNAME", cc}});
    REQUIRE_MESSAGE(d.ok(), d.err);
    std::smatch m;
    REQUIRE(std::regex_search(d.out, m, std::regex(R"(\n  Addresses: +([^\n]*))")));
    return std::string(m[1]);
  };
  CHECK(decoded(ours) == decoded(heims));
}
