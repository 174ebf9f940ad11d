// klist --decode / kvno --decode against the MIT realm: MIT's KDC (1.20+)
// puts a minimal PAC (CLIENT_INFO and signatures) in its tickets, whose
// server signature must verify for every enctype, and whose KDC signature
// verifies with krbtgt's keys exported without changing them; a service with
// +no_auth_data_required gets tickets without a PAC, which still decode.
// The EncTicketPart is checked against MIT's klist.
#include <doctest/doctest.h>

#include <regex>

#include "realm/realm.hpp"

using namespace krbkit::test;

namespace {

const std::string kMitKinit = "/usr/bin/kinit";
const std::string kMitKlist = "/usr/bin/klist";

std::string tgt(Realm& realm) {
  std::string cc = realm.fresh_ccache();
  auto r = realm.run({kMitKinit, "-c", cc, realm.principal("alice")}, {}, realm.password("alice") + "\n");
  REQUIRE_MESSAGE(r.ok(), r.err);
  return cc;
}

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// A service of its own with a keytab: MIT's KDC gives its tickets no PAC.
struct NoPacService {
  std::string principal, keytab;
};
NoPacService no_pac_service(Realm& realm) {
  static int n = 0;
  NoPacService s{"svc-nopac" + std::to_string(++n) + "/server.krbkit.test@" + realm.name(),
                 realm.fresh_path("nopac.keytab")};
  auto r = realm.kadmin_local("addprinc -randkey +no_auth_data_required " + s.principal + "\nktadd -k " +
                              s.keytab + " -norandkey " + s.principal);
  REQUIRE_MESSAGE(r.ok(), r.err);
  return s;
}

}  // namespace

TEST_CASE("kvno --decode: MIT's minimal PAC verifies with every enctype's service key") {
  Realm& realm = Realm::shared();
  std::string cc = tgt(realm);
  for (const auto& e : realm.service_enctypes()) {
    CAPTURE(e);
    auto r = realm.run({krbkit_tool("kvno"), "-c", cc, "--decode", "-k", realm.get("SERVICES_KEYTAB"),
                        realm.service_for(e)});
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK(has(r.out, realm.service_for(e) + ": kvno = 1, keytab entry valid\n"));
    CHECK(std::regex_search(r.out, std::regex("\n  Encrypted with: +(DEPRECATED:)?" + e + ", kvno 1\n")));
    CHECK(std::regex_search(r.out, std::regex("\n  Client: +" + realm.principal("alice") + "\n")));
    CHECK_MESSAGE(
        std::regex_search(
            r.out, std::regex("\n    Server signature: +[a-z0-9-]+: verified \\(with the service key\\)\n")),
        r.out);
    CHECK(std::regex_search(
        r.out, std::regex("\n      Check: +verified \\(matches the ticket's client and authtime\\)\n")));
    CHECK(std::regex_search(
        r.out, std::regex("\n    KDC signature: +[a-z0-9-]+: not checked \\(needs the KDC's key\\)\n")));
    CHECK(r.err.empty());
  }
}

