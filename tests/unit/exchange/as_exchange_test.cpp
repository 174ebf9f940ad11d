// The AS exchange without a network: every test plays the KDC in-process,
// building the KRB-ERRORs and AS-REPs a KDC sends, and checks what the
// exchange sends next or what it concludes.
#include "krbkit/exchange/as_exchange.hpp"

#include <doctest/doctest.h>

#include <chrono>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/proto/principal.hpp"
#include "support/fake_transport.hpp"
#include "support/padata.hpp"
#include "support/random_fails.hpp"

using namespace krbkit;
using namespace krbkit::exchange;
using namespace std::chrono;

namespace {

const std::string kRealm = "TEST.REALM";
const system_clock::time_point kNow = sys_days{year{2025} / 3 / 1} + hours(12) + microseconds(250000);

Principal alice() { return parse_principal("alice", kRealm).value(); }

AsHooks fixed_hooks(std::uint32_t nonce = 4242) {
  return AsHooks{[] { return kNow; }, [nonce] { return nonce; }};
}

Key password_key(Enctype e, const std::string& password, const std::string& salt, BytesView params = {}) {
  return string_to_key(e, password, as_bytes(salt), params).value();
}

KdcReq request_of(const AsStep& step) {
  REQUIRE(std::holds_alternative<SendToKdc>(step));
  auto req = decode_as_req(std::get<SendToKdc>(step).request);
  REQUIRE_MESSAGE(req.ok(), req.error().message());
  return std::move(req).value();
}

// What the fake KDC puts into its AS-REP (defaults: a correct reply).
struct ReplyShape {
  std::optional<std::uint32_t> nonce{};
  std::optional<Principal> client{};
  std::optional<std::string> srealm{};
  std::optional<Principal> server{};
  Enctype session = Enctype::aes256_cts_hmac_sha1_96;
  std::vector<PaData> padata{};
  seconds kdc_ahead{0};
};

Bytes as_rep(const KdcReq& req, const Key& client_key, const ReplyShape& shape = {}) {
  const auto& body = req.req_body;
  EncKdcRepPart enc;
  enc.key = random_key(shape.session);
  enc.nonce = shape.nonce.value_or(body.nonce);
  enc.flags = ticket_flags::initial | (test::preauth_padata(req).empty() ? 0 : ticket_flags::pre_authent);
  if (body.kdc_options & kdc_options::forwardable) enc.flags |= ticket_flags::forwardable;
  enc.authtime = floor<seconds>(kNow) + shape.kdc_ahead;
  enc.endtime = body.till;
  enc.renew_till = body.rtime;
  if (body.rtime) enc.flags |= ticket_flags::renewable;
  Principal server = shape.server.value_or(to_principal(*body.sname, body.realm));
  enc.srealm = shape.srealm.value_or(server.realm);
  enc.sname = to_principal_name(server);
  enc.caddr = body.addresses;
  KdcRep rep;
  rep.padata = shape.padata;
  Principal client = shape.client.value_or(to_principal(*body.cname, body.realm));
  rep.crealm = client.realm;
  rep.cname = to_principal_name(client);
  rep.ticket.realm = enc.srealm;
  rep.ticket.sname = enc.sname;
  rep.ticket.enc_part = EncryptedData{Enctype::aes256_cts_hmac_sha1_96, 1, Bytes(64, 0xab)};
  auto cipher = encrypt(client_key, KeyUsage::as_rep_enc_part, encode(enc));
  REQUIRE(cipher.ok());
  rep.enc_part = EncryptedData{client_key.enctype, std::nullopt, std::move(cipher).value()};
  return encode(rep);
}

Bytes krb_error(int code, std::optional<Bytes> e_data = std::nullopt, seconds kdc_ahead = seconds(0)) {
  KrbError e;
  e.stime = floor<seconds>(kNow) + kdc_ahead;
  e.error_code = code;
  e.realm = kRealm;
  e.sname = to_principal_name(krbtgt_principal(kRealm, kRealm));
  e.e_data = std::move(e_data);
  return encode(e);
}

Bytes preauth_required(std::vector<EtypeInfo2Entry> info2) {
  std::vector<PaData> md;
  md.push_back(PaData{PaType::etype_info2, encode_etype_info2(info2)});
  md.push_back(PaData{PaType::enc_timestamp, {}});
  return krb_error(25, encode_method_data(md));
}

// Decrypts a request's PA-ENC-TIMESTAMP with `key` and returns its time.
system_clock::time_point enc_timestamp_time(const KdcReq& req, const Key& key) {
  const auto* pa = find_padata(req.padata, PaType::enc_timestamp);
  REQUIRE(pa != nullptr);
  auto ed = decode_encrypted_data(pa->padata_value);
  REQUIRE(ed.ok());
  CHECK(ed->etype == key.enctype);
  auto plain = decrypt(key, KeyUsage::as_req_pa_enc_ts, ed->cipher);
  REQUIRE_MESSAGE(plain.ok(), "PA-ENC-TIMESTAMP does not decrypt with the expected key");
  auto ts = decode_pa_enc_ts_enc(plain->view());
  REQUIRE(ts.ok());
  return system_clock::time_point(ts->patimestamp.time_since_epoch()) + microseconds(ts->pausec.value_or(0));
}

AsResult finish(AsExchange& as, BytesView reply) {
  auto step = as.on_reply(reply);
  REQUIRE_MESSAGE(step.ok(), step.error().message());
  REQUIRE(std::holds_alternative<AsResult>(*step));
  return std::get<AsResult>(std::move(step).value());
}

}  // namespace

