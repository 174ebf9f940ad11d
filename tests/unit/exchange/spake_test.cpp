// SPAKE pre-authentication in the AS exchange, against a KDC played
// in-process with the same group arithmetic from the KDC's side: it offers
// SPAKE, challenges the group the client supports (or one it does not, as
// MIT's spake_preauth_kdc_challenge does), checks the client's factor in
// K'[1] over the request it came in and seals the AS-REP in K'[0].
#include "krbkit/crypto/spake.hpp"

#include <doctest/doctest.h>

#include <chrono>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/proto/principal.hpp"
#include "krbkit/proto/spake.hpp"
#include "support/padata.hpp"

using namespace krbkit;
using namespace krbkit::exchange;
using namespace std::chrono;

namespace {

const std::string kRealm = "SPAKE.TEST";
const system_clock::time_point kNow = sys_days{year{2026} / 1 / 5} + hours(9);
const Enctype kAes = Enctype::aes256_cts_hmac_sha1_96;

Principal user() { return parse_principal("alice", kRealm).value(); }
Key user_key() { return string_to_key(kAes, "alice-pw", as_bytes(std::string("SPAKE.TESTalice"))).value(); }

// What the fake KDC does, beyond the plain exchange.
struct Plan {
  std::optional<spake::Group> optimistic{};  // challenge at once in this group
  std::vector<SpakeSecondFactor> factors{{kSpakeFactorNone, std::nullopt}};
};

class SpakeKdc {
 public:
  explicit SpakeKdc(Plan plan) : plan_(std::move(plan)) {}

  Bytes error(KdcErr code, const std::vector<PaData>& padata) const {
    KrbError e;
    e.stime = floor<seconds>(kNow);
    e.error_code = static_cast<std::int32_t>(code);
    e.realm = kRealm;
    e.sname = to_principal_name(krbtgt_principal(kRealm, kRealm));
    if (!padata.empty()) e.e_data = encode_method_data(padata);
    return encode(e);
  }

  Bytes preauth_required() {
    std::vector<PaData> md{
        PaData{PaType::etype_info2, encode_etype_info2({{kAes, std::nullopt, std::nullopt}})}};
    md.push_back(PaData{PaType::spake, plan_.optimistic ? challenge(*plan_.optimistic, {}) : Bytes{}});
    if (plan_.optimistic) md.push_back(PaData{PaType::fx_cookie, to_bytes("spake-cookie")});
    return error(KdcErr::preauth_required, md);
  }

  // To the client's support message: a challenge in its first group.
  Bytes on_support(const KdcReq& req) {
    auto msg = message_in(req);
    REQUIRE(std::holds_alternative<SpakeSupport>(msg));
    const Bytes der = find_padata(req.padata, PaType::spake)->padata_value;
    support_groups = std::get<SpakeSupport>(msg).groups;
    REQUIRE(!support_groups.empty());
    Bytes ch = challenge(static_cast<spake::Group>(support_groups.front()), der);
    return error(KdcErr::more_preauth_data_required,
                 {PaData{PaType::spake, std::move(ch)}, PaData{PaType::fx_cookie, to_bytes("spake-cookie")}});
  }

  // To the response: the AS-REP in K'[0], or PREAUTH_FAILED when the factor
  // does not open with K'[1] (the wrong password).
  Bytes on_response(const KdcReq& req) {
    auto msg = message_in(req);
    REQUIRE(std::holds_alternative<SpakeResponse>(msg));
    const auto& response = std::get<SpakeResponse>(msg);
    cookie_echoed = find_padata(req.padata, PaType::fx_cookie) != nullptr;
    auto thash = spake::update_transcript(group_, thash_, response.pubkey);
    auto shared = spake::shared_element(group_, spake::Side::kdc, w_.view(), x_.view(), response.pubkey);
    REQUIRE((thash.ok() && shared.ok()));
    const Bytes body = encode(req.req_body);
    Key k1 = spake::derive_key(group_, user_key(), w_.view(), shared->view(), *thash, body, 1).value();
    auto factor = decrypt(k1, KeyUsage::spake, response.factor.cipher);
    if (!factor) return error(KdcErr::preauth_failed, {});
    CHECK(decode_spake_second_factor(factor->view())->type == kSpakeFactorNone);
    Key k0 = spake::derive_key(group_, user_key(), w_.view(), shared->view(), *thash, body, 0).value();
    return as_rep(req.req_body, k0);
  }

