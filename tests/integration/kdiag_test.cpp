// kdiag against real KDCs (MIT's and Heimdal's, from the realm harness) and
// a fault realm: a silent KDC, a refused port and a fake KDC whose clock is
// ten minutes ahead, all within the bound of one run.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "krbkit/proto/messages.hpp"
#include "realm/realm.hpp"
#include "unit/net/fake_kdc.hpp"

using namespace krbkit;
using namespace krbkit::test;
using Json = nlohmann::json;

namespace {

Json kdiag_json(const Realm& realm, std::vector<std::string> args, int expected_exit = 0) {
  args.insert(args.begin(), {krbkit_tool("kdiag"), "--json"});
  RunResult r = realm.run(args);
  CHECK_MESSAGE(r.exit_code == expected_exit, r.err, r.out);
  CHECK(r.err.empty());
  return Json::parse(r.out);
}

bool has(const Json& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Every KDC over UDP and TCP answered, and knew the time within a second.
void check_all_answered(const Json& doc) {
  REQUIRE(doc["kdcs"].size() == 2);
  for (const auto& k : doc["kdcs"]) {
    CHECK(k["reachable"] == true);
    CHECK(k["source"] == "krb5.conf");
    CHECK(k["rtt_ms"].is_number());
    REQUIRE(k["clock_offset_s"].is_number());
    CHECK(std::fabs(k["clock_offset_s"].get<double>()) < 2.0);
  }
  CHECK(doc["kdcs"][0]["transport"] == "udp");
  CHECK(doc["kdcs"][1]["transport"] == "tcp");
}

}  // namespace

TEST_CASE("MIT: reachability, clock, pre-authentication, etype-info and offers, no password") {
  Realm& realm = Realm::shared();
  Json doc = kdiag_json(realm, {"-p", "alice"});
  CHECK(doc["schema"] == 1);
  CHECK(doc["realm"] == realm.name());
  check_all_answered(doc);
  CHECK(doc["kdcs"][0]["port"] == realm.kdc_port());
  const auto& p = doc["principal"];
  CHECK(p["name"] == realm.principal("alice"));
  CHECK(p["preauth_required"] == true);  // alice is +requires_preauth
  REQUIRE(p["etype_info"].size() >= 1);
  CHECK(p["etype_info"][0]["enctype"] == "aes256-cts-hmac-sha1-96");
  CHECK(p["etype_info"][0]["salt"] == realm.name() + "alice");
  CHECK(has(p["offers"], "encrypted-timestamp"));
  CHECK(has(p["offers"], "fast"));
  REQUIRE(doc["kpasswd"].size() == 2);
  for (const auto& k : doc["kpasswd"]) CHECK(k["reachable"] == true);
  REQUIRE(doc["kadmin"].size() == 1);
  CHECK(doc["kadmin"][0]["port"] == realm.kadmin_port());
  CHECK(doc["kadmin"][0]["reachable"] == true);
  CHECK(doc["problems"].empty());

  // The table says so in its last line.
  RunResult text = realm.run({krbkit_tool("kdiag"), "-p", "alice"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.ends_with("\nOK: no problem found\n"));
}

TEST_CASE("MIT: a principal without pre-authentication, and one the KDC does not know") {
  Realm& realm = Realm::shared();
  Json doc = kdiag_json(realm, {"-p", "bob"});
  CHECK(doc["principal"]["preauth_required"] == false);
  check_all_answered(doc);  // the clock from a second probe: an AS-REP tells no time

  doc = kdiag_json(realm, {"-p", "nosuchuser", realm.name()}, 1);
  CHECK(doc["principal"]["preauth_required"].is_null());
  REQUIRE(doc["problems"].size() == 1);
  CHECK(doc["problems"][0] == fmt::format("principal nosuchuser@{} is unknown to the KDC", realm.name()));
}

TEST_CASE("Heimdal: s2kparams and the offers of its KDC; its kpasswdd answers over UDP only, which is fine") {
  Realm* h = Realm::shared_heimdal();
  if (h == nullptr) {
    MESSAGE(*heimdal_unavailable());
    return;
  }
  Json doc = kdiag_json(*h, {"-p", "alice"});
  check_all_answered(doc);
  const auto& p = doc["principal"];
  CHECK(p["preauth_required"] == true);
  REQUIRE(p["etype_info"].size() >= 1);
  CHECK(p["etype_info"][0]["s2kparams"] == "00001000");  // Heimdal names the iteration count
  CHECK(has(p["offers"], "pkinit"));
  CHECK(has(p["offers"], "encrypted-challenge"));
  REQUIRE(doc["kpasswd"].size() == 2);
  CHECK(doc["kpasswd"][0]["reachable"] == true);
  CHECK(doc["kpasswd"][1]["error"] == "refused");
  CHECK(doc["problems"].empty());
}

namespace {

// A KDC whose clock runs ten minutes ahead: PREAUTH_REQUIRED for any AS-REQ.
std::vector<Bytes> skewed_answer(BytesView request) {
  auto req = decode_as_req(request);
  if (!req) return {};
  KrbError e;
  e.stime = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
            std::chrono::minutes(10);
  e.error_code = static_cast<std::int32_t>(KdcErr::preauth_required);
  e.realm = req->req_body.realm;
  e.sname = req->req_body.sname.value_or(PrincipalName{});
  e.e_data = encode_method_data({PaData{PaType::enc_timestamp, {}}});
  return {encode(e)};
}

}  // namespace

TEST_CASE("a fault realm: a silent KDC, a refused port, a clock 10 minutes off, within 3 seconds") {
  Realm& realm = Realm::shared();
  FakeKdc silent({true, true, [](BytesView) { return std::vector<Bytes>{}; }, false});
  FakeKdc skewed({true, true, skewed_answer, false});
  const auto refused = FakeKdc::closed_port();
  const std::string conf = realm.fresh_path("fault-krb5.conf");
  std::ofstream(conf) << fmt::format(
      "[libdefaults]\n default_realm = FAULT.TEST\n dns_lookup_kdc = false\n"
      "[realms]\n FAULT.TEST = {{\n  kdc = 127.0.0.1:{}\n  kdc = 127.0.0.1:{}\n  kdc = 127.0.0.1:{}\n }}\n",
      silent.port(), refused, skewed.port());
  const auto start = std::chrono::steady_clock::now();
  RunResult r = realm.run({krbkit_tool("kdiag"), "--json", "-p", "alice"}, {{"KRB5_CONFIG", conf}});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(3));
  CHECK_MESSAGE(r.exit_code == 6, r.err);  // the clock is what fails first
  Json doc = Json::parse(r.out);
  REQUIRE(doc["kdcs"].size() == 6);
  for (int i : {0, 1}) CHECK(doc["kdcs"][i]["error"] == "silent");
  for (int i : {2, 3}) CHECK(doc["kdcs"][i]["error"] == "refused");
  for (int i : {4, 5}) {
    CHECK(doc["kdcs"][i]["reachable"] == true);
    const double offset = doc["kdcs"][i]["clock_offset_s"].get<double>();
    CHECK(offset > 590);
    CHECK(offset < 610);
  }
  const auto p = [&](int port) { return fmt::format("127.0.0.1:{}", port); };
  CHECK(doc["problems"] ==
        Json({fmt::format("KDC {} silent over UDP", p(silent.port())),
              fmt::format("KDC {} silent over TCP", p(silent.port())),
              fmt::format("KDC {} refused the connection over UDP", p(refused)),
              fmt::format("KDC {} refused the connection over TCP", p(refused)),
              fmt::format("clock 10 min behind the KDC {}: tickets will fail (allowed skew 300 s)",
                          p(skewed.port()))}));
  CHECK(doc["kpasswd"].empty());
  CHECK(doc["kadmin"].empty());

  // --kdc: only the silent one; nothing answers.
  r = realm.run({krbkit_tool("kdiag"), "--kdc", p(silent.port()), "FAULT.TEST"}, {{"KRB5_CONFIG", conf}});
  CHECK(r.exit_code == 5);
  CHECK(r.out.find("PROBLEM: no KDC of FAULT.TEST answered; ") != std::string::npos);
}
