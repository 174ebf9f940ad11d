// The TGS exchange and the service-ticket client without a network: a fake
// KDC in this file decrypts each TGS-REQ's authenticator with the TGT session
// key, checks its body checksum, and answers with TGS-REPs or KRB-ERRORs.
#include "krbkit/exchange/tgs_exchange.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <map>

#include "krbkit/ccache/cache.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/pac/pac.hpp"
#include "krbkit/proto/principal.hpp"
#include "support/fake_transport.hpp"
#include "support/random_fails.hpp"

using namespace krbkit;
using namespace krbkit::exchange;
using namespace std::chrono;

namespace {

const std::string kRealm = "TEST.REALM";
const Enctype kAes = Enctype::aes256_cts_hmac_sha1_96;

Principal alice() { return parse_principal("alice", kRealm).value(); }
Principal princ(const std::string& text) { return parse_principal(text, kRealm).value(); }
KerberosTime now_s() { return floor<seconds>(system_clock::now()); }

// A ticket for `server` whose enc-part is a real EncTicketPart in `service_key`.
Bytes make_ticket(const Principal& server, const Principal& client, const Key& session,
                  const Key& service_key) {
  EncTicketPart part;
  part.key = session.clone();
  part.crealm = client.realm;
  part.cname = to_principal_name(client);
  part.authtime = now_s();
  part.endtime = now_s() + hours(10);
  Ticket t;
  t.realm = server.realm;
  t.sname = to_principal_name(server);
  t.enc_part = EncryptedData{service_key.enctype, 2,
                             encrypt(service_key, KeyUsage::kdc_rep_ticket, encode(part)).value()};
  return encode(t);
}

Credentials make_tgt(const Principal& client, const std::string& issuer, const std::string& service_realm,
                     const Key& krbtgt_key, std::uint32_t flags = ticket_flags::forwardable) {
  Credentials c;
  c.client = client;
  c.server = krbtgt_principal(service_realm, issuer);
  c.session_key = random_key(kAes);
  c.authtime = c.starttime = now_s();
  c.endtime = now_s() + hours(10);
  c.renew_till = now_s() + hours(48);
  c.flags = flags | ticket_flags::renewable;
  c.ticket = make_ticket(c.server, client, c.session_key, krbtgt_key);
  return c;
}

// What the fake KDC learned from a request.
struct Seen {
  KdcReq req;
  Authenticator auth;
  EncTicketPart tgt_part;
  std::vector<PaData> padata;
};

// Decrypts and checks a TGS-REQ the way a KDC does.
Seen kdc_read(BytesView request, const Key& krbtgt_key) {
  auto req = decode_tgs_req(request);
  REQUIRE_MESSAGE(req.ok(), req.error().message());
  REQUIRE(!req->padata.empty());
  REQUIRE(req->padata[0].padata_type == PaType::tgs_req);
  auto ap = decode_ap_req(req->padata[0].padata_value);
  REQUIRE(ap.ok());
  auto tkt_plain = decrypt(krbtgt_key, KeyUsage::kdc_rep_ticket, ap->ticket.enc_part.cipher);
  REQUIRE_MESSAGE(tkt_plain.ok(), "the AP-REQ does not carry the TGT");
  auto part = decode_enc_ticket_part(tkt_plain->view());
  REQUIRE(part.ok());
  auto auth_plain = decrypt(part->key, KeyUsage::tgs_req_authenticator, ap->authenticator.cipher);
  REQUIRE_MESSAGE(auth_plain.ok(), "authenticator not encrypted in the session key with usage 7");
  auto auth = decode_authenticator(auth_plain->view());
  REQUIRE(auth.ok());
  REQUIRE(auth->cksum.has_value());
  // The checksum covers the DER request body, keyed with the session key, usage 6.
  auto ok = verify_checksum(auth->cksum->cksumtype, &part.value().key, KeyUsage::tgs_req_auth_cksum,
                            encode(req->req_body), auth->cksum->checksum);
  CHECK_MESSAGE(ok.ok(), "authenticator checksum does not cover the request body");
  Seen s{std::move(req).value(), std::move(auth).value(), std::move(part).value(), {}};
  s.padata = s.req.padata;
  return s;
}

struct ReplyShape {
  std::optional<Principal> server{};  // default: the requested one
  std::optional<Principal> client{};  // default: the TGT's client
  std::optional<std::uint32_t> nonce{};
  bool use_session_key = false;  // usage 8 instead of the subkey's 9
  Enctype session = kAes;
  std::optional<KerberosTime> endtime{};
  const Key* ticket_key = nullptr;   // the issued ticket's key (default: a random one)
  std::vector<PaData> padata{};      // the TGS-REP's padata
  std::vector<PaData> enc_padata{};  // its encrypted-pa-data
  std::vector<HostAddress> caddr{};  // EncTGSRepPart caddr (MIT's KDC leaves it out)
};

Bytes kdc_reply(const Seen& s, const ReplyShape& shape = {}) {
  const auto& body = s.req.req_body;
  Principal server = shape.server.value_or(to_principal(*body.sname, body.realm));
  Principal client = shape.client.value_or(to_principal(s.tgt_part.cname, s.tgt_part.crealm));
  EncKdcRepPart enc;
  enc.application_tag = 26;
  enc.key = random_key(shape.session);
  enc.nonce = shape.nonce.value_or(body.nonce);
  enc.flags = ticket_flags::forwardable & s.tgt_part.flags;
  enc.authtime = now_s();
  enc.endtime = shape.endtime.value_or(body.till);
  enc.renew_till = body.rtime;
  enc.srealm = server.realm;
  enc.sname = to_principal_name(server);
  enc.encrypted_pa_data = shape.enc_padata;
  enc.caddr = shape.caddr;
  KdcRep rep;
  rep.msg_type = MsgType::tgs_rep;
  rep.padata = shape.padata;
  rep.crealm = client.realm;
  rep.cname = to_principal_name(client);
  Key service_key = shape.ticket_key ? shape.ticket_key->clone() : random_key(kAes);
  rep.ticket = decode_ticket(make_ticket(server, client, enc.key, service_key)).value();
  const Key& reply_key = shape.use_session_key ? s.tgt_part.key : *s.auth.subkey;
  KeyUsage usage =
      shape.use_session_key ? KeyUsage::tgs_rep_enc_part_session_key : KeyUsage::tgs_rep_enc_part_subkey;
  rep.enc_part =
      EncryptedData{reply_key.enctype, std::nullopt, encrypt(reply_key, usage, encode(enc)).value()};
  return encode(rep);
}

Bytes kdc_error_reply(int code, const Principal& server) {
  KrbError e;
  e.stime = now_s();
  e.error_code = code;
  e.realm = server.realm;
  e.sname = to_principal_name(server);
  return encode(e);
}

const config::LibDefaults& defaults() {
  static config::LibDefaults d;
  return d;
}

TgsSend send_of(const Result<TgsStep>& step) {
  REQUIRE_MESSAGE(step.ok(), step.error().message());
  REQUIRE(std::holds_alternative<TgsSend>(step.value()));
  return std::get<TgsSend>(step.value());
}

TgsResult result_of(Result<TgsStep> step) {
  REQUIRE_MESSAGE(step.ok(), step.error().message());
  REQUIRE(std::holds_alternative<TgsResult>(step.value()));
  return std::move(std::get<TgsResult>(step.value()));
}

}  // namespace

