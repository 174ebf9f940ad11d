// The PA-SPAKE messages: MIT's encodings (the support and challenge messages
// of its SPAKE test vectors) decoded and written back byte for byte, and
// what is not a PA-SPAKE refused with the field named.
#include "krbkit/proto/spake.hpp"

#include <doctest/doctest.h>

using namespace krbkit;

TEST_CASE("PA-SPAKE support and challenge as MIT encodes them") {
  const Bytes support = hex("A0093007A0053003020101");
  auto s = decode_pa_spake(support);
  REQUIRE(s.ok());
  REQUIRE(std::holds_alternative<SpakeSupport>(*s));
  CHECK(std::get<SpakeSupport>(*s).groups == std::vector<std::int32_t>{1});
  CHECK(encode(*s) == support);

  const Bytes challenge =
      hex("A1373035A003020102A1230421024F62078CEB53840D02612195494D0D0D88DE"
          "21FEEB81187C71CBF3D01E71788DA20930073005A003020101");
  auto c = decode_pa_spake(challenge);
  REQUIRE(c.ok());
  REQUIRE(std::holds_alternative<SpakeChallenge>(*c));
  const auto& ch = std::get<SpakeChallenge>(*c);
  CHECK(ch.group == 2);
  CHECK(ch.pubkey.size() == 33);
  REQUIRE(ch.factors.size() == 1);
  CHECK(ch.factors[0].type == kSpakeFactorNone);
  CHECK(!ch.factors[0].data);
  CHECK(encode(*c) == challenge);
}

TEST_CASE("PA-SPAKE response, encdata and the second factor round trip") {
  SpakeResponse r{Bytes(32, 0x5A),
                  EncryptedData{Enctype::aes256_cts_hmac_sha1_96, std::nullopt, Bytes(44, 1)}};
  PaSpake msg = r;
  Bytes der = encode(msg);
  CHECK(der[0] == 0xA2);
  auto back = decode_pa_spake(der);
  REQUIRE(back.ok());
  CHECK(*back == msg);

  PaSpake enc = SpakeEncdata{EncryptedData{Enctype::aes128_cts_hmac_sha1_96, 2u, Bytes(40, 2)}};
  der = encode(enc);
  CHECK(der[0] == 0xA3);
  auto enc_back = decode_pa_spake(der);
  REQUIRE(enc_back.ok());
  CHECK(*enc_back == enc);

  CHECK(encode(SpakeSecondFactor{kSpakeFactorNone, std::nullopt}) == hex("3005A003020101"));
  auto f = decode_spake_second_factor(hex("300DA003020102A106040431323334"));
  REQUIRE(f.ok());
  CHECK(f->type == 2);
  CHECK(f->data == to_bytes("1234"));
}

TEST_CASE("what is not a PA-SPAKE is refused") {
  auto r = decode_pa_spake(hex("A4053003020101"));  // no alternative [4]
  REQUIRE(!r.ok());
  CHECK(r.error().detail.find("PA-SPAKE") != std::string::npos);
  auto truncated = decode_pa_spake(hex("A1363034A003020101A1220420"));
  REQUIRE(!truncated.ok());
  CHECK(truncated.error().detail.find("PA-SPAKE.challenge") != std::string::npos);
  CHECK(!decode_pa_spake({}).ok());
}
