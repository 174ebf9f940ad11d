// klist's presentation: MIT's text layout as golden strings (checked against
// MIT klist 1.20 output in the C locale, TZ=UTC), the -s/--valid-for checks
// and the JSON document.

#include "krbkit/present/klist.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "krbkit/proto/constants.hpp"
#include "krbkit/proto/messages.hpp"

using namespace krbkit;
using namespace std::chrono_literals;

namespace {

struct UtcCLocale {
  UtcCLocale() {
    setenv("TZ", "UTC", 1);
    tzset();
    std::setlocale(LC_ALL, "C");
  }
};
const UtcCLocale utc_c_locale;

constexpr KerberosTime at(std::int64_t epoch) { return KerberosTime{std::chrono::seconds{epoch}}; }
// 2026-11-22 02:35:00 UTC
constexpr std::int64_t kT0 = 1795314900;

Principal princ(std::vector<std::string> comps, std::string realm = "KRBKIT.TEST") {
  return Principal{NameType::principal, std::move(comps), std::move(realm)};
}

Bytes ticket_der(const Principal& server, Enctype etype, std::optional<std::uint32_t> kvno = 1) {
  Ticket t;
  t.realm = server.realm;
  t.sname.name_type = NameType::srv_inst;
  t.sname.name_string = server.components;
  t.enc_part.etype = etype;
  t.enc_part.kvno = kvno;
  t.enc_part.cipher = Bytes(40, 0xAB);
  return encode(t);
}

Credentials cred(const Principal& client, const Principal& server, Enctype skey, Enctype tkt,
                 std::int64_t start, std::int64_t end, std::int64_t renew, std::uint32_t flags) {
  Credentials c;
  c.client = client;
  c.server = server;
  c.session_key = Key{skey, SecretBytes(std::string(32, 'k'))};
  c.authtime = at(start);
  c.starttime = at(start);
  c.endtime = at(end);
  c.renew_till = at(renew);
  c.flags = flags;
  c.ticket = ticket_der(server, tkt);
  return c;
}

ccache::CacheContents sample_cache() {
  namespace tf = ticket_flags;
  ccache::CacheContents cc;
  cc.default_principal = princ({"alice"});
  const auto tgt = princ({"krbtgt", "KRBKIT.TEST"});
  cc.creds.push_back(cred(cc.default_principal, tgt, Enctype::aes256_cts_hmac_sha1_96,
                          Enctype::aes256_cts_hmac_sha1_96, kT0, kT0 + 36000, kT0 + 172800,
                          tf::forwardable | tf::renewable | tf::initial | tf::pre_authent));
  cc.creds.push_back(cred(cc.default_principal, princ({"svc-aes128-sha1", "server.krbkit.test"}),
                          Enctype::aes256_cts_hmac_sha1_96, Enctype::aes128_cts_hmac_sha1_96, kT0,
                          kT0 + 36000, 0, tf::forwardable | tf::pre_authent | tf::transited_policy_checked));
  cc.config_entries.push_back(ccache::make_config_entry(cc.default_principal, "pa_type",
                                                        "krbtgt/KRBKIT.TEST@KRBKIT.TEST", as_bytes("2")));
  return cc;
}

const present::TimeFormat kC(17);

}  // namespace

TEST_CASE("TimeFormat chooses MIT's format and width for the C locale") {
  const auto tf = present::TimeFormat::for_current_locale(at(kT0));
  CHECK(tf.width() == 17);  // "%x %X" is the first of MIT's formats that fits 19 characters
  CHECK(tf.format(at(kT0)) == "11/22/26 02:35:00");
  // A wider column pads; a column too narrow for every format prints nothing, as MIT.
  CHECK(present::TimeFormat(20).format(at(kT0)) == "22 Nov 2026 02:35:00");
  CHECK(present::TimeFormat(22).format(at(kT0)) == "22 Nov 2026 02:35:00  ");
  CHECK(present::TimeFormat(16).format(at(kT0)) == "11/22/26 02:35  ");  // "%x %R"
  CHECK(present::TimeFormat(13).format(at(kT0)) == "202611220235 ");     // "%Y%m%d%H%M"
  CHECK(present::TimeFormat(5).format(at(kT0)).empty());
  CHECK(present::iso8601_utc(at(kT0)) == "2026-11-22T02:35:00Z");
  CHECK(present::human_duration(3725s) == "1h 2m 5s");
  CHECK(present::human_duration(0s) == "0s");
  CHECK(present::human_duration(-90061s) == "-1d 1h 1m 1s");
}

