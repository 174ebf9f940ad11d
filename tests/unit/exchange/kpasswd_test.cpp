// RFC 3244 without a network: the test plays the password server in-process.
// It holds the kadmin/changepw key, so it opens our AP-REQ and KRB-PRIV as a
// real server would and builds the AP-REP / KRB-PRIV / KRB-ERROR replies that
// MIT's kadmind and Heimdal's kpasswdd send.
#include "krbkit/exchange/kpasswd.hpp"

#include <doctest/doctest.h>

#include <chrono>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/proto/principal.hpp"
#include "support/random_fails.hpp"

using namespace krbkit;
using namespace krbkit::exchange;
using namespace std::chrono;

namespace {

const std::string kRealm = "TEST.REALM";
const system_clock::time_point kNow = sys_days{year{2025} / 3 / 1} + hours(12) + microseconds(250000);
const HostAddress kLocal{2, Bytes{127, 0, 0, 1}};
constexpr std::uint32_t kClientSeq = 0x1234567;
constexpr std::uint32_t kServerSeq = 0x7654321;

KpasswdHooks fixed_hooks() {
  KpasswdHooks h;
  h.now = [] { return kNow; };
  h.sequence_number = [] { return kClientSeq; };
  return h;
}

// What the server's reply looks like (defaults: a correct reply).
struct ReplyShape {
  std::uint16_t code = 0;
  std::string text;
  Bytes raw_text;  // used instead of `text` when non-empty
  std::optional<std::int32_t> cusec_delta;
  std::uint32_t priv_seq = kServerSeq;
  seconds clock_ahead{0};
  bool tamper = false;
};

// The password server: the changepw service key and what it learnt from a request.
struct FakeServer {
  Key service_key = random_key(Enctype::aes256_cts_hmac_sha1_96);
  Key session_key = random_key(Enctype::aes128_cts_hmac_sha1_96);

  // A kadmin/changepw ticket for `client` as the KDC would issue it.
  Credentials creds(const std::string& client = "carol") const {
    Credentials c;
    c.client = parse_principal(client, kRealm).value();
    c.server = Principal{NameType::srv_inst, {"kadmin", "changepw"}, kRealm};
    c.session_key = session_key.clone();
    EncTicketPart part;
    part.flags = ticket_flags::initial;
    part.key = session_key.clone();
    part.crealm = kRealm;
    part.cname = to_principal_name(c.client);
    part.authtime = floor<seconds>(kNow);
    part.endtime = part.authtime + minutes(5);
    Ticket t;
    t.realm = kRealm;
    t.sname = to_principal_name(c.server);
    t.enc_part = EncryptedData{service_key.enctype, 1,
                               encrypt(service_key, KeyUsage::kdc_rep_ticket, encode(part)).value()};
    c.ticket = encode(t);
    return c;
  }

  // What the server reads out of a request.
  struct Opened {
    std::uint16_t version = 0;
    Authenticator auth;
    EncKrbPrivPart priv;
  };
  Opened open(BytesView request) const {
    auto frame = unframe_kpasswd(request, "request");
    REQUIRE_MESSAGE(frame.ok(), frame.error().message());
    Opened o;
    o.version = frame->version;
    auto ap = decode_ap_req(frame->ap);
    REQUIRE(ap.ok());
    auto tkt = decrypt(service_key, KeyUsage::kdc_rep_ticket, ap->ticket.enc_part.cipher);
    REQUIRE(tkt.ok());
    auto auth_plain = decrypt(session_key, KeyUsage::ap_req_authenticator, ap->authenticator.cipher);
    REQUIRE(auth_plain.ok());
    o.auth = decode_authenticator(auth_plain->view()).value();
    REQUIRE(o.auth.subkey.has_value());
    auto priv = decode_krb_priv(frame->rest);
    REQUIRE(priv.ok());
    auto plain = decrypt(*o.auth.subkey, KeyUsage::krb_priv_enc_part, priv->enc_part.cipher);
    REQUIRE_MESSAGE(plain.ok(), "KRB-PRIV is not in the authenticator's subkey");
    o.priv = decode_enc_krb_priv_part(plain->view()).value();
    return o;
  }

