// kadm5 XDR layouts (golden bytes from the MIT 1.20.1 capture in
// shared/protocols/kadmin-mit.md 5), MIT's messages and output formats.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "krbkit/config/profile.hpp"
#include "krbkit/kadm5/auth.hpp"
#include "krbkit/kadm5/errors.hpp"
#include "krbkit/kadm5/format.hpp"
#include "krbkit/kadm5/wire.hpp"

using namespace krbkit;
using namespace krbkit::kadm5;

namespace {

// GET_PRINCIPAL reply body for alice@KRBKIT.TEST after the seq word (kadmin-mit.md 5.E).
Bytes alice_reply() {
  return hex(
      "12345704"
      "00000000"
      "00000012"
      "616c696365404b52424b49542e544553"
      "54000000"  // "alice@KRBKIT.TEST\0"
      "00000000"
      "6b020486"
      "00000000"
      "00008ca0"
      "00000000"
      "00000017"
      "726f6f742f61646d696e404b52424b49542e5445535400"
      "00"  // pad to 24
      "6b020486"
      "00000080"
      "00000001"
      "00000001"
      "00000000"
      "00000000"
      "00093a80"
      "00000000"
      "00000000"
      "00000000"
      "00000002"
      "00000000"
      "00000001"
      "00000002"
      "00000001"
      "00000001"
      "00000012"
      "00000001"
      "00000001"
      "00000017");
}

}  // namespace

TEST_CASE("nullstrings count their NUL; length 0 is absent") {
  rpc::XdrWriter w;
  wire::put_nullstring(w, std::string_view("ab"));
  wire::put_nullstring(w, std::nullopt);
  wire::put_nullstring(w, std::string_view(""));
  CHECK(to_hex(w.bytes()) ==
        "00000003"
        "61620000"
        "00000000"
        "00000001"
        "00000000");
  rpc::XdrReader r(w.bytes());
  CHECK(wire::get_nullstring(r, "a") == "ab");
  CHECK(wire::get_nullstring(r, "b") == std::nullopt);
  CHECK(wire::get_nullstring(r, "c") == "");
  const Bytes unterminated =
      hex("00000002"
          "61620000");
  rpc::XdrReader bad(unterminated, "x");
  wire::get_nullstring(bad, "name");
  CHECK(bad.status().error().detail == "x.name: string is not NUL-terminated or holds a NUL");
}

TEST_CASE("a get_principal reply decodes field by field") {
  const Bytes reply = alice_reply();
  rpc::XdrReader r(reply, "gprinc_ret");
  CHECK(r.u32("av") == kApiVersion4);
  CHECK(r.u32("code") == 0);
  PrincipalEntry p = wire::get_principal_entry(r);
  REQUIRE(r.finish().ok());
  CHECK(p.principal == "alice@KRBKIT.TEST");
  CHECK(p.last_pwd_change == 0x6b020486);
  CHECK(p.max_life == 36000);
  CHECK(p.mod_name == "root/admin@KRBKIT.TEST");
  CHECK(p.attributes == 0x80);
  CHECK(p.max_renewable_life == 604800);
  CHECK(p.n_key_data == 2);
  REQUIRE(p.key_data.size() == 2);
  CHECK(p.key_data[0] == KeyInfo{1, 1, 18, 0});
  CHECK(p.key_data[1].enctype == 23);

  SUBCASE("getprinc prints it as MIT's kadmin does") {
    setenv("TZ", "UTC", 1);
    tzset();
    CHECK(format_principal(p, false) ==
          "Principal: alice@KRBKIT.TEST\n"
          "Expiration date: [never]\n"
          "Last password change: Sat Nov 21 20:52:22 UTC 2026\n"
          "Password expiration date: [never]\n"
          "Maximum ticket life: 0 days 10:00:00\n"
          "Maximum renewable life: 7 days 00:00:00\n"
          "Last modified: Sat Nov 21 20:52:22 UTC 2026 (root/admin@KRBKIT.TEST)\n"
          "Last successful authentication: [never]\n"
          "Last failed authentication: [never]\n"
          "Failed password attempts: 0\n"
          "Number of keys: 2\n"
          "Key: vno 1, aes256-cts-hmac-sha1-96\n"
          "Key: vno 1, DEPRECATED:arcfour-hmac\n"
          "MKey: vno 1\n"
          "Attributes: REQUIRES_PRE_AUTH\n"
          "Policy: [none]\n");
    CHECK(
        format_principal_terse(p) ==
        "\"alice@KRBKIT.TEST\"\t0\t1795294342\t0\t36000\t\"root/admin@KRBKIT.TEST\"\t1795294342\t128\t1\t1\t"
        "\"[none]\"\t604800\t0\t0\t0\t2\t1\t1\t18\t0\t1\t1\t23\t0\n");
  }
  SUBCASE("re-encoded for MODIFY, keys and mod_name are left out") {
    rpc::XdrWriter w;
    wire::put_principal_entry(w, p);
    rpc::XdrReader back(w.bytes());
    PrincipalEntry q = wire::get_principal_entry(back);
    CHECK(back.finish().ok());
    CHECK(q.principal == p.principal);
    CHECK_FALSE(q.mod_name);
    CHECK(q.key_data.empty());
  }
}

TEST_CASE("policy records grow with the API version") {
  PolicyEntry pol;
  pol.name = "testpol";
  pol.pw_min_length = 8;
  rpc::XdrWriter v2, v3, v4;
  wire::put_policy_entry(v2, pol, kApiVersion2);
  wire::put_policy_entry(v3, pol, kApiVersion3);
  wire::put_policy_entry(v4, pol, kApiVersion4);
  // "testpol\0" + 6 words; v3 adds 3; v4 adds 4 words, a NULL keysalt string and the tl_data nulltype.
  CHECK(v2.size() == 12 + 6 * 4);
  CHECK(v3.size() == v2.size() + 12);
  CHECK(v4.size() == v3.size() + 6 * 4);
  rpc::XdrReader r(v4.bytes());
  PolicyEntry back = wire::get_policy_entry(r, kApiVersion4);
  CHECK(r.finish().ok());
  CHECK(back == pol);
}

