// KCM: caches against the two real daemons, each started once by this test
// binary without systemd (tests/realm/kcm.sh: a private mount namespace):
// sssd-kcm, which has MIT's GET_CRED_LIST and REPLACE, and Heimdal's kcm,
// which has not (MIT's fallbacks). MIT's tools and ours on the same daemon,
// both ways: kinit, klist, klist -l/-A, kvno, kswitch -p, kdestroy (and
// --credential),
// kdestroy -A; a collection of two principals with klist -l identical and
// kswitch -p by either tool seen by the other; `default_ccache_name = KCM:`
// from krb5.conf.

#include <doctest/doctest.h>

#include "realm/kcm.hpp"
#include "realm/realm.hpp"

using namespace krbkit::test;

namespace {

const std::string kMitKinit = "/usr/bin/kinit", kMitKlist = "/usr/bin/klist", kMitKvno = "/usr/bin/kvno",
                  kMitKswitch = "/usr/bin/kswitch", kMitKdestroy = "/usr/bin/kdestroy";

EnvChanges env_for(const std::string& conf, const std::string& cc = "KCM:") {
  return {{"LC_ALL", "C"}, {"TZ", "UTC"}, {"KRB5_CONFIG", conf}, {"KRB5CCNAME", cc}};
}

void kinit(Realm& realm, const std::string& tool, const std::string& user, const EnvChanges& env) {
  auto r = realm.run({tool, realm.principal(user)}, env, realm.password(user) + "\n");
  REQUIRE_MESSAGE(r.ok(), tool << ": " << r.err);
}

// klist, klist -l, klist -A: MIT's and ours print the same and both succeed
// or both fail.
void same_listings(Realm& realm, const EnvChanges& env) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{}, {"-l"}, {"-A"}}) {
    std::vector<std::string> mit{kMitKlist}, ours{krbkit_tool("klist")};
    mit.insert(mit.end(), args.begin(), args.end());
    ours.insert(ours.end(), args.begin(), args.end());
    const auto m = realm.run(mit, env), o = realm.run(ours, env);
    CAPTURE(args.empty() ? std::string("klist") : args[0]);
    CAPTURE(m.err);
    CAPTURE(o.err);
    CHECK(o.ok() == m.ok());
    CHECK(o.out == m.out);
  }
}

std::string default_principal(Realm& realm, const std::string& tool, const EnvChanges& env) {
  const auto out = realm.run({tool}, env).out;
  const auto at = out.find("Default principal: ");
  return at == std::string::npos ? "" : out.substr(at + 19, out.find('\n', at) - at - 19);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// MIT's kinit first, then ours: each tool reads and extends what the other wrote.
void one_principal_both_ways(Realm& realm, const EnvChanges& env, const std::string& service) {
  kinit(realm, kMitKinit, "alice", env);
  same_listings(realm, env);
  auto v = realm.run({krbkit_tool("kvno"), service}, env);
  CHECK_MESSAGE(v.ok(), v.err);
  CHECK(count(realm.run({kMitKlist}, env).out, service) == 1);
  // Our kinit of the same principal replaces that cache: still one cache.
  kinit(realm, krbkit_tool("kinit"), "alice", env);
  REQUIRE(realm.run({kMitKvno, service}, env).ok());
  CHECK(count(realm.run({kMitKlist, "-l"}, env).out, realm.principal("alice")) == 1);
  same_listings(realm, env);
  // One ticket out of the daemon's cache (REPLACE, or MIT's fallback), the TGT kept.
  auto d = realm.run({krbkit_tool("kdestroy"), "--credential", service}, env);
  CHECK_MESSAGE(d.ok(), d.err);
  CHECK(count(realm.run({kMitKlist}, env).out, service) == 0);
  CHECK(realm.run({kMitKlist, "-s"}, env).ok());
}

// A second principal: a second cache of the collection, switched by both tools.
void collection_both_ways(Realm& realm, const EnvChanges& env) {
  kinit(realm, krbkit_tool("kinit"), "bob", env);  // a new cache, made primary
  CHECK(default_principal(realm, kMitKlist, env) == realm.principal("bob"));
  same_listings(realm, env);
  auto s = realm.run({krbkit_tool("kswitch"), "-p", "alice"}, env);
  REQUIRE_MESSAGE(s.ok(), s.err);
  CHECK(default_principal(realm, kMitKlist, env) == realm.principal("alice"));
  REQUIRE(realm.run({kMitKswitch, "-p", "bob"}, env).ok());
  CHECK(default_principal(realm, krbkit_tool("klist"), env) == realm.principal("bob"));
  same_listings(realm, env);
}

void destroy_both_ways(Realm& realm, const EnvChanges& env) {
  auto one = realm.run({krbkit_tool("kdestroy")}, env);  // bob's, the primary
  CHECK_MESSAGE(one.ok(), one.err);
  const auto left = realm.run({kMitKlist, "-l"}, env).out;
  CHECK(count(left, realm.principal("bob")) == 0);
  CHECK(count(left, realm.principal("alice")) == 1);
  same_listings(realm, env);
  kinit(realm, kMitKinit, "bob", env);
  auto all = realm.run({krbkit_tool("kdestroy"), "-A"}, env);
  CHECK_MESSAGE(all.ok(), all.err);
  CHECK(realm.run({kMitKlist, "-l"}, env).out.find('@') == std::string::npos);
  same_listings(realm, env);
  // And MIT's kdestroy -A of caches our kinit made.
  kinit(realm, krbkit_tool("kinit"), "alice", env);
  REQUIRE(realm.run({kMitKdestroy, "-A"}, env).ok());
  CHECK(realm.run({krbkit_tool("klist"), "-s"}, env).exit_code != 0);
}

void both_ways(Realm& realm, const KcmDaemon& daemon) {
  const auto env = env_for(daemon.krb5_conf(realm));
  one_principal_both_ways(realm, env, realm.service_for("aes256-cts-hmac-sha1-96"));
  collection_both_ways(realm, env);
  destroy_both_ways(realm, env);
}

}  // namespace

