// PKINIT against MIT's KDC: the certificates made once by
// tests/realm/pkinit_certs.sh, one realm with --pkinit.
// Anonymous (kinit -n, RFC 8062): MIT's klist reads our cache as its own
// kinit's (anonymous principal, pa_type 16, start_realm) and MIT's kvno gets
// a service ticket with it; a KDC certificate the client cannot trust
// (another CA's anchor, no anchors, an anchor file that is not there) is
// refused with its own exit status and leaves no cache.
// With a certificate (kinit -X X509_user_identity, pkinit_identities): the
// same cache entries as MIT's kinit -X (pa_config_data naming the identity);
// PEM, encrypted PEM, PKCS#12 and DIR: identities; each bad identity refused
// with its own exit status, leaving no cache.
#include "realm/pkinit.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "realm/realm.hpp"

using krbkit::test::cache_exists;
using krbkit::test::EnvChanges;
using krbkit::test::joined;
using krbkit::test::mit_cache_config;
using krbkit::test::Realm;
using krbkit::test::RunResult;
using krbkit::test::show;

namespace {

std::string kinit() { return krbkit::test::krbkit_tool("kinit"); }

// The certificates (made once, about 3 s of RSA keys) and the realm using them.
struct PkinitRealm {
  std::string certs;
  std::unique_ptr<Realm> realm;
};

PkinitRealm& pkinit_realm() {
  static PkinitRealm r = [] {
    PkinitRealm out;
    out.certs = krbkit::test::make_pkinit_certs("KRBKIT.TEST");
    out.realm = std::make_unique<Realm>(krbkit::test::RealmKind::mit, "KRBKIT.TEST",
                                        std::vector<std::string>{"--pkinit", out.certs});
    return out;
  }();
  return r;
}

// The realm's krb5.conf with its pkinit_anchors relation set to `anchors`
// (removed when empty) and `more` relations added to the realm's section.
EnvChanges with_anchors(Realm& realm, const std::string& anchors, const std::string& more = {}) {
  std::ifstream in(realm.config());
  std::string text, line;
  while (std::getline(in, line)) {
    if (line.find("pkinit_anchors") == std::string::npos)
      text += line + "\n";
    else if (!anchors.empty())
      text += "        pkinit_anchors = " + anchors + "\n";
    if (line.find("kpasswd_server") != std::string::npos && !more.empty()) text += "        " + more + "\n";
  }
  std::string file = realm.fresh_path("client") + ".conf";
  std::ofstream(file) << text;
  return {{"KRB5_CONFIG", file}};
}

// Another realm of the same certificates whose KDC signs with
// CERTS/<kdc_cert>.pem, with `kdc_conf` appended to its kdc.conf.
std::unique_ptr<Realm> other_kdc(const std::string& kdc_cert, const std::string& kdc_conf = {}) {
  const PkinitRealm& pk = pkinit_realm();
  std::vector<std::string> args{"--pkinit", pk.certs, "--pkinit-kdc", kdc_cert};
  if (!kdc_conf.empty()) {
    const std::string file = pk.certs + "/kdc-extra-" + kdc_cert + ".conf";
    std::ofstream(file) << kdc_conf;
    args.insert(args.end(), {"--kdc-conf", file});
  }
  return std::make_unique<Realm>(krbkit::test::RealmKind::mit, "KRBKIT.TEST", args);
}

}  // namespace

