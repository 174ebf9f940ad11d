// krbkit's kvno across MIT realms: KRBKIT.TEST <-> OTHER.TEST <-> THIRD.TEST
// (no direct trust between KRBKIT.TEST and THIRD.TEST). Services in
// OTHER.TEST are reached directly and by the KDC's referrals, services in
// THIRD.TEST through [capaths].
#include <doctest/doctest.h>
#include <netdb.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include "realm/dns.hpp"
#include "realm/realm.hpp"

using namespace krbkit::test;

namespace {

std::string write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `text` with the first `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// This host's name as MIT's library finds it for the default realm
// (gethostname, then getaddrinfo's canonical name); "" when it has none.
std::string local_canonical_name() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  addrinfo hints{};
  hints.ai_flags = AI_CANONNAME | AI_ADDRCONFIG;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host, nullptr, &hints, &found) != 0) return "";
  std::string name = found->ai_canonname != nullptr ? found->ai_canonname : "";
  ::freeaddrinfo(found);
  return name;
}

struct ThreeRealms {
  std::string kdc_conf_dir = [] {
    char templ[] = "/tmp/krbkit-xrealm-XXXXXX";
    return std::string(::mkdtemp(templ));
  }();
  // OTHER.TEST trusts both; THIRD.TEST checks the transit KRBKIT.TEST -> OTHER.TEST -> THIRD.TEST.
  Realm other{RealmKind::mit, "OTHER.TEST", {"--trust", "KRBKIT.TEST", "--trust", "THIRD.TEST"}};
  Realm third{RealmKind::mit,
              "THIRD.TEST",
              {"--trust", "OTHER.TEST", "--kdc-conf",
               write_file(kdc_conf_dir + "/third.conf",
                          "[capaths]\n    KRBKIT.TEST = {\n        THIRD.TEST = OTHER.TEST\n    }\n")}};
  // KRBKIT.TEST's KDC refers hosts in .other.test to OTHER.TEST.
  Realm home{RealmKind::mit,
             "KRBKIT.TEST",
             {"--trust", "OTHER.TEST", "--kdc-conf",
              write_file(kdc_conf_dir + "/home.conf", "[domain_realm]\n    .other.test = OTHER.TEST\n")}};

  ThreeRealms() {
    REQUIRE(other.kadmin_local("addprinc -randkey host/server.other.test\n").ok());
    REQUIRE(other.kadmin_local("addprinc -randkey host/server.txt.test\n").ok());
    REQUIRE(third.kadmin_local("addprinc -randkey host/server.third.test\n").ok());
    REQUIRE(third.kadmin_local("addprinc -randkey host/db.web.third.test\n").ok());
  }
  ~ThreeRealms() { std::filesystem::remove_all(kdc_conf_dir); }

  // The client's krb5.conf: the home realm's, plus where the other KDCs are,
  // plus `extra` ([capaths], [domain_realm]).
  std::string client_conf(const std::string& extra) {
    std::string text = read_file(home.config());
    text += "[realms]\n    OTHER.TEST = {\n        kdc = 127.0.0.1:" + std::to_string(other.kdc_port()) +
            "\n    }\n    THIRD.TEST = {\n        kdc = 127.0.0.1:" + std::to_string(third.kdc_port()) +
            "\n    }\n";
    text += extra;
    return write_file(home.fresh_path("client.conf"), text);
  }

  std::string alice_tgt(const std::string& conf) {
    std::string cc = home.fresh_ccache();
    auto r = home.run({"/usr/bin/kinit", "-c", cc, "alice"}, {{"KRB5_CONFIG", conf}},
                      home.password("alice") + "\n");
    REQUIRE_MESSAGE(r.ok(), r.err);
    return cc;
  }
};

}  // namespace

TEST_CASE("cross-realm kvno: direct trust, referrals, capaths") {
  static ThreeRealms realms;  // started once for the three subcases
  Realm& home = realms.home;

  SUBCASE("a named realm with direct trust") {
    std::string conf = realms.client_conf("");
    std::string cc = realms.alice_tgt(conf);
    auto r = home.run({krbkit_tool("kvno"), "-c", cc, "host/server.other.test@OTHER.TEST"},
                      {{"KRB5_CONFIG", conf}});
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK(r.out == "host/server.other.test@OTHER.TEST: kvno = 1\n");
    auto k = home.run({"/usr/bin/klist", "-c", cc}, {{"KRB5_CONFIG", conf}});
    CHECK_MESSAGE(k.out.find("krbtgt/OTHER.TEST@KRBKIT.TEST") != std::string::npos, k.out);
  }
  SUBCASE("referrals: the client does not know the host's realm, KRBKIT.TEST's KDC does") {
    std::string conf = realms.client_conf("");
    std::string cc = realms.alice_tgt(conf);
    auto r = home.run({krbkit_tool("kvno"), "-c", cc, "-S", "host", "server.other.test"},
                      {{"KRB5_CONFIG", conf}, {"KRB5_TRACE", "/dev/stderr"}});
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK(r.out == "host/server.other.test@: kvno = 1\n");  // as MIT's: the name asked
    CHECK(r.err.find("Following referral for host/server.other.test") != std::string::npos);
    // The cross-realm TGT from the referral is cached; asked again, nothing is sent.
    auto k = home.run({"/usr/bin/klist", "-c", cc}, {{"KRB5_CONFIG", conf}});
    CHECK(k.out.find("krbtgt/OTHER.TEST@KRBKIT.TEST") != std::string::npos);
    auto again = home.run({krbkit_tool("kvno"), "-c", cc, "-S", "host", "server.other.test"},
                          {{"KRB5_CONFIG", conf}, {"KRB5_TRACE", "/dev/stderr"}});
    REQUIRE(again.ok());
    CHECK(again.err.find("Sending request") == std::string::npos);
  }
  SUBCASE("dns_lookup_realm: a _kerberos TXT record names the realm of a host the KDC does not refer") {
    // dnsmasq says _kerberos.txt.test is OTHER.TEST; KRBKIT.TEST's KDC knows
    // nothing of .txt.test, so only the client's fallback realm can find it.
    static DnsServer dns("txt-record=_kerberos.txt.test,OTHER.TEST\n");
    use_resolv_conf(dns.resolv_conf());
    const std::string off = realms.client_conf("");
    std::string text = read_file(off);
    text.replace(text.find("dns_lookup_realm = false"), 24, "dns_lookup_realm = true");
    const std::string on = write_file(home.fresh_path("client.conf"), text);
    std::string cc = realms.alice_tgt(off);
    auto guessed = home.run({krbkit_tool("kvno"), "-c", cc, "-S", "host", "server.txt.test"},
                            {{"KRB5_CONFIG", off}, {"KRB5_TRACE", "/dev/stderr"}});
    CHECK(guessed.exit_code == 1);
    CHECK_MESSAGE(guessed.err.find("trying the fallback realm TXT.TEST") != std::string::npos, guessed.err);
    auto r = home.run({krbkit_tool("kvno"), "-c", cc, "-S", "host", "server.txt.test"},
                      {{"KRB5_CONFIG", on}, {"KRB5_TRACE", "/dev/stderr"}});
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK(r.out == "host/server.txt.test@: kvno = 1\n");
    CHECK_MESSAGE(r.err.find("TXT record _kerberos.txt.test found: OTHER.TEST") != std::string::npos, r.err);
    auto mit = home.run({"/usr/bin/kvno", "-c", realms.alice_tgt(on), "-S", "host", "server.txt.test"},
                        {{"KRB5_CONFIG", on}});
    CHECK_MESSAGE(mit.ok(), mit.err);
    // MIT's kvno names the ticket as asked (the referral realm, empty).
    CHECK(mit.out == "host/server.txt.test@: kvno = 1\n");
  }
  SUBCASE("realm_try_domains: the host's parent domains tried as realms with a KDC; MIT's kvno agrees") {
    // Nobody maps .third.test and KRBKIT.TEST's KDC does not refer it: the
    // fallback realm of db.web.third.test is WEB.THIRD.TEST, which has no KDC,
    // unless realm_try_domains = 2 lets THIRD.TEST (a realm with a kdc line)
    // be found two labels up.
    const std::string capaths = "[capaths]\n    KRBKIT.TEST = {\n        THIRD.TEST = OTHER.TEST\n    }\n";
    const std::string off = realms.client_conf(capaths);
    const std::string on = write_file(home.fresh_path("client.conf"),
                                      replaced(read_file(off), "dns_lookup_realm = false",
                                               "dns_lookup_realm = false\n    realm_try_domains = 2"));
    std::string cc = realms.alice_tgt(off);
    auto guessed = home.run({krbkit_tool("kvno"), "-c", cc, "-S", "host", "db.web.third.test"},
                            {{"KRB5_CONFIG", off}, {"KRB5_TRACE", "/dev/stderr"}});
    CHECK(guessed.exit_code == 1);
    CHECK_MESSAGE(guessed.err.find("trying the fallback realm WEB.THIRD.TEST") != std::string::npos,
                  guessed.err);
    auto r = home.run({krbkit_tool("kvno"), "-c", cc, "-S", "host", "db.web.third.test"},
                      {{"KRB5_CONFIG", on}, {"KRB5_TRACE", "/dev/stderr"}});
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK(r.out == "host/db.web.third.test@: kvno = 1\n");
    CHECK_MESSAGE(r.err.find("trying the fallback realm THIRD.TEST") != std::string::npos, r.err);
    auto mit = home.run({"/usr/bin/kvno", "-c", realms.alice_tgt(on), "-S", "host", "db.web.third.test"},
                        {{"KRB5_CONFIG", on}});
    CHECK_MESSAGE(mit.ok(), mit.err);
    CHECK(mit.out == "host/db.web.third.test@: kvno = 1\n");
  }
  SUBCASE("no default_realm: a _kerberos TXT record for this host names it, for kinit as for MIT's") {
    // The record for this host's canonical name, and one for the resolver's
    // search domain for a host whose name does not resolve (MIT's order).
    const std::string host = local_canonical_name();
    std::string records = "txt-record=_kerberos.search.krbkit.test,KRBKIT.TEST\n";
    if (!host.empty()) records += "txt-record=_kerberos." + host + ",KRBKIT.TEST\n";
    static DnsServer dns(records);
    const std::string resolv = write_file(home.fresh_path("resolv.conf"),
                                          read_file(dns.resolv_conf()) + "search search.krbkit.test\n");
    use_resolv_conf(resolv);
    std::string text = replaced(read_file(home.config()), "default_realm = KRBKIT.TEST", "");
    const std::string off = write_file(home.fresh_path("client.conf"), text);
    const std::string on = write_file(home.fresh_path("client.conf"),
                                      replaced(text, "dns_lookup_realm = false", "dns_lookup_realm = true"));
    for (const std::string& tool : {krbkit_tool("kinit"), std::string("/usr/bin/kinit")}) {
      CAPTURE(tool);
      auto no_realm = home.run({tool, "-c", home.fresh_ccache(), "alice"}, {{"KRB5_CONFIG", off}},
                               home.password("alice") + "\n");
      CHECK(no_realm.exit_code != 0);
      const std::string cc = home.fresh_ccache();
      auto r = home.run({tool, "-c", cc, "alice"}, {{"KRB5_CONFIG", on}}, home.password("alice") + "\n");
      REQUIRE_MESSAGE(r.ok(), r.err);
      auto list = home.run({"/usr/bin/klist", "-c", cc}, {{"KRB5_CONFIG", on}});
      CHECK_MESSAGE(list.out.find("Default principal: alice@KRBKIT.TEST") != std::string::npos, list.out);
    }
  }
  SUBCASE("capaths: THIRD.TEST through OTHER.TEST; without capaths there is no path") {
    std::string with = realms.client_conf(
        "[capaths]\n    KRBKIT.TEST = {\n        THIRD.TEST = OTHER.TEST\n    }\n"
        "[domain_realm]\n    .third.test = THIRD.TEST\n");
    std::string cc = realms.alice_tgt(with);
    auto r =
        home.run({krbkit_tool("kvno"), "-c", cc, "-S", "host", "server.third.test"}, {{"KRB5_CONFIG", with}});
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK(r.out == "host/server.third.test@THIRD.TEST: kvno = 1\n");
    auto k = home.run({"/usr/bin/klist", "-c", cc}, {{"KRB5_CONFIG", with}});
    CHECK_MESSAGE(k.out.find("krbtgt/OTHER.TEST@KRBKIT.TEST") != std::string::npos, k.out);
    CHECK(k.out.find("krbtgt/THIRD.TEST@OTHER.TEST") != std::string::npos);

    std::string without = realms.client_conf("[domain_realm]\n    .third.test = THIRD.TEST\n");
    std::string cc2 = realms.alice_tgt(without);
    auto no = home.run({krbkit_tool("kvno"), "-c", cc2, "host/server.third.test@THIRD.TEST"},
                       {{"KRB5_CONFIG", without}});
    CHECK(no.exit_code == 1);
    CHECK_MESSAGE(
        no.err.find("getting a cross-realm TGT from KRBKIT.TEST towards THIRD.TEST") != std::string::npos,
        no.err);
  }
  SUBCASE("a keytab's check of the transited realms: [capaths] that forbid the path (MIT's kvno -k agrees)") {
    const std::string third_domain = "[domain_realm]\n    .third.test = THIRD.TEST\n";
    std::string allow = realms.client_conf(
        "[capaths]\n    KRBKIT.TEST = {\n        THIRD.TEST = OTHER.TEST\n    }\n" + third_domain);
    // Only a direct KRBKIT.TEST -> THIRD.TEST ticket would do: OTHER.TEST is off the path.
    std::string forbid =
        realms.client_conf("[capaths]\n    KRBKIT.TEST = {\n        THIRD.TEST = .\n    }\n" + third_domain);
    const std::string service = "host/server.third.test@THIRD.TEST";
    std::string cc = realms.alice_tgt(allow);
    auto got = home.run({krbkit_tool("kvno"), "-c", cc, service}, {{"KRB5_CONFIG", allow}});
    REQUIRE_MESSAGE(got.ok(), got.err);
    std::string keytab = realms.third.fresh_path("service.keytab");
    auto x = realms.third.kadmin_local("ktadd -k " + keytab + " -norandkey host/server.third.test");
    REQUIRE_MESSAGE(x.ok(), x.err);

    for (const std::string& kvno : {krbkit_tool("kvno"), std::string("/usr/bin/kvno")}) {
      CAPTURE(kvno);
      auto ok = home.run({kvno, "-c", cc, "-k", keytab, service}, {{"KRB5_CONFIG", allow}});
      CHECK_MESSAGE(ok.ok(), ok.err);
      CHECK(ok.out.find(service + ": kvno = 1, keytab entry valid") != std::string::npos);
      // The ticket is in the cache: no KDC is asked, the keytab check refuses it.
      auto bad = home.run({kvno, "-c", cc, "-k", keytab, service}, {{"KRB5_CONFIG", forbid}});
      CHECK(bad.exit_code == 1);
      CHECK_MESSAGE(bad.err.find("Illegal cross-realm ticket") != std::string::npos, bad.err);
      CHECK(bad.out.find("keytab entry valid") == std::string::npos);
    }
    auto dk = home.run({krbkit_tool("kvno"), "-c", cc, "--decode", "-k", keytab, service},
                       {{"KRB5_CONFIG", forbid}});
    CHECK(dk.exit_code == 1);
    CHECK_MESSAGE(dk.err.find("Illegal cross-realm ticket") != std::string::npos, dk.err);
    auto kl = home.run({krbkit_tool("klist"), "--decode", "-k", keytab, service},
                       {{"KRB5_CONFIG", forbid}, {"KRB5CCNAME", cc}});
    CHECK(kl.exit_code == 1);
    CHECK_MESSAGE(
        kl.err.find("klist: ticket for " + service + ": Illegal cross-realm ticket") != std::string::npos,
        kl.err);
    CHECK_MESSAGE(
        kl.out.find("Transit check:             FAILED: Illegal cross-realm ticket") != std::string::npos,
        kl.out);
    auto kl_ok = home.run({krbkit_tool("klist"), "--decode", "-k", keytab, service},
                          {{"KRB5_CONFIG", allow}, {"KRB5CCNAME", cc}});
    CHECK_MESSAGE(kl_ok.ok(), kl_ok.err);
    CHECK(kl_ok.out.find("Transited:                 OTHER.TEST (type 1)") != std::string::npos);
  }
  SUBCASE("referral tickets are filed as MIT files them (host/h@, ticket server in OTHER.TEST), and shared") {
    std::string conf = realms.client_conf("");
    const EnvChanges traced{{"KRB5_CONFIG", conf}, {"KRB5_TRACE", "/dev/stderr"}};
    auto sent_nothing = [](const RunResult& r) {
      return r.ok() && r.err.find("Sending") == std::string::npos;
    };
    // Ours first, then MIT's kvno and ours again, by either name: no KDC is asked.
    std::string cc = realms.alice_tgt(conf);
    auto r = home.run({krbkit_tool("kvno"), "-c", cc, "-S", "host", "server.other.test"}, traced);
    REQUIRE_MESSAGE(r.ok(), r.err);
    auto k = home.run({"/usr/bin/klist", "-c", cc}, {{"KRB5_CONFIG", conf}});
    CHECK_MESSAGE(k.out.find("  host/server.other.test@\n") != std::string::npos, k.out);
    CHECK_MESSAGE(k.out.find("\tTicket server: host/server.other.test@OTHER.TEST\n") != std::string::npos,
                  k.out);
    auto mit = home.run({"/usr/bin/kvno", "-c", cc, "-S", "host", "server.other.test"}, traced);
    CHECK_MESSAGE(sent_nothing(mit), mit.err);
    CHECK(mit.out == "host/server.other.test@: kvno = 1\n");
    auto named = home.run({krbkit_tool("kvno"), "-c", cc, "host/server.other.test@OTHER.TEST"}, traced);
    CHECK_MESSAGE(sent_nothing(named), named.err);
    auto again = home.run({krbkit_tool("kvno"), "-c", cc, "-S", "host", "server.other.test"}, traced);
    CHECK_MESSAGE(sent_nothing(again), again.err);
    // klist --decode finds the entry by the keytab's principal (host/h@OTHER.TEST).
    std::string keytab = realms.other.fresh_path("service.keytab");
    auto x = realms.other.kadmin_local("ktadd -k " + keytab + " -norandkey host/server.other.test");
    REQUIRE_MESSAGE(x.ok(), x.err);
    auto d = home.run({krbkit_tool("klist"), "--decode", "-k", keytab},
                      {{"KRB5_CONFIG", conf}, {"KRB5CCNAME", cc}});
    CHECK_MESSAGE(d.ok(), d.err);
    CHECK(d.out.find("Ticket for host/server.other.test@OTHER.TEST\n") != std::string::npos);

    // MIT's first: ours finds its entry by either name.
    std::string cc2 = realms.alice_tgt(conf);
    auto m = home.run({"/usr/bin/kvno", "-c", cc2, "-S", "host", "server.other.test"}, traced);
    REQUIRE_MESSAGE(m.ok(), m.err);
    auto ours = home.run({krbkit_tool("kvno"), "-c", cc2, "host/server.other.test@OTHER.TEST"}, traced);
    CHECK_MESSAGE(sent_nothing(ours), ours.err);
    CHECK(ours.out == "host/server.other.test@OTHER.TEST: kvno = 1\n");
    auto ours_s = home.run({krbkit_tool("kvno"), "-c", cc2, "-S", "host", "server.other.test"}, traced);
    CHECK_MESSAGE(sent_nothing(ours_s), ours_s.err);
  }
  SUBCASE("no referral, the fallback realm (THIRD.TEST from the host name): filed as MIT's kvno files it") {
    // The client's krb5.conf maps no domain to THIRD.TEST and KRBKIT.TEST's
    // KDC has no referral for it: both kvnos guess THIRD.TEST from the host
    // name and get there over [capaths]; MIT files the ticket under the name
    // it asked for, host/server.third.test@, and so must we.
    std::string conf =
        realms.client_conf("[capaths]\n    KRBKIT.TEST = {\n        THIRD.TEST = OTHER.TEST\n    }\n");
    const EnvChanges traced{{"KRB5_CONFIG", conf}, {"KRB5_TRACE", "/dev/stderr"}};
    // The server names klist shows, sorted, and the "Ticket server" lines.
    auto filed = [&](const std::string& cc) {
      auto k = home.run({"/usr/bin/klist", "-c", cc}, {{"KRB5_CONFIG", conf}});
      REQUIRE_MESSAGE(k.ok(), k.err);
      std::vector<std::string> names;
      std::istringstream lines(k.out);
      for (std::string line; std::getline(lines, line);) {
        if (line.rfind("\tTicket server: ", 0) == 0) names.push_back(line.substr(1));
        std::istringstream fields(line);
        std::string date, time, end_date, end_time, server;
        if (std::isdigit(static_cast<unsigned char>(line[0])) &&
            (fields >> date >> time >> end_date >> end_time >> server))
          names.push_back(server);
      }
      std::sort(names.begin(), names.end());
      return names;
    };
    std::string ours_cc = realms.alice_tgt(conf);
    auto r = home.run({krbkit_tool("kvno"), "-c", ours_cc, "-S", "host", "server.third.test"}, traced);
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK(r.out == "host/server.third.test@: kvno = 1\n");
    CHECK(r.err.find("trying the fallback realm THIRD.TEST") != std::string::npos);
    std::string mit_cc = realms.alice_tgt(conf);
    auto m = home.run({"/usr/bin/kvno", "-c", mit_cc, "-S", "host", "server.third.test"}, traced);
    REQUIRE_MESSAGE(m.ok(), m.err);
    CHECK(m.out == "host/server.third.test@: kvno = 1\n");

    const auto ours = filed(ours_cc);
    CHECK(ours == filed(mit_cc));
    CHECK(std::count(ours.begin(), ours.end(), "host/server.third.test@") == 1);
    CHECK(std::count(ours.begin(), ours.end(), "Ticket server: host/server.third.test@THIRD.TEST") == 1);
    CHECK(std::count(ours.begin(), ours.end(), "host/server.third.test@THIRD.TEST") == 0);

    // Either kvno, by either name, finds it in the other's cache: no KDC is asked.
    auto sent_nothing = [](const RunResult& x) {
      return x.ok() && x.err.find("Sending") == std::string::npos;
    };
    auto mit_again = home.run({"/usr/bin/kvno", "-c", ours_cc, "-S", "host", "server.third.test"}, traced);
    CHECK_MESSAGE(sent_nothing(mit_again), mit_again.err);
    for (const std::string& cc : {ours_cc, mit_cc}) {
      auto by_referral = home.run({krbkit_tool("kvno"), "-c", cc, "-S", "host", "server.third.test"}, traced);
      CHECK_MESSAGE(sent_nothing(by_referral), by_referral.err);
      auto by_name = home.run({krbkit_tool("kvno"), "-c", cc, "host/server.third.test@THIRD.TEST"}, traced);
      CHECK_MESSAGE(sent_nothing(by_name), by_name.err);
      CHECK(by_name.out == "host/server.third.test@THIRD.TEST: kvno = 1\n");
    }
  }
}