TEST_CASE("TGS-REQ: PA-TGS-REQ carries the TGT and an authenticator with body checksum and subkey") {
  Key krbtgt = random_key(kAes);
  Credentials tgt = make_tgt(alice(), kRealm, kRealm, krbtgt);
  TgsRequest req;
  req.server = princ("host/web.test.realm");
  req.kdc_options = tgs_options_from_tgt(tgt, 0);
  TgsHooks hooks;
  hooks.nonce = [] { return 777u; };
  TgsExchange tgs(tgt, req, defaults(), {}, hooks);
  TgsSend send = send_of(tgs.start());
  CHECK(send.realm == kRealm);
  CHECK_FALSE(send.tcp_only);
  Seen s = kdc_read(send.request, krbtgt);
  CHECK(s.req.req_body.nonce == 777u);
  CHECK(to_principal(*s.req.req_body.sname, s.req.req_body.realm) == req.server);
  CHECK(s.req.req_body.till == tgt.endtime);                       // default: the TGT's end
  CHECK((s.req.req_body.kdc_options & kdc_options::forwardable));  // copied from the TGT's flags
  CHECK((s.req.req_body.kdc_options & kdc_options::renewable));
  CHECK(s.req.req_body.rtime == tgt.renew_till);
  REQUIRE(s.auth.subkey.has_value());
  CHECK(s.auth.subkey->enctype == tgt.session_key.enctype);
  CHECK_FALSE(s.auth.subkey->bytes == tgt.session_key.bytes);
  CHECK(to_principal(s.auth.cname, s.auth.crealm) == alice());
  CHECK(s.auth.cksum->cksumtype == Cksumtype::hmac_sha1_96_aes256);
}