TEST_CASE(
    "kinit -n: MIT's klist shows the anonymous TGT with pa_type 16 and start_realm; MIT's kvno uses it") {
  Realm& realm = *pkinit_realm().realm;
  for (const std::string principal : {"", "@KRBKIT.TEST"}) {
    CAPTURE(principal);
    std::string cache = realm.fresh_ccache();
    std::vector<std::string> argv{kinit(), "-n", "-c", cache};
    if (!principal.empty()) argv.push_back(principal);
    auto ours = realm.run(argv);
    REQUIRE_MESSAGE(ours.ok(), show(ours));
    auto listed = realm.run({"/usr/bin/klist", "-C", "-c", cache});
    REQUIRE_MESSAGE(listed.ok(), show(listed));
    CHECK(listed.out.find("Default principal: WELLKNOWN/ANONYMOUS@WELLKNOWN:ANONYMOUS") != std::string::npos);
    CHECK(listed.out.find("config: pa_type(krbtgt/KRBKIT.TEST@KRBKIT.TEST) = 16") != std::string::npos);
    CHECK(listed.out.find("config: start_realm = KRBKIT.TEST") != std::string::npos);
    CHECK(listed.out.find("krbtgt/KRBKIT.TEST@KRBKIT.TEST") != std::string::npos);
    auto kvno = realm.run({"/usr/bin/kvno", "-c", cache, realm.host_principal()});
    CHECK_MESSAGE(kvno.ok(), show(kvno));
  }
}

TEST_CASE("kinit -n: the same cache entries as MIT's kinit -n") {
  Realm& realm = *pkinit_realm().realm;
  std::string mit_cache = realm.fresh_ccache(), our_cache = realm.fresh_ccache();
  auto mit = realm.run({"/usr/bin/kinit", "-n", "-c", mit_cache});
  REQUIRE_MESSAGE(mit.ok(), show(mit));
  auto ours = realm.run({kinit(), "-n", "-c", our_cache});
  REQUIRE_MESSAGE(ours.ok(), show(ours));
  CHECK(mit_cache_config(realm, our_cache) == mit_cache_config(realm, mit_cache));
}

TEST_CASE("kinit -n: a KDC certificate the client cannot trust leaves no cache") {
  PkinitRealm& pk = pkinit_realm();
  Realm& realm = *pk.realm;
  struct Case {
    std::string anchors;
    int status;
    std::string says;
  };
  const std::vector<Case> cases{
      {"FILE:" + pk.certs + "/other-ca.pem", 16, "KDC certificate is not trusted"},
      {"FILE:" + pk.certs + "/no-such.pem", 1, "no-such.pem does not exist"},
      {"", 19, "pkinit_anchors is not set"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.anchors);
    std::string cache = realm.fresh_ccache();
    auto r = realm.run({kinit(), "-n", "-c", cache}, with_anchors(realm, c.anchors));
    CHECK_MESSAGE(r.exit_code == c.status, show(r));
    CHECK_MESSAGE(r.err.find(c.says) != std::string::npos, show(r));
    CHECK_FALSE(cache_exists(cache));
  }
}

TEST_CASE("kinit -n takes no principal name") {
  Realm& realm = *pkinit_realm().realm;
  auto r = realm.run({kinit(), "-n", "-c", realm.fresh_ccache(), "alice"});
  CHECK_MESSAGE(r.exit_code == 2, show(r));
  CHECK_MESSAGE(r.err.find("only @REALM") != std::string::npos, show(r));
}

// ---- certificate login ----

namespace {

struct Login {
  std::vector<std::string> args;
  std::string input;  // standard input: the pass phrase
};

// Our kinit -c `cache` <login's options> alice.
RunResult log_in(const Realm& realm, const std::string& cache, const Login& login) {
  std::vector<std::string> argv{kinit(), "-c", cache};
  argv.insert(argv.end(), login.args.begin(), login.args.end());
  argv.push_back("alice");
  return realm.run(argv, {}, login.input);
}

}  // namespace