TEST_CASE("TimeFormat's C-locale fast path prints what strftime(\"%x %X\") prints") {
  const present::TimeFormat tf(17);
  for (std::int64_t t = -86400LL * 365 * 60; t < 86400LL * 365 * 400; t += 86400LL * 97 + 3661 * 7) {
    CAPTURE(t);
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    REQUIRE(localtime_r(&tt, &tm) != nullptr);
    char buf[64];
    const auto n = std::strftime(buf, sizeof buf, "%x %X", &tm);
    CHECK(tf.format(at(t)) == std::string(buf, n));
  }
}

TEST_CASE("cache_text: plain listing, as MIT klist") {
  const auto text = present::cache_text("FILE:/tmp/cc", sample_cache(), {}, kC);
  CHECK(text ==
        "Ticket cache: FILE:/tmp/cc\n"
        "Default principal: alice@KRBKIT.TEST\n"
        "\n"
        "Valid starting     Expires            Service principal\n"
        "11/22/26 02:35:00  11/22/26 12:35:00  krbtgt/KRBKIT.TEST@KRBKIT.TEST\n"
        "\trenew until 11/24/26 02:35:00\n"
        "11/22/26 02:35:00  11/22/26 12:35:00  svc-aes128-sha1/server.krbkit.test@KRBKIT.TEST\n");
}

TEST_CASE("cache_text: -f -e -a -n -C, as MIT klist") {
  present::CacheListOptions o;
  o.flags = o.enctypes = o.addresses = o.numeric_addresses = o.config = true;
  auto cc = sample_cache();
  cc.creds[1].addresses = {HostAddress{2, {192, 0, 2, 7}}, HostAddress{24, Bytes(16, 0)},
                           HostAddress{20, {1}}};
  const auto text = present::cache_text("FILE:/tmp/cc", cc, o, kC);
  CHECK(text ==
        "Ticket cache: FILE:/tmp/cc\n"
        "Default principal: alice@KRBKIT.TEST\n"
        "\n"
        "Valid starting     Expires            Service principal\n"
        "config: pa_type(krbtgt/KRBKIT.TEST@KRBKIT.TEST) = 2\n"
        "\tAddresses: (none)\n"
        "11/22/26 02:35:00  11/22/26 12:35:00  krbtgt/KRBKIT.TEST@KRBKIT.TEST\n"
        "\trenew until 11/24/26 02:35:00, Flags: FRIA\n"
        "\tEtype (skey, tkt): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96 \n"
        "\tAddresses: (none)\n"
        "11/22/26 02:35:00  11/22/26 12:35:00  svc-aes128-sha1/server.krbkit.test@KRBKIT.TEST\n"
        "\tFlags: FAT, Etype (skey, tkt): aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96 \n"
        "\tAddresses: 192.0.2.7, ::, unknown addrtype 20\n");
}