TEST_CASE("a principal without pre-authentication gets a TGT in one round trip") {
  config::LibDefaults defaults;
  PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
  AsExchange as({.client = alice()}, defaults, keys, {}, fixed_hooks());
  auto step = as.start();
  REQUIRE(step.ok());
  KdcReq req = request_of(*step);
  CHECK(test::preauth_padata(req).empty());
  CHECK(req.req_body.nonce == 4242);
  CHECK(to_principal(*req.req_body.cname, req.req_body.realm) == alice());
  CHECK(to_principal(*req.req_body.sname, req.req_body.realm) == krbtgt_principal(kRealm, kRealm));
  CHECK(req.req_body.till == floor<seconds>(kNow) + hours(24));
  CHECK_FALSE(req.req_body.rtime.has_value());
  CHECK(req.req_body.addresses.empty());
  CHECK(req.req_body.etype.front() == Enctype::aes256_cts_hmac_sha1_96);
  CHECK_FALSE(std::get<SendToKdc>(*step).same_kdc);

  Key key = password_key(Enctype::aes256_cts_hmac_sha1_96, "pw", "TEST.REALMalice");
  AsResult r = finish(as, as_rep(req, key, {.kdc_ahead = seconds(7)}));
  CHECK(r.creds.client == alice());
  CHECK(r.creds.server == krbtgt_principal(kRealm, kRealm));
  CHECK(r.creds.flags == ticket_flags::initial);
  CHECK(r.creds.session_key.enctype == Enctype::aes256_cts_hmac_sha1_96);
  CHECK(r.creds.starttime == r.creds.authtime);
  CHECK_FALSE(r.pa_type.has_value());
  REQUIRE(r.kdc_offset.has_value());
  // authtime is whole seconds 7 s ahead; our clock is at .25 s.
  CHECK(r.kdc_offset->seconds == 6);
  CHECK(r.kdc_offset->microseconds == 750000);
  auto ticket = decode_ticket(r.creds.ticket);
  REQUIRE(ticket.ok());
  CHECK(ticket->realm == kRealm);
}