TEST_CASE(
    "klist --decode --json: the EncTicketPart as MIT's klist sees the ticket, and the KDC signature with "
    "krbtgt's keys") {
  Realm& realm = Realm::shared();
  std::string cc = tgt(realm);
  auto k = realm.run({krbkit_tool("kvno"), "-c", cc, realm.host_principal()});
  REQUIRE_MESSAGE(k.ok(), k.err);
  std::string krbtgt_keytab = realm.fresh_path("krbtgt.keytab");
  auto x = realm.kadmin_local("ktadd -k " + krbtgt_keytab + " -norandkey krbtgt/" + realm.name());
  REQUIRE_MESSAGE(x.ok(), x.err);

  auto r = realm.run({krbkit_tool("klist"), "--decode", "--json", "-k", realm.host_keytab(),
                      realm.host_principal(), "--krbtgt-keytab", krbtgt_keytab},
                     {{"KRB5CCNAME", cc}});
  REQUIRE_MESSAGE(r.ok(), r.err);
  CHECK(has(r.out, "\"cache\": \"" + cc + "\""));
  CHECK(has(r.out, "\"server\": \"" + realm.host_principal() + "\""));
  CHECK(has(r.out, "\"client\": \"" + realm.principal("alice") + "\""));
  CHECK(has(r.out, "\"name\": \"CLIENT_INFO\""));
  CHECK(has(r.out, "\"logon_info\": null"));
  CHECK_MESSAGE(has(r.out, "\"state\": \"verified\",\n          \"detail\": \"with krbtgt's key\""), r.out);
  CHECK(has(r.out, "\"verified\": true"));

  // The session key enctype and the flags MIT's klist reads from the cache.
  auto mit = realm.run({kMitKlist, "-e", "-f", "-c", cc});
  REQUIRE(mit.ok());
  std::smatch m;
  REQUIRE(std::regex_search(
      mit.out, m,
      std::regex(
          R"(host/server\.krbkit\.test@\S+\n\s*(?:renew until [^,\n]*, )?Flags: (\w+)\n\s*Etype \(skey, tkt\): ([^,]+),)")));
  CHECK(has(r.out, "\"flag_letters\": \"" + m[1].str() + "\""));
  CHECK(has(r.out, "\"session_enctype\": \"" + m[2].str() + "\""));
}

TEST_CASE("--decode on a ticket without a PAC shows the EncTicketPart and says no PAC") {
  Realm& realm = Realm::shared();
  std::string cc = tgt(realm);
  NoPacService svc = no_pac_service(realm);
  auto r = realm.run({krbkit_tool("kvno"), "-c", cc, "--decode", "-k", svc.keytab, svc.principal});
  REQUIRE_MESSAGE(r.ok(), r.err);
  CHECK(has(r.out, "Ticket for " + svc.principal + "\n"));
  CHECK(std::regex_search(r.out, std::regex("\n  Client: +" + realm.principal("alice") + "\n")));
  CHECK(std::regex_search(r.out, std::regex("\n  Authorization data: +none\n")));
  CHECK(std::regex_search(r.out, std::regex("\n  PAC: +no PAC \\(the KDC put none in this ticket\\)\n")));

  auto j = realm.run({krbkit_tool("klist"), "--decode", "--json", "-k", svc.keytab}, {{"KRB5CCNAME", cc}});
  REQUIRE_MESSAGE(j.ok(), j.err);
  CHECK(has(j.out, "\"server\": \"" + svc.principal + "\""));
  CHECK(has(j.out, "\"pac\": null"));
  CHECK(has(j.out, "\"verified\": true"));
}

TEST_CASE("--decode errors: a keytab without the key, a ticket not in the cache, usage") {
  Realm& realm = Realm::shared();
  std::string cc = tgt(realm);
  const std::string aes128 = realm.service_for("aes128-cts-hmac-sha1-96");
  auto k = realm.run({krbkit_tool("kvno"), "-c", cc, aes128});
  REQUIRE(k.ok());
  // host.keytab has no key for that service: one line naming all four.
  auto r =
      realm.run({krbkit_tool("klist"), "--decode", "-k", realm.host_keytab(), aes128}, {{"KRB5CCNAME", cc}});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK_MESSAGE(
      has(r.err, realm.host_keytab() + " has no key for " + aes128 +
                     " with kvno 1 and enctype aes128-cts-hmac-sha1-96; it has no entry for that principal"),
      r.err);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  auto v = realm.run({krbkit_tool("kvno"), "-c", cc, "--decode", "-k", realm.host_keytab(), aes128});
  CHECK(v.exit_code == 1);
  CHECK(has(v.err,
            "kvno: No suitable key found in keytab (" + realm.host_keytab() + " has no key for " + aes128));

  auto missing =
      realm.run({krbkit_tool("klist"), "--decode", "-k", realm.host_keytab(), realm.host_principal()},
                {{"KRB5CCNAME", cc}});
  CHECK(missing.exit_code == 8);
  CHECK(has(missing.err, "holds no ticket for " + realm.host_principal()));

  CHECK(realm.run({krbkit_tool("klist"), "--decode"}, {{"KRB5CCNAME", cc}}).exit_code == 2);
  CHECK(realm.run({krbkit_tool("kvno"), "-c", cc, "--decode", aes128}).exit_code == 2);
}
