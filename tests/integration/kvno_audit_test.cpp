// kvno --audit against the MIT realm: keytabs written by MIT's kadmin.local
// and ktutil, then made wrong the ways they go wrong in practice (a key
// changed on the KDC, a wrong salt, a missing enctype, a duplicate entry, a
// principal deleted), each with its finding and exit status.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "realm/realm.hpp"

using namespace krbkit::test;
using Json = nlohmann::json;

namespace {

const int kMismatch = 17;  // kvno(1) EXIT STATUS: a key wrong or stale, a duplicate, an enctype missing
const int kUnknown = 4;

// A principal only this test uses, its keys in a keytab of its own (MIT's ktadd).
std::string keytab_for(Realm& realm, const std::string& name, const std::string& flags = "") {
  std::string stem = name;
  std::replace(stem.begin(), stem.end(), '/', '-');
  const std::string keytab = realm.fresh_path(stem + ".keytab");
  auto r = realm.kadmin_local("addprinc -randkey " + flags + " " + name + "\nktadd -norandkey -k " + keytab +
                              " " + name);
  REQUIRE_MESSAGE(r.ok(), r.err);
  return keytab;
}

RunResult audit(Realm& realm, const std::vector<std::string>& args, const EnvChanges& env = {}) {
  std::vector<std::string> argv = {krbkit_tool("kvno"), "--audit"};
  argv.insert(argv.end(), args.begin(), args.end());
  return realm.run(argv, env);
}

Json audit_json(Realm& realm, const std::string& keytab, int expected_status, const EnvChanges& env = {}) {
  auto r = audit(realm, {"--json", "-k", keytab}, env);
  CHECK_MESSAGE(r.exit_code == expected_status, r.out, r.err);
  return Json::parse(r.out);
}

std::vector<std::string> statuses(const Json& doc) {
  std::vector<std::string> out;
  for (const auto& e : doc["entries"]) out.push_back(e["status"]);
  return out;
}

bool all_are(const Json& doc, const std::string& status) {
  auto s = statuses(doc);
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](const std::string& v) { return v == status; });
}

// MIT ktutil: `script` run against an empty keytab, written to a new file.
std::string ktutil(Realm& realm, const std::string& script) {
  const std::string out = realm.fresh_path("ktutil.keytab");
  auto r = realm.run({"ktutil"}, {}, script + "wkt " + out + "\n");
  REQUIRE_MESSAGE(r.ok(), r.err);
  return out;
}

}  // namespace

TEST_CASE("kvno --audit: a fresh keytab matches; after cpw -randkey every entry is stale") {
  Realm& realm = Realm::shared();
  const std::string keytab = keytab_for(realm, "audit-stale/h");
  auto ok = audit(realm, {"-k", keytab});
  CHECK_MESSAGE(ok.exit_code == 0, ok.out, ok.err);
  CHECK(ok.out.find("OK: every entry matches the KDC\n") != std::string::npos);
  CHECK(ok.out.rfind("keytab " + keytab + "\n", 0) == 0);

  REQUIRE(realm.kadmin_local("cpw -randkey audit-stale/h").ok());
  auto doc = audit_json(realm, keytab, kMismatch);
  CHECK(doc["schema"] == 1);
  CHECK(doc["keytab"] == keytab);
  CHECK(doc["ok"] == false);
  CHECK(all_are(doc, "stale-kvno"));
  CHECK(doc["entries"][0]["detail"] == "the KDC's key is kvno 2, not 1");
  auto text = audit(realm, {"-k", keytab});
  CHECK(text.exit_code == kMismatch);
  CHECK(text.out.find("stale-kvno  the KDC's key is kvno 2, not 1") != std::string::npos);
}

TEST_CASE("kvno --audit: a key made with the wrong salt is a wrong key at the KDC's kvno") {
  Realm& realm = Realm::shared();
  REQUIRE(realm.kadmin_local("addprinc -pw audit-pw-1 -e aes256-cts-hmac-sha1-96:normal audit-salt/h").ok());
  const std::string keytab =
      ktutil(realm, "addent -password -p audit-salt/h@" + realm.name() +
                        " -k 1 -e aes256-cts-hmac-sha1-96 -s WRONG.SALT\naudit-pw-1\n");
  auto doc = audit_json(realm, keytab, kMismatch);
  CHECK(statuses(doc) == std::vector<std::string>{"wrong-key"});
  CHECK(doc["entries"][0]["detail"] ==
        "kvno 1 is the KDC's, but the key does not decrypt its reply: wrong password or salt");
  // The same password with the KDC's salt is right.
  const std::string right = ktutil(realm, "addent -password -p audit-salt/h@" + realm.name() +
                                              " -k 1 -e aes256-cts-hmac-sha1-96\naudit-pw-1\n");
  CHECK(audit(realm, {"-k", right}).exit_code == 0);
}