  Bytes result_data(const ReplyShape& s) const {
    Bytes data;
    put_u16be(data, s.code);
    if (!s.raw_text.empty())
      data.insert(data.end(), s.raw_text.begin(), s.raw_text.end());
    else
      data.insert(data.end(), s.text.begin(), s.text.end());
    return data;
  }
  Bytes reply(BytesView request, const ReplyShape& s = {}) const {
    Opened o = open(request);
    EncApRepPart rep_part;
    rep_part.ctime = o.auth.ctime;
    rep_part.cusec = o.auth.cusec + s.cusec_delta.value_or(0);
    rep_part.seq_number = kServerSeq;
    ApRep rep;
    rep.enc_part = EncryptedData{session_key.enctype, std::nullopt,
                                 encrypt(session_key, KeyUsage::ap_rep_enc_part, encode(rep_part)).value()};

    EncKrbPrivPart out;
    out.user_data = result_data(s);
    out.timestamp = floor<seconds>(kNow) + s.clock_ahead;
    out.usec = 0;
    out.seq_number = s.priv_seq;
    out.s_address = HostAddress{2, Bytes{127, 0, 0, 1}};
    KrbPriv priv;
    priv.enc_part = EncryptedData{
        o.auth.subkey->enctype, std::nullopt,
        encrypt(*o.auth.subkey, KeyUsage::krb_priv_enc_part, encode_enc_krb_priv_part(out)).value()};
    Bytes priv_der = encode(priv);
    if (s.tamper) priv_der[priv_der.size() - 3] ^= 1;
    return frame_kpasswd(1, encode(rep), priv_der).value();
  }
  Bytes error_reply(int error_code, std::optional<Bytes> e_data, bool framed) const {
    KrbError e;
    e.stime = floor<seconds>(kNow);
    e.error_code = error_code;
    e.realm = kRealm;
    e.sname = PrincipalName{NameType::srv_inst, {"kadmin", "changepw"}};
    e.e_data = std::move(e_data);
    Bytes der = encode(e);
    return framed ? frame_kpasswd(1, {}, der).value() : der;
  }
};

}  // namespace

TEST_CASE("kpasswd frame: header fields, lengths and damage") {
  const Bytes ap{0xaa, 0xbb};
  const Bytes priv{0x01, 0x02, 0x03};
  auto framed = frame_kpasswd(0xff80, ap, priv);
  REQUIRE(framed.ok());
  CHECK(*framed == Bytes{0x00, 0x0b, 0xff, 0x80, 0x00, 0x02, 0xaa, 0xbb, 0x01, 0x02, 0x03});
  auto f = unframe_kpasswd(*framed);
  REQUIRE(f.ok());
  CHECK(f->version == 0xff80);
  CHECK(Bytes(f->ap.begin(), f->ap.end()) == ap);
  CHECK(Bytes(f->rest.begin(), f->rest.end()) == priv);

  SUBCASE("length field disagrees with what arrived") {
    Bytes cut(framed->begin(), framed->end() - 1);
    auto bad = unframe_kpasswd(cut);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().is(Errc::parse));
    CHECK(bad.error().detail == "kpasswd reply: length field 11 but 10 bytes arrived");
  }
  SUBCASE("AP length past the end") {
    Bytes bad_ap = *framed;
    bad_ap[5] = 9;
    auto bad = unframe_kpasswd(bad_ap);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().detail == "kpasswd reply: AP message length 9 runs past the end");
  }
  SUBCASE("too short for a header") { CHECK_FALSE(unframe_kpasswd(Bytes{0, 4, 0, 1}).ok()); }
  SUBCASE("a request over 64 KiB cannot be framed") {
    CHECK(frame_kpasswd(1, Bytes(70000, 0), {}).error().is(Errc::invalid_argument));
  }
}

