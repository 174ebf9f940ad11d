// SPAKE pre-authentication (PA-SPAKE 151) against MIT's KDC, with encrypted
// timestamp and encrypted challenge disabled there so that SPAKE is the only
// way in: each group MIT has (edwards25519, P-256, P-384, P-521) chosen by
// the client's spake_preauth_groups, with and without FAST, MIT's klist -C
// showing the same pa_type 151 entries for our cache as for MIT's kinit; the
// KDC's optimistic challenge taken or refused; a wrong password reported as
// one.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "realm/realm.hpp"

using krbkit::test::EnvChanges;
using krbkit::test::Realm;
using krbkit::test::RunResult;

namespace {

std::string show(const RunResult& r) {
  return fmt::format("exit {}\nstdout: {}\nstderr: {}", r.exit_code, r.out, r.err);
}

std::string kinit() { return krbkit::test::krbkit_tool("kinit"); }

// A realm whose KDC takes SPAKE in every group and nothing else for
// passwords; `kdcdefaults` is added to its [kdcdefaults] (the optimistic
// challenge). Started once per name, stopped at exit.
Realm& spake_realm(const std::string& name, const std::string& kdcdefaults = {}) {
  static std::map<std::string, std::unique_ptr<Realm>> realms;
  auto& realm = realms[name];
  if (!realm) {
    std::string conf =
        std::filesystem::temp_directory_path() / fmt::format("krbkit-spake-{}-{}.conf", name, ::getpid());
    std::ofstream(conf) << "[libdefaults]\n  spake_preauth_groups = edwards25519 P-256 P-384 P-521\n"
                        << "[kdcdefaults]\n  " << kdcdefaults << "\n"
                        << "[plugins]\n  kdcpreauth = {\n    disable = encrypted_timestamp\n"
                        << "    disable = encrypted_challenge\n  }\n";
    realm = std::make_unique<Realm>(krbkit::test::RealmKind::mit, name,
                                    std::vector<std::string>{"--kdc-conf", conf});
    std::filesystem::remove(conf);
  }
  return *realm;
}

// The client's profile: `groups` as spake_preauth_groups, then the realm's krb5.conf.
EnvChanges client_groups(Realm& realm, const std::string& groups) {
  std::string file = realm.fresh_path("client-groups") + ".conf";
  std::ofstream(file) << "[libdefaults]\n  spake_preauth_groups = " << groups << "\n";
  return {{"KRB5_CONFIG", file + ":" + realm.config()}};
}

RunResult kinit_password(Realm& realm, const EnvChanges& env, const std::string& password, std::string* cache,
                         const std::string& tool = kinit(), const std::string& armor = {}) {
  std::string cc = realm.fresh_ccache();
  if (cache != nullptr) *cache = cc;
  std::vector<std::string> argv{tool, "-c", cc, realm.principal("alice")};
  if (!armor.empty()) argv.insert(argv.begin() + 1, {"-T", armor});
  return realm.run(argv, env, password + "\n");
}

std::vector<std::string> mit_config_lines(Realm& realm, const std::string& cache) {
  return krbkit::test::mit_preauth_config_lines(realm, cache);
}

// Ours and MIT's kinit with the same profile: both in, both caches saying
// pa_type 151, and the same config entries, fast_avail included (both ask
// every KDC whether it offers FAST, in the encrypted reply).
void check_both_get_in(Realm& realm, const EnvChanges& env, const std::string& armor = {}) {
  std::string ours, theirs;
  RunResult r = kinit_password(realm, env, realm.password("alice"), &ours, kinit(), armor);
  REQUIRE_MESSAGE(r.ok(), show(r));
  RunResult m = kinit_password(realm, env, realm.password("alice"), &theirs, "/usr/bin/kinit", armor);
  REQUIRE_MESSAGE(m.ok(), show(m));
  auto lines = mit_config_lines(realm, ours);
  auto mit_lines = mit_config_lines(realm, theirs);
  const std::string pa_type = fmt::format("config: pa_type(krbtgt/{0}@{0}) = 151", realm.name());
  const std::string all =
      fmt::format("ours:\n{}\nMIT's:\n{}", fmt::join(lines, "\n"), fmt::join(mit_lines, "\n"));
  CHECK_MESSAGE(std::find(lines.begin(), lines.end(), pa_type) != lines.end(), all);
  CHECK_MESSAGE(std::find(mit_lines.begin(), mit_lines.end(), pa_type) != mit_lines.end(), all);
  CHECK_MESSAGE(lines == mit_lines, all);
}

}  // namespace

TEST_CASE("SPAKE is the only way in: each group alone, as MIT's kinit gets in") {
  Realm& realm = spake_realm("SPAKE.TEST");
  for (std::string group : {"edwards25519", "P-256", "P-384", "P-521"}) {
    CAPTURE(group);
    check_both_get_in(realm, client_groups(realm, group));
  }
  // Without spake_preauth_groups the client's default is edwards25519, as MIT's.
  check_both_get_in(realm, {});
}

TEST_CASE("SPAKE inside FAST (kinit -T), in edwards25519 and P-521") {
  Realm& realm = spake_realm("SPAKE.TEST");
  std::string armor = realm.fresh_ccache();
  RunResult a = realm.run({kinit(), "-k", "-t", realm.host_keytab(), "-c", armor, realm.host_principal()});
  REQUIRE_MESSAGE(a.ok(), show(a));
  check_both_get_in(realm, {}, armor);
  check_both_get_in(realm, client_groups(realm, "P-521"), armor);
}

TEST_CASE("SPAKE: a wrong password is reported as one, with and without FAST") {
  Realm& realm = spake_realm("SPAKE.TEST");
  RunResult r = kinit_password(realm, {}, "not-her-password", nullptr);
  CHECK_MESSAGE(r.exit_code == 3, show(r));
  CHECK_MESSAGE(r.err.find("Password incorrect for 'alice@SPAKE.TEST'") != std::string::npos, show(r));
  std::string armor = realm.fresh_ccache();
  RunResult a = realm.run({kinit(), "-k", "-t", realm.host_keytab(), "-c", armor, realm.host_principal()});
  REQUIRE_MESSAGE(a.ok(), show(a));
  r = kinit_password(realm, client_groups(realm, "P-256"), "not-her-password", nullptr, kinit(), armor);
  CHECK_MESSAGE(r.exit_code == 3, show(r));
}

TEST_CASE("SPAKE: the KDC's optimistic challenge, taken or answered with our groups") {
  Realm& realm = spake_realm("OPTIMISTIC.TEST", "spake_preauth_kdc_challenge = P-256");
  check_both_get_in(realm, client_groups(realm, "P-256"));  // taken at once
  check_both_get_in(realm,
                    client_groups(realm, "P-384 edwards25519"));  // refused: our groups, then a new one
}
