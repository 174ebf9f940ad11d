// klist -H/--human, --utc and --iso: times for people, with a fixed clock.
// (klist_test.cpp sets TZ=UTC and the C locale for the whole binary.)

#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "krbkit/present/klist.hpp"
#include "krbkit/proto/constants.hpp"
#include "krbkit/proto/messages.hpp"

using namespace krbkit;
using namespace std::chrono_literals;

namespace {

constexpr KerberosTime at(std::int64_t epoch) { return KerberosTime{std::chrono::seconds{epoch}}; }
constexpr std::int64_t kNow = 1795314900;  // 2026-11-22 02:35:00 UTC

Credentials ticket(std::vector<std::string> server, std::int64_t start, std::int64_t end,
                   std::int64_t renew) {
  Credentials c;
  c.client = Principal{NameType::principal, {"alice"}, "KRBKIT.TEST"};
  c.server = Principal{NameType::srv_inst, std::move(server), "KRBKIT.TEST"};
  c.session_key = Key{Enctype::aes256_cts_hmac_sha1_96, SecretBytes(std::string(32, 'k'))};
  c.authtime = c.starttime = at(start);
  c.endtime = at(end);
  c.renew_till = at(renew);
  return c;
}

// A cache as a person checks it: a TGT with 9h59m left and 6d 2h of renewal,
// a service ticket about to go (7 minutes), one under an hour, one expired.
ccache::CacheContents cache_at_now() {
  ccache::CacheContents cc;
  cc.default_principal = Principal{NameType::principal, {"alice"}, "KRBKIT.TEST"};
  cc.creds.push_back(
      ticket({"krbtgt", "KRBKIT.TEST"}, kNow - 60, kNow + 35940, kNow + 6 * 86400 + 2 * 3600 + 1800));
  cc.creds.push_back(ticket({"host", "soon"}, kNow - 3600, kNow + 420, 0));
  cc.creds.push_back(ticket({"host", "hour"}, kNow - 3600, kNow + 1800, 0));
  cc.creds.push_back(ticket({"host", "gone"}, kNow - 7200, kNow - 300, 0));
  return cc;
}

}  // namespace

TEST_CASE("relative times: two units at most, 'in' ahead and 'ago' behind") {
  CHECK(present::relative_duration(45s) == "45s");
  CHECK(present::relative_duration(12min + 5s) == "12m");
  CHECK(present::relative_duration(3h + 12min + 40s) == "3h12m");
  CHECK(present::relative_duration(3h) == "3h");
  CHECK(present::relative_duration(6 * 24h + 2h + 30min) == "6d 2h");
  CHECK(present::relative_duration(2 * 24h) == "2d");
  CHECK(present::relative_time(at(kNow + 11520), at(kNow)) == "in 3h12m");
  CHECK(present::relative_time(at(kNow - 300), at(kNow)) == "5m ago");
  CHECK(present::relative_time(at(kNow), at(kNow)) == "now");
}

TEST_CASE("klist -H: MIT's columns with relative times, renewal as a duration") {
  const auto tf = present::TimeFormat::with_style(present::TimeStyle::human, at(kNow));
  CHECK(present::cache_text("FILE:/tmp/cc", cache_at_now(), {}, tf) ==
        "Ticket cache: FILE:/tmp/cc\n"
        "Default principal: alice@KRBKIT.TEST\n"
        "\n"
        "Valid starting   Expires          Service principal\n"
        "1m ago           in 9h59m         krbtgt/KRBKIT.TEST@KRBKIT.TEST\n"
        "\trenewable for 6d 2h\n"
        "1h ago           in 7m            host/soon@KRBKIT.TEST\n"
        "1h ago           in 30m           host/hour@KRBKIT.TEST\n"
        "2h ago           5m ago           host/gone@KRBKIT.TEST\n");
}

