// kdestroy and kswitch next to MIT's on caches named the ways users name them:
// one member of a DIR: collection named by itself (DIR::dir/tktX), FILE:
// caches, names that do not exist. Where krbkit departs from MIT on purpose
// (kswitch to a cache that does not exist), the test shows both behaviours,
// as man/kswitch.1 describes them.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "realm/realm.hpp"

using namespace krbkit::test;
namespace fs = std::filesystem;

namespace {

struct Collection {
  std::string dir;
  std::string name() const { return "DIR:" + dir; }
  std::string alice() const { return "DIR::" + dir + "/tkt"; }  // MIT kinit's first member
};

// A DIR: collection made by MIT's kinit: alice's cache (tkt), then bob's (primary).
Collection collection(Realm& realm) {
  Collection c{realm.fresh_path("collection")};
  for (const std::string user : {"alice", "bob"}) {
    auto r =
        realm.run({"kinit", realm.principal(user)}, {{"KRB5CCNAME", c.name()}}, realm.password(user) + "\n");
    REQUIRE_MESSAGE(r.ok(), r.err);
  }
  auto k = realm.run({"klist", "-c", c.alice()});
  REQUIRE_MESSAGE(k.out.find("Default principal: " + realm.principal("alice")) != std::string::npos, k.out);
  return c;
}

// The principals MIT's klist -l lists for the collection.
std::string listed(Realm& realm, const Collection& c) {
  return realm.run({"klist", "-l"}, {{"KRB5CCNAME", c.name()}}).out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string primary(const Collection& c) {
  std::ifstream in(c.dir + "/primary");
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

TEST_CASE("kdestroy with one member of a DIR: collection (DIR::) touches that cache only, as MIT's") {
  Realm& realm = Realm::shared();
  for (const std::string& tool : {krbkit_tool("kdestroy"), std::string("/usr/bin/kdestroy")}) {
    CAPTURE(tool);
    const EnvChanges env = {{"KRB5CCNAME", std::nullopt}};
    // -A with a DIR:: name: that member is the whole collection.
    Collection c = collection(realm);
    auto all = realm.run({tool, "-A", "-c", c.alice()}, env);
    CHECK_MESSAGE(all.ok(), all.err);
    std::string left = listed(realm, c);
    CHECK_MESSAGE(left.find(realm.principal("alice")) == std::string::npos, left);
    CHECK_MESSAGE(left.find(realm.principal("bob")) != std::string::npos, left);

    // -p looks in that member only: bob's cache is not found there, and stays.
    Collection d = collection(realm);
    auto p = realm.run({tool, "-c", d.alice(), "-p", realm.principal("bob")}, env);
    CHECK(p.exit_code != 0);
    CHECK_MESSAGE(p.err.find("while finding cache for " + realm.principal("bob")) != std::string::npos,
                  p.err);
    if (tool != "/usr/bin/kdestroy") {  // the principal with its realm, and where it was looked for
      auto short_name = realm.run({tool, "-c", d.alice(), "-p", "bob"}, env);
      CHECK(short_name.exit_code == 8);
      CHECK_MESSAGE(short_name.err == "kdestroy: No credentials cache found (no cache for " +
                                          realm.principal("bob") + " in the collection of " + d.alice() +
                                          ") while finding cache for bob\n",
                    short_name.err);
    }
    CHECK(listed(realm, d).find(realm.principal("bob")) != std::string::npos);
    auto pa = realm.run({tool, "-c", d.alice(), "-p", realm.principal("alice")}, env);
    CHECK_MESSAGE(pa.ok(), pa.err);
    CHECK(listed(realm, d).find(realm.principal("alice")) == std::string::npos);

    // Destroying the member: no "other caches" warning, that member is all there was.
    Collection e = collection(realm);
    auto one = realm.run({tool, "-c", e.alice()}, env);
    CHECK(one.ok());
    CHECK_MESSAGE(one.err.empty(), one.err);
    // The collection itself: the primary (bob's) goes, and alice's is left, with MIT's warning.
    Collection f = collection(realm);
    auto prim = realm.run({tool, "-c", f.name()}, env);
    CHECK(prim.ok());
    CHECK(prim.err == "Other credential caches present, use -A to destroy all\n");
    left = listed(realm, f);
    CHECK(left.find(realm.principal("bob")) == std::string::npos);
    CHECK(left.find(realm.principal("alice")) != std::string::npos);
    // The primary is gone now (nothing to destroy, exit 0): alice's cache is still
    // there, and the warning says so after the error line.
    auto again = realm.run({tool, "-c", f.name()}, env);
    CHECK(again.ok());
    CHECK_MESSAGE(again.err.find("No credentials cache found") != std::string::npos, again.err);
    CHECK_MESSAGE(
        again.err.find("while destroying cache\nOther credential caches present, use -A to destroy all\n") !=
            std::string::npos,
        again.err);
  }
}

TEST_CASE("kdestroy with KRB5_TRACE: MIT's 'Destroying ccache' line for each cache") {
  Realm& realm = Realm::shared();
  for (const std::string& tool : {krbkit_tool("kdestroy"), std::string("/usr/bin/kdestroy")}) {
    CAPTURE(tool);
    const std::string cc = realm.fresh_ccache(), trace = realm.fresh_path("trace");
    REQUIRE(realm.run({"kinit", "-c", cc, realm.principal("bob")}, {}, realm.password("bob") + "\n").ok());
    auto r = realm.run({tool, "-c", cc}, {{"KRB5_TRACE", trace}});
    CHECK_MESSAGE(r.ok(), r.err);
    CHECK_MESSAGE(slurp(trace).find(": Destroying ccache " + cc + "\n") != std::string::npos, slurp(trace));
    // -A over a DIR: collection: one line per cache.
    Collection c = collection(realm);
    const std::string trace_all = realm.fresh_path("trace");
    auto all = realm.run({tool, "-A", "-c", c.name()}, {{"KRB5_TRACE", trace_all}});
    CHECK_MESSAGE(all.ok(), all.err);
    const std::string text = slurp(trace_all);
    const auto alice = text.find(": Destroying ccache " + c.alice() + "\n");
    CHECK_MESSAGE(alice != std::string::npos, text);
    auto first = text.find(": Destroying ccache DIR::" + c.dir + "/tkt");
    CHECK(text.find(": Destroying ccache DIR::" + c.dir + "/tkt", first + 1) != std::string::npos);
  }
}

TEST_CASE(
    "kswitch -c: a FILE: cache has nothing to switch; a cache that does not exist is refused (MIT: exit 0)") {
  Realm& realm = Realm::shared();
  const std::string ours = krbkit_tool("kswitch"), mit = "/usr/bin/kswitch";
  // An existing FILE: cache: both succeed and change nothing.
  const std::string file = realm.fresh_ccache();
  REQUIRE(realm.run({"kinit", "-c", file, realm.principal("bob")}, {}, realm.password("bob") + "\n").ok());
  for (const auto& tool : {ours, mit}) {
    auto r = realm.run({tool, "-c", file});
    CHECK_MESSAGE(r.ok(), tool << ": " << r.err);
    CHECK(r.out.empty());
  }
  // A FILE: cache that does not exist: MIT's kswitch succeeds without a word
  // (FILE: has no switch operation); krbkit's names the cache and exits 8.
  const std::string missing = "FILE:" + realm.fresh_path("no-such-cache");
  auto m = realm.run({mit, "-c", missing});
  CHECK(m.exit_code == 0);
  auto r = realm.run({ours, "-c", missing});
  CHECK(r.exit_code == 8);
  CHECK_MESSAGE(r.err == "kswitch: No credentials cache found (" + missing + ")\n", r.err);

  // A DIR:: member that does not exist: MIT writes it into the primary file,
  // after which klist finds no cache at all; krbkit refuses and keeps the primary.
  Collection c = collection(realm);
  const std::string before = primary(c);
  const std::string ghost = "DIR::" + c.dir + "/tktNOSUCH";
  auto rg = realm.run({ours, "-c", ghost});
  CHECK(rg.exit_code == 8);
  CHECK(rg.err.find(ghost) != std::string::npos);
  CHECK(primary(c) == before);
  CHECK(realm.run({"klist", "-s"}, {{"KRB5CCNAME", c.name()}}).exit_code == 0);
  auto mg = realm.run({mit, "-c", ghost});
  CHECK(mg.exit_code == 0);
  CHECK(primary(c) == "tktNOSUCH");
  CHECK(realm.run({"klist", "-s"}, {{"KRB5CCNAME", c.name()}}).exit_code != 0);
}

TEST_CASE("kdestroy: an empty (uninitialized) cache file counts as a cache of the collection, as MIT's") {
  Realm& realm = Realm::shared();
  for (const std::string& tool : {krbkit_tool("kdestroy"), std::string("/usr/bin/kdestroy")}) {
    CAPTURE(tool);
    // What an interrupted kinit leaves: a reserved, empty member.
    Collection c{realm.fresh_path("collection")};
    REQUIRE(realm
                .run({"kinit", realm.principal("alice")}, {{"KRB5CCNAME", c.name()}},
                     realm.password("alice") + "\n")
                .ok());
    const std::string empty = c.dir + "/tktEMPTY";
    std::ofstream(empty).flush();
    fs::permissions(empty, fs::perms::owner_read | fs::perms::owner_write);
    auto one = realm.run({tool, "-c", c.name()});
    CHECK(one.ok());
    CHECK_MESSAGE(one.err == "Other credential caches present, use -A to destroy all\n", one.err);
    CHECK(fs::exists(empty));
    auto all = realm.run({tool, "-A", "-c", c.name()});
    CHECK_MESSAGE(all.ok(), all.err);
    CHECK_FALSE(fs::exists(empty));
  }
}

TEST_CASE("kdestroy -5 is taken and ignored, -4 stops with status 3 before anything else, as MIT's") {
  Realm& realm = Realm::shared();
  for (const std::string& tool : {krbkit_tool("kdestroy"), std::string("/usr/bin/kdestroy")}) {
    CAPTURE(tool);
    Collection c = collection(realm);
    auto four = realm.run({tool, "-A", "-p", realm.principal("alice"), "-4", "-c", c.name()});
    CHECK(four.exit_code == 3);
    CHECK(four.err == "Kerberos 4 is no longer supported\n");
    CHECK(four.out.empty());
    CHECK(listed(realm, c).find(realm.principal("alice")) != std::string::npos);
    auto five = realm.run({tool, "-5", "-q", "-c", c.alice()});
    CHECK_MESSAGE(five.ok(), five.err);
    CHECK(five.err.empty());
    CHECK(listed(realm, c).find(realm.principal("alice")) == std::string::npos);
    CHECK(listed(realm, c).find(realm.principal("bob")) != std::string::npos);
    auto all = realm.run({tool, "-A5", "-c", c.name()});
    CHECK_MESSAGE(all.ok(), all.err);
    CHECK(listed(realm, c).find(realm.principal("bob")) == std::string::npos);
  }
}
