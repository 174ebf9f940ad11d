// Round trips, tampering and the enctype table, for every enctype krbkit supports.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/crypto/primitives.hpp"
#include "support/random_fails.hpp"

using namespace krbkit;

namespace {

constexpr CryptoPolicy kWeakOk{true};

Bytes pattern(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 7 + 1);
  return b;
}

}  // namespace

TEST_CASE("encrypt/decrypt round trip for sizes 0..100 and tampering is an integrity error") {
  for (Enctype e : supported_enctypes()) {
    std::string name = enctype_name(e);
    CAPTURE(name);
    auto key = random_key(e, kWeakOk);
    REQUIRE(key.ok());
    auto other = random_key(e, kWeakOk);
    REQUIRE(other.ok());
    CHECK_FALSE(key->bytes == other->bytes);
    for (std::size_t n = 0; n <= 100; ++n) {
      CAPTURE(n);
      Bytes pt = pattern(n);
      auto ct = encrypt(*key, KeyUsage{7}, pt);
      REQUIRE_MESSAGE(ct.ok(), ct.error().message());
      CHECK(ct->size() == ciphertext_size(e, n).value());
      auto back = decrypt(*key, KeyUsage{7}, *ct);
      REQUIRE_MESSAGE(back.ok(), back.error().message());
      if (e == Enctype::des3_cbc_sha1) {  // zero padding to whole blocks stays
        REQUIRE(back->size() >= n);
        CHECK(Bytes(back->view().begin(), back->view().begin() + static_cast<std::ptrdiff_t>(n)) == pt);
      } else {
        CHECK(Bytes(back->view().begin(), back->view().end()) == pt);
      }
      // A fresh confounder every time.
      CHECK(*encrypt(*key, KeyUsage{7}, pt) != *ct);
      // Flip one bit at the start, the middle and the end.
      for (std::size_t pos : {std::size_t{0}, ct->size() / 2, ct->size() - 1}) {
        Bytes bad = *ct;
        bad[pos] ^= 0x10;
        auto r = decrypt(*key, KeyUsage{7}, bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().is(Errc::integrity));
        CHECK(r.error().message().find(name) != std::string::npos);
      }
      // Wrong usage, wrong key, truncated.
      CHECK_FALSE(decrypt(*key, KeyUsage{8}, *ct).ok());
      CHECK_FALSE(decrypt(*other, KeyUsage{7}, *ct).ok());
      Bytes cut(ct->begin(), ct->end() - 1);
      CHECK(decrypt(*key, KeyUsage{7}, cut).error().is(Errc::integrity));
    }
    // Too short to hold a confounder and a MAC at all.
    CHECK(decrypt(*key, KeyUsage{7}, Bytes(5)).error().is(Errc::integrity));
  }
}

TEST_CASE("every checksum type: make, verify, tamper") {
  for (Enctype e : supported_enctypes()) {
    std::string name = enctype_name(e);
    CAPTURE(name);
    Key key = random_key(e);
    REQUIRE(key.enctype == e);
    Cksumtype c = mandatory_checksum(e);
    Bytes data = pattern(37);
    auto sum = make_checksum(c, &key, KeyUsage{6}, data);
    REQUIRE_MESSAGE(sum.ok(), sum.error().message());
    CHECK(sum->size() == cksumtype_info(c).value()->size);
    CHECK(verify_checksum(c, &key, KeyUsage{6}, data, *sum).ok());
    CHECK(verify_checksum(c, &key, KeyUsage{7}, data, *sum).error().is(Errc::integrity));
    data[3] ^= 1;
    CHECK(verify_checksum(c, &key, KeyUsage{6}, data, *sum).error().is(Errc::integrity));
  }
  for (Cksumtype c : {Cksumtype::crc32, Cksumtype::rsa_md4, Cksumtype::rsa_md5, Cksumtype::sha1}) {
    auto sum = make_checksum(c, nullptr, KeyUsage{0}, as_bytes("abc"));
    REQUIRE(sum.ok());
    CHECK(verify_checksum(c, nullptr, KeyUsage{0}, as_bytes("abc"), *sum).ok());
    CHECK_FALSE(verify_checksum(c, nullptr, KeyUsage{0}, as_bytes("abd"), *sum).ok());
  }
  // A keyed checksum refuses a key of another enctype and a missing key.
  Key aes128 = random_key(Enctype::aes128_cts_hmac_sha1_96);
  CHECK(make_checksum(Cksumtype::hmac_sha1_96_aes256, &aes128, KeyUsage{1}, {})
            .error()
            .is(Errc::invalid_argument));
  CHECK(make_checksum(Cksumtype::hmac_sha1_96_aes256, nullptr, KeyUsage{1}, {})
            .error()
            .is(Errc::invalid_argument));
}