TEST_CASE("TGS-REP decrypted with the subkey (9) or the session key (8), then checked") {
  Key krbtgt = random_key(kAes);
  Credentials tgt = make_tgt(alice(), kRealm, kRealm, krbtgt);
  TgsRequest req;
  req.server = princ("host/web.test.realm");

  SUBCASE("subkey") {
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    TgsResult r = result_of(tgs.on_reply(kdc_reply(s)));
    CHECK(r.reply_key_usage == KeyUsage::tgs_rep_enc_part_subkey);
    CHECK_FALSE(r.referral);
    CHECK(r.creds.client == alice());
    CHECK(r.creds.server == req.server);
    CHECK(r.creds.endtime == tgt.endtime);
    CHECK(decode_ticket(r.creds.ticket).ok());
  }
  SUBCASE("session key") {
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    CHECK(result_of(tgs.on_reply(kdc_reply(s, {.use_session_key = true}))).reply_key_usage ==
          KeyUsage::tgs_rep_enc_part_session_key);
  }
  SUBCASE("wrong nonce") {
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    auto r = tgs.on_reply(kdc_reply(s, {.nonce = s.req.req_body.nonce + 1}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::reply_mismatch));
    CHECK(r.error().message().find("nonce") != std::string::npos);
  }
  SUBCASE("another client") {
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    auto r = tgs.on_reply(kdc_reply(s, {.client = princ("mallory")}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::reply_mismatch));
  }
  SUBCASE("end time beyond the request") {
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    auto r = tgs.on_reply(kdc_reply(s, {.endtime = tgt.endtime + hours(1)}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::reply_mismatch));
  }
  SUBCASE("a different server without canonicalize") {
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    auto r = tgs.on_reply(kdc_reply(s, {.server = princ("host/other.test.realm")}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::reply_mismatch));
  }
  SUBCASE("a referral TGT with canonicalize") {
    req.kdc_options = kdc_options::canonicalize;
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    TgsResult r = result_of(tgs.on_reply(kdc_reply(s, {.server = krbtgt_principal("OTHER.REALM", kRealm)})));
    CHECK(r.referral);
    CHECK(r.referral_realm == "OTHER.REALM");
  }
  SUBCASE("KRB-ERROR") {
    TgsExchange tgs(tgt, req, defaults());
    (void)send_of(tgs.start());
    auto r = tgs.on_reply(kdc_error_reply(7, req.server));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(KdcErr::s_principal_unknown));
  }
  SUBCASE("RESPONSE_TOO_BIG: the same request over TCP") {
    TgsExchange tgs(tgt, req, defaults());
    TgsSend first = send_of(tgs.start());
    TgsSend again = send_of(tgs.on_reply(kdc_error_reply(52, req.server)));
    CHECK(again.tcp_only);
    CHECK(again.request == first.request);
  }
}

TEST_CASE("renew, validate and user-to-user options") {
  Key krbtgt = random_key(kAes);
  Credentials tgt = make_tgt(alice(), kRealm, kRealm, krbtgt);
  SUBCASE("user-to-user needs the other TGT and marks the result") {
    TgsRequest req;
    req.server = princ("bob");
    req.kdc_options = kdc_options::enc_tkt_in_skey;
    CHECK_FALSE(TgsExchange(tgt, req, defaults()).start().ok());
    Credentials bob_tgt = make_tgt(princ("bob"), kRealm, kRealm, krbtgt);
    req.additional_tickets.push_back(bob_tgt.ticket);
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    REQUIRE(s.req.req_body.additional_tickets.size() == 1);
    CHECK(encode(s.req.req_body.additional_tickets[0]) == bob_tgt.ticket);
    TgsResult r = result_of(tgs.on_reply(kdc_reply(s)));
    CHECK(r.creds.is_skey);
    CHECK(r.creds.second_ticket == bob_tgt.ticket);
  }
  SUBCASE("renew may extend the end time past the old one") {
    TgsRequest req;
    req.server = tgt.server;
    req.kdc_options = kdc_options::renew;
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    CHECK((s.req.req_body.kdc_options & kdc_options::renew));
    TgsResult r = result_of(tgs.on_reply(kdc_reply(s, {.endtime = tgt.endtime + hours(5)})));
    CHECK(r.creds.endtime == tgt.endtime + hours(5));
  }
}