TEST_CASE("change request: version 1, AP-REQ with subkey and sequence number, password in KRB-PRIV") {
  FakeServer server;
  KpasswdExchange x(server.creds(), SecretBytes(std::string_view("n3w-Passw0rd")), std::nullopt,
                    fixed_hooks());
  auto req = x.request(kLocal);
  REQUIRE_MESSAGE(req.ok(), req.error().message());
  auto o = server.open(*req);
  CHECK(o.version == 1);
  CHECK(o.auth.crealm == kRealm);
  CHECK(o.auth.cname.name_string == std::vector<std::string>{"carol"});
  CHECK(o.auth.seq_number == kClientSeq);
  CHECK(o.priv.seq_number == kClientSeq);  // the server checks it against the authenticator's
  CHECK(std::string(as_chars(o.priv.user_data)) == "n3w-Passw0rd");
  CHECK(o.priv.s_address == kLocal);
  CHECK(o.priv.timestamp == floor<seconds>(kNow));
  CHECK(o.priv.usec == 250000);

  SUBCASE("the same AP-REQ for every server; s-address per server") {
    const HostAddress other{2, Bytes{10, 0, 0, 7}};
    auto req2 = x.request(other);
    REQUIRE(req2.ok());
    auto o2 = server.open(*req2);
    CHECK(o2.auth.subkey == o.auth.subkey);
    CHECK(o2.priv.s_address == other);
  }
}

TEST_CASE("set-password request: version 0xff80 with ChangePasswdData naming the target") {
  FakeServer server;
  auto target = parse_principal("erin", kRealm).value();
  KpasswdExchange x(server.creds("admin/admin"), SecretBytes(std::string_view("erin-pw-2")), target,
                    fixed_hooks());
  CHECK(x.version() == 0xff80);
  auto o = server.open(x.request(kLocal).value());
  CHECK(o.version == 0xff80);
  auto data = decode_change_passwd_data(o.priv.user_data);
  REQUIRE(data.ok());
  CHECK(data->newpasswd.chars() == "erin-pw-2");
  REQUIRE(data->targname.has_value());
  CHECK(data->targname->name_string == std::vector<std::string>{"erin"});
  CHECK(data->targrealm == kRealm);

  SUBCASE("forced set-password for oneself names oneself") {
    KpasswdExchange self(server.creds(), SecretBytes(std::string_view("pw-abcdefgh")), std::nullopt,
                         fixed_hooks(), true);
    auto so = server.open(self.request(kLocal).value());
    CHECK(so.version == 0xff80);
    CHECK(decode_change_passwd_data(so.priv.user_data)->targname->name_string ==
          std::vector<std::string>{"carol"});
  }
}