TEST_CASE("klist -H with colour: red under 10 minutes, yellow under an hour, dim once expired") {
  const auto tf = present::TimeFormat::with_style(present::TimeStyle::human, at(kNow), true);
  const std::string text = present::cache_text("FILE:/tmp/cc", cache_at_now(), {}, tf);
  CHECK(text.find("in 9h59m         krbtgt") != std::string::npos);  // plenty left: no colour
  CHECK(text.find("\x1b[31min 7m\x1b[0m" + std::string(12, ' ') + "host/soon") != std::string::npos);
  CHECK(text.find("\x1b[33min 30m\x1b[0m" + std::string(11, ' ') + "host/hour") != std::string::npos);
  CHECK(text.find("\x1b[2m5m ago\x1b[0m" + std::string(11, ' ') + "host/gone") != std::string::npos);
  // Without colour the same cache has no escape at all.
  const auto plain = present::TimeFormat::with_style(present::TimeStyle::human, at(kNow), false);
  CHECK(present::cache_text("FILE:/tmp/cc", cache_at_now(), {}, plain).find('\x1b') == std::string::npos);
}

TEST_CASE("colour: --color always/never win; auto needs a terminal and no NO_COLOR") {
  using present::ColourChoice;
  CHECK(present::use_colour(ColourChoice::automatic, true, std::nullopt));
  CHECK_FALSE(present::use_colour(ColourChoice::automatic, false, std::nullopt));
  CHECK_FALSE(present::use_colour(ColourChoice::automatic, true, std::string("1")));
  CHECK(present::use_colour(ColourChoice::automatic, true, std::string("")));  // no-color.org: empty is unset
  CHECK(present::use_colour(ColourChoice::always, false, std::string("1")));
  CHECK_FALSE(present::use_colour(ColourChoice::never, true, std::nullopt));
}

TEST_CASE("klist --utc and --iso: absolute times in UTC whatever TZ says") {
  setenv("TZ", "XYZ+5", 1);  // five hours behind UTC, no tzdata needed
  tzset();
  const auto utc = present::TimeFormat::with_style(present::TimeStyle::utc, at(kNow));
  const auto iso = present::TimeFormat::with_style(present::TimeStyle::iso, at(kNow));
  const auto local = present::TimeFormat::with_style(present::TimeStyle::mit, at(kNow));
  CHECK(utc.format(at(kNow)) == "11/22/26 02:35:00");
  CHECK(local.format(at(kNow)) == "11/21/26 21:35:00");
  CHECK(iso.format(at(kNow)) == "2026-11-22T02:35:00Z");
  CHECK(iso.renew_until(at(kNow + 60)) == "renew until 2026-11-22T02:36:00Z");
  const std::string text = present::cache_text("FILE:/tmp/cc", cache_at_now(), {}, iso);
  CHECK(text.find("Valid starting        Expires               Service principal\n"
                  "2026-11-22T02:34:00Z  2026-11-22T12:34:00Z  krbtgt") != std::string::npos);
  setenv("TZ", "UTC", 1);
  tzset();
}

TEST_CASE("klist -l -H: each cache's expiry instead of MIT's (Expired)") {
  const auto tf = present::TimeFormat::with_style(present::TimeStyle::human, at(kNow));
  std::vector<present::CollectionRow> rows = {
      {"alice@KRBKIT.TEST", "DIR::/d/tktA", false, true, at(kNow + 3600 * 3)},
      {"bob@KRBKIT.TEST", "DIR::/d/tktB", true, false, at(kNow - 120)}};
  CHECK(present::collection_text(rows, &tf) ==
        "Principal name                 Cache name\n"
        "--------------                 ----------\n"
        "alice@KRBKIT.TEST              DIR::/d/tktA (expires in 3h)\n"
        "bob@KRBKIT.TEST                DIR::/d/tktB (expired 2m ago)\n");
  CHECK(present::collection_text(rows).find("(Expired)") != std::string::npos);  // MIT's layout by default
}

TEST_CASE("klist -k -t -H: entry timestamps relative to now") {
  keytab::Keytab kt;
  kt.entries.push_back({Principal{NameType::srv_inst, {"host", "h"}, "KRBKIT.TEST"}, at(kNow - 3 * 86400), 2,
                        Key{Enctype::aes128_cts_hmac_sha1_96, SecretBytes(Bytes(16, 1))}});
  const auto tf = present::TimeFormat::with_style(present::TimeStyle::human, at(kNow));
  const std::string text = present::keytab_text("FILE:/kt", kt, {true, false, false}, tf);
  CHECK(text.find("   2 3d ago          host/h@KRBKIT.TEST\n") != std::string::npos);
}
