// The AS exchange replayed from captured bytes alone: MIT krb5 1.20's
// conversation with its KDC (tests/data/messages/README.md: kinit -f -r 2d
// alice, password "userpw") is fed to AsExchange through a fake transport,
// with the clock and nonces fixed to MIT's, and what we send is compared with
// what MIT sent, byte for byte.
//
// Not replayed: the TGS exchange. MIT's kvno armored it with FAST (PA-FX-FAST
// in tgs-req.bin and tgs-rep.bin, as the KDC offered FAST in its KRB-ERROR),
// which TgsExchange does not speak.

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/exchange/etype_info_probe.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/proto/principal.hpp"
#include "support/fake_transport.hpp"
#include "support/padata.hpp"

using namespace krbkit;
using namespace krbkit::exchange;
using namespace std::chrono;

namespace {

Bytes load(const std::string& name) {
  std::ifstream f(std::string(KRBKIT_TEST_DATA_DIR) + "/messages/" + name, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "missing test data ", name);
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

const Principal kAlice{NameType::principal, {"alice"}, "DER.TEST"};

Key alice_key() {
  return string_to_key(Enctype::aes256_cts_hmac_sha1_96, "userpw", as_bytes(std::string("DER.TESTalice")), {})
      .value();
}

// The PA-ENC-TIMESTAMP of an AS-REQ, decrypted with alice's key.
PaEncTsEnc timestamp_of(const KdcReq& req) {
  const PaData* pa = find_padata(req.padata, PaType::enc_timestamp);
  REQUIRE(pa != nullptr);
  auto encrypted = decode_encrypted_data(pa->padata_value);
  REQUIRE(encrypted.ok());
  auto plain = decrypt(alice_key(), KeyUsage::as_req_pa_enc_ts, encrypted->cipher);
  REQUIRE_MESSAGE(plain.ok(), plain.error().message());
  auto ts = decode_pa_enc_ts_enc(plain->view());
  REQUIRE(ts.ok());
  return *ts;
}

// What MIT asked and was answered, in order.
struct Conversation {
  KdcReq first = decode_as_req(load("as-req-no-preauth.bin")).value();
  Bytes preauth_required = load("krb-error-preauth-required.bin");
  KdcReq second = decode_as_req(load("as-req-enc-timestamp.bin")).value();
  Bytes as_rep = load("as-rep.bin");
};

// kinit -f -r 2d; MIT 1.20 sends neither renewable-ok with -r nor addresses.
config::LibDefaults mit_defaults() {
  auto profile = config::Profile::parse(
                     "[libdefaults]\n  default_realm = DER.TEST\n  kdc_default_options = 0\n"
                     "  noaddresses = true\n")
                     .value();
  return config::LibDefaults::from(profile, "DER.TEST").value();
}

AsRequest mit_kinit_request() {
  AsRequest request;
  request.client = kAlice;
  request.forwardable = true;
  request.renew_life = hours(48);
  return request;
}

}  // namespace

TEST_CASE("replay: MIT's captured AS exchange through AsExchange, byte for byte") {
  Conversation mit;
  // MIT's clock when it sent the pre-authenticated request (the time it put
  // in PA-ENC-TIMESTAMP), and the nonce of that request, which the AS-REP
  // answers. MIT drew a new nonce for its second request; we keep one per
  // exchange, so the first request differs from MIT's in the nonce alone.
  PaEncTsEnc mit_ts = timestamp_of(mit.second);
  const system_clock::time_point mit_now = mit_ts.patimestamp + microseconds(mit_ts.pausec.value_or(0));
  const std::uint32_t nonce = mit.second.req_body.nonce;

  auto defaults = mit_defaults();
  AsRequest request = mit_kinit_request();
  // MIT's AS-REP answers its PA-REQ-ENC-PA-REP with the checksum of MIT's
  // request bytes, random confounder included, which no other client sends;
  // the next case proves that checksum is checked.
  request.informational_padata = false;
  PasswordKeySource keys(kAlice, SecretBytes(as_bytes(std::string("userpw"))));

  std::vector<Bytes> sent;
  std::vector<Bytes> replies{mit.preauth_required, mit.as_rep};
  test::FakeTransport kdc(
      [&](std::string_view realm, BytesView req, const net::SendOptions&) -> Result<Bytes> {
        CHECK(realm == "DER.TEST");
        sent.emplace_back(req.begin(), req.end());
        REQUIRE(sent.size() <= replies.size());
        return replies[sent.size() - 1];
      });
  AsExchange as(request, defaults, keys, kdc.tracer(),
                AsHooks{[&] { return mit_now; }, [&] { return nonce; }});
  auto result = drive(as, kdc);
  REQUIRE_MESSAGE(result.ok(), result.error().message());
  REQUIRE(sent.size() == 2);

  auto ours_first = decode_as_req(sent[0]).value();
  auto ours_second = decode_as_req(sent[1]).value();
  // The request bodies: MIT's bytes (the first with our nonce in it), but
  // for des3-cbc-sha1 (16), which MIT 1.20 still offers and krbkit never does.
  auto without_des3 = [](KdcReqBody body) {
    std::erase(body.etype, Enctype::des3_cbc_sha1);
    return body;
  };
  KdcReqBody mit_first_body = without_des3(mit.first.req_body);
  mit_first_body.nonce = nonce;
  CHECK(to_hex(encode(ours_first.req_body)) == to_hex(encode(mit_first_body)));
  CHECK(to_hex(encode(ours_second.req_body)) == to_hex(encode(without_des3(mit.second.req_body))));
  // The pre-authentication: the same timestamp under the same key (the
  // ciphertexts differ by their random confounders).
  CHECK(to_hex(encode(timestamp_of(ours_second))) == to_hex(encode(mit_ts)));

  // What the exchange made of MIT's AS-REP: the ticket as sent, for alice.
  const auto& creds = result->creds;
  auto rep = decode_as_rep(mit.as_rep).value();
  CHECK(to_hex(creds.ticket) == to_hex(encode(rep.ticket)));
  CHECK(creds.client == kAlice);
  CHECK(unparse_principal(creds.server) == "krbtgt/DER.TEST@DER.TEST");
  CHECK(creds.session_key.enctype == Enctype::aes256_cts_hmac_sha1_96);
  CHECK(result->pa_type == PaType::enc_timestamp);
  CHECK(kdc.sent() == 2);
}

TEST_CASE("replay: MIT's informational padata, and the KDC's answer checked against our own request") {
  Conversation mit;
  PaEncTsEnc mit_ts = timestamp_of(mit.second);
  const system_clock::time_point mit_now = mit_ts.patimestamp + microseconds(mit_ts.pausec.value_or(0));
  auto defaults = mit_defaults();
  AsRequest request = mit_kinit_request();
  PasswordKeySource keys(kAlice, SecretBytes(as_bytes(std::string("userpw"))));
  std::vector<KdcReq> sent;
  std::vector<Bytes> replies{mit.preauth_required, mit.as_rep};
  test::FakeTransport kdc([&](std::string_view, BytesView req, const net::SendOptions&) -> Result<Bytes> {
    sent.push_back(decode_as_req(req).value());
    REQUIRE(sent.size() <= replies.size());
    return replies[sent.size() - 1];
  });
  AsExchange as(request, defaults, keys, kdc.tracer(),
                AsHooks{[&] { return mit_now; }, [&] { return mit.second.req_body.nonce; }});
  auto result = drive(as, kdc);
  REQUIRE(sent.size() == 2);
  auto types = [](const KdcReq& req) {
    std::vector<PaType> out;
    for (const auto& pa : req.padata) out.push_back(pa.padata_type);
    std::sort(out.begin(), out.end());
    return out;
  };
  // The same padata types as MIT sent, in both requests.
  CHECK(types(sent[0]) == types(mit.first));
  CHECK(types(sent[1]) == types(mit.second));
  // MIT's AS-REP has the enc-pa-rep flag and the checksum of MIT's second
  // request: for ours it does not match, so the reply is refused as altered.
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().is(Errc::reply_mismatch));
  CHECK(result.error().message().find("PA-REQ-ENC-PA-REP") != std::string::npos);
}

