// PKINIT's client settings as MIT reads them: krb5.conf's pkinit_* relations
// (the realm's entry first) and kinit -X's attributes over them.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/as_exchange.hpp"

using namespace krbkit;

namespace {

exchange::PkinitOptions options_from(const std::string& text, const std::string& realm = "R.TEST") {
  auto profile = config::Profile::parse(text);
  REQUIRE(profile.ok());
  auto opts = exchange::pkinit_options(*profile, realm);
  REQUIRE_MESSAGE(opts.ok(), opts.error().message());
  return std::move(opts).value();
}

}  // namespace

TEST_CASE("pkinit_identities: the realm's entry first; an identity whose file is not there is left out") {
  const std::string here =
      std::filesystem::temp_directory_path() / ("krbkit-pkinit-id-" + std::to_string(getpid()) + ".pem");
  std::ofstream(here) << "x";
  auto opts = options_from(
      "[libdefaults]\n pkinit_identities = FILE:/elsewhere.pem\n"
      "[realms]\n R.TEST = {\n  pkinit_identities = FILE:/no/such.pem,/no/such.key\n"
      "  pkinit_identities = FILE:" +
      here + ",/some.key\n  pkinit_identities = PKCS12:" + here + "\n }\n");
  CHECK(opts.identities == std::vector<std::string>{"FILE:" + here + ",/some.key", "PKCS12:" + here});
  CHECK(options_from("[libdefaults]\n pkinit_identities = DIR:/no/such/folder\n").identities.empty());
  std::remove(here.c_str());
}

TEST_CASE(
    "-X: one X509_user_identity replaces pkinit_identities; X509_anchors together replace pkinit_anchors") {
  auto opts = options_from("[libdefaults]\n pkinit_anchors = FILE:/conf-ca.pem\n");
  std::vector<std::string> ignored;
  REQUIRE(
      exchange::apply_preauth_attributes(opts,
                                         {"X509_user_identity=PKCS12:/a.p12", "X509_anchors=FILE:/a.pem",
                                          "flag_RSA_PROTOCOL", "X509_anchors=DIR:/cas", "disable_freshness"},
                                         ignored)
          .ok());
  CHECK(opts.identities == std::vector<std::string>{"PKCS12:/a.p12"});
  CHECK(opts.trust.anchors == std::vector<std::string>{"FILE:/a.pem", "DIR:/cas"});
  CHECK_FALSE(opts.freshness);  // "-X disable_freshness" is disable_freshness=yes
  CHECK(ignored == std::vector<std::string>{"flag_RSA_PROTOCOL"});

  auto twice = exchange::apply_preauth_attributes(
      opts, {"X509_user_identity=FILE:/a.pem", "X509_user_identity=FILE:/b.pem"}, ignored);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().is(Errc::invalid_argument));
  CHECK(twice.error().message().find("can not be given twice") != std::string::npos);
}