TEST_CASE("cache_text -C: config entries where they sit in the file, as MIT klist") {
  present::CacheListOptions o;
  o.config = true;
  auto cc = sample_cache();
  cc.config_entries.push_back(
      ccache::make_config_entry(cc.default_principal, "refresh_time", "", as_bytes("1")));
  cc.config_entries.push_back(ccache::make_config_entry(cc.default_principal, "k", "", as_bytes("x")));
  cc.config_after = {1, 2, 7};  // after the TGT, after the service ticket, and a stale count
  const auto text = present::cache_text("FILE:/tmp/cc", cc, o, kC);
  CHECK(text.substr(text.find("Service principal\n") + 18) ==
        "11/22/26 02:35:00  11/22/26 12:35:00  krbtgt/KRBKIT.TEST@KRBKIT.TEST\n"
        "\trenew until 11/24/26 02:35:00\n"
        "config: pa_type(krbtgt/KRBKIT.TEST@KRBKIT.TEST) = 2\n"
        "11/22/26 02:35:00  11/22/26 12:35:00  svc-aes128-sha1/server.krbkit.test@KRBKIT.TEST\n"
        "config: refresh_time = 1\n"
        "config: k = x\n");
  // Without positions (contents built in memory) they come first, as written.
  cc.config_after.clear();
  const auto first = present::cache_text("FILE:/tmp/cc", cc, o, kC);
  CHECK(first.substr(first.find("Service principal\n") + 18, 8) == "config: ");
  CHECK(first.find("config: k = x\n11/22/26") != std::string::npos);
}

TEST_CASE("cache_text: other client, referral ticket server, deprecated enctype, binary config data") {
  auto cc = sample_cache();
  Credentials other = cc.creds[1].clone();
  other.client = princ({"bob"});
  other.renew_till = at(kT0 + 1000);
  other.session_key.enctype = Enctype::rc4_hmac;
  other.ticket = ticket_der(princ({"krbtgt", "OTHER.TEST"}), Enctype::rc4_hmac);
  cc.creds.clear();
  cc.creds.push_back(std::move(other));
  cc.config_entries.clear();
  cc.config_entries.push_back(ccache::make_config_entry(cc.default_principal, "refresh_time", "",
                                                        as_bytes(std::string_view("a b\x01\xff", 5))));
  present::CacheListOptions o;
  o.flags = o.enctypes = o.config = true;
  CHECK(present::cache_text("DIR::/d/tktX", cc, o, kC) ==
        "Ticket cache: DIR::/d/tktX\n"
        "Default principal: alice@KRBKIT.TEST\n"
        "\n"
        "Valid starting     Expires            Service principal\n"
        "config: refresh_time = a\\040b\\001\\377\n"
        "11/22/26 02:35:00  11/22/26 12:35:00  svc-aes128-sha1/server.krbkit.test@KRBKIT.TEST\n"
        "\tfor client bob@KRBKIT.TEST, renew until 11/22/26 02:51:40, Flags: FAT\n"
        "\tEtype (skey, tkt): DEPRECATED:arcfour-hmac, DEPRECATED:arcfour-hmac \n"
        "\tTicket server: krbtgt/OTHER.TEST@KRBKIT.TEST\n");
}

TEST_CASE("cache_text: long config values wrap after column 72, continuing at column 8, as MIT") {
  ccache::CacheContents cc;
  cc.default_principal = princ({"alice"});
  cc.config_entries.push_back(
      ccache::make_config_entry(cc.default_principal, "k", "", as_bytes(std::string(100, 'x'))));
  present::CacheListOptions o;
  o.config = true;
  const auto text = present::cache_text("FILE:/c", cc, o, kC);
  CHECK(text.substr(text.find("config:")) ==
        "config: k = " + std::string(61, 'x') + "\n        " + std::string(39, 'x') + "\n");
  // Without -C config entries are not shown.
  CHECK(present::cache_text("FILE:/c", cc, {}, kC).find("config:") == std::string::npos);
}

TEST_CASE("cache_text -d: AD types, the label even for none (MIT reads an empty list from files)") {
  auto cc = sample_cache();
  cc.creds[1].authdata = {AuthDataEntry{1, {}}, AuthDataEntry{128, {}}};
  present::CacheListOptions o;
  o.ad_types = true;
  const auto text = present::cache_text("FILE:/c", cc, o, kC);
  CHECK(text.find("\trenew until 11/24/26 02:35:00, AD types: \n") != std::string::npos);
  CHECK(text.find("svc-aes128-sha1/server.krbkit.test@KRBKIT.TEST\n\tAD types: 1, 128\n") !=
        std::string::npos);
}

