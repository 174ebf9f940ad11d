// Proves the test-realm harness with MIT's own tools: if these fail, every
// other integration test's failure means nothing.
#include "realm/realm.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

using krbkit::test::Realm;
using krbkit::test::RunResult;

namespace {
std::string show(const RunResult& r) { return "exit " + std::to_string(r.exit_code) + "\n" + r.out + r.err; }
}  // namespace

TEST_CASE("MIT kinit gets a TGT for alice from the realm and MIT klist shows it") {
  Realm& realm = Realm::shared();
  std::string cc = realm.fresh_ccache();
  RunResult kinit =
      realm.run({"kinit", "-c", cc, realm.principal("alice")}, {}, realm.password("alice") + "\n");
  REQUIRE_MESSAGE(kinit.ok(), show(kinit));
  RunResult klist = realm.run({"klist", "-c", cc});
  REQUIRE_MESSAGE(klist.ok(), show(klist));
  CHECK(klist.out.find("Default principal: alice@" + realm.name()) != std::string::npos);
  CHECK(klist.out.find("krbtgt/" + realm.name() + "@" + realm.name()) != std::string::npos);
}

TEST_CASE("a wrong password is refused") {
  Realm& realm = Realm::shared();
  std::string cc = realm.fresh_ccache();
  RunResult kinit = realm.run({"kinit", "-c", cc, realm.principal("alice")}, {}, "not-alice-pw\n");
  CHECK_MESSAGE(kinit.exit_code != 0, show(kinit));
  CHECK(kinit.err.find("Password incorrect") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(cc.substr(5)));
}

TEST_CASE("kinit -k with the exported host keytab") {
  Realm& realm = Realm::shared();
  std::string cc = realm.fresh_ccache();
  RunResult kinit = realm.run({"kinit", "-k", "-t", realm.host_keytab(), "-c", cc, realm.host_principal()});
  REQUIRE_MESSAGE(kinit.ok(), show(kinit));
  RunResult klist = realm.run({"klist", "-c", cc});
  CHECK(klist.out.find("Default principal: " + realm.host_principal()) != std::string::npos);
}

TEST_CASE("the realm's principals behave as documented") {
  Realm& realm = Realm::shared();
  SUBCASE("bob needs no pre-authentication, alice does") {
    // MIT's trace shows whether the KDC asked for pre-authentication.
    const krbkit::test::EnvChanges trace = {{"KRB5_TRACE", "/dev/stderr"}};
    RunResult bob = realm.run({"kinit", "-c", realm.fresh_ccache(), realm.principal("bob")}, trace,
                              realm.password("bob") + "\n");
    REQUIRE_MESSAGE(bob.ok(), show(bob));
    CHECK(bob.err.find("Additional pre-authentication required") == std::string::npos);
    RunResult alice = realm.run({"kinit", "-c", realm.fresh_ccache(), realm.principal("alice")}, trace,
                                realm.password("alice") + "\n");
    REQUIRE_MESSAGE(alice.ok(), show(alice));
    CHECK(alice.err.find("Additional pre-authentication required") != std::string::npos);
  }
  SUBCASE("dave's password has expired") {
    RunResult dave = realm.run({"kinit", "-c", realm.fresh_ccache(), realm.principal("dave")}, {},
                               realm.password("dave") + "\n");
    CHECK(dave.exit_code != 0);
    CHECK_MESSAGE(dave.out.find("Password expired") != std::string::npos, show(dave));
  }
  SUBCASE("every service principal has a ticket of its one enctype, renewable") {
    std::string cc = realm.fresh_ccache();
    REQUIRE(
        realm.run({"kinit", "-r", "2d", "-c", cc, realm.principal("bob")}, {}, realm.password("bob") + "\n")
            .ok());
    REQUIRE(realm.service_enctypes().size() == 7);
    for (const std::string& enctype : realm.service_enctypes()) {
      RunResult kvno = realm.run({"kvno", "-c", cc, realm.service_for(enctype)});
      CHECK_MESSAGE(kvno.ok(), show(kvno));
    }
    RunResult klist = realm.run({"klist", "-e", "-c", cc});
    for (const std::string& enctype : realm.service_enctypes()) {
      std::string shown = enctype == "arcfour-hmac" ? "DEPRECATED:arcfour-hmac" : enctype;
      CHECK_MESSAGE(klist.out.find(", " + shown + " \n") != std::string::npos, enctype, klist.out);
    }
    CHECK(klist.out.find("renew until") != std::string::npos);
  }
  SUBCASE("admin/admin may extract keys through kadmind") {
    std::string keytab = realm.fresh_path("kt");
    RunResult kadmin = realm.run({"kadmin", "-p", realm.principal("admin/admin"), "-w",
                                  realm.password("admin"), "-q", "ktadd -k " + keytab + " -norandkey bob"});
    CHECK_MESSAGE(kadmin.ok(), show(kadmin));
    CHECK_MESSAGE(kadmin.err.find("rror") == std::string::npos, show(kadmin));
    CHECK(std::filesystem::exists(keytab));
  }
  SUBCASE("carol's policy wants 8 characters") {
    RunResult getprinc = realm.kadmin_local("getprinc carol\n");
    CHECK_MESSAGE(getprinc.out.find("Policy: default") != std::string::npos, show(getprinc));
    RunResult policy = realm.kadmin_local("getpol default\n");
    CHECK_MESSAGE(policy.out.find("Minimum password length: 8") != std::string::npos, show(policy));
  }
}

