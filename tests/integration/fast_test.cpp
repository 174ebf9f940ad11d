// kinit -T (FAST, RFC 6113) against MIT's KDC: armor caches from a keytab
// login and from a password login, the cache entries MIT's klist -C shows
// (compared with MIT's own kinit -T), a realm whose KDC has encrypted
// timestamp disabled (a password gets in only through FAST), a wrong password
// under FAST, and kinit's own refusals of a missing, unreadable or expired
// armor cache, each with its exit status.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "krbkit/ccache/cache.hpp"
#include "krbkit/proto/messages.hpp"
#include "krbkit/proto/principal.hpp"
#include "realm/fake_kdc.hpp"
#include "realm/realm.hpp"

using krbkit::test::Realm;
using krbkit::test::RunResult;

namespace {

std::string show(const RunResult& r) {
  return fmt::format("exit {}\nstdout: {}\nstderr: {}", r.exit_code, r.out, r.err);
}

std::string kinit() { return krbkit::test::krbkit_tool("kinit"); }

// An armor cache from the host keytab (krbkit's kinit -k).
std::string keytab_armor(Realm& realm) {
  std::string cc = realm.fresh_ccache();
  RunResult r = realm.run({kinit(), "-k", "-t", realm.host_keytab(), "-c", cc, realm.host_principal()});
  REQUIRE_MESSAGE(r.ok(), show(r));
  return cc;
}

// kinit -T `armor` as `user` with `password` into a fresh cache.
RunResult kinit_armored(Realm& realm, const std::string& armor, const std::string& user,
                        const std::string& password, std::string* cache = nullptr,
                        const std::string& tool = kinit()) {
  std::string cc = realm.fresh_ccache();
  if (cache != nullptr) *cache = cc;
  return realm.run({tool, "-T", armor, "-c", cc, realm.principal(user)}, {}, password + "\n");
}

std::vector<std::string> mit_config_lines(Realm& realm, const std::string& cache) {
  return krbkit::test::mit_preauth_config_lines(realm, cache);
}

// A realm whose KDC does not take encrypted timestamp: passwords only through FAST.
// Started once per test binary, stopped at exit.
Realm& no_timestamp_realm() {
  static std::unique_ptr<Realm> realm = [] {
    std::string conf =
        std::filesystem::temp_directory_path() / fmt::format("krbkit-fast-{}.conf", ::getpid());
    std::ofstream(conf) << "[plugins]\n  kdcpreauth = {\n    disable = encrypted_timestamp\n  }\n";
    auto r = std::make_unique<Realm>(krbkit::test::RealmKind::mit, "FASTONLY.TEST",
                                     std::vector<std::string>{"--kdc-conf", conf});
    std::filesystem::remove(conf);
    return r;
  }();
  return *realm;
}

}  // namespace

TEST_CASE("kinit -T with a keytab login's armor: pa_type 138 in the cache, as MIT's kinit -T writes") {
  Realm& realm = Realm::shared();
  std::string armor = keytab_armor(realm);
  std::string ours, theirs;
  RunResult r = kinit_armored(realm, armor, "alice", realm.password("alice"), &ours);
  REQUIRE_MESSAGE(r.ok(), show(r));
  RunResult m = kinit_armored(realm, armor, "alice", realm.password("alice"), &theirs, "/usr/bin/kinit");
  REQUIRE_MESSAGE(m.ok(), show(m));
  auto lines = mit_config_lines(realm, ours);
  CHECK(std::find(lines.begin(), lines.end(), "config: pa_type(krbtgt/KRBKIT.TEST@KRBKIT.TEST) = 138") !=
        lines.end());
  CHECK(lines == mit_config_lines(realm, theirs));
  RunResult klist = realm.run({"/usr/bin/klist", "-s", ours});
  CHECK_MESSAGE(klist.ok(), show(klist));
}