TEST_CASE("PREAUTH_REQUIRED: the key comes from ETYPE-INFO2's salt and s2kparams, sent to the same KDC") {
  config::LibDefaults defaults;
  int prompts = 0;
  PasswordKeySource keys(alice(), [&](const Principal& p) -> Result<SecretBytes> {
    ++prompts;
    CHECK(p == alice());
    return SecretBytes(std::string_view("alice-pw"));
  });
  AsExchange as({.client = alice()}, defaults, keys, {}, fixed_hooks());
  KdcReq first = request_of(as.start().value());
  CHECK(prompts == 0);  // no password needed for the first request

  Bytes params = hex("00001000");  // 4096 iterations
  auto step = as.on_reply(preauth_required({{Enctype::aes128_cts_hmac_sha1_96, "SALTY", params}}));
  REQUIRE_MESSAGE(step.ok(), step.error().message());
  CHECK(std::get<SendToKdc>(*step).same_kdc);
  KdcReq second = request_of(*step);
  CHECK(second.req_body.nonce == first.req_body.nonce);
  Key key = password_key(Enctype::aes128_cts_hmac_sha1_96, "alice-pw", "SALTY", params);
  CHECK(enc_timestamp_time(second, key) == kNow);
  CHECK(prompts == 1);

  AsResult r = finish(as, as_rep(second, key));
  CHECK(prompts == 1);
  CHECK((r.creds.flags & ticket_flags::pre_authent) != 0);
  REQUIRE(r.pa_type.has_value());
  CHECK(*r.pa_type == PaType::enc_timestamp);
  REQUIRE(r.etype_info.size() == 1);
  CHECK(r.etype_info[0].salt == std::optional<std::string>("SALTY"));

  SUBCASE("the cache remembers the etype-info, and the next exchange pre-authenticates at once") {
    ccache::CacheContents cache = cache_contents(r);
    CHECK(cache.default_principal == alice());
    CHECK(cache.kdc_offset.has_value());
    REQUIRE(cache.creds.size() == 1);
    CHECK(ccache::find_config(cache, kPaTypeConfigKey, "krbtgt/TEST.REALM@TEST.REALM") == to_bytes("2"));
    auto remembered = cached_etype_info(cache, alice());
    REQUIRE(remembered.size() == 1);
    CHECK(remembered[0] == r.etype_info[0]);

    PasswordKeySource keys2(alice(), SecretBytes(std::string_view("alice-pw")));
    AsExchange next({.client = alice(), .cached_etype_info = remembered}, defaults, keys2, {},
                    fixed_hooks(7));
    KdcReq req = request_of(next.start().value());
    CHECK(enc_timestamp_time(req, key) == kNow);
    AsResult r2 = finish(next, as_rep(req, key));
    CHECK(r2.creds.client == alice());

    SUBCASE("stale cached etype-info (the salt changed): start over, once") {
      PasswordKeySource keys3(alice(), SecretBytes(std::string_view("alice-pw")));
      AsExchange stale({.client = alice(), .cached_etype_info = remembered}, defaults, keys3, {},
                       fixed_hooks(8));
      request_of(stale.start().value());
      auto again = stale.on_reply(krb_error(24));
      REQUIRE(again.ok());
      CHECK(test::preauth_padata(request_of(*again)).empty());
      auto third =
          stale.on_reply(preauth_required({{Enctype::aes256_cts_hmac_sha1_96, "NEWSALT", std::nullopt}}));
      REQUIRE(third.ok());
      Key newkey = password_key(Enctype::aes256_cts_hmac_sha1_96, "alice-pw", "NEWSALT");
      CHECK(enc_timestamp_time(request_of(*third), newkey) == kNow);
      CHECK(finish(stale, as_rep(request_of(*third), newkey)).etype_info[0].salt ==
            std::optional<std::string>("NEWSALT"));
    }
  }
}

TEST_CASE("older KDCs: ETYPE-INFO and PW-SALT give the salt") {
  config::LibDefaults defaults;
  PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
  AsExchange as({.client = alice()}, defaults, keys, {}, fixed_hooks());
  request_of(as.start().value());
  std::vector<PaData> md;
  md.push_back(
      PaData{PaType::etype_info, encode_etype_info({{Enctype::aes256_cts_hmac_sha1_96, std::nullopt}})});
  md.push_back(PaData{PaType::pw_salt, to_bytes("OLDSALT")});
  md.push_back(PaData{PaType::enc_timestamp, {}});
  auto step = as.on_reply(krb_error(25, encode_method_data(md)));
  REQUIRE_MESSAGE(step.ok(), step.error().message());
  Key key = password_key(Enctype::aes256_cts_hmac_sha1_96, "pw", "OLDSALT");
  CHECK(enc_timestamp_time(request_of(*step), key) == kNow);
}