TEST_CASE("kvno --audit: an enctype the KDC holds and the keytab lacks; a duplicated entry") {
  Realm& realm = Realm::shared();
  const std::string full =
      keytab_for(realm, "audit-etype/h", "-e aes256-cts-hmac-sha1-96:normal,aes128-cts-hmac-sha1-96:normal");
  const std::string no_aes256 = ktutil(realm, "rkt " + full + "\ndelent 1\n");
  auto doc = audit_json(realm, no_aes256, kMismatch);
  CHECK(all_are(doc, "ok"));
  REQUIRE(doc["missing_enctypes"].size() == 1);
  CHECK(doc["missing_enctypes"][0]["principal"] == "audit-etype/h@" + realm.name());
  CHECK(doc["missing_enctypes"][0]["enctype"] == "aes256-cts-hmac-sha1-96");
  auto text = audit(realm, {"-k", no_aes256});
  CHECK(text.out.find("missing: audit-etype/h@" + realm.name() + " has no aes256-cts-hmac-sha1-96 key") !=
        std::string::npos);

  const std::string twice = ktutil(realm, "rkt " + full + "\nrkt " + full + "\n");
  auto dup = audit_json(realm, twice, kMismatch);
  CHECK(statuses(dup) == std::vector<std::string>{"ok", "ok", "duplicate", "duplicate"});
  CHECK(dup["missing_enctypes"].empty());
}

TEST_CASE("kvno --audit: a principal the KDC no longer knows; only the principals named") {
  Realm& realm = Realm::shared();
  const std::string gone = keytab_for(realm, "audit-gone/h", "-e aes256-cts-hmac-sha1-96:normal");
  REQUIRE(realm.kadmin_local("delprinc -force audit-gone/h").ok());
  // Without a TGT the KDC is asked only whether it knows such a client.
  auto doc = audit_json(realm, gone, kUnknown, {{"KRB5CCNAME", realm.fresh_ccache()}});
  CHECK(statuses(doc) == std::vector<std::string>{"unknown-principal"});
  CHECK(doc["entries"][0]["detail"] == "the KDC does not know audit-gone/h@" + realm.name() +
                                           " as a client (without a TGT it was not asked for as a service: "
                                           "kinit first)");
  // With alice's TGT it is asked for as a service too (as an AD SPN would be).
  const std::string cc = realm.fresh_ccache();
  REQUIRE(
      realm.run({"/usr/bin/kinit", "-c", cc, realm.principal("alice")}, {}, realm.password("alice") + "\n")
          .ok());
  doc = audit_json(realm, gone, kUnknown, {{"KRB5CCNAME", cc}});
  CHECK(statuses(doc) == std::vector<std::string>{"unknown-principal"});
  CHECK(doc["entries"][0]["detail"] == "the KDC does not know audit-gone/h@" + realm.name());

  // A keytab with a good and a gone principal: auditing the good one alone is clean.
  const std::string good = keytab_for(realm, "audit-good/h", "-e aes256-cts-hmac-sha1-96:normal");
  const std::string both = ktutil(realm, "rkt " + gone + "\nrkt " + good + "\n");
  CHECK(audit(realm, {"-k", both}).exit_code == kUnknown);
  auto one = audit(realm, {"-k", both, "audit-good/h"});
  CHECK_MESSAGE(one.exit_code == 0, one.out);
  CHECK(one.out.find("audit-gone") == std::string::npos);
  auto absent = audit(realm, {"-k", both, "nobody/h"});
  CHECK(absent.exit_code == 1);
  CHECK(absent.err.find("nobody/h@" + realm.name()) != std::string::npos);
}

TEST_CASE("kvno --audit: a principal requiring pre-authentication; the user's TGT tells the stale kvno") {
  Realm& realm = Realm::shared();
  const std::string keytab =
      keytab_for(realm, "audit-preauth/h", "+requires_preauth -e aes256-cts-hmac-sha1-96:normal");
  CHECK(audit(realm, {"-k", keytab}).exit_code == 0);
  REQUIRE(realm.kadmin_local("cpw -randkey audit-preauth/h").ok());
  // No TGT: the KDC refuses the pre-authentication and shows no kvno.
  const EnvChanges no_cache = {{"KRB5CCNAME", realm.fresh_ccache()}};
  auto blind = audit_json(realm, keytab, kMismatch, no_cache);
  CHECK(statuses(blind) == std::vector<std::string>{"wrong-key"});
  // With alice's TGT a service ticket names the KDC's kvno.
  const std::string cc = realm.fresh_ccache();
  REQUIRE(
      realm.run({"/usr/bin/kinit", "-c", cc, realm.principal("alice")}, {}, realm.password("alice") + "\n")
          .ok());
  auto seen = audit_json(realm, keytab, kMismatch, {{"KRB5CCNAME", cc}});
  CHECK(statuses(seen) == std::vector<std::string>{"stale-kvno"});
}
