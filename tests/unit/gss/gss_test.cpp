// GSS-API krb5 mechanism: framing, RFC 4121 tokens, the initiator context
// against a simulated acceptor.
#include <doctest/doctest.h>

#include <algorithm>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/gss/context.hpp"
#include "krbkit/proto/messages.hpp"
#include "support/random_fails.hpp"

using namespace krbkit;
using namespace krbkit::gss;

namespace {

Key aes256(std::uint8_t fill) { return Key(Enctype::aes256_cts_hmac_sha1_96, SecretBytes(Bytes(32, fill))); }

Credentials fake_service_ticket(const Key& session) {
  Ticket t;
  t.realm = "KRBKIT.TEST";
  t.sname = PrincipalName{NameType::principal, {"kadmin", "admin"}};
  t.enc_part.etype = Enctype::aes256_cts_hmac_sha1_96;
  t.enc_part.cipher = Bytes(64, 0x42);
  Credentials c;
  c.client = Principal{NameType::principal, {"admin", "admin"}, "KRBKIT.TEST"};
  c.server = Principal{NameType::principal, {"kadmin", "admin"}, "KRBKIT.TEST"};
  c.session_key = session.clone();
  c.ticket = encode(t);
  return c;
}

}  // namespace

TEST_CASE("initial context tokens carry the krb5 mechanism OID and TOK_ID") {
  Bytes inner = {0x6e, 0x01, 0x00};
  Bytes framed = frame_token(tok_id::ap_req, inner);
  CHECK(to_hex(framed) == "601006092a864886f71201020201006e0100");
  auto back = unframe_token(framed);
  REQUIRE(back.ok());
  CHECK(back->tok_id == tok_id::ap_req);
  CHECK(Bytes(back->inner.begin(), back->inner.end()) == inner);
  SUBCASE("long-form lengths") {
    Bytes big(300, 0xaa);
    auto f = frame_token(tok_id::ap_rep, big);
    CHECK(f[1] == 0x82);
    CHECK(unframe_token(f)->inner.size() == 300);
  }
  SUBCASE("a length not in its shortest DER form is refused (found by fuzz_gss_tokens)") {
    // 0x81 0x10 and 0x82 0x00 0x10 for 16, 0x82 0x00 0x81 for 129.
    Bytes long_form = {0x60, 0x81, 0x10};
    long_form.insert(long_form.end(), framed.begin() + 2, framed.end());
    CHECK(unframe_token(long_form).error().is(Errc::parse));
    Bytes zero_lead = {0x60, 0x82, 0x00, 0x10};
    zero_lead.insert(zero_lead.end(), framed.begin() + 2, framed.end());
    CHECK(unframe_token(zero_lead).error().is(Errc::parse));
    Bytes big = frame_token(tok_id::ap_rep, Bytes(116, 0xaa));  // 129 bytes after the length
    REQUIRE(big[1] == 0x81);
    Bytes padded = {0x60, 0x82, 0x00};
    padded.insert(padded.end(), big.begin() + 2, big.end());
    CHECK(unframe_token(padded).error().is(Errc::parse));
    CHECK(unframe_token(big).ok());
  }
  SUBCASE("another mechanism is refused") {
    framed[6] ^= 1;
    CHECK(unframe_token(framed).error().is(Errc::parse));
  }
}

TEST_CASE("the 0x8003 authenticator checksum is what MIT kadmin sends") {
  Checksum c = make_gss_checksum(req_flags::kadmin);
  CHECK(c.cksumtype == Cksumtype::gssapi);
  CHECK(to_hex(c.checksum) ==
        "10000000"
        "00000000000000000000000000000000"
        "36010000");
}

TEST_CASE("RFC 4121 MIC and Wrap tokens round-trip and detect tampering") {
  const Key key = aes256(7);
  const TokenKey init{key, Sender::initiator, true};
  const Bytes msg = to_bytes("rpc header bytes");

  auto mic = make_mic(init, 5, msg);
  REQUIRE(mic.ok());
  CHECK(mic->size() == 28);  // 16-byte header + 12-byte HMAC
  CHECK(to_hex(BytesView(*mic).first(16)) == "040404ffffffffff0000000000000005");
  auto seq = verify_mic(init, msg, *mic);
  REQUIRE(seq.ok());
  CHECK(*seq == 5);
  Bytes other = msg;
  other[0] ^= 1;
  auto tampered = verify_mic(init, other, *mic);
  CHECK(tampered.error().is(Errc::integrity));
  // One "while" per step, as every other error line reads.
  const std::string said = tampered.error().message();
  CHECK(said.find(") while verifying a GSS-API MIC token") != std::string::npos);
  CHECK(said.find("while while") == std::string::npos);
  // A token claiming to come from the other side is refused.
  CHECK_FALSE(verify_mic(TokenKey{key, Sender::acceptor, true}, msg, *mic).ok());

  auto wrap = make_wrap(init, 6, msg, true);
  REQUIRE(wrap.ok());
  CHECK(wrap->size() == 16 + 16 + msg.size() + 16 + 12);
  CHECK((*wrap)[2] == 0x06);
  auto plain = unwrap(init, *wrap);
  REQUIRE(plain.ok());
  CHECK(plain->confidential);
  CHECK(plain->seq == 6);
  CHECK(Bytes(plain->data.view().begin(), plain->data.view().end()) == msg);

  SUBCASE("a rotated (RRC) token unwraps") {
    Bytes rotated = *wrap;
    const std::size_t rrc = 28;
    std::rotate(rotated.begin() + 16, rotated.end() - rrc, rotated.end());
    rotated[7] = static_cast<std::uint8_t>(rrc);
    auto r = unwrap(init, rotated);
    REQUIRE(r.ok());
    CHECK(r->data.chars() == "rpc header bytes");
  }
  SUBCASE("a changed ciphertext byte fails") {
    Bytes bad = *wrap;
    bad[20] ^= 1;
    auto r = unwrap(init, bad);
    CHECK(r.error().is(Errc::integrity));
    CHECK(r.error().message().find("while while") == std::string::npos);
  }
  SUBCASE("integrity-only Wrap") {
    auto w = make_wrap(init, 9, msg, false);
    REQUIRE(w.ok());
    auto r = unwrap(init, *w);
    REQUIRE(r.ok());
    CHECK_FALSE(r->confidential);
    CHECK(r->data.chars() == "rpc header bytes");
    Bytes bad = *w;
    bad[17] ^= 1;
    CHECK_FALSE(unwrap(init, bad).ok());
  }
  SUBCASE("rc4 token keys need RFC 1964 tokens") {
    Key rc4(Enctype::rc4_hmac, SecretBytes(Bytes(16, 1)));
    CHECK(make_mic(TokenKey{rc4, Sender::initiator, false}, 0, msg).error().is(Errc::unsupported_enctype));
  }
}