TEST_CASE("a private realm is torn down by its destructor; two realms get different ports") {
  std::string dir;
  std::string pid;
  {
    Realm a;
    Realm& b = Realm::shared();
    CHECK(a.kdc_port() != b.kdc_port());
    CHECK(a.kadmin_port() != b.kadmin_port());
    dir = a.dir();
    pid = a.get("KDC_PID");
    CHECK(std::filesystem::exists("/proc/" + pid));
    RunResult kinit =
        a.run({"kinit", "-c", a.fresh_ccache(), a.principal("bob")}, {}, a.password("bob") + "\n");
    CHECK_MESSAGE(kinit.ok(), show(kinit));
  }
  CHECK_FALSE(std::filesystem::exists(dir));
  RunResult state = krbkit::test::run_process(
      {"bash", "-c", "cat /proc/" + pid + "/stat 2>/dev/null | sed 's/.*) //' | cut -c1"});
  CHECK((state.out.empty() || state.out == "Z\n"));
}

TEST_CASE("Heimdal realm: MIT and Heimdal clients get tickets from Heimdal's KDC") {
  Realm* heimdal = Realm::shared_heimdal();
  if (!heimdal) {
    MESSAGE("skipped: " << *krbkit::test::heimdal_unavailable());
    return;
  }
  const std::string bin = heimdal->get("HEIMDAL_BIN");
  CHECK(heimdal->name() == "HKRBKIT.TEST");

  std::string cc = heimdal->fresh_ccache();
  RunResult kinit = heimdal->run(
      {bin + "/kinit", "--password-file=STDIN", "-c", cc, heimdal->principal("bob")}, {}, "bob-pw-1\n");
  REQUIRE_MESSAGE(kinit.ok(), show(kinit));
  RunResult klist = heimdal->run({bin + "/klist", "-c", cc});
  CHECK_MESSAGE(klist.out.find("krbtgt/HKRBKIT.TEST@HKRBKIT.TEST") != std::string::npos, show(klist));

  // MIT's kinit and kvno against Heimdal's KDC: every service, its one enctype.
  std::string mit_cc = heimdal->fresh_ccache();
  RunResult mit = heimdal->run({"kinit", "-c", mit_cc, heimdal->principal("alice")}, {},
                               heimdal->password("alice") + "\n");
  REQUIRE_MESSAGE(mit.ok(), show(mit));
  CHECK(heimdal->service_enctypes().size() == 5);
  for (const std::string& enctype : heimdal->service_enctypes()) {
    RunResult kvno = heimdal->run({"kvno", "-c", mit_cc, heimdal->service_for(enctype)});
    CHECK_MESSAGE(kvno.ok(), show(kvno));
  }
  RunResult wrong =
      heimdal->run({"kinit", "-c", heimdal->fresh_ccache(), heimdal->principal("alice")}, {}, "nope\n");
  CHECK(wrong.exit_code != 0);
  RunResult keytab = heimdal->run({"kinit", "-k", "-t", heimdal->host_keytab(), "-c", heimdal->fresh_ccache(),
                                   heimdal->host_principal()});
  CHECK_MESSAGE(keytab.ok(), show(keytab));
}

TEST_CASE("run_process: output, exit codes, input, environment, timeouts") {
  using krbkit::test::run_process;
  RunResult echo = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(echo.exit_code == 3);
  CHECK(echo.out == "out\n");
  CHECK(echo.err == "err\n");

  RunResult cat = run_process({"cat"}, {}, "line one\nline two\n");
  CHECK(cat.out == "line one\nline two\n");
  // A command that never reads a large input: no SIGPIPE for the test binary.
  RunResult ignores = run_process({"true"}, {}, std::string(1 << 20, 'x'));
  CHECK(ignores.exit_code == 0);

  RunResult env = run_process({"sh", "-c", "echo \"${KRBKIT_A-unset} ${HOME-unset}\""},
                              {{"KRBKIT_A", "set"}, {"HOME", std::nullopt}});
  CHECK(env.out == "set unset\n");

  RunResult slow = run_process({"sleep", "10"}, {}, {}, std::chrono::milliseconds(200));
  CHECK(slow.exit_code == 124);
  RunResult missing = run_process({"krbkit-no-such-command"});
  CHECK(missing.exit_code == 127);
}