TEST_CASE("kinit -T with a password login's armor; a principal without pre-authentication too") {
  Realm& realm = Realm::shared();
  std::string armor = realm.fresh_ccache();
  RunResult a = realm.run({kinit(), "-c", armor, realm.principal("bob")}, {}, realm.password("bob") + "\n");
  REQUIRE_MESSAGE(a.ok(), show(a));
  std::string cc;
  RunResult r = kinit_armored(realm, armor, "alice", realm.password("alice"), &cc);
  REQUIRE_MESSAGE(r.ok(), show(r));
  auto lines = mit_config_lines(realm, cc);
  CHECK(std::find(lines.begin(), lines.end(), "config: pa_type(krbtgt/KRBKIT.TEST@KRBKIT.TEST) = 138") !=
        lines.end());
  RunResult bob = kinit_armored(realm, armor, "bob", realm.password("bob"));
  CHECK_MESSAGE(bob.ok(), show(bob));
}

TEST_CASE("a KDC without encrypted timestamp: a password gets in only through FAST") {
  Realm& realm = no_timestamp_realm();
  std::string armor = keytab_armor(realm);
  RunResult plain = realm.run({kinit(), "-c", realm.fresh_ccache(), realm.principal("alice")}, {},
                              realm.password("alice") + "\n");
  CHECK_MESSAGE(!plain.ok(), show(plain));
  CHECK_MESSAGE(plain.err.find("with FAST (kinit -T) it may") != std::string::npos, show(plain));
  std::string cc;
  RunResult r = kinit_armored(realm, armor, "alice", realm.password("alice"), &cc);
  REQUIRE_MESSAGE(r.ok(), show(r));
  auto lines = mit_config_lines(realm, cc);
  CHECK(std::find(lines.begin(), lines.end(), "config: pa_type(krbtgt/FASTONLY.TEST@FASTONLY.TEST) = 138") !=
        lines.end());

  RunResult wrong = kinit_armored(realm, armor, "alice", "not-her-password");
  CHECK_MESSAGE(wrong.exit_code == 3, show(wrong));
  CHECK_MESSAGE(wrong.err.find("Password incorrect for 'alice@FASTONLY.TEST'") != std::string::npos,
                show(wrong));
}

TEST_CASE("kinit -T refuses a missing (10), unreadable (11) or expired (12) armor cache") {
  Realm& realm = Realm::shared();
  std::string missing = "FILE:" + realm.fresh_path("no-armor");
  RunResult r = kinit_armored(realm, missing, "alice", realm.password("alice"));
  CHECK_MESSAGE(r.exit_code == 10, show(r));
  CHECK_MESSAGE(r.err.find("FAST armor cache not found") != std::string::npos, show(r));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);

  std::string garbage = realm.fresh_path("garbage-armor");
  std::ofstream(garbage) << "this is no credential cache";
  r = kinit_armored(realm, "FILE:" + garbage, "alice", realm.password("alice"));
  CHECK_MESSAGE(r.exit_code == 11, show(r));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);

  // The armor TGT's end time moved into the past (the KDC would still take
  // it within the clock skew; kinit refuses it itself, as MIT's does).
  std::string armor = keytab_armor(realm);
  auto cache = krbkit::ccache::open(armor);
  REQUIRE(cache.ok());
  auto contents = (*cache)->read();
  REQUIRE(contents.ok());
  for (auto& c : contents->creds) c.endtime = c.authtime - std::chrono::hours(1);
  REQUIRE((*cache)->write(*contents, 4).ok());
  r = kinit_armored(realm, armor, "alice", realm.password("alice"));
  CHECK_MESSAGE(r.exit_code == 12, show(r));
  CHECK_MESSAGE(r.err.find("FAST armor ticket has expired") != std::string::npos, show(r));
}

