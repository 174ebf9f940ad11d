// Where KDCs are: krb5.conf entries, DNS SRV answers, the realm-name fallback.
#include "krbkit/net/locate.hpp"

#include <doctest/doctest.h>

#include "krbkit/net/dns_srv.hpp"

using krbkit::Bytes;
using krbkit::Errc;
using namespace krbkit::net;

namespace {
krbkit::config::Profile parse_ok(std::string_view text) {
  auto p = krbkit::config::Profile::parse(text, "krb5.conf");
  REQUIRE(p.ok());
  return std::move(p).value();
}
}  // namespace

TEST_CASE("server entries: host, port, IPv6 and transport prefixes") {
  struct Row {
    const char* entry;
    KdcTarget expected;
  };
  const Row rows[] = {
      {"kdc.example.com", {"kdc.example.com", 88, Transport::any}},
      {"kdc.example.com:750", {"kdc.example.com", 750, Transport::any}},
      {"  kdc.example.com:88  ", {"kdc.example.com", 88, Transport::any}},
      {"udp/kdc.example.com", {"kdc.example.com", 88, Transport::udp}},
      {"TCP/kdc.example.com:1088", {"kdc.example.com", 1088, Transport::tcp}},
      {"[::1]:8888", {"::1", 8888, Transport::any}},
      {"[2001:db8::5]", {"2001:db8::5", 88, Transport::any}},
      {"tcp/[::1]:89", {"::1", 89, Transport::tcp}},
      {"fe80::1", {"fe80::1", 88, Transport::any}},  // a bare IPv6 address, as MIT reads it
      {"127.0.0.1:20088", {"127.0.0.1", 20088, Transport::any}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.entry);
    auto t = parse_server(row.entry);
    REQUIRE(t.ok());
    CHECK(*t == row.expected);
  }
  for (auto bad : {"", "kdc:0", "kdc:65536", "kdc:http", "kdc:", "[::1", "[::1]x", "[::1]:", ":88"}) {
    CAPTURE(bad);
    auto t = parse_server(bad);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().is(Errc::config));
  }
  CHECK(parse_server("kdc:http").error().detail == "'kdc:http': bad port 'http'");
  CHECK(to_string(KdcTarget{"::1", 88, Transport::tcp}) == "tcp/[::1]:88");
  CHECK(to_string(KdcTarget{"kdc.example.com", 88, Transport::any}) == "kdc.example.com:88");
}

TEST_CASE("KDCs, primary, kpasswd and admin servers from krb5.conf") {
  auto p = parse_ok(R"([libdefaults]
    dns_lookup_kdc = false
[realms]
    KRBKIT.TEST = {
        kdc = kdc1.krbkit.test
        kdc = tcp/kdc2.krbkit.test:8888
        master_kdc = kdc1.krbkit.test
        admin_server = admin.krbkit.test
    }
    OTHER.TEST = {
        kdc = kdc.other.test
        primary_kdc = primary.other.test
        kpasswd_server = pw.other.test:1464
        admin_server = admin.other.test:7749
    }
    BROKEN.TEST = {
        kdc = kdc.broken.test:99999
    }
)");
  auto kdcs = locate(p, "KRBKIT.TEST");
  REQUIRE(kdcs.ok());
  CHECK(*kdcs == std::vector<KdcTarget>{{"kdc1.krbkit.test", 88, Transport::any},
                                        {"kdc2.krbkit.test", 8888, Transport::tcp}});
  CHECK(locate(p, "KRBKIT.TEST", {Service::primary_kdc, std::nullopt}).value() ==
        std::vector<KdcTarget>{{"kdc1.krbkit.test", 88, Transport::any}});
  CHECK(locate(p, "OTHER.TEST", {Service::primary_kdc, std::nullopt}).value() ==
        std::vector<KdcTarget>{{"primary.other.test", 88, Transport::any}});
  // kpasswd: its own entry, else the admin server's host at port 464.
  CHECK(locate(p, "OTHER.TEST", {Service::kpasswd, std::nullopt}).value() ==
        std::vector<KdcTarget>{{"pw.other.test", 1464, Transport::any}});
  CHECK(locate(p, "KRBKIT.TEST", {Service::kpasswd, std::nullopt}).value() ==
        std::vector<KdcTarget>{{"admin.krbkit.test", 464, Transport::any}});
  CHECK(locate(p, "OTHER.TEST", {Service::admin, std::nullopt}).value() ==
        std::vector<KdcTarget>{{"admin.other.test", 7749, Transport::tcp}});
  CHECK(locate(p, "KRBKIT.TEST", {Service::admin, std::nullopt}).value() ==
        std::vector<KdcTarget>{{"admin.krbkit.test", 749, Transport::tcp}});

  auto broken = locate(p, "BROKEN.TEST");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().detail == "[realms] BROKEN.TEST kdc: 'kdc.broken.test:99999': bad port '99999'");
}