TEST_CASE("a reply with the wrong nonce is rejected") {
  config::LibDefaults defaults;
  PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
  AsExchange as({.client = alice()}, defaults, keys, {}, fixed_hooks(1000));
  KdcReq req = request_of(as.start().value());
  Key key = password_key(Enctype::aes256_cts_hmac_sha1_96, "pw", "TEST.REALMalice");
  auto r = as.on_reply(as_rep(req, key, {.nonce = 999}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(Errc::reply_mismatch));
  CHECK(r.error().detail == "AS-REP nonce 999 does not match the request's 1000");
}

TEST_CASE("reply checks name what differed") {
  config::LibDefaults defaults;
  Key key = password_key(Enctype::aes256_cts_hmac_sha1_96, "pw", "TEST.REALMalice");
  auto run = [&](AsRequest request, const ReplyShape& shape) {
    PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
    AsExchange as(std::move(request), defaults, keys, {}, fixed_hooks());
    KdcReq req = request_of(as.start().value());
    return as.on_reply(as_rep(req, key, shape));
  };
  Principal mallory = parse_principal("mallory", kRealm).value();

  SUBCASE("client name") {
    auto r = run({.client = alice()}, {.client = mallory});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().detail == "AS-REP client mallory@TEST.REALM is not the requested alice@TEST.REALM");
  }
  SUBCASE("a canonicalized client name is accepted only with -C") {
    auto r = run({.client = alice(), .canonicalize = true}, {.client = mallory});
    REQUIRE_MESSAGE(r.ok(), r.error().message());
    CHECK(std::get<AsResult>(*r).creds.client == mallory);
  }
  SUBCASE("server name") {
    auto r = run({.client = alice()}, {.server = parse_principal("krbtgt/OTHER", kRealm).value()});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().detail ==
          "AS-REP server krbtgt/OTHER@TEST.REALM is not the requested krbtgt/TEST.REALM@TEST.REALM");
  }
  SUBCASE("under canonicalize, a service other than a TGS keeps its name (MIT's verify_as_reply)") {
    const Principal asked = parse_principal("host/server.test.realm", kRealm).value();
    const Principal renamed = parse_principal("host/evil.test.realm", kRealm).value();
    auto r = run({.client = alice(), .server = asked, .canonicalize = true}, {.server = renamed});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::reply_mismatch));
    CHECK(r.error().detail ==
          "AS-REP server host/evil.test.realm@TEST.REALM is not the requested "
          "host/server.test.realm@TEST.REALM");
    // Nor may it become a TGS, or move to another realm.
    r = run({.client = alice(), .server = asked, .canonicalize = true},
            {.server = krbtgt_principal(kRealm, kRealm)});
    CHECK_FALSE(r.ok());
    r = run({.client = alice(), .server = asked, .canonicalize = true},
            {.server = parse_principal("host/server.test.realm", "EVIL.REALM").value()});
    CHECK_FALSE(r.ok());
    // A TGT may come back for the canonical realm's TGS.
    r = run({.client = alice(), .canonicalize = true},
            {.client = parse_principal("alice", "CANON.REALM").value(),
             .server = krbtgt_principal("CANON.REALM", "CANON.REALM")});
    REQUIRE_MESSAGE(r.ok(), r.error().message());
    CHECK(std::get<AsResult>(*r).creds.server == krbtgt_principal("CANON.REALM", "CANON.REALM"));
  }
  SUBCASE("a tampered client name or nonce for a service ticket, even under canonicalize") {
    const Principal asked = parse_principal("kadmin/changepw", kRealm).value();
    for (bool canon : {false, true}) {
      CAPTURE(canon);
      auto r = run({.client = alice(), .server = asked, .canonicalize = canon}, {.client = mallory});
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().detail == "AS-REP client mallory@TEST.REALM is not the requested alice@TEST.REALM");
      r = run({.client = alice(), .server = asked, .canonicalize = canon}, {.nonce = 7});
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().detail == "AS-REP nonce 7 does not match the request's 4242");
    }
  }
  SUBCASE("server realm") {
    auto r = run({.client = alice()}, {.srealm = "EVIL.REALM"});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::reply_mismatch));
    CHECK(r.error().detail.find("EVIL.REALM") != std::string::npos);
  }
  SUBCASE("session key enctype outside permitted_enctypes") {
    config::LibDefaults strict;
    strict.default_tkt_enctypes = {Enctype::aes256_cts_hmac_sha1_96};
    strict.permitted_enctypes = {Enctype::aes256_cts_hmac_sha1_96};
    PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
    AsExchange as({.client = alice()}, strict, keys, {}, fixed_hooks());
    KdcReq req = request_of(as.start().value());
    auto r = as.on_reply(as_rep(req, key, {.session = Enctype::aes128_cts_hmac_sha1_96}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().detail.find("session key enctype aes128-cts-hmac-sha1-96 is not permitted") !=
          std::string::npos);
  }
}