TEST_CASE("kinit -X X509_user_identity: the cache entries MIT's kinit -X writes, alice not swallowed by -X") {
  PkinitRealm& pk = pkinit_realm();
  Realm& realm = *pk.realm;
  const std::string identity =
      "X509_user_identity=FILE:" + pk.certs + "/alice.pem," + pk.certs + "/alice.key";
  std::string mit_cache = realm.fresh_ccache(), our_cache = realm.fresh_ccache();
  auto mit = realm.run({"/usr/bin/kinit", "-X", identity, "-c", mit_cache, "alice"});
  REQUIRE_MESSAGE(mit.ok(), show(mit));
  auto ours = realm.run({kinit(), "-X", identity, "-c", our_cache, "alice"});
  REQUIRE_MESSAGE(ours.ok(), show(ours));
  auto lines = mit_cache_config(realm, our_cache);
  CHECK_MESSAGE(joined(lines).find("Default principal: alice@KRBKIT.TEST") != std::string::npos,
                joined(lines));
  CHECK_MESSAGE(joined(lines).find("pa_type(krbtgt/KRBKIT.TEST@KRBKIT.TEST) = 16") != std::string::npos,
                joined(lines));
  CHECK_MESSAGE(
      joined(lines).find("pa_config_data(krbtgt/KRBKIT.TEST@KRBKIT.TEST) = {\"X509_user_identity\":"
                         "\"FILE:" +
                         pk.certs + "/alice.pem," + pk.certs + "/alice.key\"}") != std::string::npos,
      joined(lines));
  CHECK(lines == mit_cache_config(realm, mit_cache));
}

TEST_CASE("kinit -X: PKCS#12, an encrypted key (pass phrase from a file or stdin) and a DIR: folder") {
  PkinitRealm& pk = pkinit_realm();
  Realm& realm = *pk.realm;
  const std::string folder = realm.fresh_path("identity-dir");
  std::filesystem::create_directories(folder);
  std::filesystem::copy_file(pk.certs + "/alice.pem", folder + "/alice.crt");
  std::filesystem::copy_file(pk.certs + "/alice.key", folder + "/alice.key");
  std::filesystem::copy_file(pk.certs + "/kdc.pem", folder + "/kdc.crt");  // not alice's: passed over
  std::filesystem::copy_file(pk.certs + "/kdc.key", folder + "/kdc.key");
  const std::string pass_file = realm.fresh_path("p12-pass");
  std::ofstream(pass_file) << "p12-pw-1\n";
  struct Case {
    Login login;
    std::string recorded;  // the identity in pa_config_data
  };
  const std::vector<Case> cases{
      {{{"-X", "X509_user_identity=PKCS12:" + pk.certs + "/alice.p12", "--password-file", pass_file}, ""},
       "PKCS12:" + pk.certs + "/alice.p12"},
      {{{"-X", "X509_user_identity=FILE:" + pk.certs + "/alice.pem," + pk.certs + "/alice-enc.key"},
        "key-pw-1\n"},
       "FILE:" + pk.certs + "/alice.pem," + pk.certs + "/alice-enc.key"},
      {{{"-X", "X509_user_identity=DIR:" + folder}, ""},
       "FILE:" + folder + "/alice.crt," + folder + "/alice.key"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.recorded);
    std::string cache = realm.fresh_ccache();
    auto r = log_in(realm, cache, c.login);
    REQUIRE_MESSAGE(r.ok(), show(r));
    auto lines = joined(mit_cache_config(realm, cache));
    CHECK_MESSAGE(lines.find("pa_type(krbtgt/KRBKIT.TEST@KRBKIT.TEST) = 16") != std::string::npos, lines);
    CHECK_MESSAGE(lines.find("{\"X509_user_identity\":\"" + c.recorded + "\"}") != std::string::npos, lines);
  }
}

