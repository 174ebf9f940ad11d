// FAST (RFC 6113) in the AS exchange, against a KDC played in-process: it
// opens the armored request with the armor key the test made, answers inside
// FAST (or, for the failure cases, not quite), and the tests check what the
// exchange sends and concludes.
#include "krbkit/exchange/fast.hpp"

#include <doctest/doctest.h>

#include <chrono>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/proto/principal.hpp"

using namespace krbkit;
using namespace krbkit::exchange;
using namespace std::chrono;

namespace {

const std::string kRealm = "FAST.TEST";
const system_clock::time_point kNow = sys_days{year{2026} / 1 / 5} + hours(9) + microseconds(500);
const Enctype kAes = Enctype::aes256_cts_hmac_sha1_96;

Principal user() { return parse_principal("alice", kRealm).value(); }
Key user_key() { return string_to_key(kAes, "alice-pw", as_bytes(std::string("FAST.TESTalice"))).value(); }

// A TGT as a cache holds it; the ticket's encrypted part is never opened here.
Credentials armor_tgt(KerberosTime endtime) {
  Credentials c;
  c.client = parse_principal("host/armor.fast.test", kRealm).value();
  c.server = krbtgt_principal(kRealm, kRealm);
  c.session_key = random_key(kAes);
  c.endtime = endtime;
  Ticket t;
  t.realm = kRealm;
  t.sname = to_principal_name(c.server);
  t.enc_part = EncryptedData{kAes, 2, Bytes(48, 0x5a)};
  c.ticket = encode(t);
  return c;
}

Bytes pepper(std::string_view s) { return to_bytes(s); }

PaEncTsEnc timestamp(system_clock::time_point t) {
  PaEncTsEnc ts;
  ts.patimestamp = floor<seconds>(t);
  ts.pausec = 0;
  return ts;
}

// What the fake KDC does wrong, if anything.
struct Misbehave {
  bool no_fast_error = false;  // PREAUTH_REQUIRED outside FAST
  bool no_fast_reply = false;  // the AS-REP outside FAST
  bool bad_finished = false;   // finished checksum over another ticket
  bool tampered_strengthen = false;
  bool bad_kdc_challenge = false;
  bool heimdal7_kdc_challenge = false;        // in the client challenge key, as Heimdal 7.8's KDC
  std::optional<std::int32_t> inner_error{};  // answer the challenge with this error
};

class FastKdc {
 public:
  FastKdc(const FastArmor& armor, Misbehave m = {}) : armor_(armor), m_(m) {}

  // The KrbFastReq inside an armored AS-REQ, its request checksum verified.
  KrbFastReq open(BytesView request) {
    auto req = decode_as_req(request);
    REQUIRE(req.ok());
    REQUIRE(req->padata.size() == 1);
    REQUIRE(req->padata[0].padata_type == PaType::fx_fast);
    auto armored = decode_pa_fx_fast_request(req->padata[0].padata_value);
    REQUIRE(armored.ok());
    REQUIRE(armored->armor.has_value());
    CHECK(armored->armor->armor_type == 1);
    CHECK(decode_ap_req(armored->armor->armor_value).ok());
    CHECK(verify_checksum(armored->req_checksum.cksumtype, &armor_.armor_key, KeyUsage::fast_req_chksum,
                          encode(req->req_body), armored->req_checksum.checksum)
              .ok());
    auto plain = decrypt(armor_.armor_key, KeyUsage::fast_enc, armored->enc_fast_req.cipher);
    REQUIRE(plain.ok());
    auto fast = decode_krb_fast_req(plain->view());
    REQUIRE(fast.ok());
    CHECK(fast->req_body == req->req_body);
    last_request_ = Bytes(request.begin(), request.end());
    return std::move(fast).value();
  }

  PaData wrap(KrbFastResponse response) const {
    auto cipher = encrypt(armor_.armor_key, KeyUsage::fast_rep, encode(response));
    REQUIRE(cipher.ok());
    KrbFastArmoredRep rep{EncryptedData{kAes, std::nullopt, std::move(cipher).value()}};
    return PaData{PaType::fx_fast, encode_pa_fx_fast_reply(rep)};
  }