TEST_CASE("PA-FOR-USER: name, realm and an HMAC-MD5 checksum in the TGT session key") {
  Key session = random_key(kAes);
  Principal user = princ("alice");
  auto der = encode_pa_for_user(user, session);
  REQUIRE(der.ok());
  // S4UByteArray for NT-PRINCIPAL alice@TEST.REALM
  Bytes data = {1, 0, 0, 0};
  for (char c : std::string("aliceTEST.REALMKerberos")) data.push_back(static_cast<std::uint8_t>(c));
  auto expected = make_checksum(Cksumtype::hmac_md5_rc4, &session, KeyUsage::app_data_cksum, data);
  REQUIRE(expected.ok());
  std::string hex = to_hex(*der);
  CHECK(hex.find(to_hex(*expected)) != std::string::npos);
  CHECK(hex.find(to_hex(as_bytes("Kerberos"))) != std::string::npos);

  Key krbtgt = random_key(kAes);
  Credentials tgt = make_tgt(princ("host/svc.test.realm"), kRealm, kRealm, krbtgt);
  TgsRequest req;
  req.server = tgt.client;
  req.for_user = user;
  TgsExchange tgs(tgt, req, defaults());
  Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
  // MIT's order: PA-TGS-REQ, PA-FX-FAST (the request armored by its own
  // TGT), then the S4U padata, which also go inside the armor.
  REQUIRE(s.padata.size() == 4);
  CHECK(s.padata[1].padata_type == PaType::fx_fast);
  CHECK(s.padata[2].padata_type == PaType::s4u_x509_user);
  CHECK(s.padata[3].padata_type == PaType::for_user);
  // The reply names the user, not the service that asked; this KDC knows no
  // FAST and answers outside it, which is taken as an unarmored reply.
  TgsResult r = result_of(tgs.on_reply(kdc_reply(s, {.client = user})));
  CHECK(r.creds.client == user);
  CHECK_FALSE(r.fast_armored);
  // A KDC that ignores PA-S4U-X509-USER (Samba's) signs nothing.
  CHECK_FALSE(r.s4u_user_signed);
}

namespace {

// What a KDC that knows PA-S4U-X509-USER does with the request's: checks
// its checksum in the subkey (usage 26), then answers with the user's
// canonical name signed with usage 27 and the request's nonce.
PaData kdc_s4u_reply(const Seen& s, const Principal& canonical, std::optional<std::uint32_t> nonce = {}) {
  const PaData* pa = find_padata(s.padata, PaType::s4u_x509_user);
  REQUIRE(pa != nullptr);
  auto got = decode_pa_s4u_x509_user(pa->padata_value);
  REQUIRE_MESSAGE(got.ok(), got.error().message());
  CHECK(got->user_id.nonce == s.req.req_body.nonce);
  CHECK(got->user_id.options == s4u_options::use_reply_key_usage);
  CHECK(got->checksum.cksumtype == Cksumtype::hmac_sha1_96_aes256);
  auto ok = verify_checksum(got->checksum.cksumtype, &*s.auth.subkey, KeyUsage::pa_s4u_x509_user_request,
                            got->user_id_der, got->checksum.checksum);
  CHECK_MESSAGE(ok.ok(), "PA-S4U-X509-USER is not checksummed in the subkey with key usage 26");
  S4uUserId id = got->user_id;
  id.user = canonical;
  id.nonce = nonce.value_or(id.nonce);
  return PaData{PaType::s4u_x509_user,
                encode_pa_s4u_x509_user(id, *s.auth.subkey, KeyUsage::pa_s4u_x509_user_reply).value()};
}

}  // namespace