TEST_CASE("kadm5 codes carry MIT's messages") {
  CHECK(Error{Code::auth_add}.code.message() == "Operation requires ``add'' privilege");
  CHECK(server_code(0x029c250c).message() == "Principal does not exist");
  CHECK(server_code(0x029c2527) == make_error_code(Code::new_server_api_version));
  CHECK(server_code(0x029c253c).message() == "Operation requires ``extract-keys'' privilege");
  CHECK(server_code(22).message() == "Invalid argument");
  CHECK(server_code(0x7777777).message() == "Unknown code 125269879");
}

TEST_CASE("durations, dates and attribute names") {
  CHECK(format_duration(36000) == "0 days 10:00:00");
  CHECK(format_duration(86400) == "1 day 00:00:00");
  CHECK(format_duration(-5) == "-0 days 00:00:05");
  const std::time_t now = 1795314319;
  CHECK(parse_duration("10h", now).value() == 36000);
  CHECK(parse_duration("1d2h30m", now).value() == 95400);
  CHECK(parse_duration("90", now).value() == 90);
  CHECK(parse_duration("2:30", now).value() == 9000);
  CHECK(parse_duration("1-00:00:01", now).value() == 86401);
  CHECK(parse_duration("3 days", now).value() == 3 * 86400);
  CHECK(parse_duration("never", now).value() == 0);
  CHECK_FALSE(parse_duration("soon", now).ok());
  setenv("TZ", "UTC", 1);
  tzset();
  CHECK(parse_date("2030-01-02 03:04:05", now).value() == 1893553445);
  CHECK(parse_date("01/02/2030", now).value() == 1893542400);
  CHECK(parse_date("now + 1 day", now).value() == now + 86400);
  CHECK(parse_date("never", now).value() == 0);
  CHECK(parse_date("tomorrow", now).value() == now + 86400);
  CHECK(parse_date("today", now).value() == now);
  // A zone after the date: UTC whatever the local time zone is.
  setenv("TZ", "EST5", 1);  // POSIX form: no tz database needed
  tzset();
  CHECK(parse_date("2030-01-02 03:04:05 UTC", now).value() == 1893553445);
  CHECK(parse_date("2030-01-02 GMT", now).value() == 1893542400);
  CHECK(parse_date("2030-01-02 03:04:05", now).value() == 1893553445 + 5 * 3600);
  CHECK_FALSE(parse_date("2030-01-02 03:04:05 PST8", now).ok());
  setenv("TZ", "UTC", 1);
  tzset();

  std::int32_t a = 0;
  REQUIRE(apply_flag_spec("-allow_tix", a).ok());
  CHECK(a == 0x40);
  REQUIRE(apply_flag_spec("+allow-tix", a).ok());
  CHECK(a == 0);
  REQUIRE(apply_flag_spec("+requires_preauth", a).ok());
  REQUIRE(apply_flag_spec("needchange", a).ok());
  CHECK(a == 0x280);
  CHECK(attribute_names(a) == std::vector<std::string>{"REQUIRES_PRE_AUTH", "REQUIRES_PWCHANGE"});
  CHECK(attribute_names(0x01000000) == std::vector<std::string>{"0x01000000"});
  CHECK_FALSE(apply_flag_spec("+no_such_flag", a).ok());

  auto ks = parse_key_salts("aes256-cts-hmac-sha1-96:normal,aes128-cts:norealm");
  REQUIRE(ks.ok());
  CHECK(*ks ==
        std::vector<KeySalt>{{Enctype::aes256_cts_hmac_sha1_96, 0}, {Enctype::aes128_cts_hmac_sha1_96, 2}});
  CHECK_FALSE(parse_key_salts("aes999").ok());
  CHECK(format_privileges(0xffffffff) == "current privileges: INQUIRE ADD MODIFY DELETE\n");
}

TEST_CASE("kadmin/<host> fallback: the host as MIT's krb5_expand_hostname makes it") {
  auto host = [](std::string_view libdefaults, std::string_view name) {
    auto profile = config::Profile::parse("[libdefaults]\n" + std::string(libdefaults));
    REQUIRE_MESSAGE(profile.ok(), profile.error().message());
    return admin_service_host(*profile, name);
  };
  // Without DNS (false, and fallback, which MIT's expansion treats as false):
  // lower case, no trailing dot, a one-label name qualified.
  for (std::string_view mode : {"false", "fallback"}) {
    CAPTURE(mode);
    const std::string conf = "dns_canonicalize_hostname = " + std::string(mode) + "\n";
    CHECK(host(conf, "Admin.Example.COM.") == "admin.example.com");
    CHECK(host(conf, "127.0.0.1") == "127.0.0.1");
    CHECK(host(conf + "qualify_shortname = example.net\n", "KdcHost") == "kdchost.example.net");
    CHECK(host(conf + "qualify_shortname = example.net\n", "kdc.example.org") == "kdc.example.org");
    CHECK(host(conf + "qualify_shortname = \"\"\n", "KdcHost") == "kdchost");
  }
  // With DNS (numbers and /etc/hosts only here): an address stays an address
  // without rdns; a name found is not qualified.
  CHECK(host("rdns = false\n", "127.0.0.1") == "127.0.0.1");
  CHECK(host("dns_canonicalize_hostname = true\nrdns = false\nqualify_shortname = example.net\n",
             "LOCALHOST") == "localhost");
}