TEST_CASE("prf output sizes and cf2 of mixed enctypes") {
  for (Enctype e : supported_enctypes()) {
    Key key = random_key(e);
    auto out = prf(key, as_bytes("test"));
    REQUIRE(out.ok());
    CHECK(out->size() == enctype_info(e).value()->prf_bytes);
  }
  Key a = random_key(Enctype::aes256_cts_hmac_sha1_96);
  Key c = random_key(Enctype::camellia128_cts_cmac);
  auto k = cf2(a, c, as_bytes("a"), as_bytes("b"));
  REQUIRE(k.ok());
  CHECK(k->enctype == Enctype::aes256_cts_hmac_sha1_96);
  CHECK(k->bytes.size() == 32);
  CHECK_FALSE(cf2(a, c, as_bytes("a"), as_bytes("c")).value() == *k);
}

TEST_CASE("enctype names and aliases follow MIT") {
  struct Row {
    const char* name;
    Enctype e;
  };
  for (Row r :
       {Row{"aes256-cts-hmac-sha1-96", Enctype::aes256_cts_hmac_sha1_96},
        Row{"aes256-cts", Enctype::aes256_cts_hmac_sha1_96},
        Row{"AES256-SHA1", Enctype::aes256_cts_hmac_sha1_96},
        Row{"aes128-cts", Enctype::aes128_cts_hmac_sha1_96},
        Row{"aes128-sha1", Enctype::aes128_cts_hmac_sha1_96},
        Row{"aes128-sha2", Enctype::aes128_cts_hmac_sha256_128},
        Row{"aes256-sha2", Enctype::aes256_cts_hmac_sha384_192}, Row{"rc4-hmac", Enctype::rc4_hmac},
        Row{"arcfour-hmac-md5", Enctype::rc4_hmac}, Row{"camellia128-cts", Enctype::camellia128_cts_cmac},
        Row{"camellia256-cts-cmac", Enctype::camellia256_cts_cmac},
        Row{"des3-hmac-sha1", Enctype::des3_cbc_sha1}, Row{"18", Enctype::aes256_cts_hmac_sha1_96}}) {
    CAPTURE(r.name);
    auto e = enctype_from_name(r.name);
    REQUIRE(e.ok());
    CHECK(*e == r.e);
  }
  CHECK(enctype_name(Enctype::rc4_hmac) == "arcfour-hmac");
  CHECK(enctype_name(static_cast<Enctype>(99)) == "etype 99");
  CHECK(enctype_from_name("des-cbc-crc").error().is(Errc::unsupported_enctype));
  auto unknown = enctype_info(static_cast<Enctype>(99));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().is(Errc::unsupported_enctype));
  CHECK(unknown.error().message().find("etype 99") != std::string::npos);
  CHECK(enctype_is_deprecated(Enctype::rc4_hmac));
  CHECK_FALSE(enctype_is_weak(Enctype::rc4_hmac));
  CHECK(enctype_is_weak(Enctype::des3_cbc_sha1));
  CHECK(enctype_family("aes").size() == 4);
  CHECK(enctype_family("aes-sha2") ==
        std::vector<Enctype>{Enctype::aes256_cts_hmac_sha384_192, Enctype::aes128_cts_hmac_sha256_128});
  CHECK(enctype_family("DEFAULT").front() == Enctype::aes256_cts_hmac_sha1_96);
  CHECK(enctype_family("camellia").size() == 2);
  CHECK(enctype_family("rc4") == std::vector<Enctype>{Enctype::rc4_hmac});
  CHECK(enctype_family("nonsense").empty());
  CHECK(cksumtype_name(Cksumtype::hmac_sha1_96_aes256) == "hmac-sha1-96-aes256");
}

TEST_CASE("the enctype table and the table of crypto profiles hold the same enctypes") {
  // Two tables (names without crypto, profiles by number) must not drift:
  // an enctype with a name but no profile could be chosen and then fail.
  auto named = supported_enctypes();
  auto operated = enctypes_with_operations();
  CHECK(std::set<Enctype>(named.begin(), named.end()) == std::set<Enctype>(operated.begin(), operated.end()));
  CHECK(named.size() == operated.size());
}

