// kdiag's table and JSON (present/kdiag.hpp).
#include "krbkit/present/kdiag.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace krbkit;
using namespace krbkit::exchange;

namespace {

ServerReport server(const char* host, std::uint16_t port, net::Transport t, bool ok, std::string error = {}) {
  ServerReport r;
  r.target = net::KdcTarget{host, port, t};
  r.reachable = ok;
  r.error = std::move(error);
  if (ok) r.rtt_ms = 1.25;
  return r;
}

Diagnosis sample() {
  Diagnosis d;
  d.realm = "EXAMPLE.COM";
  d.kdcs = {server("kdc1.example.com", 88, net::Transport::udp, true),
            server("kdc2.example.com", 88, net::Transport::udp, false, "silent")};
  d.kdcs[0].clock_offset_s = -421.0;
  d.kdcs[1].source = net::ServerSource::srv;
  d.kpasswd = {server("kdc1.example.com", 464, net::Transport::tcp, true)};
  d.principal.emplace();
  d.principal->name = "alice@EXAMPLE.COM";
  d.principal->preauth_required = true;
  d.principal->etype_info = {{Enctype::aes256_cts_hmac_sha1_96, "EXAMPLE.COMalice", Bytes{0, 0, 0x10, 0}},
                             {Enctype::rc4_hmac, std::nullopt, std::nullopt}};
  d.principal->offers = {"encrypted-timestamp", "fast"};
  d.problems = {"clock 7 min ahead of the KDC kdc1.example.com:88: tickets will fail (allowed skew 300 s)",
                "KDC kdc2.example.com:88 silent over UDP"};
  return d;
}

}  // namespace

TEST_CASE("kdiag's table: one row per server and transport, the principal, the verdict last") {
  CHECK(present::kdiag_text(sample()) ==
        "realm EXAMPLE.COM\n"
        "service  server                source     via  status  rtt     clock\n"
        "kdc      kdc1.example.com:88   krb5.conf  udp  ok      1.2 ms  -7 min\n"
        "kdc      kdc2.example.com:88   srv        udp  silent  -       -\n"
        "kpasswd  kdc1.example.com:464  krb5.conf  tcp  ok      1.2 ms  -\n"
        "principal alice@EXAMPLE.COM: pre-authentication required\n"
        "  aes256-cts-hmac-sha1-96  salt \"EXAMPLE.COMalice\"  s2kparams 00001000\n"
        "  arcfour-hmac\n"
        "  offers: encrypted-timestamp, fast\n"
        "PROBLEM: clock 7 min ahead of the KDC kdc1.example.com:88: tickets will fail (allowed skew 300 s); "
        "KDC kdc2.example.com:88 silent over UDP\n");
  Diagnosis fine;
  fine.realm = "EXAMPLE.COM";
  fine.kdcs = {server("kdc1.example.com", 88, net::Transport::tcp, true)};
  CHECK(present::kdiag_text(fine).ends_with("\nOK: no problem found\n"));
}

TEST_CASE("kdiag --json: schema 1, exactly the documented members") {
  auto doc = nlohmann::ordered_json::parse(present::kdiag_json(sample()));
  CHECK(doc["schema"] == 1);
  CHECK(doc["realm"] == "EXAMPLE.COM");
  std::vector<std::string> keys;
  for (auto& [k, v] : doc.items()) keys.push_back(k);
  CHECK(keys ==
        std::vector<std::string>{"schema", "realm", "kdcs", "principal", "kpasswd", "kadmin", "problems"});
  const auto& k1 = doc["kdcs"][1];
  CHECK(k1 == nlohmann::ordered_json::parse(R"({"host": "kdc2.example.com", "port": 88, "transport": "udp",
      "source": "srv", "reachable": false, "error": "silent", "rtt_ms": null, "clock_offset_s": null})"));
  CHECK(doc["kdcs"][0]["clock_offset_s"] == -421.0);
  CHECK(doc["principal"] ==
        nlohmann::ordered_json::parse(R"({"name": "alice@EXAMPLE.COM", "preauth_required": true,
      "etype_info": [{"enctype": "aes256-cts-hmac-sha1-96", "salt": "EXAMPLE.COMalice", "s2kparams": "00001000"},
                     {"enctype": "arcfour-hmac", "salt": null, "s2kparams": null}],
      "offers": ["encrypted-timestamp", "fast"]})"));
  CHECK(doc["kadmin"] == nlohmann::ordered_json::array());
  CHECK(doc["problems"].size() == 2);
  Diagnosis none;
  none.realm = "R";
  CHECK(nlohmann::json::parse(present::kdiag_json(none))["principal"].is_null());
}

TEST_CASE("kdiag --json: a salt that is not UTF-8 still gives a document that parses") {
  auto d = sample();
  d.principal->etype_info[0].salt = std::string("\xff\xfe salt", 7);
  const auto doc = nlohmann::json::parse(present::kdiag_json(d));  // throws on broken UTF-8
  CHECK(doc["principal"]["etype_info"][0]["salt"] == "\xEF\xBF\xBD\xEF\xBF\xBD salt");  // U+FFFD twice
  CHECK(present::kdiag_text(d).find("salt \"\\xff\\xfe salt\"") != std::string::npos);
}