TEST_CASE("KCM: sssd-kcm (GET_CRED_LIST, REPLACE), MIT's tools and ours both ways") {
  both_ways(Realm::shared(), *KcmDaemon::shared(KcmKind::sssd));
}

TEST_CASE("KCM: Heimdal's kcm (MIT's fallbacks), MIT's tools and ours both ways") {
  KcmDaemon* daemon = KcmDaemon::shared(KcmKind::heimdal);
  if (daemon == nullptr) {
    MESSAGE("skipped: " << *heimdal_unavailable());
    return;
  }
  both_ways(Realm::shared(), *daemon);
}

TEST_CASE("KCM: default_ccache_name = KCM: in krb5.conf, KRB5CCNAME still wins") {
  Realm& realm = Realm::shared();
  const KcmDaemon& daemon = *KcmDaemon::shared(KcmKind::sssd);
  EnvChanges env = env_for(daemon.krb5_conf(realm, daemon.socket(), "  default_ccache_name = KCM:\n"));
  env["KRB5CCNAME"] = std::nullopt;
  kinit(realm, krbkit_tool("kinit"), "carol", env);
  CHECK(default_principal(realm, kMitKlist, env_for(env["KRB5_CONFIG"].value())) == realm.principal("carol"));
  same_listings(realm, env);
  const std::string file = realm.fresh_ccache();
  auto other = env;
  other["KRB5CCNAME"] = file;
  kinit(realm, krbkit_tool("kinit"), "bob", other);
  CHECK(default_principal(realm, kMitKlist, env_for(env["KRB5_CONFIG"].value(), file)) ==
        realm.principal("bob"));
  CHECK(default_principal(realm, krbkit_tool("klist"), env) == realm.principal("carol"));
  REQUIRE(realm.run({krbkit_tool("kdestroy"), "-A"}, env).ok());
}

TEST_CASE("KCM: Heimdal's kcm, a 100-ticket cache read in pipelined batches lists as MIT's klist lists it") {
  KcmDaemon* daemon = KcmDaemon::shared(KcmKind::heimdal);
  if (daemon == nullptr) {
    MESSAGE("skipped: " << *heimdal_unavailable());
    return;
  }
  Realm& realm = Realm::shared();
  const auto env = env_for(daemon->krb5_conf(realm));
  // A TGT and a service ticket in a file, copied under 98 more service names
  // (bench/make_big_cache.py), then put in the daemon by our kcc.
  const std::string small = realm.fresh_ccache(), big = realm.fresh_ccache();
  auto file_env = env;
  file_env["KRB5CCNAME"] = small;
  kinit(realm, kMitKinit, "alice", file_env);
  REQUIRE(realm.run({kMitKvno, realm.service_for("aes256-cts-hmac-sha1-96")}, file_env).ok());
  auto made = realm.run({"python3", std::string(KRBKIT_SOURCE_DIR) + "/bench/make_big_cache.py",
                         small.substr(5), big.substr(5), "100"},
                        env);
  REQUIRE_MESSAGE(made.ok(), made.err);
  auto copied = realm.run({krbkit_tool("kcc"), "copy", big, "KCM:"}, env);
  REQUIRE_MESSAGE(copied.ok(), copied.err);
  // 100 GET_CRED_BY_UUID requests in two batches (64 + 36).
  const auto ours = realm.run({krbkit_tool("klist")}, env);
  REQUIRE_MESSAGE(ours.ok(), ours.err);
  CHECK(count(ours.out, "svc-0") == 98);
  same_listings(realm, env);
  REQUIRE(realm.run({krbkit_tool("kdestroy"), "-A"}, env).ok());
}