TEST_CASE("weak enctypes need allow_weak, bad s2kparams and keys are refused") {
  auto weak = string_to_key(Enctype::des3_cbc_sha1, "pw", as_bytes("salt"));
  REQUIRE_FALSE(weak.ok());
  CHECK(weak.error().is(Errc::unsupported_enctype));
  CHECK(weak.error().message().find("des3-cbc-sha1") != std::string::npos);
  CHECK(string_to_key(Enctype::des3_cbc_sha1, "pw", as_bytes("salt"), {}, kWeakOk).ok());
  CHECK(random_key(Enctype::rc4_hmac_exp, CryptoPolicy{}).error().is(Errc::unsupported_enctype));

  const Bytes three{0, 0, 1};
  CHECK(string_to_key(Enctype::aes128_cts_hmac_sha1_96, "pw", as_bytes("s"), three)
            .error()
            .is(Errc::invalid_argument));
  const Bytes zero{0, 0, 0, 0};
  CHECK(string_to_key(Enctype::aes128_cts_hmac_sha1_96, "pw", as_bytes("s"), zero)
            .error()
            .is(Errc::invalid_argument));
  // Default iterations equal the explicit default.
  const Bytes d4096{0, 0, 0x10, 0};
  CHECK(string_to_key(Enctype::aes128_cts_hmac_sha1_96, "pw", as_bytes("s")).value() ==
        string_to_key(Enctype::aes128_cts_hmac_sha1_96, "pw", as_bytes("s"), d4096).value());
  CHECK(string_to_key(Enctype::rc4_hmac, "\xff\xfe", {}).error().is(Errc::invalid_argument));
  // rc4: salt is ignored; non-ASCII passwords go through UTF-16LE.
  CHECK(string_to_key(Enctype::rc4_hmac, "p\xc3\xa4ss", as_bytes("a")).value() ==
        string_to_key(Enctype::rc4_hmac, "p\xc3\xa4ss", as_bytes("b")).value());

  Key short_key{Enctype::aes256_cts_hmac_sha1_96, SecretBytes(std::size_t{16})};
  CHECK(encrypt(short_key, KeyUsage{1}, {}).error().is(Errc::invalid_argument));
  CHECK(random_to_key(Enctype::aes128_cts_hmac_sha1_96, Bytes(15)).error().is(Errc::invalid_argument));
  Key unknown = random_key(static_cast<Enctype>(99));
  CHECK(unknown.enctype == Enctype::null);
}

TEST_CASE("per-message key derivation agrees with OpenSSL's KRB5KDF / KBKDF") {
  // Kc/Ke/Ki use cached contexts (kdf_fast.cpp); derive_key() uses EVP_KDF.
  // RFC 8009 keys are KDF(base, constant, len): compare at the same length.
  for (Enctype e : supported_enctypes()) {
    if (e == Enctype::rc4_hmac || e == Enctype::rc4_hmac_exp) continue;
    std::string name = enctype_name(e);
    CAPTURE(name);
    for (int round = 0; round < 5; ++round) {
      Key base = random_key(e);
      for (std::int32_t usage : {0, 1, 3, 7, 11, 255, 256, 1024, 65537, -1}) {
        for (auto role :
             {primitive::KeyRole::checksum, primitive::KeyRole::encryption, primitive::KeyRole::integrity}) {
          CAPTURE(usage);
          auto fast = primitive::derive_usage_key(base, KeyUsage{usage}, role);
          Bytes constant;
          put_u32be(constant, static_cast<std::uint32_t>(usage));
          constant.push_back(static_cast<std::uint8_t>(role));
          auto slow = primitive::derive_key(base, constant);
          REQUIRE((fast.ok() && slow.ok()));
          REQUIRE(fast->size() <= slow->size());
          bool sha2 = e == Enctype::aes128_cts_hmac_sha256_128 || e == Enctype::aes256_cts_hmac_sha384_192;
          if (sha2 && fast->size() < slow->size()) {
            // Different L in the KDF input: different keys, not a prefix.
            CHECK_FALSE(Bytes(slow->view().begin(), slow->view().begin() + fast->size()) ==
                        Bytes(fast->view().begin(), fast->view().end()));
          } else {
            CHECK(*fast == *slow);
          }
        }
      }
    }
  }
}

TEST_CASE("a failing random source is an error: no zero key, confounder or number") {
  Key key = random_key(Enctype::aes256_cts_hmac_sha1_96);
  {
    test::RandomFails fails;
    auto k = random_key(Enctype::aes256_cts_hmac_sha1_96, CryptoPolicy{});
    REQUIRE_FALSE(k);
    CHECK(test::is_random_failure(k.error()));
    auto e = encrypt(key, KeyUsage::kdc_rep_ticket, as_bytes("secret"));
    REQUIRE_FALSE(e);
    CHECK(test::is_random_failure(e.error()));
    CHECK_FALSE(random_u32());
    std::uint8_t buf[8];
    CHECK_FALSE(random_fill(buf, sizeof buf));
  }
  CHECK(random_u32());
  CHECK(encrypt(key, KeyUsage::kdc_rep_ticket, as_bytes("secret")));
}