  std::vector<std::int32_t> support_groups;
  bool cookie_echoed = false;

 private:
  static PaSpake message_in(const KdcReq& req) {
    const PaData* pa = find_padata(req.padata, PaType::spake);
    REQUIRE(pa != nullptr);
    auto msg = decode_pa_spake(pa->padata_value);
    REQUIRE(msg.ok());
    return std::move(msg).value();
  }

  Bytes challenge(spake::Group group, BytesView support) {
    group_ = group;
    w_ = spake::derive_wbytes(group, user_key()).value();
    x_ = spake::random_scalar(group).value();
    Bytes T = spake::public_element(group, spake::Side::kdc, w_.view(), x_.view()).value();
    Bytes der =
        encode(PaSpake{SpakeChallenge{static_cast<std::int32_t>(group), std::move(T), plan_.factors}});
    thash_ = spake::update_transcript(group, {}, support, der).value();
    return der;
  }

  static Bytes as_rep(const KdcReqBody& body, const Key& reply_key) {
    EncKdcRepPart enc;
    enc.key = random_key(kAes);
    enc.nonce = body.nonce;
    enc.flags = ticket_flags::initial | ticket_flags::pre_authent;
    enc.authtime = floor<seconds>(kNow);
    enc.endtime = body.till;
    enc.srealm = kRealm;
    enc.sname = *body.sname;
    KdcRep rep;
    rep.crealm = kRealm;
    rep.cname = to_principal_name(user());
    rep.ticket.realm = kRealm;
    rep.ticket.sname = *body.sname;
    rep.ticket.enc_part = EncryptedData{kAes, 1, Bytes(64, 0xab)};
    rep.enc_part =
        EncryptedData{kAes, std::nullopt, encrypt(reply_key, KeyUsage::as_rep_enc_part, encode(enc)).value()};
    return encode(rep);
  }

  Plan plan_;
  spake::Group group_ = spake::Group::edwards25519;
  SecretBytes w_, x_;
  Bytes thash_;
};

struct Run {
  Result<AsStep> outcome = Error{Errc::internal};
  std::vector<KdcReq> requests;
};

KdcReq sent(const Result<AsStep>& step) {
  REQUIRE_MESSAGE(step.ok(), step.error().message());
  REQUIRE(std::holds_alternative<SendToKdc>(*step));
  auto req = decode_as_req(std::get<SendToKdc>(*step).request);
  REQUIRE(req.ok());
  return std::move(req).value();
}

// The exchange with `groups` as spake_preauth_groups and `password`.
Run run_exchange(SpakeKdc& kdc, std::vector<std::int32_t> groups, const char* password = "alice-pw",
                 bool optimistic = false) {
  Run run;
  config::LibDefaults defaults;
  defaults.spake_preauth_groups = std::move(groups);
  PasswordKeySource keys(user(), SecretBytes(std::string_view(password)));
  AsExchange as({.client = user()}, defaults, keys, {}, AsHooks{[] { return kNow; }, [] { return 4242u; }});
  run.requests.push_back(sent(as.start()));
  auto step = as.on_reply(kdc.preauth_required());
  if (!step || !std::holds_alternative<SendToKdc>(*step)) return Run{std::move(step), run.requests};
  run.requests.push_back(sent(step));
  const PaData* pa = find_padata(run.requests.back().padata, PaType::spake);
  REQUIRE(pa != nullptr);
  if (!optimistic || std::holds_alternative<SpakeSupport>(decode_pa_spake(pa->padata_value).value())) {
    step = as.on_reply(kdc.on_support(run.requests.back()));
    if (!step || !std::holds_alternative<SendToKdc>(*step)) return Run{std::move(step), run.requests};
    run.requests.push_back(sent(step));
  }
  run.outcome = as.on_reply(kdc.on_response(run.requests.back()));
  return run;
}

void check_pa_type_151(const Run& run) {
  REQUIRE_MESSAGE(run.outcome.ok(), run.outcome.error().message());
  REQUIRE(std::holds_alternative<AsResult>(*run.outcome));
  const auto& result = std::get<AsResult>(*run.outcome);
  REQUIRE(result.pa_type.has_value());
  CHECK(*result.pa_type == PaType::spake);
  ccache::CacheContents cache = cache_contents(result);
  CHECK(ccache::find_config(cache, kPaTypeConfigKey, "krbtgt/SPAKE.TEST@SPAKE.TEST") == to_bytes("151"));
}

}  // namespace

