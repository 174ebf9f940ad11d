#pragma once
// A throwaway Kerberos realm on 127.0.0.1 for integration tests, and a way
// to run commands against it.
//
//   #include "realm/realm.hpp"
//   using namespace krbkit::test;
//
//   TEST_CASE("kinit gets a TGT") {
//     Realm& realm = Realm::shared();              // one MIT realm per test binary
//     std::string cc = realm.fresh_ccache();       // "FILE:<realm dir>/cc-3"
//     auto r = realm.run({krbkit_tool("kinit"), "-c", cc, realm.principal("alice")},
//                        {}, realm.password("alice") + "\n");
//     CHECK_MESSAGE(r.exit_code == 0, r.err);
//   }
//
// Realm{} starts a private realm (about 1 s) in a fresh temporary folder and
// stops it in its destructor; a watchdog also stops it if the test binary
// dies. The realm's values come from the env file written by realm.sh (see
// tests/realm/README.md for every name): get("KDC_PORT"), get("ALICE_PASSWORD").
// Errors (the realm does not start) are thrown as std::runtime_error.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace krbkit::test {

struct RunResult {
  int exit_code = -1;  // 128+N when killed by signal N, 124 after a timeout
  std::string out;     // standard output
  std::string err;     // standard error
  bool ok() const { return exit_code == 0; }
};

// Environment changes for one command: a value sets, std::nullopt unsets.
using EnvChanges = std::map<std::string, std::optional<std::string>>;

// Runs argv (argv[0] looked up in PATH) with the current environment plus
// `env`, feeding `input` on standard input; kills it (and its process group)
// after `timeout`.
RunResult run_process(const std::vector<std::string>& argv, const EnvChanges& env = {},
                      std::string_view input = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Path of one of krbkit's built commands ("kinit" -> <build>/apps/kinit).
std::string krbkit_tool(std::string_view name);

// The NAME=VALUE lines (optionally "export NAME='value'") of an env file
// written by the harness scripts; throws std::runtime_error when unreadable.
std::map<std::string, std::string> read_env_file(const std::string& path);

// A new empty folder "$TMPDIR/<stem>-XXXXXX"; throws std::system_error.
std::string make_temp_dir(std::string_view stem);

enum class RealmKind { mit, heimdal };

// Why a Heimdal realm cannot be had on this machine (its packages cannot be
// downloaded with apt-get), or std::nullopt when it can. A test that needs
// Heimdal skips with a doctest MESSAGE when this has a value; any other
// problem (the KDC does not start) is an error, not a skip. With
// KRBKIT_REQUIRE_HEIMDAL set (as .ci/run does) a missing Heimdal is an error too.
std::optional<std::string> heimdal_unavailable();

class Realm {
 public:
  // Starts a realm: MIT (realm.sh, default name KRBKIT.TEST) or Heimdal
  // (heimdal.sh, default name HKRBKIT.TEST).
  explicit Realm(RealmKind kind = RealmKind::mit, std::string name = {});
  // The same with more realm.sh options, e.g. {"--trust", "OTHER.TEST",
  // "--kdc-conf", file} for a realm with cross-realm trust (tests/realm/README.md).
  Realm(RealmKind kind, std::string name, std::vector<std::string> extra_args);
  ~Realm();
  Realm(const Realm&) = delete;
  Realm& operator=(const Realm&) = delete;

  // One MIT realm started on first use and stopped at exit, for tests that
  // only read from it. Tests that change principals (passwords, keys) should
  // add their own principal with kadmin_local() or start a private Realm.
  static Realm& shared();
  // The same for Heimdal; nullptr (and reason() from heimdal_unavailable())
  // when Heimdal cannot be downloaded here.
  static Realm* shared_heimdal();

  RealmKind kind() const { return kind_; }
  // Any value of the env file; throws std::out_of_range naming the key if absent.
  const std::string& get(const std::string& key) const;
  const std::map<std::string, std::string>& values() const { return values_; }

  const std::string& name() const { return get("REALM"); }  // "KRBKIT.TEST"
  const std::string& dir() const { return dir_; }
  const std::string& config() const { return get("KRB5_CONFIG"); }
  int kdc_port() const;
  int kadmin_port() const;
  int kpasswd_port() const;
  const std::string& host_keytab() const { return get("HOST_KEYTAB"); }
  const std::string& host_principal() const { return get("HOST_PRINCIPAL"); }

  // "alice" -> "alice@KRBKIT.TEST" (any name; a realm already there is kept).
  std::string principal(std::string_view name) const;
  // Password of a test user: alice, bob, carol, dave, admin (ALICE_PASSWORD...).
  const std::string& password(std::string_view user) const;
  // The service principal holding only a key of `enctype`
  // ("aes256-cts-hmac-sha1-96" -> "svc-aes256-sha1/server.krbkit.test@KRBKIT.TEST");
  // throws std::out_of_range when the realm has none (Heimdal has no camellia).
  std::string service_for(std::string_view enctype) const;
  // Every enctype that has such a service principal, in the order of the env file.
  std::vector<std::string> service_enctypes() const;

  // A cache name no other call returned: "FILE:<dir>/cc-<n>".
  std::string fresh_ccache();
  // A path inside the realm folder no other call returned: "<dir>/<stem>-<n>".
  std::string fresh_path(std::string_view stem);

  // The environment every command gets: every value of the env file
  // (KRB5_CONFIG, KRB5_KDC_PROFILE, KRB5CCNAME, REALM, ports, passwords...)
  // and /usr/sbin on PATH.
  EnvChanges environment() const;
  // Runs a command in that environment plus `env`.
  RunResult run(const std::vector<std::string>& argv, const EnvChanges& env = {},
                std::string_view input = {}) const;
  // Runs `bash -c command` the same way; env-file values are shell variables
  // there ("echo $ALICE_PASSWORD | kinit $ALICE_PRINCIPAL").
  RunResult sh(const std::string& command, const EnvChanges& env = {}, std::string_view input = {}) const;
  // Runs administration commands on the database directly, one per line
  // (MIT kadmin.local, Heimdal kadmin -l): "addprinc -pw pw-12345 erin".
  RunResult kadmin_local(std::string_view commands) const;

 private:
  RealmKind kind_;
  std::string script_;
  std::string dir_;
  std::map<std::string, std::string> values_;
  int counter_ = 0;
  bool started_ = false;

  void stop() noexcept;
};

// MIT's klist -C of `cache`: its "config: pa_type(...)" and "config:
// fast_avail(...)" lines, sorted. Throws std::runtime_error when klist fails.
std::vector<std::string> mit_preauth_config_lines(const Realm& realm, const std::string& cache);

}  // namespace krbkit::test
