// DIR: collections with MIT's kinit: klist -l / -A as MIT's, kswitch moving
// the primary so that both klists show the other principal, kdestroy of one
// cache and of the whole collection (-A); one member named by itself
// (DIR::dir/tkt) as a collection of that cache alone; kinit -c DIR:dir
// making the collection's primary file, next to MIT's tools on the same files.

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

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

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The file mode bits of `path`, or -1 when it does not exist.
int mode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

const std::string kMitKinit = "/usr/bin/kinit", kMitKlist = "/usr/bin/klist",
                  kMitKswitch = "/usr/bin/kswitch";

// Runs MIT's klist and ours with -l, then -A, in `env`: each pair must print
// the same. Returns our two outputs, one after the other.
std::string lists_as_mit(Realm& realm, const EnvChanges& env) {
  std::string ours_out;
  for (const auto& opt : {"-l", "-A"}) {
    CAPTURE(opt);
    const auto mit = realm.run({kMitKlist, opt}, env);
    const auto ours = realm.run({krbkit_tool("klist"), opt}, env);
    REQUIRE_MESSAGE(mit.ok(), mit.err);
    CHECK_MESSAGE(ours.ok(), ours.err);
    CHECK(ours.out == mit.out);
    ours_out += ours.out;
  }
  return ours_out;
}

}  // namespace

