// Anonymous PKINIT (kinit -n, RFC 8062) against MIT's KDC with PKINIT: the
// certificates made once by tests/realm/pkinit_certs.sh, one realm with
// --pkinit. MIT's klist reads our cache as its own kinit's (anonymous
// principal, pa_type 16, start_realm) and MIT's kvno gets a service ticket
// with it; a KDC certificate the client cannot trust (another CA's anchor,
// no anchors, an anchor file that is not there) is refused with its own exit status and leaves no cache.
#include <doctest/doctest.h>
#include <fmt/format.h>

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

// The certificates (made once, about 3 s of RSA keys) and the realm using them.
struct PkinitRealm {
  std::string certs;
  std::unique_ptr<Realm> realm;
};

PkinitRealm& pkinit_realm() {
  static PkinitRealm r = [] {
    PkinitRealm out;
    out.certs = krbkit::test::make_temp_dir("krbkit-pkinit-certs");
    auto made = krbkit::test::run_process(
        {std::string(KRBKIT_SOURCE_DIR) + "/tests/realm/pkinit_certs.sh", out.certs, "KRBKIT.TEST"});
    if (!made.ok()) throw std::runtime_error("pkinit_certs.sh failed: " + made.err);
    out.realm = std::make_unique<Realm>(krbkit::test::RealmKind::mit, "KRBKIT.TEST",
                                        std::vector<std::string>{"--pkinit", out.certs});
    return out;
  }();
  return r;
}

// The realm's krb5.conf with its pkinit_anchors relation set to `anchors`
// (removed when empty).
EnvChanges with_anchors(Realm& realm, const std::string& anchors) {
  std::ifstream in(realm.config());
  std::string text, line;
  while (std::getline(in, line)) {
    if (line.find("pkinit_anchors") == std::string::npos)
      text += line + "\n";
    else if (!anchors.empty())
      text += "        pkinit_anchors = " + anchors + "\n";
  }
  std::string file = realm.fresh_path("client") + ".conf";
  std::ofstream(file) << text;
  return {{"KRB5_CONFIG", file}};
}

bool cache_exists(const std::string& cache) { return std::filesystem::exists(cache.substr(5)); }

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
  auto config_lines = [&](const std::string& cache) {
    auto listed = realm.run({"/usr/bin/klist", "-C", "-c", cache});
    std::vector<std::string> lines;
    std::istringstream in(listed.out);
    // fast_avail aside: MIT asks every KDC whether it offers FAST, krbkit only under -T.
    for (std::string line; std::getline(in, line);)
      if ((line.rfind("config:", 0) == 0 && line.find("fast_avail") == std::string::npos) ||
          line.rfind("Default principal:", 0) == 0)
        lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  CHECK(config_lines(our_cache) == config_lines(mit_cache));
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