  Bytes error(std::int32_t code, std::uint32_t nonce, std::vector<PaData> padata) const {
    KrbError inner;
    inner.stime = floor<seconds>(kNow);
    inner.error_code = code;
    inner.realm = kRealm;
    inner.sname = to_principal_name(krbtgt_principal(kRealm, kRealm));
    KrbError outer = inner;
    if (m_.no_fast_error) {
      outer.e_data = encode_method_data(padata);
      return encode(outer);
    }
    padata.insert(padata.begin(), PaData{PaType::fx_error, encode(inner)});
    outer.e_data =
        encode_method_data({wrap(KrbFastResponse{std::move(padata), std::nullopt, std::nullopt, nonce})});
    return encode(outer);
  }

  Bytes preauth_required(std::uint32_t nonce, Bytes cookie) const {
    std::vector<PaData> padata;
    padata.push_back(PaData{PaType::etype_info2, encode_etype_info2({{kAes, std::nullopt, std::nullopt}})});
    padata.push_back(PaData{PaType::encrypted_challenge, {}});
    padata.push_back(PaData{PaType::fx_cookie, std::move(cookie)});
    return error(static_cast<std::int32_t>(KdcErr::preauth_required), nonce, std::move(padata));
  }

  Key challenge_key(std::string_view armor_pepper) const {
    return cf2(armor_.armor_key, user_key(), pepper(armor_pepper), pepper("challengelongterm")).value();
  }

  // The client's encrypted challenge holds our time in the client challenge key.
  void check_challenge(const KrbFastReq& fast) const {
    const PaData* pa = find_padata(fast.padata, PaType::encrypted_challenge);
    REQUIRE(pa != nullptr);
    auto data = decode_encrypted_data(pa->padata_value);
    REQUIRE(data.ok());
    auto plain = decrypt(challenge_key("clientchallengearmor"), KeyUsage::enc_challenge_client, data->cipher);
    REQUIRE_MESSAGE(plain.ok(), "the encrypted challenge is not in the client challenge key");
    auto ts = decode_pa_enc_ts_enc(plain->view());
    REQUIRE(ts.ok());
    CHECK(ts->patimestamp == floor<seconds>(kNow));
  }

  Bytes as_rep(const KrbFastReq& fast) const;

