// The typed [libdefaults] view and realm lookups.
#include "krbkit/config/libdefaults.hpp"

#include <doctest/doctest.h>

#include "krbkit/config/values.hpp"

using namespace krbkit::config;
using krbkit::Enctype;
using std::chrono::seconds;

namespace {
Profile parse_ok(std::string_view text) {
  auto p = Profile::parse(text, "krb5.conf");
  REQUIRE(p.ok());
  return std::move(p).value();
}
}  // namespace

TEST_CASE("MIT's defaults when krb5.conf says nothing") {
  auto d = LibDefaults::from(Profile{});
  REQUIRE(d.ok());
  CHECK_FALSE(d->default_realm.has_value());
  CHECK(d->default_ccache_name == "FILE:/tmp/krb5cc_%{uid}");
  CHECK(d->default_keytab_name == "FILE:/etc/krb5.keytab");
  CHECK(d->ticket_lifetime == seconds(86400));
  CHECK(d->renew_lifetime == seconds(0));
  CHECK(d->clockskew == seconds(300));
  CHECK_FALSE(d->kdc_timeout.has_value());
  CHECK(d->noaddresses);
  CHECK(d->dns_lookup_kdc);
  CHECK_FALSE(d->dns_lookup_realm);
  CHECK_FALSE(d->forwardable);
  CHECK(d->udp_preference_limit == 1465);
  CHECK(d->ccache_type == 4);
  CHECK(d->kdc_timesync);
  CHECK(d->rdns);
  CHECK(d->dns_canonicalize_hostname == DnsCanonicalize::yes);
  // MIT's default list without the weak des3.
  auto expected = std::vector<Enctype>(default_enctypes().begin(), default_enctypes().end());
  std::erase(expected, Enctype::des3_cbc_sha1);
  CHECK(d->default_tkt_enctypes == expected);
  CHECK(d->permitted_enctypes == d->default_tkt_enctypes);
}

TEST_CASE("libdefaults values, with per-realm overrides") {
  auto p = parse_ok(R"([libdefaults]
    default_realm = KRBKIT.TEST
    default_ccache_name = DIR:/run/user/%{uid}/krb5cc
    ticket_lifetime = 10h
    renew_lifetime = 7d
    clockskew = 1:00
    forwardable = yes
    noaddresses = false
    dns_lookup_kdc = off
    udp_preference_limit = 1
    ccache_type = 3
    kdc_timeout = 5s
    dns_canonicalize_hostname = fallback
    default_tkt_enctypes = aes256-sha2 aes128-sha2
    permitted_enctypes = DEFAULT -rc4 -des3
    KRBKIT.TEST = {
        forwardable = false
        ticket_lifetime = 1h
    }
)");
  auto d = LibDefaults::from(p);
  REQUIRE(d.ok());
  CHECK(d->default_realm == "KRBKIT.TEST");
  CHECK(d->default_ccache_name == "DIR:/run/user/%{uid}/krb5cc");
  CHECK(d->ticket_lifetime == seconds(3600));  // the realm's own value
  CHECK_FALSE(d->forwardable);                 // likewise
  CHECK(d->renew_lifetime == seconds(7 * 86400));
  CHECK(d->clockskew == seconds(3600));
  CHECK_FALSE(d->noaddresses);
  CHECK_FALSE(d->dns_lookup_kdc);
  CHECK(d->udp_preference_limit == 1);
  CHECK(d->ccache_type == 3);
  CHECK(d->kdc_timeout == seconds(5));
  CHECK(d->dns_canonicalize_hostname == DnsCanonicalize::fallback);
  CHECK(d->default_tkt_enctypes ==
        std::vector<Enctype>{Enctype::aes256_cts_hmac_sha384_192, Enctype::aes128_cts_hmac_sha256_128});
  CHECK(d->permitted_enctypes.size() == 6);  // DEFAULT (without des3, weak) minus rc4
  CHECK(d->permitted_enctypes.back() == Enctype::camellia256_cts_cmac);
  // Another realm gets the [libdefaults] values.
  auto other = LibDefaults::from(p, "OTHER.TEST");
  REQUIRE(other.ok());
  CHECK(other->forwardable);
  CHECK(other->ticket_lifetime == seconds(36000));
}

TEST_CASE("bad libdefaults values are errors naming file, line and relation") {
  auto d = LibDefaults::from(parse_ok("[libdefaults]\n  renew_lifetime = forever\n"));
  REQUIRE_FALSE(d.ok());
  CHECK(d.error().detail == "krb5.conf:2: invalid duration 'forever' for libdefaults.renew_lifetime");
  auto e = LibDefaults::from(parse_ok("[libdefaults]\n  default_tgs_enctypes = des3-cbc-sha1\n"));
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().detail ==
        "krb5.conf:2: no permitted encryption type in default_tgs_enctypes 'des3-cbc-sha1'");
  auto c = LibDefaults::from(parse_ok("[libdefaults]\n  ccache_type = 5\n"));
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().detail == "krb5.conf:2: ccache_type must be 1 to 4, not 5");
  auto h = LibDefaults::from(parse_ok("[libdefaults]\n  dns_canonicalize_hostname = sometimes\n"));
  REQUIRE_FALSE(h.ok());
}

