// DIR: collections with MIT's kinit: klist -l / -A as MIT's, kswitch moving
// the primary so that both klists show the other principal, kdestroy of one
// cache and of the whole collection (-A).

#include <doctest/doctest.h>

#include <filesystem>

#include "realm/realm.hpp"

using namespace krbkit::test;
namespace fs = std::filesystem;

namespace {

const EnvChanges kFixed = {{"LC_ALL", "C"}, {"TZ", "UTC"}};

// A DIR: collection holding alice's and bob's caches (MIT kinit); bob's, the
// last one made, is primary.
std::string collection(Realm& realm) {
  const std::string dir = realm.fresh_path("collection");
  const std::string name = "DIR:" + dir;
  for (const std::string user : {"alice", "bob"}) {
    auto r = realm.run({"kinit", realm.principal(user)}, {{"KRB5CCNAME", name}}, realm.password(user) + "\n");
    REQUIRE_MESSAGE(r.ok(), r.err);
  }
  return name;
}

std::string default_principal_line(const RunResult& r) {
  const auto at = r.out.find("Default principal: ");
  return at == std::string::npos ? "" : r.out.substr(at, r.out.find('\n', at) - at);
}

int members(const std::string& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind("tkt", 0) == 0) ++n;
  return n;
}

}  // namespace

TEST_CASE("klist -l and -A over a DIR: collection match MIT's") {
  Realm& realm = Realm::shared();
  const std::string cc = collection(realm);
  EnvChanges env = kFixed;
  env["KRB5CCNAME"] = cc;
  for (const auto& opt : {"-l", "-A"}) {
    CAPTURE(opt);
    const auto mit = realm.run({"klist", opt}, env);
    const auto ours = realm.run({krbkit_tool("klist"), opt}, env);
    REQUIRE_MESSAGE(mit.ok(), mit.err);
    CHECK_MESSAGE(ours.ok(), ours.err);
    CHECK(ours.out == mit.out);
  }
  const auto l = realm.run({krbkit_tool("klist"), "-l"}, env);
  CHECK(l.out.find("alice@KRBKIT.TEST") != std::string::npos);
  CHECK(l.out.find("bob@KRBKIT.TEST") != std::string::npos);
  // -A -s: 0 when any cache of the collection holds a current TGT.
  CHECK(realm.run({krbkit_tool("klist"), "-A", "-s"}, env).exit_code == 0);
  const auto json = realm.run({krbkit_tool("klist"), "-l", "--json"}, env);
  CHECK(json.out.find("\"primary\": true") != std::string::npos);
}

TEST_CASE("kswitch -p and -c move the primary; both klists follow") {
  Realm& realm = Realm::shared();
  const std::string cc = collection(realm);
  EnvChanges env = kFixed;
  env["KRB5CCNAME"] = cc;
  auto show = [&](const std::string& tool) { return default_principal_line(realm.run({tool}, env)); };
  REQUIRE(show("klist") == "Default principal: bob@KRBKIT.TEST");

  auto r = realm.run({krbkit_tool("kswitch"), "-p", "alice"}, env);
  REQUIRE_MESSAGE(r.ok(), r.err);
  CHECK(show("klist") == "Default principal: alice@KRBKIT.TEST");
  CHECK(show(krbkit_tool("klist")) == "Default principal: alice@KRBKIT.TEST");

  // -c with the member's name, as klist -l prints it.
  const auto listing = realm.run({krbkit_tool("klist"), "-l"}, env).out;
  const auto bob_line = listing.substr(listing.find("bob@KRBKIT.TEST"));
  const auto bob_cache = bob_line.substr(31, bob_line.find('\n') - 31);
  r = realm.run({krbkit_tool("kswitch"), "-c", bob_cache}, env);
  REQUIRE_MESSAGE(r.ok(), r.err);
  CHECK(show("klist") == "Default principal: bob@KRBKIT.TEST");
  CHECK(show(krbkit_tool("klist")) == "Default principal: bob@KRBKIT.TEST");

  r = realm.run({krbkit_tool("kswitch"), "-p", "carol"}, env);
  CHECK(r.exit_code == 8);
  CHECK(r.err.find("carol@KRBKIT.TEST") != std::string::npos);
  CHECK(realm.run({krbkit_tool("kswitch")}, env).exit_code == 2);
}

TEST_CASE("kdestroy removes the cache file; -A empties a DIR: collection") {
  Realm& realm = Realm::shared();
  const std::string file = realm.fresh_path("plain");
  auto r = realm.run({"kinit", "-c", file, realm.principal("alice")}, {}, realm.password("alice") + "\n");
  REQUIRE_MESSAGE(r.ok(), r.err);
  REQUIRE(fs::exists(file));
  r = realm.run({krbkit_tool("kdestroy"), "-c", file});
  CHECK_MESSAGE(r.ok(), r.err);
  CHECK_FALSE(fs::exists(file));
  CHECK(realm.run({"klist", "-s", "-c", file}).exit_code == 1);
  // Nothing left to destroy: MIT's message, exit 0 as MIT.
  r = realm.run({krbkit_tool("kdestroy"), "-c", file});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("kdestroy: ") == 0);

  const std::string cc = collection(realm);
  const std::string dir = cc.substr(4);
  REQUIRE(members(dir) == 2);
  // Without -A only the primary goes, with MIT's warning about the rest.
  r = realm.run({krbkit_tool("kdestroy")}, {{"KRB5CCNAME", cc}});
  CHECK_MESSAGE(r.ok(), r.err);
  CHECK(r.err.find("Other credential caches present, use -A to destroy all") != std::string::npos);
  CHECK(members(dir) == 1);
  r = realm.run({"kinit", realm.principal("bob")}, {{"KRB5CCNAME", cc}}, realm.password("bob") + "\n");
  REQUIRE(members(dir) == 2);
  r = realm.run({krbkit_tool("kdestroy"), "-A"}, {{"KRB5CCNAME", cc}});
  CHECK_MESSAGE(r.ok(), r.err);
  CHECK(members(dir) == 0);
  CHECK(realm.run({"klist", "-l"}, {{"KRB5CCNAME", cc}}).out.find("@KRBKIT.TEST") == std::string::npos);
}