  const FastArmor& armor_;
  Misbehave m_;
  Bytes last_request_;
};

EncKdcRepPart reply_part(const KdcReqBody& body, const Key& reply_key, BytesView request) {
  EncKdcRepPart enc;
  enc.key = random_key(kAes);
  enc.nonce = body.nonce;
  enc.flags = ticket_flags::initial | ticket_flags::pre_authent | ticket_flags::enc_pa_rep;
  enc.authtime = floor<seconds>(kNow);
  enc.endtime = body.till;
  enc.srealm = kRealm;
  enc.sname = *body.sname;
  const Cksumtype type = mandatory_checksum(reply_key.enctype);
  Checksum sum{type, make_checksum(type, &reply_key, KeyUsage::as_req, request).value()};
  enc.encrypted_pa_data.push_back(PaData{PaType::req_enc_pa_rep, encode(sum)});
  enc.encrypted_pa_data.push_back(PaData{PaType::fx_fast, {}});
  return enc;
}

Bytes FastKdc::as_rep(const KrbFastReq& fast) const {
  KdcRep rep;
  rep.crealm = kRealm;
  rep.cname = PrincipalName{NameType::principal, {"somebody-else"}};  // the finished's name counts
  rep.ticket.realm = kRealm;
  rep.ticket.sname = *fast.req_body.sname;
  rep.ticket.enc_part = EncryptedData{kAes, 1, Bytes(64, 0xab)};
  Key strengthen = random_key(kAes);
  Key reply_key = cf2(strengthen, user_key(), pepper("strengthenkey"), pepper("replykey")).value();
  EncKdcRepPart enc = reply_part(fast.req_body, reply_key, last_request_);
  rep.enc_part =
      EncryptedData{kAes, std::nullopt, encrypt(reply_key, KeyUsage::as_rep_enc_part, encode(enc)).value()};
  Ticket checked = rep.ticket;
  if (m_.bad_finished) checked.enc_part.cipher[0] ^= 1;
  const Cksumtype type = mandatory_checksum(kAes);
  KrbFastFinished finished{
      floor<seconds>(kNow), 0, kRealm, to_principal_name(user()),
      Checksum{type,
               make_checksum(type, &armor_.armor_key, KeyUsage::fast_finished, encode(checked)).value()}};
  Key kdc_challenge = m_.bad_kdc_challenge        ? random_key(kAes)
                      : m_.heimdal7_kdc_challenge ? challenge_key("clientchallengearmor")
                                                  : challenge_key("kdcchallengearmor");
  auto challenge = encrypt(kdc_challenge, KeyUsage::enc_challenge_kdc, encode(timestamp(kNow))).value();
  std::vector<PaData> padata{
      PaData{PaType::encrypted_challenge, encode(EncryptedData{kAes, std::nullopt, std::move(challenge)})}};
  if (m_.tampered_strengthen) strengthen = random_key(kAes);
  if (!m_.no_fast_reply)
    rep.padata.push_back(
        wrap(KrbFastResponse{std::move(padata), std::move(strengthen), finished, fast.req_body.nonce}));
  return encode(rep);
}

struct Run {
  Result<AsStep> outcome = Error{Errc::internal};
  std::vector<KrbFastReq> requests;
};

// The whole exchange: PREAUTH_REQUIRED (with a cookie) inside FAST, then the
// encrypted challenge answered with an AS-REP (or m.inner_error).
Run run_exchange(Misbehave m, KerberosTime armor_end = floor<seconds>(kNow) + hours(1)) {
  Run run;
  ccache::CacheContents without_tgt;
  CHECK(fast_armor_from_cache(without_tgt, kRealm, floor<seconds>(kNow)).error().is(Errc::armor_unreadable));
  ccache::CacheContents cache;
  cache.creds.push_back(armor_tgt(armor_end));
  auto made = fast_armor_from_cache(cache, kRealm, floor<seconds>(kNow));
  if (!made) {
    run.outcome = std::move(made).error();
    return run;
  }
  auto shared = std::make_shared<const FastArmor>(std::move(made).value());
  config::LibDefaults defaults;
  PasswordKeySource keys(user(), SecretBytes(std::string_view("alice-pw")));
  AsExchange as({.client = user(), .armor = shared}, defaults, keys, {},
                AsHooks{[] { return kNow; }, [] { return 777u; }});
  FastKdc kdc(*shared, m);
  auto step = as.start();
  REQUIRE(step.ok());
  run.requests.push_back(kdc.open(std::get<SendToKdc>(*step).request));
  step = as.on_reply(kdc.preauth_required(777, to_bytes("cookie-1")));
  if (!step || !std::holds_alternative<SendToKdc>(*step)) {
    run.outcome = std::move(step);
    return run;
  }
  run.requests.push_back(kdc.open(std::get<SendToKdc>(*step).request));
  kdc.check_challenge(run.requests.back());
  run.outcome =
      as.on_reply(m.inner_error ? kdc.error(*m.inner_error, 777, {}) : kdc.as_rep(run.requests.back()));
  return run;
}

}  // namespace

TEST_CASE("FAST: encrypted challenge inside the armor, cookie echoed, reply key strengthened") {
  Run run = run_exchange({});
  REQUIRE_MESSAGE(run.outcome.ok(), run.outcome.error().message());
  REQUIRE(std::holds_alternative<AsResult>(*run.outcome));
  const auto& result = std::get<AsResult>(*run.outcome);
  CHECK(result.creds.client == user());  // from the finished, not the outer cname
  REQUIRE(result.pa_type.has_value());
  CHECK(*result.pa_type == PaType::encrypted_challenge);
  CHECK(result.fast_avail);
  // The first request asks for the encrypted padata and has no factor yet.
  REQUIRE(run.requests.size() == 2);
  CHECK(find_padata(run.requests[0].padata, PaType::req_enc_pa_rep) != nullptr);
  CHECK(find_padata(run.requests[0].padata, PaType::fx_cookie) == nullptr);
  const PaData* cookie = find_padata(run.requests[1].padata, PaType::fx_cookie);
  REQUIRE(cookie != nullptr);
  CHECK(cookie->padata_value == to_bytes("cookie-1"));
  CHECK(find_padata(run.requests[1].padata, PaType::enc_timestamp) == nullptr);

  ccache::CacheContents cache = cache_contents(result);
  CHECK(ccache::find_config(cache, kPaTypeConfigKey, "krbtgt/FAST.TEST@FAST.TEST") == to_bytes("138"));
  CHECK(ccache::find_config(cache, kFastAvailConfigKey, "krbtgt/FAST.TEST@FAST.TEST") == to_bytes("yes"));
}

