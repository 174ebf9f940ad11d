// kvno's service names and the user-to-user TGT of another cache.
#include "krbkit/exchange/service_request.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "krbkit/ccache/cache.hpp"
#include "krbkit/proto/principal.hpp"

using namespace krbkit;

TEST_CASE("service_principal: -S names a host in its [domain_realm] realm or the referral realm, -u") {
  auto profile = config::Profile::parse("[domain_realm]\n  .example.com = EXAMPLE.COM\n").value();
  auto mapped = exchange::service_principal("web.example.com", "HTTP", false, profile, "DEF.TEST");
  REQUIRE(mapped);
  CHECK(unparse_principal(*mapped) == "HTTP/web.example.com@EXAMPLE.COM");
  CHECK(mapped->type == NameType::srv_hst);
  auto referral = exchange::service_principal("db.other.test", "host", false, profile, "DEF.TEST");
  REQUIRE(referral);
  CHECK(referral->realm.empty());
  auto plain = exchange::service_principal("svc/a", "", false, profile, "DEF.TEST");
  CHECK(unparse_principal(*plain) == "svc/a@DEF.TEST");
  CHECK(plain->type == NameType::principal);
  CHECK(exchange::service_principal("svc/a", "", true, profile, "DEF.TEST")->type == NameType::unknown);
}

TEST_CASE("local_tgt_in: the other cache's krbtgt/R@R, or why there is none") {
  const auto path = std::filesystem::temp_directory_path() / ("krbkit_u2u_" + std::to_string(::getpid()));
  const std::string name = "FILE:" + path.string();
  CHECK(exchange::local_tgt_in(name).error().is(Errc::ccache_not_found));
  auto cache = ccache::open(name).value();
  Credentials tgt;
  tgt.client = parse_principal("bob@R.TEST").value();
  tgt.server = krbtgt_principal("R.TEST", "R.TEST");
  std::vector<Credentials> creds;
  creds.push_back(tgt.clone());
  REQUIRE(cache->initialize_and_store(tgt.client, creds).ok());
  auto found = exchange::local_tgt_in(name);
  REQUIRE(found);
  CHECK(found->server == tgt.server);
  std::filesystem::remove(path);
}