TEST_CASE("a wrong password shows as an integrity failure of the reply") {
  config::LibDefaults defaults;
  PasswordKeySource keys(alice(), SecretBytes(std::string_view("wrong")));
  AsExchange as({.client = alice()}, defaults, keys, {}, fixed_hooks());
  KdcReq req = request_of(as.start().value());
  Key right = password_key(Enctype::aes256_cts_hmac_sha1_96, "pw", "TEST.REALMalice");
  auto r = as.on_reply(as_rep(req, right));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(Errc::integrity));
  Error e = r.error();
  e.context.push_back("getting initial credentials");
  CHECK(describe_initial_creds_error(e, alice()) == "Password incorrect for '" + unparse_principal(alice()) +
                                                        "' (" + e.detail +
                                                        ") while getting initial credentials");
}

TEST_CASE("KRB_ERR_RESPONSE_TOO_BIG sends the same request over TCP") {
  config::LibDefaults defaults;
  PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
  AsExchange as({.client = alice()}, defaults, keys, {}, fixed_hooks());
  auto first = as.start().value();
  auto again = as.on_reply(krb_error(52));
  REQUIRE(again.ok());
  const auto& send = std::get<SendToKdc>(*again);
  CHECK(send.tcp_only);
  CHECK(send.request == std::get<SendToKdc>(first).request);
}

TEST_CASE("clock skew after pre-authentication: adopt the KDC's time and try once more") {
  config::LibDefaults defaults;
  PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
  AsExchange as({.client = alice()}, defaults, keys, {}, fixed_hooks());
  request_of(as.start().value());
  auto pre = as.on_reply(preauth_required({{Enctype::aes256_cts_hmac_sha1_96, std::nullopt, std::nullopt}}));
  REQUIRE(pre.ok());
  auto retry = as.on_reply(krb_error(37, std::nullopt, seconds(3600)));
  REQUIRE_MESSAGE(retry.ok(), retry.error().message());
  Key key = password_key(Enctype::aes256_cts_hmac_sha1_96, "pw", "TEST.REALMalice");
  auto sent = enc_timestamp_time(request_of(*retry), key);
  CHECK(duration_cast<seconds>(sent - kNow).count() == 3599);  // the KDC's whole second, minus our .25 s
  auto twice = as.on_reply(krb_error(37, std::nullopt, seconds(3600)));
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().is(KdcErr::ap_err_skew));
  CHECK(twice.error().detail.find("allowed skew 300 s") != std::string::npos);
}

TEST_CASE("KDC errors keep their code; unknown principals are named") {
  config::LibDefaults defaults;
  PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
  AsExchange as({.client = alice()}, defaults, keys, {}, fixed_hooks());
  request_of(as.start().value());
  auto r = as.on_reply(krb_error(6));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(KdcErr::c_principal_unknown));
  Error e = r.error();
  e.context.push_back("getting initial credentials");
  CHECK(describe_initial_creds_error(e, alice()) ==
        "Client 'alice@TEST.REALM' not found in Kerberos database while getting initial credentials");
  e.code = kdc_error(KdcErr::key_expired);
  CHECK(describe_initial_creds_error(e, alice()).find("Password for 'alice@TEST.REALM' has expired") == 0);
}