TEST_CASE("kinit -T refuses (13) a KDC that answers outside FAST: the reply would not be protected") {
  Realm& realm = Realm::shared();
  std::string armor = keytab_armor(realm);
  // PREAUTH_REQUIRED in the clear, as a KDC without FAST (or a forger) says it.
  krbkit::KrbError error;
  error.error_code = 25;
  error.realm = realm.name();
  error.sname = krbkit::to_principal_name(krbkit::krbtgt_principal(realm.name(), realm.name()));
  krbkit::Bytes der = krbkit::encode(error);
  krbkit::test::FakeKdc kdc(std::string(der.begin(), der.end()));
  std::string conf = krbkit::test::write_kdc_config(realm, {kdc.address()});
  std::string cc = realm.fresh_ccache();
  RunResult r = realm.run({kinit(), "-T", armor, "-c", cc, realm.principal("alice")}, {{"KRB5_CONFIG", conf}},
                          realm.password("alice") + "\n");
  CHECK_MESSAGE(r.exit_code == 13, show(r));
  CHECK_MESSAGE(r.err.find("outside FAST; refused") != std::string::npos, show(r));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_FALSE(std::filesystem::exists(cc.substr(cc.find(':') + 1)));
  CHECK(kdc.requests() >= 1);
}

TEST_CASE("kinit -I: only the pre-authentication the input cache recorded, as MIT's kinit -I") {
  Realm& realm = Realm::shared();
  std::string armor = keytab_armor(realm);
  std::string challenge;  // pa_type 138
  RunResult a = kinit_armored(realm, armor, "alice", realm.password("alice"), &challenge);
  REQUIRE_MESSAGE(a.ok(), show(a));
  std::string timestamp = realm.fresh_ccache();  // pa_type 2
  RunResult b =
      realm.run({kinit(), "-c", timestamp, realm.principal("alice")}, {}, realm.password("alice") + "\n");
  REQUIRE_MESSAGE(b.ok(), show(b));

  for (const std::string& tool : {kinit(), std::string("/usr/bin/kinit")}) {
    CAPTURE(tool);
    auto login = [&](const std::string& input, bool armored) {
      std::vector<std::string> argv{tool, "-I", input, "-c", realm.fresh_ccache()};
      if (armored) argv.insert(argv.end(), {"-T", armor});
      argv.push_back(realm.principal("alice"));
      return realm.run(argv, {}, realm.password("alice") + "\n");
    };
    // Encrypted challenge recorded: it needs FAST, so without -T no way in.
    RunResult plain = login(challenge, false);
    CHECK_MESSAGE(!plain.ok(), show(plain));
    RunResult armored = login(challenge, true);
    CHECK_MESSAGE(armored.ok(), show(armored));
    RunResult again = login(timestamp, false);
    CHECK_MESSAGE(again.ok(), show(again));
  }
}

// Heimdal 7.8's KDC encrypts its challenge in the client challenge key, not
// the KDC one; that still proves it knows the key, and is accepted.
TEST_CASE("Heimdal's KDC: kinit -T with a keytab login's armor, encrypted challenge inside FAST") {
  Realm* h = Realm::shared_heimdal();
  if (h == nullptr) {
    MESSAGE(*krbkit::test::heimdal_unavailable());
    return;
  }
  std::string armor = keytab_armor(*h);
  std::string cc;
  RunResult r = kinit_armored(*h, armor, "alice", h->password("alice"), &cc);
  REQUIRE_MESSAGE(r.ok(), show(r));
  auto lines = mit_config_lines(*h, cc);
  const std::string pa_type = "config: pa_type(krbtgt/" + h->name() + "@" + h->name() + ") = 138";
  CHECK_MESSAGE(std::find(lines.begin(), lines.end(), pa_type) != lines.end(), show(r));
  // A wrong password inside FAST is still a wrong password.
  RunResult wrong = kinit_armored(*h, armor, "alice", "not-her-password");
  CHECK_MESSAGE(wrong.exit_code == 3, show(wrong));
  // The armored TGT gets a service ticket (the TGS request armored by it).
  RunResult kvno = h->run({krbkit::test::krbkit_tool("kvno"), "-c", cc, h->host_principal()});
  CHECK_MESSAGE(kvno.ok(), show(kvno));
}