TEST_CASE("reading replies") {
  FakeServer server;
  KpasswdExchange x(server.creds(), SecretBytes(std::string_view("n3w-Passw0rd")), std::nullopt,
                    fixed_hooks());
  auto req = x.request(kLocal).value();

  SUBCASE("success") {
    auto r = x.on_reply(server.reply(req));
    REQUIRE_MESSAGE(r.ok(), r.error().message());
    CHECK(r->ok());
    CHECK_FALSE(r->from_error);
    CHECK(r->describe() == "Success");
  }
  SUBCASE("soft error: the server's reason") {
    ReplyShape s;
    s.code = 4;
    s.text = "Password is too short";
    auto r = x.on_reply(server.reply(req, s));
    REQUIRE(r.ok());
    CHECK(r->code == 4);
    CHECK(r->message() == "Password is too short");
    CHECK(r->describe() == "Password change rejected: Password is too short");
    CHECK(r->to_error().is(Errc::password_rejected));
    CHECK(r->to_error().message() == "Password change rejected (Password is too short)");
  }
  SUBCASE("access denied keeps its own wording") {
    ReplyShape s;
    s.code = 5;
    s.text = "Not permitted";
    auto r = x.on_reply(server.reply(req, s)).value();
    CHECK(r.describe() == "Access denied: Not permitted");
    CHECK(r.to_error().message() == "Password change rejected (Access denied: Not permitted)");
  }
  SUBCASE("Active Directory policy blob") {
    ReplyShape s;
    s.code = 4;
    s.raw_text = Bytes{0, 0, 0, 0, 0, 12, 0, 0, 0, 24, 0,    0,    0,    1,    0,
                       0, 0, 0, 0, 0, 0,  0, 0, 0, 0,  0xc9, 0x2a, 0x69, 0xc0, 0x00};  // min age 1 day
    auto r = x.on_reply(server.reply(req, s)).value();
    CHECK(r.describe() ==
          "Password change rejected: The password must include numbers or symbols.  Don't include any part "
          "of your "
          "name in the password.  The password must contain at least 12 characters.  The password must be "
          "different "
          "from the previous 24 passwords.  The password can only be changed once a day.");
  }
  SUBCASE("unreadable result string") {
    ReplyShape s;
    s.code = 4;
    s.raw_text = Bytes{0xff, 0xfe, 0x41};
    CHECK(x.on_reply(server.reply(req, s))->message() ==
          "Try a more complex password, or contact your administrator.");
  }
  SUBCASE("framed KRB-ERROR carrying the result (Heimdal: authentication failed)") {
    Bytes e_data{0, 3};
    for (char c : std::string("Authentication failed")) e_data.push_back(static_cast<std::uint8_t>(c));
    auto r = x.on_reply(server.error_reply(41, e_data, true));
    REQUIRE(r.ok());
    CHECK(r->from_error);
    CHECK(r->krb_error_code == 41);
    CHECK(r->describe() == "Authentication error: Authentication failed");
  }
  SUBCASE("unframed KRB-ERROR without e-data is the KRB-ERROR's error") {
    auto r = x.on_reply(server.error_reply(37, std::nullopt, false));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(KdcErr::ap_err_skew));
  }
  SUBCASE("a KRB-ERROR never reports success") {
    auto r = x.on_reply(server.error_reply(60, Bytes{0, 0}, false));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::reply_mismatch));
  }
  SUBCASE("tampered KRB-PRIV") {
    ReplyShape s;
    s.tamper = true;
    auto r = x.on_reply(server.reply(req, s));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::integrity));
  }
  SUBCASE("AP-REP not answering our authenticator") {
    ReplyShape s;
    s.cusec_delta = 1;
    auto r = x.on_reply(server.reply(req, s));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::reply_mismatch));
  }
  SUBCASE("sequence number differs from the AP-REP's") {
    ReplyShape s;
    s.priv_seq = kServerSeq + 1;
    auto r = x.on_reply(server.reply(req, s));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::reply_mismatch));
  }
  SUBCASE("timestamp outside the clock skew") {
    ReplyShape s;
    s.clock_ahead = minutes(6);
    auto r = x.on_reply(server.reply(req, s));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(KdcErr::ap_err_skew));
  }
  SUBCASE("unknown result code") {
    ReplyShape s;
    s.code = 9;
    CHECK(x.on_reply(server.reply(req, s)).error().is(Errc::parse));
  }
  SUBCASE("unknown protocol version") {
    Bytes bad = server.reply(req);
    bad[2] = 0x12;
    CHECK(x.on_reply(bad).error().is(Errc::parse));
  }
}

TEST_CASE("no random bytes: no kpasswd request with a zero sequence number or subkey") {
  FakeServer server;
  KpasswdExchange x(server.creds(), SecretBytes(std::string_view("n3w-Passw0rd")), std::nullopt, {});
  test::RandomFails fails;
  auto req = x.request(kLocal);
  REQUIRE_FALSE(req);
  CHECK_MESSAGE(test::is_random_failure(req.error()), req.error().message());
  CHECK(req.error().message().find("making a sequence number") != std::string::npos);
}