TEST_CASE("collection_text: MIT's %-30.30s columns and (Expired)") {
  std::vector<present::CollectionRow> rows = {
      {"alice@KRBKIT.TEST", "DIR::/d/tktA", false, true},
      {"a-very-long-principal-name-that-is-cut@KRBKIT.TEST", "DIR::/d/tktB", true, false}};
  CHECK(present::collection_text(rows) ==
        "Principal name                 Cache name\n"
        "--------------                 ----------\n"
        "alice@KRBKIT.TEST              DIR::/d/tktA\n"
        "a-very-long-principal-name-tha DIR::/d/tktB (Expired)\n");
}

TEST_CASE("keytab_text: KVNO Principal table, -t -e -K as MIT") {
  keytab::Keytab kt;
  kt.entries.push_back({princ({"host", "server.krbkit.test"}), at(kT0 - 1), 1,
                        Key{Enctype::aes128_cts_hmac_sha1_96, SecretBytes(Bytes{0x8c, 0xec, 0x0a})}});
  kt.entries.push_back({princ({"host", "server.krbkit.test"}), at(kT0 - 1), 300,
                        Key{Enctype::rc4_hmac, SecretBytes(Bytes{0xdc, 0x3e})}});
  CHECK(present::keytab_text("FILE:/k", kt, {}, kC) ==
        "Keytab name: FILE:/k\n"
        "KVNO Principal\n"
        "---- --------------------------------------------------------------------------\n"
        "   1 host/server.krbkit.test@KRBKIT.TEST\n"
        " 300 host/server.krbkit.test@KRBKIT.TEST\n");
  present::KeytabListOptions o;
  o.timestamps = o.keys = o.enctypes = true;
  CHECK(present::keytab_text("FILE:/k", kt, o, kC) ==
        "Keytab name: FILE:/k\n"
        "KVNO Timestamp         Principal\n"
        "---- ----------------- --------------------------------------------------------\n"
        "   1 11/22/26 02:34:59 host/server.krbkit.test@KRBKIT.TEST (aes128-cts-hmac-sha1-96)  (0x8cec0a)\n"
        " 300 11/22/26 02:34:59 host/server.krbkit.test@KRBKIT.TEST (DEPRECATED:arcfour-hmac)  (0xdc3e)\n");
}

TEST_CASE("cache_is_current: a local TGT decides; without one any current ticket") {
  auto cc = sample_cache();
  CHECK(present::cache_is_current(cc, at(kT0 + 100)));
  CHECK_FALSE(present::cache_is_current(cc, at(kT0 + 36000)));  // endtime must be after now
  // An expired TGT makes the cache expired even with a current service ticket.
  cc.creds[0].endtime = at(kT0 + 10);
  CHECK_FALSE(present::cache_is_current(cc, at(kT0 + 100)));
  // No TGT: the service ticket counts.
  cc.creds.erase(cc.creds.begin());
  CHECK(present::cache_is_current(cc, at(kT0 + 100)));
  cc.creds.clear();
  CHECK_FALSE(present::cache_is_current(cc, at(kT0 + 100)));
}

TEST_CASE("check_tgt_valid_for: enough time left, too little, none") {
  auto cc = sample_cache();
  const auto now = at(kT0 + 3600);  // 9 h left
  CHECK(present::check_tgt_valid_for("FILE:/c", cc, now, 9h).ok());
  auto r = present::check_tgt_valid_for("FILE:/c", cc, now, 9h + 1s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(Errc::credentials_expired));
  CHECK(r.error().detail ==
        "ticket-granting ticket krbtgt/KRBKIT.TEST@KRBKIT.TEST for alice@KRBKIT.TEST in FILE:/c expires at "
        "2026-11-22T12:35:00Z (in 9h), less than the 9h 1s asked for");
  r = present::check_tgt_valid_for("FILE:/c", cc, at(kT0 + 40000), 0s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().detail.find("expired at 2026-11-22T12:35:00Z") != std::string::npos);
  cc.creds.erase(cc.creds.begin());
  r = present::check_tgt_valid_for("FILE:/c", cc, now, 1s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(Errc::no_credentials));
}

