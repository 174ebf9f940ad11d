// krbkit's kvno against the MIT realm: TGTs from MIT's kinit, service
// tickets from our TGS exchange, checked with MIT's klist -e and keytabs.
#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>

#include "krbkit/ccache/cache.hpp"
#include "krbkit/present/time_format.hpp"
#include "krbkit/proto/principal.hpp"
#include "realm/realm.hpp"

using namespace krbkit::test;

namespace {

const std::string kMitKinit = "/usr/bin/kinit";
const std::string kMitKlist = "/usr/bin/klist";

std::string tgt_for(Realm& realm, const std::string& user) {
  std::string cc = realm.fresh_ccache();
  auto r = realm.run({kMitKinit, "-c", cc, realm.principal(user)}, {}, realm.password(user) + "\n");
  REQUIRE_MESSAGE(r.ok(), r.err);
  return cc;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("kvno: the host service and one service per enctype, as MIT's klist -e sees them") {
  Realm& realm = Realm::shared();
  std::string cc = tgt_for(realm, "alice");
  std::vector<std::string> argv = {krbkit_tool("kvno"), "-c", cc, realm.host_principal()};
  for (const auto& e : realm.service_enctypes()) argv.push_back(realm.service_for(e));
  auto r = realm.run(argv);
  REQUIRE_MESSAGE(r.ok(), r.err);
  CHECK(r.out.find(realm.host_principal() + ": kvno = 1\n") != std::string::npos);
  for (const auto& e : realm.service_enctypes()) {
    CAPTURE(e);
    CHECK(r.out.find(realm.service_for(e) + ": kvno = 1\n") != std::string::npos);
  }
  auto k = realm.run({kMitKlist, "-e", "-c", cc});
  REQUIRE_MESSAGE(k.ok(), k.err);
  for (const auto& e : realm.service_enctypes()) {
    CAPTURE(e);
    // "svc-...@R\n\tEtype (skey, tkt): <session>, <ticket enctype>"
    std::regex line(std::regex_replace(realm.service_for(e), std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                    R"(\n\s*(renew until [^,\n]*, )?Etype \(skey, tkt\): [^,]+, (DEPRECATED:)?)" + e);
    CHECK_MESSAGE(std::regex_search(k.out, line), k.out);
  }
  // Asked again: answered from the cache, nothing stored twice.
  auto again = realm.run(argv);
  REQUIRE(again.ok());
  CHECK(again.out == r.out);
  auto k2 = realm.run({kMitKlist, "-c", cc});
  CHECK(count(k2.out, realm.host_principal()) == 1);
}

TEST_CASE("kvno: TGS requests armored with FAST by their own TGT, as MIT's, read inside FAST") {
  Realm& realm = Realm::shared();
  std::string cc = tgt_for(realm, "alice");
  auto r =
      realm.run({krbkit_tool("kvno"), "-c", cc, realm.host_principal()}, {{"KRB5_TRACE", "/dev/stderr"}});
  REQUIRE_MESSAGE(r.ok(), r.err);
  CHECK_MESSAGE(r.err.find("Armoring the TGS request with FAST") != std::string::npos, r.err);
  // MIT's KDC offers FAST, so it answers inside it: finished checksum
  // verified, reply key strengthened.
  CHECK_MESSAGE(r.err.find("Processed FAST response; reply key strengthened") != std::string::npos, r.err);
  CHECK(r.out == realm.host_principal() + ": kvno = 1\n");
}

TEST_CASE("kvno: errors and exit status as MIT's") {
  Realm& realm = Realm::shared();
  std::string cc = tgt_for(realm, "alice");
  auto r = realm.run({krbkit_tool("kvno"), "-c", cc, "nope@" + realm.name(), realm.host_principal()});
  CHECK(r.exit_code == 1);
  // MIT's words, naming the server: the same line as MIT's kvno prints.
  const std::string nope = "nope@" + realm.name();
  CHECK_MESSAGE(r.err == "kvno: Server " + nope +
                             " not found in Kerberos database while getting credentials for " + nope + "\n",
                r.err);
  auto mit_nope = realm.run({"/usr/bin/kvno", "-c", cc, nope});
  CHECK(mit_nope.err == r.err);
  CHECK(r.out.find(realm.host_principal() + ": kvno = 1") != std::string::npos);  // the others still go

  auto none = realm.run({krbkit_tool("kvno"), "-c", realm.fresh_ccache(), realm.host_principal()});
  CHECK(none.exit_code == 1);
  CHECK_FALSE(none.err.empty());
  auto usage = realm.run({krbkit_tool("kvno"), "-c", cc});
  CHECK(usage.exit_code != 0);
  // MIT's -F (S4U2Self by certificate): refused in one clear line, not as an unknown option.
  auto cert = realm.run({krbkit_tool("kvno"), "-c", cc, "-F", "user.pem", realm.host_principal()});
  CHECK(cert.exit_code == 1);
  CHECK(cert.out.empty());
  CHECK_MESSAGE(cert.err ==
                    "kvno: -F user.pem: S4U2Self with the user's certificate is not supported yet (use -I "
                    "or -U)\n",
                cert.err);
}

TEST_CASE("kvno: no usable cache is one error line (MIT's), in --json one per service") {
  Realm& realm = Realm::shared();
  const std::string missing = "FILE:" + realm.fresh_path("missing-cache");
  const std::string a = realm.host_principal(), b = realm.service_for("arcfour-hmac");
  auto r = realm.run({krbkit_tool("kvno"), "-c", missing, a, b});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  const std::string line = "kvno: No credentials cache found (filename: " + missing.substr(5) +
                           ") while getting client principal name\n";
  CHECK_MESSAGE(r.err == line, r.err);
  auto mit = realm.run({"/usr/bin/kvno", "-c", missing, a, b});
  CHECK(mit.exit_code == 1);
  CHECK(mit.err == line);

  auto j = realm.run({krbkit_tool("kvno"), "--json", "-c", missing, a, b});
  CHECK(j.exit_code == 1);
  // Under --json the line is one JSON error object (krbkit-json(7)) with the same words.
  const auto j_err = nlohmann::json::parse(j.err);
  CHECK(j.err.find('\n') == j.err.size() - 1);
  CHECK(j_err["error"]["message"] == line.substr(6, line.size() - 7));
  CHECK(j_err["error"]["code"] == "KRBKIT_CCACHE_NOT_FOUND");
  CHECK(j_err["error"]["exit_code"] == 1);
  const std::string error = "\"error\": \"No credentials cache found (filename: " + missing.substr(5) +
                            ") while getting client principal name\"";
  CHECK_MESSAGE(count(j.out, error) == 2, j.out);
  // One object, its "services" in the order of the arguments.
  const auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["schema"] == 1);
  REQUIRE(doc["services"].size() == 2);
  CHECK(doc["services"][0]["argument"] == a);
  CHECK(doc["services"][0]["service"] == a);
  CHECK(doc["services"][1]["argument"] == b);
  // A bad -e stops kvno before any service too, and says what it was doing.
  auto e = realm.run({krbkit_tool("kvno"), "--json", "-e", "no-such-enctype", "-c", missing, a});
  CHECK(e.exit_code == 1);
  CHECK_MESSAGE(e.err.find("while converting etype") != std::string::npos, e.err);
  CHECK_MESSAGE(e.out.find("while converting etype") != std::string::npos, e.out);
}

TEST_CASE("kvno with an expired TGT: MIT's 'Ticket expired', naming the TGT, the cache and when it ended") {
  Realm& realm = Realm::shared();
  std::string cc = tgt_for(realm, "alice");
  // The TGT as MIT's kinit wrote it, with an end time an hour ago.
  auto cache = krbkit::ccache::open(cc).value();
  auto contents = cache->read().value();
  const auto ended = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) -
                     std::chrono::hours(1);
  for (auto& c : contents.creds)
    if (krbkit::is_krbtgt(c.server)) c.endtime = ended;
  REQUIRE(cache->write(contents).ok());

  const std::string svc = realm.service_for("arcfour-hmac");
  auto mit = realm.run({"/usr/bin/kvno", "-c", cc, svc});
  CHECK(mit.exit_code == 1);
  CHECK_MESSAGE(mit.err == "kvno: Ticket expired while getting credentials for " + svc + "\n", mit.err);
  auto r = realm.run({krbkit_tool("kvno"), "-c", cc, svc});
  CHECK(r.exit_code == 1);
  const std::string tgt = "krbtgt/" + realm.name() + "@" + realm.name();
  CHECK_MESSAGE(r.err == "kvno: Ticket expired (the TGT " + tgt + " of " + realm.principal("alice") + " in " +
                             cc + " ended " + krbkit::present::iso8601_utc(ended) +
                             ") while getting credentials for " + svc + "\n",
                r.err);
  // --cached-only: the service ticket is what is missing, not the TGT.
  auto cached = realm.run({krbkit_tool("kvno"), "--cached-only", "-c", cc, svc});
  CHECK(cached.exit_code == 1);
  CHECK_MESSAGE(cached.err.find("Ticket expired") == std::string::npos, cached.err);
}

TEST_CASE("kvno -q, -S, -e, -C, --json") {
  Realm& realm = Realm::shared();
  std::string cc = tgt_for(realm, "alice");
  auto q = realm.run({krbkit_tool("kvno"), "-q", "-c", cc, realm.host_principal()});
  CHECK(q.ok());
  CHECK(q.out.empty());
  auto s = realm.run({krbkit_tool("kvno"), "-c", cc, "-S", "host", realm.get("SERVER_HOST")});
  REQUIRE_MESSAGE(s.ok(), s.err);
  CHECK(s.out == realm.host_principal() + ": kvno = 1\n");
  std::string svc = realm.service_for("aes128-cts-hmac-sha1-96");
  auto e = realm.run({krbkit_tool("kvno"), "-c", cc, "-e", "aes128-cts-hmac-sha1-96", svc});
  REQUIRE_MESSAGE(e.ok(), e.err);
  auto k = realm.run({kMitKlist, "-e", "-c", cc});
  CHECK_MESSAGE(
      k.out.find("Etype (skey, tkt): aes128-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96") != std::string::npos,
      k.out);
  // -C: the canonicalize KDC option (MIT's kvno -C); same output as MIT's.
  std::string camellia = realm.service_for("camellia128-cts-cmac");
  auto c = realm.run({krbkit_tool("kvno"), "-C", "-c", cc, camellia}, {{"KRB5_TRACE", "/dev/stderr"}});
  REQUIRE_MESSAGE(c.ok(), c.err);
  CHECK(c.out == camellia + ": kvno = 1\n");
  CHECK(c.out == realm.run({"/usr/bin/kvno", "-C", "-c", cc, camellia}).out);
  CHECK_MESSAGE(std::regex_search(c.err, std::regex("TGS request to [^:]*: options [^;]*canonicalize")),
                c.err);
  auto plain = realm.run({krbkit_tool("kvno"), "-c", cc, realm.service_for("camellia256-cts-cmac")},
                         {{"KRB5_TRACE", "/dev/stderr"}});
  REQUIRE_MESSAGE(plain.ok(), plain.err);
  CHECK_MESSAGE(plain.err.find("canonicalize") == std::string::npos, plain.err);
  // "argument" as given (no realm here), "service" as the ticket names it.
  const std::string no_realm = svc.substr(0, svc.find('@'));
  auto j = realm.run({krbkit_tool("kvno"), "--json", "-c", cc, no_realm});
  REQUIRE(j.ok());
  CHECK_MESSAGE(j.out.find("\"argument\": \"" + no_realm + "\",\n      \"service\": \"" + svc + "\"") !=
                    std::string::npos,
                j.out);
  CHECK(j.out.find("\"service\": \"" + svc + "\"") != std::string::npos);
  CHECK(j.out.find("\"kvno\": 1") != std::string::npos);
  CHECK(j.out.find("\"ticket_enctype\": \"aes128-cts-hmac-sha1-96\"") != std::string::npos);
}

TEST_CASE("kvno --cached-only, --no-store, --out-cache") {
  Realm& realm = Realm::shared();
  std::string cc = tgt_for(realm, "alice");
  std::string svc = realm.service_for("aes256-cts-hmac-sha1-96");
  auto cached = realm.run({krbkit_tool("kvno"), "--cached-only", "-c", cc, svc});
  CHECK(cached.exit_code == 1);
  auto nostore = realm.run({krbkit_tool("kvno"), "--no-store", "-c", cc, svc});
  REQUIRE_MESSAGE(nostore.ok(), nostore.err);
  CHECK(realm.run({kMitKlist, "-c", cc}).out.find(svc) == std::string::npos);
  std::string out = realm.fresh_ccache();
  auto oc = realm.run({krbkit_tool("kvno"), "--out-cache", out, "-c", cc, svc});
  REQUIRE_MESSAGE(oc.ok(), oc.err);
  auto ko = realm.run({kMitKlist, "-c", out});
  CHECK(ko.out.find("Default principal: " + realm.principal("alice")) != std::string::npos);
  CHECK(ko.out.find(svc) != std::string::npos);
  CHECK(realm.run({kMitKlist, "-c", cc}).out.find(svc) == std::string::npos);
  // One service failing: the output cache is not written at all, as with MIT's kvno.
  for (const std::string& tool : {krbkit_tool("kvno"), std::string("/usr/bin/kvno")}) {
    CAPTURE(tool);
    std::string partial = realm.fresh_ccache();
    auto p = realm.run({tool, "--out-cache", partial, "-c", cc, svc, "nope@" + realm.name()});
    CHECK(p.exit_code == 1);
    CHECK(p.out.find(svc + ": kvno = 1") != std::string::npos);
    auto kp = realm.run({kMitKlist, "-c", partial});
    CHECK_MESSAGE(kp.exit_code != 0, kp.out);
  }
  REQUIRE(realm.run({krbkit_tool("kvno"), "-c", cc, svc}).ok());
  auto now_cached = realm.run({krbkit_tool("kvno"), "--cached-only", "-c", cc, svc});
  CHECK_MESSAGE(now_cached.ok(), now_cached.err);
}

TEST_CASE("kvno -k: the ticket decrypts with the right keytab, not with a wrong one") {
  Realm& realm = Realm::shared();
  std::string cc = tgt_for(realm, "alice");
  std::string svc = realm.service_for("aes256-cts-hmac-sha1-96");
  auto ok = realm.run({krbkit_tool("kvno"), "-c", cc, "-k", realm.get("SERVICES_KEYTAB"), svc});
  REQUIRE_MESSAGE(ok.ok(), ok.err);
  CHECK(ok.out == svc + ": kvno = 1, keytab entry valid\n");

  // Same principal, kvno and enctype, but a key from a password: wrong key.
  std::string wrong = realm.fresh_path("wrong.keytab");
  auto kt = realm.run({"/usr/bin/ktutil"}, {},
                      "addent -password -p " + svc + " -k 1 -e aes256-cts-hmac-sha1-96\nnot-the-key\nwkt " +
                          wrong + "\nquit\n");
  REQUIRE_MESSAGE(kt.ok(), kt.err);
  auto bad = realm.run({krbkit_tool("kvno"), "-c", cc, "-k", wrong, svc});
  CHECK(bad.exit_code == 1);
  CHECK_MESSAGE(bad.err.find("while decrypting ticket for " + svc) != std::string::npos, bad.err);
  // MIT's line first, on stderr, as MIT's kvno prints it; not with -q.
  auto mit = realm.run({"/usr/bin/kvno", "-c", cc, "-k", wrong, svc});
  CHECK(mit.exit_code == 1);
  const std::string invalid = svc + ": kvno = 1, keytab entry invalid\n";
  CHECK_MESSAGE(mit.err.rfind(invalid, 0) == 0, mit.err);
  CHECK_MESSAGE(bad.err.rfind(invalid, 0) == 0, bad.err);
  CHECK(bad.out.empty());
  auto quiet = realm.run({krbkit_tool("kvno"), "-q", "-c", cc, "-k", wrong, svc});
  CHECK(quiet.exit_code == 1);
  CHECK(quiet.err.find("keytab entry invalid") == std::string::npos);
  // A keytab type that does not exist: one line before any service, as MIT's.
  auto type = realm.run({krbkit_tool("kvno"), "-c", cc, "-k", "NOSUCHTYPE:x", svc, realm.host_principal()});
  CHECK(type.exit_code == 1);
  CHECK(type.out.empty());
  CHECK_MESSAGE(count(type.err, "\n") == 1, type.err);
  CHECK_MESSAGE(type.err.find("resolving keytab NOSUCHTYPE:x\n") != std::string::npos, type.err);
  auto mit_type = realm.run({"/usr/bin/kvno", "-c", cc, "-k", "NOSUCHTYPE:x", svc, realm.host_principal()});
  CHECK(mit_type.exit_code == 1);
  CHECK(mit_type.err.find("resolving keytab NOSUCHTYPE:x\n") != std::string::npos);
  // A keytab without the principal at all.
  auto missing = realm.run({krbkit_tool("kvno"), "-c", cc, "-k", realm.host_keytab(), svc});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("no aes256-cts-hmac-sha1-96 key for " + svc) != std::string::npos);
}