TEST_CASE("pre-authentication krbkit cannot do is reported with what the KDC offered") {
  config::LibDefaults defaults;
  PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
  AsExchange as({.client = alice()}, defaults, keys, {}, fixed_hooks());
  request_of(as.start().value());
  std::vector<PaData> md{PaData{PaType::pk_as_req, {}}};
  auto r = as.on_reply(krb_error(25, encode_method_data(md)));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(Errc::unsupported));
  CHECK(r.error().detail.find("PA-PK-AS-REQ") != std::string::npos);
}

TEST_CASE("kinit -I: only the pre-authentication the input cache recorded is tried") {
  config::LibDefaults defaults;
  PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
  // The input cache's entry, as MIT's kinit writes it.
  ccache::CacheContents input;
  ccache::set_config(input, kPaTypeConfigKey, "krbtgt/TEST.REALM@TEST.REALM", as_bytes("151"));
  REQUIRE(recorded_pa_type(input, krbtgt_principal(kRealm, kRealm)) == PaType::spake);
  CHECK_FALSE(recorded_pa_type(input, alice()).has_value());
  ccache::set_config(input, kPaTypeConfigKey, unparse_principal(alice()), as_bytes("2x"));
  CHECK_FALSE(recorded_pa_type(input, alice()).has_value());

  SUBCASE("encrypted timestamp recorded: used as usual") {
    AsExchange as({.client = alice(), .only_preauth = PaType::enc_timestamp}, defaults, keys, {},
                  fixed_hooks());
    request_of(as.start().value());
    auto next = as.on_reply(preauth_required({{Enctype::aes256_cts_hmac_sha1_96, "SALT", std::nullopt}}));
    REQUIRE(next.ok());
    CHECK(find_padata(request_of(*next).padata, PaType::enc_timestamp) != nullptr);
  }
  SUBCASE("SPAKE recorded, the KDC offers encrypted timestamp only: refused, not downgraded") {
    AsExchange as({.client = alice(), .only_preauth = PaType::spake}, defaults, keys, {}, fixed_hooks());
    request_of(as.start().value());
    auto next = as.on_reply(preauth_required({{Enctype::aes256_cts_hmac_sha1_96, "SALT", std::nullopt}}));
    REQUIRE_FALSE(next.ok());
    CHECK(next.error().is(Errc::unsupported));
    CHECK(next.error().detail.find("the input cache (kinit -I) allows only PA-SPAKE (151)") !=
          std::string::npos);
  }
  SUBCASE("cached etype-info makes no optimistic timestamp when another type is recorded") {
    AsExchange as({.client = alice(),
                   .cached_etype_info = {{Enctype::aes256_cts_hmac_sha1_96, "SALT", std::nullopt}},
                   .only_preauth = PaType::spake},
                  defaults, keys, {}, fixed_hooks());
    CHECK(test::preauth_padata(request_of(as.start().value())).empty());
  }
}

TEST_CASE("garbage from a KDC is a parse error, not a crash") {
  config::LibDefaults defaults;
  PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
  AsExchange as({.client = alice()}, defaults, keys, {}, fixed_hooks());
  request_of(as.start().value());
  Bytes garbage = hex("6b0330010000ff");
  auto r = as.on_reply(garbage);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(Errc::parse));
}