TEST_CASE("cache_json: the documented schema, values from the cache") {
  auto cc = sample_cache();
  json::Writer w;
  present::cache_json(w, "FILE:/tmp/cc", "FILE", cc, true, at(kT0 + 36000));
  const auto text = w.finish();
  CAPTURE(text);
  const auto doc = nlohmann::json::parse(text);
  CHECK(doc.at("cache").get<std::string>() == "FILE:/tmp/cc");
  CHECK(doc.at("type").get<std::string>() == "FILE");
  CHECK(doc.at("default_principal").get<std::string>() == "alice@KRBKIT.TEST");
  const auto& creds = doc.at("credentials").get_ref<const nlohmann::json::array_t&>();
  REQUIRE(creds.size() == 2);
  const auto& tgt = creds[0];
  CHECK(tgt.at("client").get<std::string>() == "alice@KRBKIT.TEST");
  CHECK(tgt.at("server").get<std::string>() == "krbtgt/KRBKIT.TEST@KRBKIT.TEST");
  CHECK(tgt.at("start").get<std::string>() == "2026-11-22T02:35:00Z");
  CHECK(tgt.at("start_epoch").get<std::int64_t>() == kT0);
  CHECK(tgt.at("end").get<std::string>() == "2026-11-22T12:35:00Z");
  CHECK(tgt.at("end_epoch").get<std::int64_t>() == kT0 + 36000);
  CHECK(tgt.at("renew_till").get<std::string>() == "2026-11-24T02:35:00Z");
  CHECK(tgt.at("expired").get<bool>());
  REQUIRE(tgt.at("flags").get_ref<const nlohmann::json::array_t&>().size() == 4);
  CHECK(tgt.at("flags").get_ref<const nlohmann::json::array_t&>()[0].get<std::string>() == "forwardable");
  CHECK(tgt.at("flag_letters").get<std::string>() == "FRIA");
  CHECK(tgt.at("session_enctype").get<std::string>() == "aes256-cts-hmac-sha1-96");
  CHECK(tgt.at("ticket_enctype").get<std::string>() == "aes256-cts-hmac-sha1-96");
  CHECK(tgt.at("ticket_kvno").get<std::int64_t>() == 1);
  CHECK_FALSE(tgt.contains("ticket_server"));
  CHECK(creds[1].at("ticket_enctype").get<std::string>() == "aes128-cts-hmac-sha1-96");
  CHECK(creds[1].at("renew_till").is_null());  // null: not renewable
  CHECK(creds[1].at("renew_till_epoch").is_null());
  const auto& config = doc.at("config").get_ref<const nlohmann::json::array_t&>();
  REQUIRE(config.size() == 1);
  CHECK(config[0].at("key").get<std::string>() == "pa_type");
  CHECK(config[0].at("principal").get<std::string>() == "krbtgt/KRBKIT.TEST@KRBKIT.TEST");
  CHECK(config[0].at("value").get<std::string>() == "2");
  CHECK(config[0].at("value_hex").get<std::string>() == "32");

  json::Writer without;
  present::cache_json(without, "FILE:/tmp/cc", "FILE", cc, false, at(kT0));
  CHECK_FALSE(nlohmann::json::parse(without.finish()).contains("config"));
}