TEST_CASE("domain_realm maps hosts to realms, most specific first") {
  auto p = parse_ok(R"([domain_realm]
    exact.example.com = EXACT.TEST
    .example.com = DOTTED.TEST
    example.com = BARE.TEST
    .sub.example.com = SUB.TEST
)");
  CHECK(host_realm(p, "exact.example.com") == "EXACT.TEST");
  CHECK(host_realm(p, "EXACT.Example.COM.") == "EXACT.TEST");
  CHECK(host_realm(p, "www.example.com") == "DOTTED.TEST");
  CHECK(host_realm(p, "example.com") == "BARE.TEST");
  CHECK(host_realm(p, "a.b.sub.example.com") == "SUB.TEST");
  CHECK(host_realm(p, "sub.example.com") == "DOTTED.TEST");
  CHECK_FALSE(host_realm(p, "example.org").has_value());
  CHECK(fallback_host_realm("kdc.example.org") == "EXAMPLE.ORG");
  CHECK(fallback_host_realm("localhost") == "");
}

TEST_CASE(
    "noaddresses with a word MIT does not know is false, as MIT's krb5int_libdefault_boolean reads it") {
  for (const std::string word : {"maybe", "2", "enabled"}) {
    CAPTURE(word);
    auto d = LibDefaults::from(parse_ok("[libdefaults]\n  noaddresses = " + word + "\n"));
    REQUIRE_MESSAGE(d.ok(), d.error().message());
    CHECK_FALSE(d->noaddresses);
  }
  // The known words, any case; the realm's own value first, even an unknown one.
  CHECK(LibDefaults::from(parse_ok("[libdefaults]\n  noaddresses = ON\n"))->noaddresses);
  CHECK_FALSE(LibDefaults::from(parse_ok("[libdefaults]\n  noaddresses = Nil\n"))->noaddresses);
  auto realm =
      LibDefaults::from(parse_ok("[libdefaults]\n  default_realm = R\n  noaddresses = true\n"
                                 "  R = {\n    noaddresses = maybe\n  }\n"));
  REQUIRE(realm.ok());
  CHECK_FALSE(realm->noaddresses);
}

TEST_CASE("libdefault_boolean reads as MIT's krb5int_libdefault_boolean: unknown words are false") {
  for (const std::string word : {"y", "YES", "true", "T", "1", "On"}) {
    CAPTURE(word);
    CHECK(libdefault_boolean(parse_ok("[libdefaults]\n  forwardable = " + word + "\n"), {}, "forwardable",
                             false));
  }
  for (const std::string word : {"n", "No", "FALSE", "nil", "0", "off", "maybe", "2", "enabled"}) {
    CAPTURE(word);
    CHECK_FALSE(libdefault_boolean(parse_ok("[libdefaults]\n  forwardable = " + word + "\n"), {},
                                   "forwardable", true));
  }
  // Absent: the default, either way.
  auto empty = parse_ok("[libdefaults]\n  proxiable = yes\n");
  CHECK(libdefault_boolean(empty, {}, "forwardable", true));
  CHECK_FALSE(libdefault_boolean(empty, {}, "forwardable", false));
  // The realm's own value first, even one MIT does not know; other realms get [libdefaults].
  auto realm = parse_ok("[libdefaults]\n  forwardable = true\n  R = {\n    forwardable = maybe\n  }\n");
  CHECK_FALSE(libdefault_boolean(realm, "R", "forwardable", true));
  CHECK(libdefault_boolean(realm, "OTHER", "forwardable", false));
  CHECK(libdefault_boolean(realm, {}, "forwardable", false));
}

TEST_CASE("forwardable, proxiable, canonicalize = maybe are false, not a config error") {
  auto d = LibDefaults::from(
      parse_ok("[libdefaults]\n  default_realm = R\n  forwardable = maybe\n"
               "  proxiable = maybe\n  canonicalize = maybe\n  R = {\n    proxiable = yes\n  }\n"));
  REQUIRE_MESSAGE(d.ok(), d.error().message());
  CHECK_FALSE(d->forwardable);
  CHECK(d->proxiable);  // the realm's value
  CHECK_FALSE(d->canonicalize);
}