TEST_CASE("request options from flags and krb5.conf") {
  config::LibDefaults defaults;
  defaults.forwardable = true;
  defaults.renew_lifetime = hours(48);
  PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
  HostAddress addr{address_type::ipv4, {192, 0, 2, 1}};

  SUBCASE("krb5.conf values") {
    AsExchange as({.client = alice()}, defaults, keys, {}, fixed_hooks());
    KdcReq req = request_of(as.start().value());
    CHECK((req.req_body.kdc_options & kdc_options::forwardable) != 0);
    CHECK((req.req_body.kdc_options & kdc_options::renewable) != 0);
    CHECK(req.req_body.rtime == floor<seconds>(kNow) + hours(48));
    CHECK(find_padata(req.padata, PaType::pac_request) == nullptr);
  }
  SUBCASE("flags override them") {
    AsRequest r{.client = alice()};
    r.forwardable = false;
    r.proxiable = true;
    r.renew_life = seconds(0);
    r.lifetime = hours(2);
    r.start_in = minutes(30);
    r.with_addresses = true;
    r.addresses = {addr};
    r.request_pac = false;
    r.server = parse_principal("kadmin/changepw", "ELSEWHERE").value();
    AsExchange as(r, defaults, keys, {}, fixed_hooks());
    KdcReq req = request_of(as.start().value());
    auto o = req.req_body.kdc_options;
    CHECK((o & kdc_options::forwardable) == 0);
    CHECK((o & kdc_options::proxiable) != 0);
    CHECK((o & kdc_options::renewable) == 0);
    CHECK((o & kdc_options::postdated) != 0);
    CHECK(req.req_body.from == floor<seconds>(kNow) + minutes(30));
    CHECK(req.req_body.till == floor<seconds>(kNow) + minutes(150));
    CHECK(req.req_body.addresses == std::vector<HostAddress>{addr});
    // The service is in the client's realm, as MIT does for kinit -S.
    CHECK(to_principal(*req.req_body.sname, req.req_body.realm) ==
          parse_principal("kadmin/changepw", kRealm).value());
    const auto* pac = find_padata(req.padata, PaType::pac_request);
    REQUIRE(pac != nullptr);
    CHECK_FALSE(decode_pa_pac_request(pac->padata_value)->include_pac);
  }
  SUBCASE("forced enctypes") {
    config::LibDefaults d2;
    d2.default_tkt_enctypes = {Enctype::camellia128_cts_cmac, Enctype::aes128_cts_hmac_sha256_128};
    AsExchange as({.client = alice()}, d2, keys, {}, fixed_hooks());
    KdcReq req = request_of(as.start().value());
    CHECK(req.req_body.etype == d2.default_tkt_enctypes);
  }
  SUBCASE("enterprise names ask for canonicalization") {
    auto upn = parse_principal("alice@example.com", kRealm, {.enterprise = true}).value();
    AsExchange as({.client = upn}, defaults, keys, {}, fixed_hooks());
    KdcReq req = request_of(as.start().value());
    CHECK((req.req_body.kdc_options & kdc_options::canonicalize) != 0);
    CHECK(req.req_body.cname->name_type == NameType::enterprise);
  }
}

TEST_CASE("keytab keys: the newest kvno per enctype, and only the keytab's enctypes are requested") {
  std::vector<KeytabKey> entries;
  entries.push_back({alice(), 1, random_key(Enctype::aes256_cts_hmac_sha1_96)});
  entries.push_back({alice(), 3, random_key(Enctype::aes256_cts_hmac_sha1_96)});
  entries.push_back({alice(), 2, random_key(Enctype::aes256_cts_hmac_sha1_96)});
  entries.push_back({alice(), 3, random_key(Enctype::aes128_cts_hmac_sha256_128)});
  entries.push_back({parse_principal("bob", kRealm).value(), 9, random_key(Enctype::camellia256_cts_cmac)});
  Key newest = entries[1].key.clone();
  auto source = KeytabKeySource::from_entries(alice(), std::move(entries), "FILE:/tmp/x.keytab");
  REQUIRE(source.ok());
  CHECK(source->kvno(Enctype::aes256_cts_hmac_sha1_96) == 3u);

  config::LibDefaults defaults;
  AsExchange as({.client = alice()}, defaults, *source, {}, fixed_hooks());
  KdcReq req = request_of(as.start().value());
  CHECK(req.req_body.etype ==
        std::vector<Enctype>{Enctype::aes256_cts_hmac_sha1_96, Enctype::aes128_cts_hmac_sha256_128});
  auto step = as.on_reply(preauth_required({{Enctype::aes256_cts_hmac_sha1_96, "ignored", std::nullopt}}));
  REQUIRE(step.ok());
  CHECK(enc_timestamp_time(request_of(*step), newest) == kNow);

  auto none =
      KeytabKeySource::from_entries(parse_principal("carol", kRealm).value(), {}, "FILE:/tmp/x.keytab");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().is(Errc::keytab_no_key));
  CHECK(none.error().detail == "no key for carol@TEST.REALM in keytab FILE:/tmp/x.keytab");
}