TEST_CASE("PA-S4U-X509-USER: sent with PA-FOR-USER; the KDC's signed user name is checked and used") {
  Key krbtgt = random_key(kAes);
  Credentials tgt = make_tgt(princ("host/svc.test.realm"), kRealm, kRealm, krbtgt);
  Principal asked =
      parse_principal("Alice@test.realm", kRealm, PrincipalParseFlags{.enterprise = true}).value();
  Principal canonical = princ("alice");
  TgsRequest req;
  req.server = tgt.client;
  req.for_user = asked;

  SUBCASE("signed canonical name: the reply's client must be it") {
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    auto got = decode_pa_s4u_x509_user(find_padata(s.padata, PaType::s4u_x509_user)->padata_value).value();
    CHECK(got.user_id.user.components == asked.components);
    CHECK(got.user_id.user.type == NameType::enterprise);
    TgsResult r =
        result_of(tgs.on_reply(kdc_reply(s, {.client = canonical, .padata = {kdc_s4u_reply(s, canonical)}})));
    CHECK(r.s4u_user_signed);
    CHECK(r.creds.client == canonical);
  }
  SUBCASE("a client other than the signed name is refused") {
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    auto r =
        tgs.on_reply(kdc_reply(s, {.client = princ("mallory"), .padata = {kdc_s4u_reply(s, canonical)}}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::reply_mismatch));
  }
  SUBCASE("another nonce is refused") {
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    auto r = tgs.on_reply(kdc_reply(
        s, {.client = canonical, .padata = {kdc_s4u_reply(s, canonical, s.req.req_body.nonce ^ 1)}}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("nonce") != std::string::npos);
  }
  SUBCASE("a name changed after signing is refused") {
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    PaData pa = kdc_s4u_reply(s, canonical);
    // alice -> alicf inside the signed user-id.
    std::string hex = to_hex(pa.padata_value);
    auto at = hex.find(to_hex(as_bytes("alice")));
    REQUIRE(at != std::string::npos);
    pa.padata_value[at / 2 + 4] ^= 0x07;
    auto r = tgs.on_reply(kdc_reply(s, {.client = princ("alicb"), .padata = {pa}}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::reply_mismatch));
  }
  SUBCASE("encrypted padata without the outer one is refused") {
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    auto r = tgs.on_reply(
        kdc_reply(s, {.client = asked, .enc_padata = {PaData{PaType::s4u_x509_user, Bytes(24, 1)}}}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::reply_mismatch));
  }
  SUBCASE("no PA-S4U-X509-USER when turned off") {
    req.s4u_x509_user = false;
    TgsExchange tgs(tgt, req, defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, krbtgt);
    CHECK(find_padata(s.padata, PaType::s4u_x509_user) == nullptr);
    CHECK(find_padata(s.padata, PaType::for_user) != nullptr);
  }
}

TEST_CASE("PA-S4U-X509-USER encoding; PA-PAC-OPTIONS flags") {
  S4uUserId id{0x12345678, princ("alice"), {}, s4u_options::use_reply_key_usage};
  Bytes der = encode_s4u_user_id(id);
  // SEQUENCE { [0] 0x12345678, [1] alice, [2] "TEST.REALM", [4] BIT STRING 00 20 00 00 00 }
  CHECK(to_hex(der).find("a006020412345678") != std::string::npos);
  CHECK(to_hex(der).find("a40703050020000000") != std::string::npos);
  Key rc4 = random_key(Enctype::rc4_hmac);
  CHECK(s4u_x509_checksum_type(Enctype::rc4_hmac) == Cksumtype::rsa_md4);
  CHECK(s4u_x509_checksum_type(kAes) == Cksumtype::hmac_sha1_96_aes256);
  auto pa = encode_pa_s4u_x509_user(id, rc4, KeyUsage::pa_s4u_x509_user_request);
  REQUIRE(pa.ok());
  auto back = decode_pa_s4u_x509_user(*pa);
  REQUIRE(back.ok());
  CHECK(back->user_id_der == der);
  CHECK(back->user_id.user == id.user);
  CHECK(back->checksum.cksumtype == Cksumtype::rsa_md4);
  // A user-id without a name (certificate-only requests) leaves out cname.
  S4uUserId bare{1, Principal{NameType::principal, {}, kRealm}, {}, 0};
  auto bare_back =
      decode_pa_s4u_x509_user(encode_pa_s4u_x509_user(bare, rc4, KeyUsage::pa_s4u_x509_user_request).value());
  REQUIRE(bare_back.ok());
  CHECK(bare_back->user_id.user.components.empty());
  CHECK(bare_back->user_id.user.realm == kRealm);
  // PA-PAC-OPTIONS { flags [0] BIT STRING }: resource-based delegation is bit 3.
  CHECK(to_hex(encode_pa_pac_options(pac_options::resource_based_delegation)) == "3009a00703050010000000");
}

TEST_CASE("realm paths: [capaths] first, else the hierarchy") {
  auto profile = config::Profile::parse(R"([capaths]
    A.EXAMPLE = {
        C.OTHER = B.EXAMPLE
        C.OTHER = B.OTHER
        D.OTHER = .
    }
)")
                     .value();
  using V = std::vector<std::string>;
  CHECK(realm_path(profile, "A.EXAMPLE", "C.OTHER") == V{"A.EXAMPLE", "B.EXAMPLE", "B.OTHER", "C.OTHER"});
  CHECK(realm_path(profile, "A.EXAMPLE", "D.OTHER") == V{"A.EXAMPLE", "D.OTHER"});
  CHECK(realm_path(profile, "A.B.C", "D.B.C") == V{"A.B.C", "B.C", "D.B.C"});
  CHECK(realm_path(profile, "KRBKIT.TEST", "OTHER.TEST") == V{"KRBKIT.TEST", "TEST", "OTHER.TEST"});
  CHECK(realm_path(profile, "A.B.C", "B.C") == V{"A.B.C", "B.C"});
  CHECK(realm_path(profile, "B.C", "X.A.B.C") == V{"B.C", "A.B.C", "X.A.B.C"});
  CHECK(realm_path(profile, "ONE", "TWO") == V{"ONE", "TWO"});
  CHECK(realm_path(profile, "SAME", "SAME") == V{"SAME"});
}

namespace {

// A fake KDC for several realms: krbtgt keys per (service realm, issuer),
// and a rule per realm for what it answers.
struct FakeKdcs {
  std::map<std::pair<std::string, std::string>, Key> krbtgt;  // (service realm, issuing realm)
  std::function<Bytes(const Seen&, const std::string& realm)> answer;
  int requests = 0;

  Key& key(const std::string& service, const std::string& issuer) {
    auto& k = krbtgt[{service, issuer}];
    if (k.enctype == Enctype::null) k = random_key(kAes);
    return k;
  }
  test::FakeTransport fake_net{
      [this](std::string_view realm, BytesView request, const net::SendOptions&) -> Result<Bytes> {
        ++requests;
        auto req = decode_tgs_req(request).value();
        auto ap = decode_ap_req(req.padata[0].padata_value).value();
        std::string service_realm = ap.ticket.sname.name_string.at(1);
        CHECK(service_realm == realm);
        Seen s = kdc_read(request, key(service_realm, ap.ticket.realm));
        return answer(s, std::string(realm));
      }};
  const net::RealmTransport& transport() const { return fake_net; }
};

std::unique_ptr<ccache::Cache> memory_cache_with(const Credentials& tgt, const std::string& name) {
  auto cache = ccache::open("MEMORY:" + name).value();
  std::vector<Credentials> creds;
  creds.push_back(tgt.clone());
  REQUIRE(cache->initialize_and_store(tgt.client, creds).ok());
  return cache;
}

}  // namespace

TEST_CASE("TgsClient: cache reuse, no duplicates, referrals followed and loops detected") {
  FakeKdcs kdcs;
  Credentials tgt = make_tgt(alice(), kRealm, kRealm, kdcs.key(kRealm, kRealm));
  config::Profile profile;
  const Principal web = princ("host/web.test.realm");

  SUBCASE("a second get is answered from the cache") {
    kdcs.answer = [](const Seen& s, const std::string&) { return kdc_reply(s); };
    auto cache = memory_cache_with(tgt, "tgs-reuse");
    TgsClient client(profile, *cache, kdcs.transport());
    REQUIRE(client.get(web).ok());
    REQUIRE(client.get(web).ok());
    CHECK(kdcs.requests == 1);
    ServiceOptions fresh;
    fresh.reuse = false;
    REQUIRE(client.get(web, fresh).ok());
    CHECK(kdcs.requests == 2);
    auto contents = cache->read().value();
    CHECK(contents.creds.size() == 2);  // the TGT and one web ticket, not two
    ServiceOptions cached;
    cached.cached_only = true;
    auto none = client.get(princ("host/nothere.test.realm"), cached);
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().is(Errc::no_credentials));
    CHECK(kdcs.requests == 2);
  }
  SUBCASE("--no-store leaves the cache alone") {
    kdcs.answer = [](const Seen& s, const std::string&) { return kdc_reply(s); };
    auto cache = memory_cache_with(tgt, "tgs-nostore");
    TgsClient client(profile, *cache, kdcs.transport());
    ServiceOptions opts;
    opts.no_store = true;
    REQUIRE(client.get(web, opts).ok());
    auto contents = cache->read().value();
    CHECK(contents.creds.size() == 1);
  }
  // Each realm's KDC refers to `refer[realm]` when set, else issues the ticket.
  std::map<std::string, std::string> refer;
  kdcs.answer = [&](const Seen& s, const std::string& realm) {
    auto it = refer.find(realm);
    if (it == refer.end()) return kdc_reply(s);
    CHECK((s.req.req_body.kdc_options & kdc_options::canonicalize));
    return kdc_reply(
        s, {.server = krbtgt_principal(it->second, realm), .ticket_key = &kdcs.key(it->second, realm)});
  };
  Principal referral_web = web;
  referral_web.realm.clear();

  SUBCASE("referral realm: two hops, the service ticket from the last realm, cross-realm TGTs cached") {
    refer = {{kRealm, "MID.REALM"}, {"MID.REALM", "FAR.REALM"}};
    auto cache = memory_cache_with(tgt, "tgs-referral");
    TgsClient client(profile, *cache, kdcs.transport());
    auto r = client.get(referral_web);
    REQUIRE_MESSAGE(r.ok(), r.error().message());
    CHECK(r->server.realm == "FAR.REALM");
    CHECK(r->server.components == web.components);
    CHECK(kdcs.requests == 3);
    int cross = 0;
    auto contents = cache->read().value();
    for (const auto& c : contents.creds)
      if (c.server == krbtgt_principal("MID.REALM", kRealm) ||
          c.server == krbtgt_principal("FAR.REALM", "MID.REALM"))
        ++cross;
    CHECK(cross == 2);
    // Asked again: from the cache (any realm matches the referral realm).
    REQUIRE(client.get(referral_web).ok());
    CHECK(kdcs.requests == 3);
  }
  SUBCASE("a referral back to a realm already visited is a loop") {
    refer = {{kRealm, "MID.REALM"}, {"MID.REALM", kRealm}};
    auto cache = memory_cache_with(tgt, "tgs-loop");
    TgsClient client(profile, *cache, kdcs.transport());
    auto r = client.get(referral_web);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("referral loop") != std::string::npos);
    CHECK(kdcs.requests == 2);
  }
  SUBCASE("hops are bounded") {
    for (int i = 0; i < 20; ++i)
      refer[i == 0 ? kRealm : "R" + std::to_string(i) + ".REALM"] = "R" + std::to_string(i + 1) + ".REALM";
    auto cache = memory_cache_with(tgt, "tgs-hops");
    TgsClient client(profile, *cache, kdcs.transport());
    ServiceOptions opts;
    opts.max_referrals = 4;
    auto r = client.get(referral_web, opts);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message().find("more than 4 referrals") != std::string::npos);
    CHECK(kdcs.requests == 5);
  }
  SUBCASE("a named realm is reached over the realm path, farthest TGT first") {
    auto capaths = config::Profile::parse("[capaths]\n TEST.REALM = {\n FAR.REALM = MID.REALM\n }\n").value();
    int asked_far_directly = 0;
    kdcs.answer = [&](const Seen& s, const std::string& realm) {
      Principal want = to_principal(*s.req.req_body.sname, s.req.req_body.realm);
      if (realm == kRealm && want == krbtgt_principal("FAR.REALM", kRealm)) {
        ++asked_far_directly;
        return kdc_error_reply(7, want);
      }
      if (is_krbtgt(want)) return kdc_reply(s, {.ticket_key = &kdcs.key(want.components[1], realm)});
      return kdc_reply(s);
    };
    auto cache = memory_cache_with(tgt, "tgs-capaths");
    TgsClient client(capaths, *cache, kdcs.transport());
    Principal far_web = web;
    far_web.realm = "FAR.REALM";
    auto r = client.get(far_web);
    REQUIRE_MESSAGE(r.ok(), r.error().message());
    CHECK(r->server == far_web);
    CHECK(asked_far_directly == 1);
    CHECK(kdcs.requests == 4);  // FAR@TEST (refused), MID@TEST, FAR@MID, the service
  }
}

