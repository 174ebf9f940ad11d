// The error object and kdestroy's and kswitch's documents (tool_json.hpp),
// member by member as krbkit-json(7) and man/json/ describe them.

#include "krbkit/present/tool_json.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "krbkit/base/error_facts.hpp"

using namespace krbkit;

TEST_CASE("error_json: one line with the code's name, the status, the principal's realm and the KDC") {
  Error e{kdc_error(KdcErr::preauth_failed)};
  attach_kdc_origin(e, "127.0.0.1:88/udp", 1700000000);
  const std::string line = present::error_json(e, {3, "Password incorrect", "alice@KRBKIT.TEST", ""});
  CHECK(line.find('\n') == line.size() - 1);
  const auto doc = nlohmann::ordered_json::parse(line);
  CHECK(doc.begin().key() == "schema");
  CHECK(doc["schema"] == 1);
  const auto& err = doc["error"];
  CHECK(err["code"] == "KDC_ERR_PREAUTH_FAILED");
  CHECK(err["exit_code"] == 3);
  CHECK(err["message"] == "Password incorrect");
  CHECK(err["principal"] == "alice@KRBKIT.TEST");
  CHECK(err["realm"] == "KRBKIT.TEST");
  CHECK(err["kdc"] == "127.0.0.1:88/udp");
  CHECK(err["kdc_time"] == "2023-11-14T22:13:20Z");

  const auto local =
      nlohmann::json::parse(present::error_json(Error{Errc::ccache_not_found}, {8, "m", {}, ""}));
  CHECK(local["error"]["code"] == "KRBKIT_CCACHE_NOT_FOUND");
  CHECK(local["error"]["principal"].is_null());
  CHECK(local["error"]["realm"].is_null());
  CHECK(local["error"]["kdc"].is_null());
  CHECK(local["error"]["kdc_time"].is_null());
  // An escaped '@' is part of the name, not the realm's start.
  const auto escaped =
      nlohmann::json::parse(present::error_json(Error{Errc::io}, {1, "m", "a\\@b@R.TEST", ""}));
  CHECK(escaped["error"]["realm"] == "R.TEST");
}

TEST_CASE("kdestroy_json and kswitch_json") {
  const auto doc = nlohmann::json::parse(present::kdestroy_json(
      {{"FILE:/tmp/a", "alice@R", std::nullopt}, {"FILE:/tmp/b", std::nullopt, "Permission denied"}}));
  CHECK(doc["schema"] == 1);
  REQUIRE(doc["destroyed"].size() == 1);
  CHECK(doc["destroyed"][0]["cache"] == "FILE:/tmp/a");
  CHECK(doc["destroyed"][0]["principal"] == "alice@R");
  REQUIRE(doc["failed"].size() == 1);
  CHECK(doc["failed"][0]["error"] == "Permission denied");
  const auto sw = nlohmann::json::parse(present::kswitch_json("DIR::/d/tktX", std::nullopt));
  CHECK(sw["primary"] == "DIR::/d/tktX");
  CHECK(sw["principal"].is_null());
}
