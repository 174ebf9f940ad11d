// krb5.conf value types: booleans, durations, enctype lists.
#include "krbkit/config/values.hpp"

#include <doctest/doctest.h>

using namespace krbkit::config;
using krbkit::Enctype;
using std::chrono::seconds;

TEST_CASE("booleans as MIT accepts them") {
  for (auto yes : {"y", "yes", "true", "t", "1", "on", "YES", "True", "ON"}) {
    CAPTURE(yes);
    CHECK(parse_bool(yes) == true);
  }
  for (auto no : {"n", "no", "false", "nil", "0", "off", "No", "FALSE", "Off"}) {
    CAPTURE(no);
    CHECK(parse_bool(no) == false);
  }
  for (auto bad : {"", "maybe", "2", "yess", " yes", "enabled"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_bool(bad).has_value());
  }
}

TEST_CASE("durations in every MIT form") {
  struct Row {
    const char* text;
    long long secs;
  };
  const Row rows[] = {
      {"36000", 36000},
      {"0", 0},
      {"-5", -5},
      {"10h", 36000},
      {"10m", 600},
      {"45s", 45},
      {"1d", 86400},
      {"1d 2h 3m", 93780},
      {"1d2h3m4s", 93784},
      {"2h30m", 9000},
      {"1d 30s", 86430},
      {"5m 10s", 310},
      {"10:00", 36000},
      {"10:00:00", 36000},
      {"1:02:03", 3723},
      {"100:30", 361800},
      {"1-10:00:00", 122400},
      {"1d10:00", 122400},
      {"1d10:00:30", 122430},
      {" 10h ", 36000},
      {"-1d", -86400},
  };
  for (const auto& row : rows) {
    CAPTURE(row.text);
    auto d = parse_duration(row.text);
    REQUIRE(d.has_value());
    CHECK(d->count() == row.secs);
  }
  for (auto bad :
       {"", "h", "10x", "10 h", "10h 2d", "1:2:3:4", "10:000", "1d 2d", "ten", "99999999999", "100000d"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("enctype names and aliases") {
  CHECK(enctype_by_name("aes256-cts-hmac-sha1-96") == Enctype::aes256_cts_hmac_sha1_96);
  CHECK(enctype_by_name("AES256-CTS") == Enctype::aes256_cts_hmac_sha1_96);
  CHECK(enctype_by_name("aes128-sha2") == Enctype::aes128_cts_hmac_sha256_128);
  CHECK(enctype_by_name("rc4-hmac") == Enctype::rc4_hmac);
  CHECK(enctype_by_name("arcfour-hmac-md5") == Enctype::rc4_hmac);
  CHECK(enctype_by_name("camellia256-cts") == Enctype::camellia256_cts_cmac);
  CHECK(enctype_by_name("18") == Enctype::aes256_cts_hmac_sha1_96);
  CHECK_FALSE(enctype_by_name("aes512").has_value());
}

TEST_CASE("enctype lists with DEFAULT, families and +/- modifiers") {
  using E = Enctype;
  auto list = [](std::string_view text, bool weak = false) {
    auto r = parse_enctype_list(text, default_enctypes(), weak, "default_tkt_enctypes");
    REQUIRE(r.ok());
    return r->enctypes;
  };
  CHECK(list("aes256-cts aes128-cts") ==
        std::vector<E>{E::aes256_cts_hmac_sha1_96, E::aes128_cts_hmac_sha1_96});
  CHECK(list("DEFAULT", true) == std::vector<E>(default_enctypes().begin(), default_enctypes().end()));
  CHECK(default_enctypes().size() == 8);
  // des3 is weak in krbkit's table: DEFAULT without allow_weak_crypto drops it.
  CHECK(list("DEFAULT") == std::vector<E>{E::aes256_cts_hmac_sha1_96, E::aes128_cts_hmac_sha1_96,
                                          E::aes256_cts_hmac_sha384_192, E::aes128_cts_hmac_sha256_128,
                                          E::rc4_hmac, E::camellia128_cts_cmac, E::camellia256_cts_cmac});
  CHECK(list("default -des3 -rc4 -camellia", true) ==
        std::vector<E>{E::aes256_cts_hmac_sha1_96, E::aes128_cts_hmac_sha1_96, E::aes256_cts_hmac_sha384_192,
                       E::aes128_cts_hmac_sha256_128});
  CHECK(list("aes") == std::vector<E>{E::aes256_cts_hmac_sha1_96, E::aes128_cts_hmac_sha1_96,
                                      E::aes256_cts_hmac_sha384_192, E::aes128_cts_hmac_sha256_128});
  CHECK(list("aes-sha2,camellia") == std::vector<E>{E::aes256_cts_hmac_sha384_192,
                                                    E::aes128_cts_hmac_sha256_128, E::camellia256_cts_cmac,
                                                    E::camellia128_cts_cmac});
  // Duplicates keep their first position; + is the same as nothing.
  CHECK(list("rc4 +aes128-cts rc4-hmac aes") ==
        std::vector<E>{E::rc4_hmac, E::aes128_cts_hmac_sha1_96, E::aes256_cts_hmac_sha1_96,
                       E::aes256_cts_hmac_sha384_192, E::aes128_cts_hmac_sha256_128});
  // Weak enctypes need allow_weak_crypto.
  CHECK(list("des3-cbc-sha1 aes256-cts arcfour-hmac-exp") == std::vector<E>{E::aes256_cts_hmac_sha1_96});
  CHECK(list("des3 aes256-cts", true) == std::vector<E>{E::des3_cbc_sha1, E::aes256_cts_hmac_sha1_96});

  // Unknown words, and single DES which krbkit does not implement, are ignored as MIT ignores them.
  auto unknown = parse_enctype_list("bogus des-cbc-crc aes256-cts", default_enctypes(), true);
  REQUIRE(unknown.ok());
  CHECK(unknown->unknown == std::vector<std::string>{"bogus", "des-cbc-crc"});

  auto empty = parse_enctype_list("aes -aes des3", default_enctypes(), false, "permitted_enctypes");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().is(krbkit::Errc::unsupported_enctype));
  CHECK(empty.error().detail == "no permitted encryption type in permitted_enctypes 'aes -aes des3'");
}