TEST_CASE("addresses: the TGT's are asked for and kept, as MIT's TGS requests do") {
  FakeKdcs kdcs;
  Credentials tgt = make_tgt(alice(), kRealm, kRealm, kdcs.key(kRealm, kRealm));
  const HostAddress v4{address_type::ipv4, {192, 0, 2, 7}};
  const HostAddress v6{address_type::ipv6, {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7}};
  const std::vector<HostAddress> bound{v4, v6};
  const Principal web = princ("host/web.test.realm");
  auto request = [](const Principal& server, std::uint32_t options = 0) {
    TgsRequest req;
    req.server = server;
    req.kdc_options = options;
    return req;
  };
  auto exchange = [&](const Credentials& with, TgsRequest req, const ReplyShape& shape = {}) {
    TgsExchange tgs(with, std::move(req), defaults());
    Seen s = kdc_read(send_of(tgs.start()).request, kdcs.key(kRealm, kRealm));
    return std::make_pair(s.req.req_body.addresses,
                          result_of(tgs.on_reply(kdc_reply(s, shape))).creds.clone());
  };

  SUBCASE("a TGT without addresses: none asked, none kept") {
    auto [sent, creds] = exchange(tgt, request(web));
    CHECK(sent.empty());
    CHECK(creds.addresses.empty());
  }
  tgt.addresses = bound;
  SUBCASE("the TGT's addresses go into the request; a reply without caddr keeps them") {
    auto [sent, creds] = exchange(tgt, request(web));
    CHECK(sent == bound);
    CHECK(creds.addresses == bound);
  }
  SUBCASE("the reply's caddr, when the KDC sends one, is what the credential gets") {
    auto [sent, creds] = exchange(tgt, request(web), {.caddr = {v4}});
    CHECK(sent == bound);
    CHECK(creds.addresses == std::vector<HostAddress>{v4});
  }
  SUBCASE("asked addresses replace the TGT's; an empty list sends none") {
    TgsRequest req = request(web);
    req.addresses = std::vector<HostAddress>{v6};
    CHECK(exchange(tgt, req).first == std::vector<HostAddress>{v6});
    req.addresses = std::vector<HostAddress>{};
    auto [sent, creds] = exchange(tgt, req);
    CHECK(sent.empty());
    CHECK(creds.addresses.empty());
  }
  SUBCASE("renew and validate send the addresses of the ticket itself") {
    for (auto option : {kdc_options::renew, kdc_options::validate}) {
      CAPTURE(option);
      auto [sent, creds] = exchange(tgt, request(tgt.server, option));
      CHECK(sent == bound);
      CHECK(creds.addresses == bound);
    }
  }
  SUBCASE("TgsClient: cross-realm TGTs and the service ticket, all bound to the TGT's addresses") {
    std::vector<std::vector<HostAddress>> seen;
    kdcs.answer = [&](const Seen& s, const std::string& realm) {
      seen.push_back(s.req.req_body.addresses);
      if (realm == kRealm)
        return kdc_reply(s, {.server = krbtgt_principal("MID.REALM", kRealm),
                             .ticket_key = &kdcs.key("MID.REALM", kRealm)});
      return kdc_reply(s);
    };
    auto cache = memory_cache_with(tgt, "tgs-addresses");
    config::Profile profile;
    TgsClient client(profile, *cache, kdcs.transport());
    Principal referral_web = web;
    referral_web.realm.clear();
    auto r = client.get(referral_web);
    REQUIRE_MESSAGE(r.ok(), r.error().message());
    REQUIRE(seen.size() == 2);
    CHECK(seen[0] == bound);
    CHECK(seen[1] == bound);  // sent with the cross-realm TGT, which kept them
    CHECK(r->addresses == bound);
    auto contents = cache->read().value();
    CHECK(contents.creds.size() == 3);
    for (const auto& c : contents.creds) {
      std::string server = unparse_principal(c.server);
      CAPTURE(server);
      CHECK(c.addresses == bound);
    }
  }
}