TEST_CASE("replay: the etype-info probe (ktutil addent -f) reads MIT's captured answers") {
  auto profile = config::Profile::parse("[libdefaults]\n  default_realm = DER.TEST\n").value();
  Conversation mit;
  auto answering = [](Bytes reply) {
    return [reply](std::string_view, BytesView request, const net::SendOptions&) -> Result<Bytes> {
      auto req = decode_as_req(request);
      REQUIRE(req.ok());
      CHECK(test::preauth_padata(*req).empty());  // no pre-authentication, no key made
      return reply;
    };
  };
  SUBCASE("PREAUTH_REQUIRED: its ETYPE-INFO2 (MIT's salt is the default one)") {
    test::FakeTransport kdc(answering(mit.preauth_required));
    auto info = fetch_etype_info(profile, kAlice, std::nullopt, kdc);
    REQUIRE_MESSAGE(info.ok(), info.error().message());
    CHECK(info->etype == Enctype::aes256_cts_hmac_sha1_96);
    CHECK_FALSE(info->salt.has_value());
    auto aes256 = fetch_etype_info(profile, kAlice, Enctype::aes256_cts_hmac_sha1_96, kdc);
    REQUIRE(aes256.ok());
    CHECK(aes256->etype == Enctype::aes256_cts_hmac_sha1_96);
    CHECK(kdc.sent() == 2);
  }
  SUBCASE("an AS-REP (no pre-authentication required): the etype-info of the reply") {
    test::FakeTransport kdc(answering(mit.as_rep));
    auto info = fetch_etype_info(profile, kAlice, std::nullopt, kdc);
    REQUIRE_MESSAGE(info.ok(), info.error().message());
    CHECK(info->etype == Enctype::aes256_cts_hmac_sha1_96);
  }
  SUBCASE("an unknown client: the KDC's error") {
    test::FakeTransport kdc(answering(load("krb-error-client-unknown.bin")));
    auto info = fetch_etype_info(profile, kAlice, std::nullopt, kdc);
    REQUIRE_FALSE(info.ok());
    CHECK(info.error().is(KdcErr::c_principal_unknown));
  }
}