TEST_CASE("kvno --u2u: a user-to-user ticket in the other user's TGT session key") {
  Realm& realm = Realm::shared();
  std::string alice = tgt_for(realm, "alice");
  std::string bob = tgt_for(realm, "bob");
  auto r = realm.run({krbkit_tool("kvno"), "-c", alice, "--u2u", bob, realm.principal("bob")});
  REQUIRE_MESSAGE(r.ok(), r.err);
  CHECK(r.out == realm.principal("bob") + ": kvno = 0\n");
  // MIT's klist sees a ticket for bob in alice's cache.
  CHECK(realm.run({kMitKlist, "-c", alice}).out.find(realm.principal("bob")) != std::string::npos);
}

TEST_CASE("kvno -I / -U: S4U2Self against MIT (ok_to_auth_as_delegate service)") {
  Realm& realm = Realm::shared();
  std::string svc = "s4u-svc/" + realm.get("SERVER_HOST") + "@" + realm.name();
  std::string kt = realm.fresh_path("s4u.keytab");
  auto add = realm.kadmin_local("addprinc -randkey +ok_to_auth_as_delegate " + svc + "\nktadd -k " + kt +
                                " " + svc + "\n");
  REQUIRE_MESSAGE(add.ok(), add.err);
  std::string cc = realm.fresh_ccache();
  auto ki = realm.run({kMitKinit, "-k", "-t", kt, "-c", cc, svc});
  REQUIRE_MESSAGE(ki.ok(), ki.err);

  std::string out = realm.fresh_ccache();
  auto r = realm.run({krbkit_tool("kvno"), "-c", cc, "-I", "alice", "--out-cache", out, svc});
  REQUIRE_MESSAGE(r.ok(), r.err);
  CHECK(r.out.find(svc + ": kvno = ") == 0);
  // The ticket names alice as its client: MIT's klist of the out cache.
  auto k = realm.run({kMitKlist, "-f", "-c", out});
  CHECK_MESSAGE(k.out.find("Default principal: " + realm.principal("alice")) != std::string::npos, k.out);
  CHECK(k.out.find(svc) != std::string::npos);
  // ... and the service's own keytab decrypts it.
  auto verify = realm.run({krbkit_tool("kvno"), "-c", cc, "-I", "alice", "-k", kt, svc});
  CHECK_MESSAGE(verify.out.find("keytab entry valid") != std::string::npos, verify.err);
  // -U: the user as an enterprise name.
  // (MIT's KDC finds "bob" as an enterprise name; "bob@REALM" as one fails for MIT's kvno too.)
  auto ent = realm.run({krbkit_tool("kvno"), "-c", cc, "-U", "bob", svc});
  CHECK_MESSAGE(ent.ok(), ent.err);
  // MIT's klist names the impersonated clients.
  auto kc = realm.run({kMitKlist, "-c", cc});
  CHECK_MESSAGE(kc.out.find("for client " + realm.principal("alice")) != std::string::npos, kc.out);
  CHECK(kc.out.find("for client " + realm.principal("bob")) != std::string::npos);

  // S4U2Proxy: MIT's DB2 backend cannot hold a delegation rule, so its KDC
  // refuses constrained delegation; kvno reports the KDC's error.
  auto proxy = realm.run({krbkit_tool("kvno"), "-c", cc, "-I", "alice", "-P", realm.host_principal()});
  CHECK(proxy.exit_code == 1);
  MESSAGE("S4U2Proxy against MIT DB2: " << proxy.err);
}