TEST_CASE("a TGS error with an AD NTSTATUS (KERB-EXT-ERROR in PA-PW-SALT) says it") {
  Key krbtgt = random_key(kAes);
  Credentials tgt = make_tgt(princ("host/svc.test.realm"), kRealm, kRealm, krbtgt);
  TgsRequest req;
  req.server = tgt.client;
  req.for_user = princ("disuser");
  TgsExchange tgs(tgt, req, defaults());
  (void)send_of(tgs.start());
  KrbError e;
  e.stime = now_s();
  e.error_code = 18;  // KDC_ERR_CLIENT_REVOKED
  e.realm = kRealm;
  e.sname = to_principal_name(tgt.client);
  // STATUS_ACCOUNT_DISABLED, reserved, flags 1 (little endian).
  Bytes ext = {0x72, 0x00, 0x00, 0xC0, 0, 0, 0, 0, 1, 0, 0, 0};
  e.e_data = encode_method_data({PaData{PaType::pw_salt, ext}});
  auto r = tgs.on_reply(encode(e));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(KdcErr::client_revoked));
  REQUIRE(pac::ntstatus_of(r.error()) != nullptr);
  CHECK(pac::ntstatus_of(r.error())->code == 0xC0000072);
  CHECK_MESSAGE(r.error().message().find("NTSTATUS 0xC0000072 Account disabled") != std::string::npos,
                r.error().message());
}

TEST_CASE("no random bytes: the TGS-REQ is not sent with a zero nonce or subkey") {
  Key krbtgt = random_key(kAes);
  Credentials tgt = make_tgt(alice(), kRealm, kRealm, krbtgt);
  TgsRequest req;
  req.server = princ("host/web.test.realm");
  TgsExchange tgs(tgt, req, defaults());
  test::RandomFails fails;
  auto r = tgs.start();
  REQUIRE_FALSE(r);
  CHECK_MESSAGE(test::is_random_failure(r.error()), r.error().message());
  CHECK(r.error().message().find("making a request nonce") != std::string::npos);
}