TEST_CASE("kinit -X: a bad identity is refused in one line with its own exit status and leaves no cache") {
  PkinitRealm& pk = pkinit_realm();
  Realm& realm = *pk.realm;
  const std::string c = pk.certs + "/";
  auto identity = [&](const std::string& cert, const std::string& key) {
    return "X509_user_identity=FILE:" + c + cert + "," + c + key;
  };
  struct Case {
    Login login;
    int status;
    std::string says;
  };
  const std::vector<Case> cases{
      {{{"-X", identity("alice.pem", "alice-enc.key")}, "wrong-pw\n"}, 26, "Wrong pass phrase"},
      {{{"-X", identity("alice.pem", "kdc.key")}, ""}, 25, "Private key does not match the certificate"},
      {{{"-X", identity("alice-expired.pem", "alice.key")}, ""}, 28, "certificate has expired"},
      {{{"-X", identity("alice-other.pem", "alice.key")}, ""}, 27, "Client certificate is not trusted"},
      // Our anchors take the other CA, the KDC's do not: the KDC refuses.
      {{{"-X", identity("alice-other.pem", "alice.key"), "-X", "X509_anchors=FILE:" + c + "ca.pem", "-X",
         "X509_anchors=FILE:" + c + "other-ca.pem"},
        ""},
       27,
       "Can't verify certificate"},
  };
  for (const auto& bad : cases) {
    CAPTURE(bad.says);
    std::string cache = realm.fresh_ccache();
    auto r = log_in(realm, cache, bad.login);
    CHECK_MESSAGE(r.exit_code == bad.status, show(r));
    CHECK_MESSAGE(r.err.find(bad.says) != std::string::npos, show(r));
    CHECK_MESSAGE(std::count(r.err.begin(), r.err.end(), '\n') == 1, show(r));
    CHECK_FALSE(cache_exists(cache));
  }
}

TEST_CASE(
    "pkinit_identities in krb5.conf: kinit alice logs in with the certificate; a missing one, the password") {
  PkinitRealm& pk = pkinit_realm();
  Realm& realm = *pk.realm;
  const std::string anchors = "FILE:" + pk.certs + "/ca.pem";
  std::string cache = realm.fresh_ccache();
  auto with_cert = with_anchors(
      realm, anchors, "pkinit_identities = FILE:" + pk.certs + "/alice.pem," + pk.certs + "/alice.key");
  auto r = realm.run({kinit(), "-c", cache, "alice"}, with_cert);
  REQUIRE_MESSAGE(r.ok(), show(r));
  CHECK(joined(mit_cache_config(realm, cache)).find("= 16") != std::string::npos);

  cache = realm.fresh_ccache();
  auto without = with_anchors(realm, anchors, "pkinit_identities = FILE:" + pk.certs + "/no-such.pem");
  r = realm.run({kinit(), "-c", cache, "alice"}, without, realm.password("alice") + "\n");
  REQUIRE_MESSAGE(r.ok(), show(r));
  CHECK(joined(mit_cache_config(realm, cache)).find("= 16") == std::string::npos);
}

// ---- FAST armor from anonymous PKINIT ----

TEST_CASE("auto_fast_armor, or a KDC offering nothing but FAST: kinit alice is armored by anonymous PKINIT") {
  PkinitRealm& pk = pkinit_realm();
  Realm& realm = *pk.realm;
  const std::string anchors = "FILE:" + pk.certs + "/ca.pem";
  // disable_encrypted_timestamp leaves the password nothing but FAST's encrypted challenge.
  for (const std::string setting : {"auto_fast_armor = true", "disable_encrypted_timestamp = true"}) {
    CAPTURE(setting);
    std::string cache = realm.fresh_ccache();
    auto r = realm.run({kinit(), "-c", cache, "alice"}, with_anchors(realm, anchors, setting),
                       realm.password("alice") + "\n");
    REQUIRE_MESSAGE(r.ok(), show(r));
    auto lines = joined(mit_cache_config(realm, cache));
    CHECK_MESSAGE(lines.find("Default principal: alice@KRBKIT.TEST") != std::string::npos, lines);
    CHECK_MESSAGE(lines.find("pa_type(krbtgt/KRBKIT.TEST@KRBKIT.TEST) = 138") != std::string::npos, lines);
  }
  // Without pkinit_anchors there is no armor to get: the KDC's wish for FAST stands, naming -T.
  std::string cache = realm.fresh_ccache();
  auto r = realm.run({kinit(), "-c", cache, "alice"},
                     with_anchors(realm, "", "disable_encrypted_timestamp = true"),
                     realm.password("alice") + "\n");
  CHECK_MESSAGE(r.exit_code == 1, show(r));
  CHECK_MESSAGE(r.err.find("kinit -T") != std::string::npos, show(r));
  CHECK_FALSE(cache_exists(cache));
}