TEST_CASE("FAST: a reply outside FAST is refused, as an error or as an AS-REP") {
  Run error_outside = run_exchange({.no_fast_error = true});
  REQUIRE_FALSE(error_outside.outcome.ok());
  CHECK(error_outside.outcome.error().is(Errc::fast_not_used));
  CHECK(error_outside.outcome.error().message().find("KDC_ERR_PREAUTH_REQUIRED") != std::string::npos);

  Run rep_outside = run_exchange({.no_fast_reply = true});
  REQUIRE_FALSE(rep_outside.outcome.ok());
  CHECK(rep_outside.outcome.error().is(Errc::fast_not_used));
}

TEST_CASE("FAST: a finished checksum over another ticket is refused") {
  Run run = run_exchange({.bad_finished = true});
  REQUIRE_FALSE(run.outcome.ok());
  CHECK(run.outcome.error().is(Errc::reply_mismatch));
  CHECK(run.outcome.error().message().find("finished checksum") != std::string::npos);
}

TEST_CASE("FAST: a strengthen key other than the one the reply is in does not open the reply") {
  Run run = run_exchange({.tampered_strengthen = true});
  REQUIRE_FALSE(run.outcome.ok());
  CHECK(run.outcome.error().is(Errc::integrity));
}

TEST_CASE("FAST: the KDC's encrypted challenge must be in the KDC challenge key") {
  Run run = run_exchange({.bad_kdc_challenge = true});
  REQUIRE_FALSE(run.outcome.ok());
  CHECK(run.outcome.error().is(Errc::reply_mismatch));
  CHECK(run.outcome.error().message().find("key usage 55") != std::string::npos);
}

TEST_CASE("FAST: Heimdal 7's KDC challenge, in the client challenge key, still proves the key") {
  Run run = run_exchange({.heimdal7_kdc_challenge = true});
  CHECK_MESSAGE(run.outcome.ok(), run.outcome.error().message());
}

TEST_CASE("FAST: the KRB-ERROR inside PA-FX-ERROR is the one reported") {
  Run wrong_password = run_exchange({.inner_error = static_cast<std::int32_t>(KdcErr::preauth_failed)});
  REQUIRE_FALSE(wrong_password.outcome.ok());
  CHECK(wrong_password.outcome.error().is(KdcErr::preauth_failed));
  Run unknown = run_exchange({.inner_error = static_cast<std::int32_t>(KdcErr::c_principal_unknown)});
  REQUIRE_FALSE(unknown.outcome.ok());
  CHECK(unknown.outcome.error().is(KdcErr::c_principal_unknown));
}

TEST_CASE("FAST: an expired armor ticket is refused before anything is sent") {
  Run run = run_exchange({}, floor<seconds>(kNow) - seconds(1));
  REQUIRE_FALSE(run.outcome.ok());
  CHECK(run.outcome.error().is(Errc::armor_expired));
  CHECK(run.requests.empty());
}

TEST_CASE("the preauth table: MIT's order, preferred types first, FAST-only and non-FAST rows") {
  std::vector<PaData> md{PaData{PaType::etype_info2, {}}, PaData{PaType::encrypted_challenge, {}},
                         PaData{PaType::enc_timestamp, {}}};
  CHECK(choose_preauth(md, {17, 16, 15, 14}, false) == PaType::enc_timestamp);
  CHECK(choose_preauth(md, {17, 16, 15, 14}, true) == PaType::encrypted_challenge);
  CHECK(choose_preauth(md, {2, 138}, true) == PaType::encrypted_challenge);  // 2 does not work under FAST
  CHECK_FALSE(choose_preauth({PaData{PaType::encrypted_challenge, {}}}, {}, false).has_value());
  CHECK_FALSE(choose_preauth({PaData{PaType::enc_timestamp, {}}}, {}, true).has_value());
  CHECK_FALSE(choose_preauth({PaData{PaType::pk_as_req, {}}}, {16}, false).has_value());
}