TEST_CASE("a reply encrypted in an enctype that was not requested is refused") {
  config::LibDefaults defaults;
  defaults.default_tkt_enctypes = {Enctype::aes256_cts_hmac_sha1_96};
  PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
  AsExchange as({.client = alice()}, defaults, keys, {}, fixed_hooks());
  KdcReq req = request_of(as.start().value());
  Key other = password_key(Enctype::aes128_cts_hmac_sha1_96, "pw", "TEST.REALMalice");
  auto r = as.on_reply(as_rep(req, other));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().detail.find("encrypted with aes128-cts-hmac-sha1-96, which was not requested") !=
        std::string::npos);
}

TEST_CASE("no random bytes: the AS-REQ is not sent with a zero nonce") {
  config::LibDefaults defaults;
  PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
  AsExchange as({.client = alice()}, defaults, keys, {}, AsHooks{[] { return kNow; }, {}});
  test::RandomFails fails;
  auto r = as.start();
  REQUIRE_FALSE(r);
  CHECK_MESSAGE(test::is_random_failure(r.error()), r.error().message());
  CHECK(r.error().message().find("making a request nonce") != std::string::npos);
}

// kinit against a fake KDC that answers each AS-REQ with a reply tampered as
// `shape` says: get_initial_credentials must refuse it (MIT: "KDC reply did
// not match expectations").
TEST_CASE("a fake KDC's tampered AS-REP is refused by get_initial_credentials") {
  auto profile = config::Profile::parse("[libdefaults]\n  default_realm = TEST.REALM\n").value();
  Key key = password_key(Enctype::aes256_cts_hmac_sha1_96, "pw", "TEST.REALMalice");
  auto kinit = [&](AsRequest request, ReplyShape shape) {
    test::FakeTransport kdc([&](std::string_view, BytesView req, const net::SendOptions&) -> Result<Bytes> {
      auto as_req = decode_as_req(req);
      REQUIRE(as_req.ok());
      return as_rep(*as_req, key, shape);
    });
    PasswordKeySource keys(alice(), SecretBytes(std::string_view("pw")));
    return get_initial_credentials(profile, std::move(request), keys, kdc, fixed_hooks());
  };
  const Principal service = parse_principal("host/server.test.realm", kRealm).value();

  // The fake KDC's honest answer is accepted, so what follows tests the checks.
  auto ok = kinit({.client = alice(), .server = service, .canonicalize = true}, {});
  REQUIRE_MESSAGE(ok.ok(), ok.error().message());
  CHECK(ok->creds.server == service);

  SUBCASE("kinit -C -S host/server: a ticket for another service") {
    auto r = kinit({.client = alice(), .server = service, .canonicalize = true},
                   {.server = parse_principal("host/evil.test.realm", kRealm).value()});
    REQUIRE_FALSE(r.ok());
    CHECK_MESSAGE(r.error().is(Errc::reply_mismatch), r.error().message());
    CHECK(r.error().message().find("AS-REP server host/evil.test.realm@TEST.REALM is not the requested "
                                   "host/server.test.realm@TEST.REALM") != std::string::npos);
  }
  SUBCASE("kinit -C -S host/server: a ticket for another client") {
    auto r = kinit({.client = alice(), .server = service, .canonicalize = true},
                   {.client = parse_principal("mallory", kRealm).value()});
    REQUIRE_FALSE(r.ok());
    CHECK_MESSAGE(r.error().is(Errc::reply_mismatch), r.error().message());
    CHECK(r.error().message().find(
              "AS-REP client mallory@TEST.REALM is not the requested alice@TEST.REALM") != std::string::npos);
  }
  SUBCASE("kinit -C: a TGT whose encrypted part answers another nonce") {
    auto r = kinit({.client = alice(), .canonicalize = true}, {.nonce = 4243});
    REQUIRE_FALSE(r.ok());
    CHECK_MESSAGE(r.error().is(Errc::reply_mismatch), r.error().message());
    CHECK(r.error().message().find("AS-REP nonce 4243 does not match the request's 4242") !=
          std::string::npos);
  }
}
