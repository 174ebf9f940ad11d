// KEYRING: caches next to MIT's tools on the same kernel keyrings, both ways:
// our kinit -> MIT's klist/kvno, MIT's kinit -> our klist/kvno/kdestroy; the
// keys laid out as MIT lays them out; collections (klist -l/-A identical,
// kswitch -p by either tool seen by the other, kdestroy -A); the legacy,
// user and persistent forms. Each test case joins a session keyring of its
// own first (every command it runs inherits it), so nothing leaks between
// tests; the user and persistent keyrings outlive sessions and are cleaned
// by name.

#include <doctest/doctest.h>
#include <keyutils.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "realm/realm.hpp"

using namespace krbkit::test;

namespace {

const std::string kMitKinit = "/usr/bin/kinit", kMitKlist = "/usr/bin/klist", kMitKvno = "/usr/bin/kvno",
                  kMitKswitch = "/usr/bin/kswitch", kMitKdestroy = "/usr/bin/kdestroy";

// A new anonymous session keyring for this process and what it runs.
void fresh_session() { REQUIRE(::keyctl_join_session_keyring(nullptr) >= 0); }

EnvChanges env_for(const std::string& cc) { return {{"LC_ALL", "C"}, {"TZ", "UTC"}, {"KRB5CCNAME", cc}}; }

void kinit(Realm& realm, const std::string& tool, const std::string& user, const EnvChanges& env) {
  auto r = realm.run({tool, realm.principal(user)}, env, realm.password(user) + "\n");
  REQUIRE_MESSAGE(r.ok(), tool << ": " << r.err);
}

// The session keyring's tree as `keyctl show` draws it, without serials,
// permissions and owners: only the shape and the names of the keys.
std::string layout(Realm& realm) {
  auto r = realm.run({"keyctl", "show", "@s"});
  REQUIRE_MESSAGE(r.ok(), r.err);
  std::istringstream in(r.out);
  std::string line, out;
  std::getline(in, line);  // "Keyring"
  while (std::getline(in, line)) {
    const auto colon = line.find(": ");
    // Config entries are keys like the others; which ones a kinit writes
    // (krbkit's krbkit_etype_info, MIT's fast_avail) is no matter of layout.
    if (colon == std::string::npos || line.find("krb5_ccache_conf_data/") != std::string::npos) continue;
    const auto tree = line.find("\\_");
    out += std::string(tree == std::string::npos ? 0 : tree, ' ') + line.substr(line.rfind(' ', colon) + 1) +
           "\n";
  }
  return out;
}

// klist and klist -l/-A: MIT's and ours print the same.
void same_listings(Realm& realm, const EnvChanges& env) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{}, {"-l"}, {"-A"}, {"-e"}}) {
    std::vector<std::string> mit{kMitKlist}, ours{krbkit_tool("klist")};
    mit.insert(mit.end(), args.begin(), args.end());
    ours.insert(ours.end(), args.begin(), args.end());
    const auto m = realm.run(mit, env), o = realm.run(ours, env);
    CAPTURE(args.empty() ? std::string("klist") : args[0]);
    REQUIRE_MESSAGE(m.ok(), m.err);
    CHECK_MESSAGE(o.ok(), o.err);
    CHECK(o.out == m.out);
  }
}

std::string default_principal(Realm& realm, const std::string& tool, const EnvChanges& env) {
  const auto out = realm.run({tool}, env).out;
  const auto at = out.find("Default principal: ");
  return at == std::string::npos ? "" : out.substr(at + 19, out.find('\n', at) - at - 19);
}

}  // namespace