TEST_CASE("replay window: gaps are fine, duplicates and stale numbers are not") {
  ReplayWindow w(100);
  CHECK_FALSE(w.check(99).ok());
  CHECK(w.check(101).ok());  // MIT kadmind starts at its AP-REP number + 1
  CHECK(w.check(103).ok());
  CHECK(w.check(102).ok());
  CHECK_FALSE(w.check(102).ok());
  CHECK(w.check(300).ok());
  CHECK_FALSE(w.check(200).ok());
}

TEST_CASE("initiator context: AP-REQ with 0x8003 checksum, AP-REP with acceptor subkey, tokens both ways") {
  const Key session = aes256(1);
  Credentials creds = fake_service_ticket(session);
  InitiatorContext::Options opt;
  opt.seq_number = 600529560;
  auto ctx = InitiatorContext::create(creds, opt);
  REQUIRE(ctx.ok());
  CHECK_FALSE(ctx->established());

  // The acceptor's view of the initial token.
  auto framed = unframe_token(ctx->initial_token());
  REQUIRE(framed.ok());
  CHECK(framed->tok_id == tok_id::ap_req);
  auto req = decode_ap_req(framed->inner);
  REQUIRE(req.ok());
  CHECK(req->ap_options == ap_options::mutual_required);
  CHECK(req->ticket.sname.name_string == std::vector<std::string>{"kadmin", "admin"});
  auto auth_plain = decrypt(session, KeyUsage::ap_req_authenticator, req->authenticator.cipher);
  REQUIRE(auth_plain.ok());
  auto auth = decode_authenticator(auth_plain->view());
  REQUIRE(auth.ok());
  CHECK(auth->cname.name_string == std::vector<std::string>{"admin", "admin"});
  REQUIRE(auth->cksum);
  CHECK(to_hex(auth->cksum->checksum) == to_hex(make_gss_checksum(req_flags::kadmin).checksum));
  CHECK(auth->seq_number == 600529560U);
  REQUIRE(auth->subkey);
  CHECK(auth->subkey->enctype == Enctype::aes256_cts_hmac_sha1_96);

  // The acceptor answers with its own subkey and sequence number.
  const Key acceptor_key = aes256(9);
  EncApRepPart part;
  part.ctime = auth->ctime;
  part.cusec = auth->cusec;
  part.subkey = acceptor_key.clone();
  part.seq_number = 673081377;
  ApRep rep;
  rep.enc_part.etype = session.enctype;
  rep.enc_part.cipher = encrypt(session, KeyUsage::ap_rep_enc_part, encode(part)).value();
  SUBCASE("a reply for another authenticator is refused") {
    part.cusec += 1;
    rep.enc_part.cipher = encrypt(session, KeyUsage::ap_rep_enc_part, encode(part)).value();
    CHECK(ctx->accept_reply(frame_token(tok_id::ap_rep, encode(rep))).error().is(Errc::reply_mismatch));
    return;
  }
  REQUIRE(ctx->accept_reply(frame_token(tok_id::ap_rep, encode(rep))).ok());
  CHECK(ctx->established());

  const TokenKey acceptor{acceptor_key, Sender::acceptor, true};
  Bytes window = {0, 0, 0, 0x20};
  auto verf = make_mic(acceptor, 673081378, window);
  CHECK(ctx->verify_mic(window, *verf).ok());
  CHECK_FALSE(ctx->verify_mic(window, *verf).ok());  // replay

  // Our tokens use the acceptor subkey, numbered from our initial number.
  auto mic = ctx->get_mic(window);
  REQUIRE(mic.ok());
  CHECK(verify_mic(TokenKey{acceptor_key, Sender::initiator, true}, window, *mic).value() == 600529560U);
  auto w = ctx->wrap(to_bytes("args"));
  REQUIRE(w.ok());
  CHECK(unwrap(TokenKey{acceptor_key, Sender::initiator, true}, *w)->seq == 600529561U);

  auto reply = make_wrap(acceptor, 673081379, to_bytes("results"), true);
  auto plain = ctx->unwrap(*reply);
  REQUIRE(plain.ok());
  CHECK(plain->chars() == "results");
}

TEST_CASE("no random bytes: no initiator context with a zero sequence number or subkey") {
  Credentials creds = fake_service_ticket(aes256(1));
  test::RandomFails fails;
  auto ctx = InitiatorContext::create(creds, InitiatorContext::Options{});
  REQUIRE_FALSE(ctx);
  CHECK_MESSAGE(test::is_random_failure(ctx.error()), ctx.error().message());
  CHECK(ctx.error().message().find("making a sequence number") != std::string::npos);
}