TEST_CASE("keytab_json and collection_json") {
  keytab::Keytab kt;
  kt.entries.push_back(
      {princ({"host", "h"}), at(kT0), 7, Key{Enctype::aes128_cts_hmac_sha1_96, SecretBytes(Bytes{1, 2})}});
  json::Writer w;
  present::keytab_json(w, "FILE:/k", kt, false);
  auto doc = nlohmann::json::parse(w.finish());
  CHECK(doc.at("keytab").get<std::string>() == "FILE:/k");
  REQUIRE(doc.at("entries").get_ref<const nlohmann::json::array_t&>().size() == 1);
  const auto& e = doc.at("entries").get_ref<const nlohmann::json::array_t&>()[0];
  CHECK(e.at("kvno").get<std::int64_t>() == 7);
  CHECK(e.at("principal").get<std::string>() == "host/h@KRBKIT.TEST");
  CHECK(e.at("enctype").get<std::string>() == "aes128-cts-hmac-sha1-96");
  CHECK(e.at("timestamp_epoch").get<std::int64_t>() == kT0);
  CHECK_FALSE(e.contains("key"));
  json::Writer wk;
  present::keytab_json(wk, "FILE:/k", kt, true);
  CHECK(nlohmann::json::parse(wk.finish())
            .at("entries")
            .get_ref<const nlohmann::json::array_t&>()[0]
            .at("key")
            .get<std::string>() == "0102");

  json::Writer wc;
  present::collection_json(
      wc, {{"alice@R", "DIR::/d/tktA", false, true}, {"bob@R", "DIR::/d/tktB", true, false}});
  doc = nlohmann::json::parse(wc.finish());
  REQUIRE(doc.at("caches").get_ref<const nlohmann::json::array_t&>().size() == 2);
  CHECK(doc.at("caches").get_ref<const nlohmann::json::array_t&>()[0].at("primary").get<bool>());
  CHECK(doc.at("caches").get_ref<const nlohmann::json::array_t&>()[1].at("expired").get<bool>());
  CHECK(doc.at("caches").get_ref<const nlohmann::json::array_t&>()[1].at("principal").get<std::string>() ==
        "bob@R");
}

TEST_CASE(
    "what klist reads: collection rows, one cache shown or checked, an empty cache file in MIT's words") {
  const auto dir = std::filesystem::temp_directory_path() / ("krbkit_present_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string collection = "DIR:" + dir.string();
  auto primary = ccache::open(collection).value();
  REQUIRE(primary->write(sample_cache()).ok());
  auto other = ccache::new_unique(collection).value();
  auto bob = sample_cache();
  bob.default_principal = princ({"bob"});
  REQUIRE(other->write(bob).ok());
  std::FILE* empty = std::fopen((dir / "tktempty").c_str(), "w");  // as an interrupted kinit leaves
  std::fclose(empty);

  auto rows = present::collection_rows(collection, at(kT0 + 100));
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);  // the empty cache is skipped
  CHECK(rows->front().principal == "alice@KRBKIT.TEST");
  CHECK(rows->front().primary);
  CHECK_FALSE(rows->front().expired);
  CHECK_FALSE(rows->back().primary);

  present::CacheQuery query;
  CHECK(present::show_cache(*primary, query, nullptr, at(kT0 + 100), kC)->text ==
        present::cache_text(primary->name(), sample_cache(), {}, kC));
  query.status = true;
  CHECK(present::show_cache(*primary, query, nullptr, at(kT0 + 100), kC)->text.empty());
  CHECK(present::show_cache(*primary, query, nullptr, at(kT0 + 36000), kC).error().is(Errc::no_credentials));
  query.status = false;
  query.valid_for = Result<std::chrono::seconds>(Error{Errc::invalid_argument, "bad duration"});
  CHECK(present::show_cache(*primary, query, nullptr, at(kT0 + 100), kC).error().detail == "bad duration");
  query.valid_for = Result<std::chrono::seconds>(1h);
  CHECK(present::show_cache(*primary, query, nullptr, at(kT0 + 100), kC)->text.empty());

  auto broken = ccache::open("FILE:" + (dir / "tktempty").string()).value();
  auto read = broken->read();
  REQUIRE_FALSE(read.ok());
  const Error mit = present::cache_error_as_mit(*broken, read.error());
  CHECK(mit.message() == "Bad format in credentials cache (filename: " + (dir / "tktempty").string() + ")");
  CHECK(present::cache_error_as_mit(*other, Error{Errc::ccache_io, "x"}).detail == "x");
  std::filesystem::remove_all(dir);
}