TEST_CASE("KEYRING: our kinit -> MIT's klist and kvno; MIT's kinit -> our klist, kvno, kdestroy") {
  Realm& realm = Realm::shared();
  fresh_session();
  const std::string service = realm.service_for("aes256-cts-hmac-sha1-96");
  SUBCASE("ours first") {
    const auto env = env_for("KEYRING:session:ours");
    kinit(realm, krbkit_tool("kinit"), "alice", env);
    CHECK(default_principal(realm, kMitKlist, env) == realm.principal("alice"));
    same_listings(realm, env);
    auto v = realm.run({kMitKvno, service}, env);
    CHECK_MESSAGE(v.ok(), v.err);
    same_listings(realm, env);
    CHECK(realm.run({krbkit_tool("klist")}, env).out.find(service) != std::string::npos);
  }
  SUBCASE("MIT's first") {
    const auto env = env_for("KEYRING:session:mits");
    kinit(realm, kMitKinit, "bob", env);
    same_listings(realm, env);
    auto v = realm.run({krbkit_tool("kvno"), service}, env);
    CHECK_MESSAGE(v.ok(), v.err);
    CHECK(realm.run({kMitKlist}, env).out.find(service) != std::string::npos);
    same_listings(realm, env);
    // kvno again: the ticket's key is replaced, not added twice (both tools).
    REQUIRE(realm.run({kMitKvno, service}, env).ok());
    const auto listing = realm.run({kMitKlist}, env).out;
    CHECK(listing.find(service) == listing.rfind(service));
    auto d = realm.run({krbkit_tool("kdestroy")}, env);
    CHECK_MESSAGE(d.ok(), d.err);
    CHECK(realm.run({kMitKlist, "-s"}, env).exit_code != 0);
    CHECK(realm.run({krbkit_tool("klist"), "-s"}, env).exit_code != 0);
  }
}

TEST_CASE("KEYRING: the keys are laid out as MIT lays them out") {
  Realm& realm = Realm::shared();
  const std::string service = realm.service_for("aes256-cts-hmac-sha1-96");
  std::string shapes[2];
  const std::string tools[2][2] = {{kMitKinit, kMitKvno}, {krbkit_tool("kinit"), krbkit_tool("kvno")}};
  for (int i = 0; i < 2; ++i) {
    fresh_session();
    const auto env = env_for("KEYRING:session:layout");
    kinit(realm, tools[i][0], "alice", env);
    REQUIRE(realm.run({tools[i][1], service}, env).ok());
    shapes[i] = layout(realm);
  }
  CHECK(shapes[1] == shapes[0]);
  CHECK_MESSAGE(shapes[0].find("_krb_layout\n") != std::string::npos, shapes[0]);
  CHECK(shapes[0].find("krb_ccache:primary\n") != std::string::npos);
  CHECK(shapes[0].find("__krb5_princ__\n") != std::string::npos);
  CHECK(shapes[0].find(service + "\n") != std::string::npos);
}

TEST_CASE("KEYRING collections: klist -l/-A, kswitch -p by either tool, kdestroy -A, as over DIR") {
  Realm& realm = Realm::shared();
  fresh_session();
  const auto env = env_for("KEYRING:session:coll");
  kinit(realm, kMitKinit, "alice", env);
  kinit(realm, krbkit_tool("kinit"), "bob", env);  // a new cache, made primary
  CHECK(default_principal(realm, kMitKlist, env) == realm.principal("bob"));
  same_listings(realm, env);
  const auto l = realm.run({krbkit_tool("klist"), "-l"}, env).out;
  CHECK(l.find("alice@") != std::string::npos);
  CHECK(l.find("KEYRING:session:coll:krb_ccache_") != std::string::npos);

  auto s = realm.run({krbkit_tool("kswitch"), "-p", "alice"}, env);
  REQUIRE_MESSAGE(s.ok(), s.err);
  CHECK(default_principal(realm, kMitKlist, env) == realm.principal("alice"));
  s = realm.run({kMitKswitch, "-p", "bob"}, env);
  REQUIRE_MESSAGE(s.ok(), s.err);
  CHECK(default_principal(realm, krbkit_tool("klist"), env) == realm.principal("bob"));
  same_listings(realm, env);

  // kinit of a principal already in the collection reuses its cache, and makes it primary.
  kinit(realm, krbkit_tool("kinit"), "alice", env);
  const auto again = realm.run({kMitKlist, "-l"}, env).out;
  CHECK(std::count(again.begin(), again.end(), '\n') == std::count(l.begin(), l.end(), '\n'));
  CHECK(default_principal(realm, kMitKlist, env) == realm.principal("alice"));

  auto one = realm.run({krbkit_tool("kdestroy")}, env);
  CHECK(one.ok());
  CHECK(one.err == "Other credential caches present, use -A to destroy all\n");
  auto all = realm.run({krbkit_tool("kdestroy"), "-A"}, env);
  CHECK_MESSAGE(all.ok(), all.err);
  CHECK(realm.run({kMitKlist, "-l"}, env).out == realm.run({krbkit_tool("klist"), "-l"}, env).out);
  CHECK(realm.run({kMitKlist, "-A", "-s"}, env).exit_code != 0);
}