TEST_CASE("without krb5.conf entries or DNS: the realm name itself") {
  auto p = parse_ok("[libdefaults]\n  dns_lookup_kdc = false\n");
  CHECK(locate(p, "EXAMPLE.ORG").value() ==
        std::vector<KdcTarget>{{"EXAMPLE.ORG", 88, Transport::any, /*realm_name=*/true}});
  // MIT's words when nothing is known, then where we looked.
  auto primary = locate(p, "EXAMPLE.ORG", {Service::primary_kdc, std::nullopt});
  REQUIRE_FALSE(primary.ok());
  CHECK(primary.error().is(Errc::no_kdc));
  CHECK(primary.error().message() ==
        "Cannot find primary KDC for realm \"EXAMPLE.ORG\" (no primary_kdc or master_kdc in krb5.conf, and "
        "dns_lookup_kdc = false)");
  auto admin = locate(p, "EXAMPLE.ORG", {Service::admin, false});
  REQUIRE_FALSE(admin.ok());
  CHECK(admin.error().message() ==
        "Cannot find admin server for realm \"EXAMPLE.ORG\" (no admin_server in krb5.conf)");
  auto kpasswd = locate(p, "EXAMPLE.ORG", {Service::kpasswd, false});
  REQUIRE_FALSE(kpasswd.ok());
  CHECK(kpasswd.error().summary == "Cannot find password server for realm \"EXAMPLE.ORG\"");
  CHECK(kpasswd.error().detail == "no kpasswd_server or admin_server in krb5.conf");
}

TEST_CASE("the errors when no server is found or none answers start with MIT's words") {
  auto lost = unreachable_error(Service::kdc, "KRBKIT.TEST",
                                {"udp 127.0.0.1:88 (no reply)", "tcp 127.0.0.1:88 (Connection refused)"});
  CHECK(lost.is(Errc::no_kdc));
  CHECK(
      lost.message() ==
      "Cannot contact any KDC for realm 'KRBKIT.TEST' (tried: udp 127.0.0.1:88 (no reply), tcp 127.0.0.1:88 "
      "(Connection refused))");
  CHECK(unreachable_error(Service::kpasswd, "R", {}).message() ==
        "Cannot contact any password server for realm 'R' (tried: nothing)");
  auto none = not_found_error(Service::kdc, "NOWHERE.INVALID", "why");
  CHECK(none.is(Errc::no_kdc));
  CHECK(none.message() == "Cannot find KDC for realm \"NOWHERE.INVALID\" (why)");
}

namespace {
// A DNS response to "_kerberos._udp.KRBKIT.TEST SRV" with the given records
// (priority, weight, port, target), the target names uncompressed.
Bytes srv_response(const std::vector<SrvRecord>& records) {
  Bytes m = {0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, static_cast<std::uint8_t>(records.size()),
             0x00, 0x00, 0x00, 0x00};
  auto put_name = [&](std::string_view name) {
    while (!name.empty()) {
      auto dot = name.find('.');
      auto label = name.substr(0, dot);
      m.push_back(static_cast<std::uint8_t>(label.size()));
      m.insert(m.end(), label.begin(), label.end());
      name = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
    }
    m.push_back(0);
  };
  put_name("_kerberos._udp.KRBKIT.TEST");
  krbkit::put_u16be(m, 33);  // SRV
  krbkit::put_u16be(m, 1);   // IN
  for (const auto& r : records) {
    m.push_back(0xc0);  // pointer to the question name
    m.push_back(12);
    krbkit::put_u16be(m, 33);
    krbkit::put_u16be(m, 1);
    krbkit::put_u32be(m, 300);
    Bytes rdata;
    krbkit::put_u16be(rdata, r.priority);
    krbkit::put_u16be(rdata, r.weight);
    krbkit::put_u16be(rdata, r.port);
    std::swap(m, rdata);
    put_name(r.target);
    std::swap(m, rdata);
    krbkit::put_u16be(m, static_cast<std::uint16_t>(rdata.size()));
    m.insert(m.end(), rdata.begin(), rdata.end());
  }
  return m;
}

// A DNS response to "_kerberos.KRBKIT.TEST URI" with the given records.
Bytes uri_response(const std::vector<UriRecord>& records) {
  Bytes m = {0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, static_cast<std::uint8_t>(records.size()),
             0x00, 0x00, 0x00, 0x00};
  for (std::string_view label : {"_kerberos", "KRBKIT", "TEST"}) {
    m.push_back(static_cast<std::uint8_t>(label.size()));
    m.insert(m.end(), label.begin(), label.end());
  }
  m.push_back(0);
  krbkit::put_u16be(m, 256);  // URI
  krbkit::put_u16be(m, 1);    // IN
  for (const auto& r : records) {
    m.push_back(0xc0);
    m.push_back(12);
    krbkit::put_u16be(m, 256);
    krbkit::put_u16be(m, 1);
    krbkit::put_u32be(m, 300);
    krbkit::put_u16be(m, static_cast<std::uint16_t>(4 + r.target.size()));
    krbkit::put_u16be(m, r.priority);
    krbkit::put_u16be(m, r.weight);
    m.insert(m.end(), r.target.begin(), r.target.end());
  }
  return m;
}
}  // namespace