TEST_CASE(
    "allow_weak_crypto, allow_rc4 read as MIT's profile_get_boolean: [libdefaults] only, unknown is an "
    "error") {
  auto bad = LibDefaults::from(parse_ok("[libdefaults]\n  allow_weak_crypto = maybe\n"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().detail == "krb5.conf:2: invalid boolean 'maybe' for libdefaults.allow_weak_crypto");
  CHECK_FALSE(LibDefaults::from(parse_ok("[libdefaults]\n  allow_rc4 = sometimes\n")).ok());
  // MIT does not read them per realm.
  auto realm = LibDefaults::from(parse_ok(
      "[libdefaults]\n  default_realm = R\n  R = {\n    allow_rc4 = true\n    allow_weak_crypto = x\n  }\n"));
  REQUIRE(realm.ok());
  CHECK_FALSE(realm->allow_rc4);
  CHECK_FALSE(realm->allow_weak_crypto);
  CHECK(LibDefaults::from(parse_ok("[libdefaults]\n  allow_rc4 = Yes\n"))->allow_rc4);
  auto strict = libdefault_strict_boolean(parse_ok("[libdefaults]\n  x = nil\n"), "x", true);
  REQUIRE(strict.ok());
  CHECK_FALSE(*strict);
  CHECK(libdefault_strict_boolean(parse_ok("[libdefaults]\n"), "x", true).value());
}

TEST_CASE("rdns: a word MIT's profile_get_boolean does not know leaves the default (true)") {
  CHECK(LibDefaults::from(parse_ok("[libdefaults]\n  rdns = maybe\n"))->rdns);
  CHECK_FALSE(LibDefaults::from(parse_ok("[libdefaults]\n  rdns = false\n"))->rdns);
}

TEST_CASE(
    "dns_lookup_kdc/realm as MIT's maybe_use_dns: [libdefaults] only, then dns_fallback, unknown false") {
  auto d =
      LibDefaults::from(parse_ok("[libdefaults]\n  dns_lookup_kdc = maybe\n  dns_lookup_realm = maybe\n"));
  REQUIRE_MESSAGE(d.ok(), d.error().message());
  CHECK_FALSE(d->dns_lookup_kdc);
  CHECK_FALSE(d->dns_lookup_realm);
  auto fallback = LibDefaults::from(parse_ok("[libdefaults]\n  dns_fallback = yes\n  dns_lookup_kdc = no\n"));
  CHECK_FALSE(fallback->dns_lookup_kdc);
  CHECK(fallback->dns_lookup_realm);
  CHECK_FALSE(
      libdefault_dns_lookup(parse_ok("[libdefaults]\n  dns_fallback = off\n"), "dns_lookup_kdc", true));
  CHECK(libdefault_dns_lookup(parse_ok("[libdefaults]\n"), "dns_lookup_kdc", true));
  // Not per realm.
  auto realm = LibDefaults::from(
      parse_ok("[libdefaults]\n  default_realm = R\n  R = {\n    dns_lookup_kdc = false\n  }\n"));
  CHECK(realm->dns_lookup_kdc);
}

TEST_CASE("kdc_timesync is MIT's integer: non-zero on, a word leaves the default") {
  CHECK_FALSE(LibDefaults::from(parse_ok("[libdefaults]\n  kdc_timesync = 0\n"))->kdc_timesync);
  CHECK(LibDefaults::from(parse_ok("[libdefaults]\n  kdc_timesync = 2\n"))->kdc_timesync);
  CHECK(LibDefaults::from(parse_ok("[libdefaults]\n  kdc_timesync = false\n"))->kdc_timesync);
}

TEST_CASE("dns_canonicalize_hostname is [libdefaults] only, as MIT's get_tristate") {
  auto realm = LibDefaults::from(
      parse_ok("[libdefaults]\n  default_realm = R\n  R = {\n    dns_canonicalize_hostname = false\n  }\n"));
  REQUIRE(realm.ok());
  CHECK(realm->dns_canonicalize_hostname == DnsCanonicalize::yes);
}

TEST_CASE("preferred_preauth_types: MIT's default 17, 16, 15, 14, and a list as krb5.conf writes it") {
  auto d = LibDefaults::from(Profile{});
  REQUIRE(d.ok());
  CHECK(d->preferred_preauth_types == std::vector<std::int32_t>{17, 16, 15, 14});
  auto p = parse_ok(R"([libdefaults]
    default_realm = KRBKIT.TEST
    preferred_preauth_types = 138,2
    KRBKIT.TEST = {
      preferred_preauth_types = 151, 138 2 junk 3
    }
  )");
  auto plain = LibDefaults::from(p, "OTHER.TEST");
  REQUIRE(plain.ok());
  CHECK(plain->preferred_preauth_types == std::vector<std::int32_t>{138, 2});
  auto realm = LibDefaults::from(p);
  REQUIRE(realm.ok());
  CHECK(realm->preferred_preauth_types == std::vector<std::int32_t>{151, 138, 2});
}

TEST_CASE("spake_preauth_groups: MIT's client default edwards25519; names as MIT's parse_groups reads them") {
  auto d = LibDefaults::from(Profile{});
  REQUIRE(d.ok());
  CHECK(d->spake_preauth_groups == std::vector<std::int32_t>{1});
  auto p = parse_ok("[libdefaults]\n  spake_preauth_groups = p-521,P-256 edwards25519\tP-192 P-256\n");
  auto groups = LibDefaults::from(p);
  REQUIRE(groups.ok());
  CHECK(groups->spake_preauth_groups == std::vector<std::int32_t>{4, 2, 1});  // unknown and repeated skipped
  auto none = LibDefaults::from(parse_ok("[libdefaults]\n  spake_preauth_groups = P-192\n"));
  REQUIRE(none.ok());
  CHECK(none->spake_preauth_groups.empty());  // SPAKE off
}