TEST_CASE("SPAKE: support, challenge and response in edwards25519, the AS-REP in K'[0]") {
  SpakeKdc kdc({});
  Run run = run_exchange(kdc, {1});
  check_pa_type_151(run);
  CHECK(kdc.support_groups == std::vector<std::int32_t>{1});
  CHECK(kdc.cookie_echoed);
  REQUIRE(run.requests.size() == 3);
  CHECK(test::preauth_padata(run.requests[0]).empty());
  CHECK(find_padata(run.requests[1].padata, PaType::enc_timestamp) == nullptr);
}

TEST_CASE("SPAKE: the NIST groups, as spake_preauth_groups names them") {
  for (std::int32_t group : {2, 3, 4}) {
    CAPTURE(group);
    SpakeKdc kdc({});
    Run run = run_exchange(kdc, {group, 1});
    check_pa_type_151(run);
    CHECK(kdc.support_groups == std::vector<std::int32_t>{group, 1});
  }
}

TEST_CASE("SPAKE: an optimistic challenge is answered at once, or with our groups when not ours") {
  SpakeKdc taken({.optimistic = spake::Group::p256});
  check_pa_type_151(run_exchange(taken, {2}, "alice-pw", true));
  CHECK(taken.support_groups.empty());  // no support message was needed

  SpakeKdc refused({.optimistic = spake::Group::p384});
  Run run = run_exchange(refused, {1}, "alice-pw", true);
  check_pa_type_151(run);
  CHECK(refused.support_groups == std::vector<std::int32_t>{1});
}

TEST_CASE("SPAKE: a wrong password is the KDC's PREAUTH_FAILED") {
  SpakeKdc kdc({});
  Run run = run_exchange(kdc, {1}, "not-alices");
  REQUIRE_FALSE(run.outcome.ok());
  CHECK(run.outcome.error().is(KdcErr::preauth_failed));
}

TEST_CASE("SPAKE: a challenge that asks for a second factor is refused clearly") {
  SpakeKdc kdc({.factors = {{2, to_bytes("otp")}}});
  Run run = run_exchange(kdc, {1});
  REQUIRE_FALSE(run.outcome.ok());
  CHECK(run.outcome.error().is(Errc::unsupported));
  CHECK(run.outcome.error().message().find("second factor") != std::string::npos);
}

TEST_CASE("SPAKE: off when spake_preauth_groups names no group krbkit knows") {
  SpakeKdc kdc({});
  Run run = run_exchange(kdc, {});
  REQUIRE_FALSE(run.outcome.ok());
  CHECK(run.outcome.error().is(Errc::unsupported));
  const std::string message = run.outcome.error().message();
  CHECK(message.find("offers pre-authentication PA-ETYPE-INFO2 (19), PA-SPAKE (151)") != std::string::npos);
  CHECK(message.find("krbkit supports PA-ENC-TIMESTAMP (2)") != std::string::npos);
  CHECK(message.find("PA-ENC-TIMESTAMP (2), PA-SPAKE") == std::string::npos);
}
