// The AS exchange replayed from captured bytes alone: MIT krb5 1.20's
// conversation with its KDC (tests/data/messages/README.md: kinit -f -r 2d
// alice, password "userpw") is fed to AsExchange through a fake transport,
// with the clock and nonces fixed to MIT's, and what we send is compared with
// what MIT sent, byte for byte.
//
// The TGS exchange (kvno host/server.der.test) is replayed too: MIT armored
// it with FAST, its own TGT the armor, and so does TgsExchange; given MIT's
// subkey, clock and nonce it reads the KDC's armored reply.

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/exchange/etype_info_probe.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/exchange/tgs_exchange.hpp"
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

namespace {

// alice's TGT, out of MIT's captured AS-REP.
Credentials mit_tgt(const Conversation& mit) {
  KdcRep rep = decode_as_rep(mit.as_rep).value();
  auto plain = decrypt(alice_key(), KeyUsage::as_rep_enc_part, rep.enc_part.cipher).value();
  EncKdcRepPart enc = decode_enc_kdc_rep_part(plain.view()).value();
  Credentials tgt;
  tgt.client = kAlice;
  tgt.server = enc.server();
  tgt.session_key = enc.key.clone();
  tgt.authtime = enc.authtime;
  tgt.starttime = enc.starttime.value_or(enc.authtime);
  tgt.endtime = enc.endtime;
  tgt.renew_till = enc.renew_till.value_or(KerberosTime{});
  tgt.flags = enc.flags;
  tgt.ticket = encode(rep.ticket);
  return tgt;
}

// The Authenticator of MIT's PA-TGS-REQ: its time and subkey.
Authenticator mit_authenticator(const KdcReq& tgs_req, const Credentials& tgt) {
  const PaData* pa = find_padata(tgs_req.padata, PaType::tgs_req);
  REQUIRE(pa != nullptr);
  ApReq ap = decode_ap_req(pa->padata_value).value();
  auto plain = decrypt(tgt.session_key, KeyUsage::tgs_req_authenticator, ap.authenticator.cipher).value();
  return decode_authenticator(plain.view()).value();
}

}  // namespace

TEST_CASE("replay: MIT's captured TGS exchange, armored with FAST, through TgsExchange") {
  Conversation mit;
  const Credentials tgt = mit_tgt(mit);
  const KdcReq mit_req = decode_tgs_req(load("tgs-req.bin")).value();
  const Authenticator auth = mit_authenticator(mit_req, tgt);
  REQUIRE(auth.subkey.has_value());
  TgsHooks hooks;
  hooks.now = [&] {
    return system_clock::time_point(auth.ctime.time_since_epoch()) + microseconds(auth.cusec);
  };
  hooks.nonce = [&] { return mit_req.req_body.nonce; };
  hooks.subkey = [&](Enctype) -> Result<Key> { return auth.subkey->clone(); };
  TgsRequest request;
  request.server = to_principal(*mit_req.req_body.sname, mit_req.req_body.realm);
  request.kdc_options = mit_req.req_body.kdc_options;
  auto defaults = mit_defaults();
  Bytes tgs_rep = load("tgs-rep.bin");

  SUBCASE("the request as MIT's, the armored reply read") {
    TgsExchange tgs(tgt, request, defaults, {}, hooks);
    auto step = tgs.start();
    REQUIRE_MESSAGE(step.ok(), step.error().message());
    KdcReq ours = decode_tgs_req(std::get<TgsSend>(*step).request).value();
    KdcReqBody mit_body = mit_req.req_body;
    std::erase(mit_body.etype, Enctype::des3_cbc_sha1);  // MIT 1.20 still offers it; krbkit never does
    // With the renewable option krbkit asks for the TGT's renew-till, which
    // MIT's kvno leaves to the KDC.
    CHECK(ours.req_body.rtime == tgt.renew_till);
    mit_body.rtime = ours.req_body.rtime;
    CHECK(to_hex(encode(ours.req_body)) == to_hex(encode(mit_body)));
    REQUIRE(ours.padata.size() == 2);
    CHECK(ours.padata[0].padata_type == PaType::tgs_req);
    CHECK(ours.padata[1].padata_type == PaType::fx_fast);

    auto done = tgs.on_reply(tgs_rep);
    REQUIRE_MESSAGE(done.ok(), done.error().message());
    const auto& result = std::get<TgsResult>(*done);
    CHECK(result.fast_armored);
    CHECK(unparse_principal(result.creds.server) == "host/server.der.test@DER.TEST");
    CHECK(result.creds.client == kAlice);
    CHECK(to_hex(result.creds.ticket) == to_hex(encode(decode_tgs_rep(tgs_rep).value().ticket)));
  }
  SUBCASE("a ticket altered on the way fails the FAST finished checksum") {
    KdcRep rep = decode_tgs_rep(tgs_rep).value();
    rep.ticket.enc_part.cipher.back() ^= 1;
    rep.ticket.der.clear();
    TgsExchange tgs(tgt, request, defaults, {}, hooks);
    REQUIRE(tgs.start().ok());
    auto done = tgs.on_reply(encode(rep));
    REQUIRE_FALSE(done.ok());
    CHECK(done.error().is(Errc::reply_mismatch));
    CHECK(done.error().message().find("finished checksum") != std::string::npos);
  }
  SUBCASE("without FAST the KDC's armored reply does not decrypt") {
    request.fast = false;
    TgsExchange tgs(tgt, request, defaults, {}, hooks);
    REQUIRE(tgs.start().ok());
    auto done = tgs.on_reply(tgs_rep);
    REQUIRE_FALSE(done.ok());
    CHECK(done.error().is(Errc::integrity));
  }
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