TEST_CASE("klist -l and -A over a DIR: collection match MIT's") {
  Realm& realm = Realm::shared();
  const std::string cc = collection(realm);
  EnvChanges env = kFixed;
  env["KRB5CCNAME"] = cc;
  lists_as_mit(realm, env);
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

TEST_CASE(
    "one member named by itself (KRB5CCNAME=DIR::dir/tkt): klist -l/-A, kswitch -p, kinit see it alone") {
  Realm& realm = Realm::shared();
  const std::string cc = collection(realm);  // alice in tkt, bob's primary
  const std::string dir = cc.substr(4), alice = "DIR::" + dir + "/tkt";
  const std::string bob_primary = slurp(dir + "/primary");
  REQUIRE(bob_primary != "tkt\n");
  EnvChanges env = kFixed;
  env["KRB5CCNAME"] = alice;
  const std::string listed = lists_as_mit(realm, env);
  CHECK(listed.find(realm.principal("alice")) != std::string::npos);
  CHECK_MESSAGE(listed.find(realm.principal("bob")) == std::string::npos, listed);

  // kswitch -p bob: bob's cache is in the directory, not in that collection.
  for (const std::string& tool : {krbkit_tool("kswitch"), kMitKswitch}) {
    CAPTURE(tool);
    const auto r = realm.run({tool, "-p", realm.principal("bob")}, env);
    CHECK(r.exit_code != 0);
    CHECK(slurp(dir + "/primary") == bob_primary);
  }
  CHECK(realm.run({krbkit_tool("kswitch"), "-p", realm.principal("bob")}, env).exit_code == 8);
  // kinit bob: nowhere to add a cache for him (MIT: "Can't create new
  // subsidiary cache"); neither tool touches the directory.
  for (const std::string& tool : {krbkit_tool("kinit"), kMitKinit}) {
    CAPTURE(tool);
    const auto r = realm.run({tool, realm.principal("bob")}, env, realm.password("bob") + "\n");
    CHECK(r.exit_code != 0);
    CHECK_MESSAGE(r.err.find("Can't create new subsidiary cache") != std::string::npos, r.err);
    CHECK_MESSAGE(r.err.find("while generating new ccache") != std::string::npos, r.err);
    CHECK(members(dir) == 2);
    CHECK(slurp(dir + "/primary") == bob_primary);
  }
  // kswitch -p alice: found there, and made the directory's primary.
  for (const std::string& tool : {krbkit_tool("kswitch"), kMitKswitch}) {
    CAPTURE(tool);
    const auto r = realm.run({tool, "-p", realm.principal("alice")}, env);
    CHECK_MESSAGE(r.ok(), r.err);
    CHECK(slurp(dir + "/primary") == "tkt\n");
    const auto k = realm.run({kMitKlist}, {{"KRB5CCNAME", cc}});
    CHECK(default_principal_line(k) == "Default principal: " + realm.principal("alice"));
    REQUIRE(
        realm.run({kMitKswitch, "-c", "DIR::" + dir + "/" + bob_primary.substr(0, bob_primary.size() - 1)})
            .ok());
  }
}

TEST_CASE("kinit -c DIR:dir writes the collection's primary file as MIT's kinit; MIT's klist reads it") {
  Realm& realm = Realm::shared();
  for (const std::string& kinit : {krbkit_tool("kinit"), kMitKinit}) {
    CAPTURE(kinit);
    const std::string ours_dir = realm.fresh_path("kinit-dir");
    const std::string cc = "DIR:" + ours_dir;
    auto r = realm.run({kinit, "-c", cc, realm.principal("alice")}, {}, realm.password("alice") + "\n");
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK(mode_of(ours_dir) == 0700);
    CHECK(slurp(ours_dir + "/primary") == "tkt\n");
    CHECK(mode_of(ours_dir + "/primary") == 0600);
    CHECK(mode_of(ours_dir + "/tkt") == 0600);
    int files = 0;
    for (const auto& e : fs::directory_iterator(ours_dir)) files += e.is_regular_file() ? 1 : 0;
    CHECK(files == 2);  // tkt and primary, no temporary left

    // A second principal into the collection (KRB5CCNAME): a new member, made primary.
    r = realm.run({kinit, realm.principal("bob")}, {{"KRB5CCNAME", cc}}, realm.password("bob") + "\n");
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK(members(ours_dir) == 2);
    const std::string bob_member = slurp(ours_dir + "/primary");
    CHECK(bob_member.rfind("tkt", 0) == 0);
    CHECK(bob_member != "tkt\n");
    EnvChanges env = kFixed;
    env["KRB5CCNAME"] = cc;
    CHECK(default_principal_line(realm.run({kMitKlist}, env)) ==
          "Default principal: " + realm.principal("bob"));
    const std::string listed = lists_as_mit(realm, env);
    CHECK(listed.find(realm.principal("alice")) != std::string::npos);
    CHECK(listed.find(realm.principal("bob")) != std::string::npos);

    // -c DIR:dir again: the primary's cache (bob's) is replaced; the primary stays.
    r = realm.run({kinit, "-c", cc, realm.principal("carol")}, {}, realm.password("carol") + "\n");
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK(slurp(ours_dir + "/primary") == bob_member);
    CHECK(members(ours_dir) == 2);
    const auto l = realm.run({kMitKlist, "-l"}, env).out;
    CHECK(l.find(realm.principal("carol")) != std::string::npos);
    CHECK(l.find(realm.principal("alice")) != std::string::npos);
    CHECK(l.find(realm.principal("bob")) == std::string::npos);

    // An existing empty directory without a primary file gets one too.
    const std::string empty_dir = realm.fresh_path("kinit-empty");
    fs::create_directory(empty_dir);
    r = realm.run({kinit, "-c", "DIR:" + empty_dir, realm.principal("alice")}, {},
                  realm.password("alice") + "\n");
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK(slurp(empty_dir + "/primary") == "tkt\n");
    CHECK(realm.run({kMitKlist, "-s"}, {{"KRB5CCNAME", "DIR:" + empty_dir}}).ok());

    // A member named by itself: its directory is made, but no primary file (MIT's dcc_resolve).
    const std::string member_dir = realm.fresh_path("kinit-member");
    r = realm.run({kinit, "-c", "DIR::" + member_dir + "/tktmine", realm.principal("alice")}, {},
                  realm.password("alice") + "\n");
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK(mode_of(member_dir) == 0700);
    CHECK(mode_of(member_dir + "/tktmine") == 0600);
    CHECK_FALSE(fs::exists(member_dir + "/primary"));
  }
}

TEST_CASE("klist -l and -A over a DIR: collection of four caches list them in MIT's order") {
  Realm& realm = Realm::shared();
  const std::string cc = collection(realm);
  for (const std::string user : {"carol", "admin"}) {
    const std::string principal = realm.principal(user == "admin" ? "admin/admin" : user);
    auto r = realm.run({kMitKinit, principal}, {{"KRB5CCNAME", cc}}, realm.password(user) + "\n");
    REQUIRE_MESSAGE(r.ok(), r.err);
  }
  REQUIRE(members(cc.substr(4)) == 4);
  EnvChanges env = kFixed;
  env["KRB5CCNAME"] = cc;
  const std::string listed = lists_as_mit(realm, env);
  CHECK(listed.find(realm.principal("admin/admin")) != std::string::npos);
}

TEST_CASE(
    "kinit into a member that does not exist yet (KRB5CCNAME=DIR::dir/tktnew) leaves the primary alone") {
  // MIT's kinit switches the primary only to a cache it picked (existing or
  // new), not to the default cache it was told to write.
  Realm& realm = Realm::shared();
  for (const std::string& kinit : {krbkit_tool("kinit"), kMitKinit}) {
    CAPTURE(kinit);
    const std::string cc = collection(realm);  // alice in tkt, bob's primary
    const std::string dir = cc.substr(4);
    const std::string bob_primary = slurp(dir + "/primary");
    const auto r = realm.run({kinit, realm.principal("carol")}, {{"KRB5CCNAME", "DIR::" + dir + "/tktnew"}},
                             realm.password("carol") + "\n");
    REQUIRE_MESSAGE(r.ok(), r.err);
    CHECK(slurp(dir + "/primary") == bob_primary);
    CHECK(members(dir) == 3);
    const auto k = realm.run({kMitKlist}, {{"KRB5CCNAME", cc}});
    CHECK(default_principal_line(k) == "Default principal: " + realm.principal("bob"));
  }
}