TEST_CASE("KEYRING: the legacy form, the user anchor and the persistent keyring, both tools") {
  Realm& realm = Realm::shared();
  fresh_session();
  const std::string user_coll = "krbkit-test-" + std::to_string(::getpid());
  for (const std::string& cc :
       {std::string("KEYRING:legacyname"), "KEYRING:user:" + user_coll,
        std::string("KEYRING:persistent:") + std::to_string(::geteuid()) + ":krbkit"}) {
    CAPTURE(cc);
    const auto env = env_for(cc);
    kinit(realm, krbkit_tool("kinit"), "alice", env);
    same_listings(realm, env);
    CHECK(default_principal(realm, kMitKlist, env) == realm.principal("alice"));
    REQUIRE(realm.run({kMitKdestroy}, env).ok());
    kinit(realm, kMitKinit, "bob", env);
    CHECK(default_principal(realm, krbkit_tool("klist"), env) == realm.principal("bob"));
    auto d = realm.run({krbkit_tool("kdestroy")}, env);
    CHECK_MESSAGE(d.ok(), d.err);
    CHECK(realm.run({kMitKlist, "-s"}, env).exit_code != 0);
  }
  // MIT's name for the legacy form's cache, which both klists show.
  const auto env = env_for("KEYRING:legacyname");
  kinit(realm, kMitKinit, "alice", env);
  CHECK(realm.run({krbkit_tool("klist")}, env)
            .out.find("Ticket cache: KEYRING:legacy:legacyname:legacyname\n") != std::string::npos);
  // The user keyring outlives this session: take the test's collection out of it.
  const long user_collection =
      ::keyctl_search(KEY_SPEC_USER_KEYRING, "keyring", ("_krb_" + user_coll).c_str(), 0);
  if (user_collection > 0) ::keyctl_unlink(static_cast<key_serial_t>(user_collection), KEY_SPEC_USER_KEYRING);
}

TEST_CASE("KEYRING: default_ccache_name = KEYRING:session:%{uid}... from krb5.conf, KRB5CCNAME still wins") {
  Realm& realm = Realm::shared();
  fresh_session();
  std::ifstream in(realm.config());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string line = "[libdefaults]\n  default_ccache_name = KEYRING:session:krbkit-%{uid}-%{euid}\n";
  text.replace(text.find("[libdefaults]\n"), 14, line);
  const std::string conf = realm.fresh_path("krb5-keyring.conf");
  std::ofstream(conf) << text;
  EnvChanges env = {{"LC_ALL", "C"}, {"TZ", "UTC"}, {"KRB5_CONFIG", conf}, {"KRB5CCNAME", std::nullopt}};
  kinit(realm, krbkit_tool("kinit"), "alice", env);
  const auto mit = realm.run({kMitKlist}, env);
  const std::string uid = std::to_string(::getuid());
  CHECK(mit.out.find("Ticket cache: KEYRING:session:krbkit-" + uid + "-" + std::to_string(::geteuid())) == 0);
  CHECK(default_principal(realm, kMitKlist, env) == realm.principal("alice"));
  same_listings(realm, env);
  env["KRB5CCNAME"] = realm.fresh_ccache();
  kinit(realm, kMitKinit, "bob", env);
  CHECK(default_principal(realm, krbkit_tool("klist"), env) == realm.principal("bob"));
  env["KRB5CCNAME"] = std::nullopt;
  CHECK(default_principal(realm, krbkit_tool("klist"), env) == realm.principal("alice"));
  REQUIRE(realm.run({krbkit_tool("kdestroy"), "-A"}, env).ok());
}