TEST_CASE("DNS URI answers: the target is the rest of the record, ordered as SRV") {
  auto answer = uri_response({{20, 0, "krb5srv::tcp:backup.krbkit.test"},
                              {10, 1, "krb5srv:m:udp:kdc1.krbkit.test:750"},
                              {10, 9, "krb5srv::kkdcp:https://proxy.krbkit.test/KdcProxy"}});
  auto records = parse_uri_answer(answer);
  REQUIRE(records.ok());
  CHECK(*records == std::vector<UriRecord>{{10, 9, "krb5srv::kkdcp:https://proxy.krbkit.test/KdcProxy"},
                                           {10, 1, "krb5srv:m:udp:kdc1.krbkit.test:750"},
                                           {20, 0, "krb5srv::tcp:backup.krbkit.test"}});
  Bytes cut(answer.begin(), answer.end() - 3);
  CHECK(parse_uri_answer(cut).error().is(Errc::parse));
  Bytes short_record = uri_response({{1, 2, ""}});
  short_record[short_record.size() - 5] = 3;  // RDLENGTH 3: no room for priority and weight
  short_record.pop_back();
  auto refused = parse_uri_answer(short_record);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().detail == "DNS URI answer: record 0 too short");
}

TEST_CASE("krb5srv URIs as MIT reads them: flags, transport, host and port") {
  auto primary = parse_krb5srv_uri("krb5srv:m:udp:kdc1.krbkit.test:750", 88);
  REQUIRE(primary.ok());
  CHECK(primary->primary);
  CHECK(primary->target == KdcTarget{"kdc1.krbkit.test", 750, Transport::udp});
  auto plain = parse_krb5srv_uri("KRB5SRV::TCP:[::1]", 464);
  REQUIRE(plain.ok());
  CHECK_FALSE(plain->primary);
  CHECK(plain->target == KdcTarget{"::1", 464, Transport::tcp});
  for (auto bad : {"krb5srv", "krb5srv:", "krb5srv:m", "krb5srv:m:sctp:kdc", "krb5srv::udp:", "http://kdc",
                   "krb5srv::kkdcp:kdc.krbkit.test", "krb5srv::udp:kdc:99999", "krb5srv::kkdcp:https://"}) {
    CAPTURE(bad);
    auto r = parse_krb5srv_uri(bad, 88);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::parse));
  }
  CHECK(parse_krb5srv_uri("krb5srv::udp:kdc:99999", 88).error().detail ==
        "'krb5srv::udp:kdc:99999': 'udp/kdc:99999': bad port '99999'");
}

TEST_CASE("DNS SRV answers are ordered by priority, then weight") {
  auto answer = srv_response({{20, 0, 88, "backup.krbkit.test"},
                              {10, 5, 88, "kdc2.krbkit.test"},
                              {10, 50, 750, "kdc1.krbkit.test"}});
  auto records = parse_srv_answer(answer);
  REQUIRE(records.ok());
  CHECK(*records == std::vector<SrvRecord>{{10, 50, 750, "kdc1.krbkit.test"},
                                           {10, 5, 88, "kdc2.krbkit.test"},
                                           {20, 0, 88, "backup.krbkit.test"}});
  // "." means the service is not offered here.
  auto none = parse_srv_answer(srv_response({{0, 0, 0, ""}}));
  REQUIRE(none.ok());
  CHECK(none->empty());
  // Truncated messages are errors, not crashes.
  Bytes cut(answer.begin(), answer.begin() + static_cast<std::ptrdiff_t>(answer.size() - 5));
  CHECK(parse_srv_answer(cut).error().is(Errc::parse));
  CHECK_FALSE(parse_srv_answer(Bytes{1, 2, 3}).ok());
  // Strict: a target name that does not fill its RDATA (RDLENGTH counts two
  // bytes more than the record holds) is refused, not read up to its end.
  Bytes one = srv_response({{0, 0, 88, "kdc.krbkit.test"}});
  REQUIRE(parse_srv_answer(one).ok());
  const std::size_t rdlen_at = one.size() - (6 + 17) - 2;  // 6 fixed bytes, 17 of name
  REQUIRE(krbkit::get_u16be(one.data() + rdlen_at) == 6 + 17);
  one[rdlen_at + 1] += 2;
  one.push_back(0);
  one.push_back(0);
  auto longer = parse_srv_answer(one);
  REQUIRE_FALSE(longer.ok());
  CHECK(longer.error().detail == "DNS SRV answer: bad target name in record 0");
}