TEST_CASE(
    "kvno -q hides the 'while parsing principal name' errors, as MIT's kvno (exit status 1 all the same)") {
  Realm& realm = Realm::shared();
  std::string cc = tgt_for(realm, "alice");
  const std::string bad = "x@Y@Z";
  for (const std::string& tool : {std::string("/usr/bin/kvno"), krbkit_tool("kvno")}) {
    CAPTURE(tool);
    auto loud = realm.run({tool, "-c", cc, bad, realm.host_principal()});
    CHECK(loud.exit_code == 1);
    CHECK_MESSAGE(loud.err.find("while parsing principal name " + bad) != std::string::npos, loud.err);
    CHECK(loud.out == realm.host_principal() + ": kvno = 1\n");
    auto quiet = realm.run({tool, "-q", "-c", cc, bad, realm.host_principal()});
    CHECK(quiet.exit_code == 1);
    CHECK_MESSAGE(quiet.err.empty(), quiet.err);
    CHECK(quiet.out.empty());
    // Other errors still show under -q.
    auto unknown = realm.run({tool, "-q", "-c", cc, "nosuch/svc@" + realm.name()});
    CHECK(unknown.exit_code == 1);
    CHECK_MESSAGE(
        unknown.err.find("while getting credentials for nosuch/svc@" + realm.name()) != std::string::npos,
        unknown.err);
  }
}