// ---- KDCs that differ ----

TEST_CASE(
    "a KDC with pkinit_dh_min_bits = 4096 and pkinit_require_freshness: error 65 retried, freshness sent") {
  PkinitRealm& pk = pkinit_realm();
  auto realm =
      other_kdc("kdc", "[kdcdefaults]\n    pkinit_dh_min_bits = 4096\n    pkinit_require_freshness = true\n");
  std::string cache = realm->fresh_ccache();
  auto r = realm->run({kinit(), "-n", "-c", cache}, {{"KRB5_TRACE", "/dev/stderr"}});
  REQUIRE_MESSAGE(r.ok(), show(r));
  CHECK_MESSAGE(r.err.find("retrying with 4096 bits") != std::string::npos, show(r));
  CHECK(joined(mit_cache_config(*realm, cache)).find("pa_type(krbtgt/KRBKIT.TEST@KRBKIT.TEST) = 16") !=
        std::string::npos);
  // The KDC insists on the freshness token for signed requests: ours carries it.
  const Login alice{{"-X", "X509_user_identity=FILE:" + pk.certs + "/alice.pem," + pk.certs + "/alice.key"},
                    ""};
  cache = realm->fresh_ccache();
  r = log_in(*realm, cache, alice);
  CHECK_MESSAGE(r.ok(), show(r));
  Login stale = alice;
  stale.args.insert(stale.args.end(), {"-X", "disable_freshness=yes"});
  cache = realm->fresh_ccache();
  r = log_in(*realm, cache, stale);
  CHECK_MESSAGE(r.exit_code == 27, show(r));
  CHECK_MESSAGE(r.err.find("the KDC refused the PKINIT request") != std::string::npos, show(r));
  CHECK_FALSE(cache_exists(cache));
}

TEST_CASE(
    "KDC certificates the client refuses: wrong SAN, DNS name without the KDC key usage, expired anchor") {
  PkinitRealm& pk = pkinit_realm();
  struct Case {
    std::string kdc_cert, client_conf, anchors;
    int status;
    std::string says;
  };
  const std::string ca = "FILE:" + pk.certs + "/ca.pem";
  const std::vector<Case> cases{
      {"kdc-wrongsan", "", ca, 18, "names neither krbtgt/KRBKIT.TEST@KRBKIT.TEST nor a pkinit_kdc_hostname"},
      {"kdc-dns", "pkinit_kdc_hostname = kdc.krbkit.test", ca, 18, "lacks the KDC key usage"},
      {"kdc", "", "FILE:" + pk.certs + "/ca-expired.pem", 28, "certificate has expired"},
  };
  std::unique_ptr<Realm> wrongsan = other_kdc("kdc-wrongsan"), dns = other_kdc("kdc-dns");
  for (const auto& c : cases) {
    CAPTURE(c.kdc_cert);
    Realm& realm = c.kdc_cert == "kdc-wrongsan" ? *wrongsan : c.kdc_cert == "kdc-dns" ? *dns : *pk.realm;
    std::string cache = realm.fresh_ccache();
    auto r = realm.run({kinit(), "-n", "-c", cache}, with_anchors(realm, c.anchors, c.client_conf));
    CHECK_MESSAGE(r.exit_code == c.status, show(r));
    CHECK_MESSAGE(r.err.find(c.says) != std::string::npos, show(r));
    CHECK_MESSAGE(std::count(r.err.begin(), r.err.end(), '\n') == 1, show(r));
    CHECK_FALSE(cache_exists(cache));
  }
  // The DNS name is accepted once serverAuth counts (pkinit_eku_checking = kpServerAuth).
  std::string cache = dns->fresh_ccache();
  auto r = dns->run(
      {kinit(), "-n", "-c", cache},
      with_anchors(*dns, ca,
                   "pkinit_kdc_hostname = kdc.krbkit.test\n        pkinit_eku_checking = kpServerAuth"));
  CHECK_MESSAGE(r.ok(), show(r));
}
