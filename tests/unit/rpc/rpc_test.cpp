// XDR, record marking and RPC message encoding.
#include <doctest/doctest.h>

#include <deque>
#include <functional>
#include <memory>

#include "krbkit/proto/messages.hpp"
#include "krbkit/rpc/gss_client.hpp"
#include "krbkit/rpc/message.hpp"
#include "krbkit/rpc/transport.hpp"
#include "krbkit/rpc/xdr.hpp"
#include "support/random_fails.hpp"

using namespace krbkit;
using namespace krbkit::rpc;

namespace {

// A stream that replays fixed bytes, in chunks of any size; with `answer`,
// a kadmind that answers each call with answer(xid), the call's xid read
// back from the record written (after the 4-byte record mark).
class FakeStream final : public Stream {
 public:
  explicit FakeStream(Bytes in, std::function<Bytes(std::uint32_t)> answer = {})
      : in_(in.begin(), in.end()), answer_(std::move(answer)) {}
  Result<void> write_all(BytesView data) override {
    written.insert(written.end(), data.begin(), data.end());
    if (answer_ && data.size() >= 8) {
      Bytes framed = frame_record(answer_(get_u32be(data.data() + 4)));
      in_.insert(in_.end(), framed.begin(), framed.end());
    }
    return success();
  }
  Result<void> read_exact(std::span<std::uint8_t> out) override {
    if (in_.size() < out.size()) return Error{Errc::io, "fake closed the connection"};
    for (auto& b : out) {
      b = in_.front();
      in_.pop_front();
    }
    return success();
  }
  std::string peer() const override { return "fake:749"; }
  Bytes written;

 private:
  std::deque<std::uint8_t> in_;
  std::function<Bytes(std::uint32_t)> answer_;
};

// The initiator side of a context for kadmin/admin, on a made-up ticket
// (its encrypted part is never read on this side).
gss::InitiatorContext kadmin_context() {
  Credentials c;
  c.client = Principal{NameType::principal, {"admin", "admin"}, "KRBKIT.TEST"};
  c.server = Principal{NameType::principal, {"kadmin", "admin"}, "KRBKIT.TEST"};
  c.session_key = Key(Enctype::aes256_cts_hmac_sha1_96, SecretBytes(Bytes(32, 1)));
  Ticket t;
  t.realm = c.server.realm;
  t.sname = PrincipalName{c.server.type, c.server.components};
  t.enc_part.etype = c.session_key.enctype;
  t.enc_part.cipher = Bytes(64, 0x42);
  c.ticket = encode(t);
  auto ctx = gss::InitiatorContext::create(c);
  REQUIRE(ctx.ok());
  return std::move(ctx).value();
}

}  // namespace

TEST_CASE("XDR: big-endian words, padded opaques, named errors") {
  XdrWriter w;
  w.u32(2112);
  w.i32(-1);
  w.opaque(to_bytes("xxxxy"));
  w.boolean(true);
  CHECK(to_hex(w.bytes()) ==
        "00000840"
        "ffffffff"
        "00000005"
        "7878787879000000"
        "00000001");

  XdrReader r(w.bytes(), "test");
  CHECK(r.u32("prog") == 2112);
  CHECK(r.i32("neg") == -1);
  CHECK(r.string("handle") == "xxxxy");
  CHECK(r.boolean("flag"));
  CHECK(r.finish().ok());

  const Bytes truncated =
      hex("00000008"
          "4142");
  XdrReader short_read(truncated, "gprinc_ret");
  short_read.opaque("principal");
  auto st = short_read.status();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().detail == "gprinc_ret.principal: runs past the end of the data");
  CHECK(short_read.u32("later") == 0);  // sticky
}

TEST_CASE("record marking joins fragments (MIT sends 3996-byte ones)") {
  Bytes wire =
      hex("00000003"
          "414243"
          "80000002"
          "4445");
  FakeStream s(wire);
  auto rec = read_record(s);
  REQUIRE(rec.ok());
  CHECK(as_chars(*rec) == "ABCDE");
  CHECK(to_hex(frame_record(to_bytes("hi"))) == "800000026869");
  FakeStream cut(
      hex("80000010"
          "4142"));
  CHECK(read_record(cut).error().is(Errc::io));
}

TEST_CASE("RPCSEC_GSS credentials as MIT writes them") {
  CHECK(to_hex(encode_gss_cred(gss_proc::init, 0, GssService::privacy, {})) ==
        "00000001"
        "00000001"
        "00000000"
        "00000003"
        "00000000");
  CHECK(to_hex(encode_gss_cred(gss_proc::data, 1, GssService::privacy, to_bytes("xxxx"))) ==
        "00000001"
        "00000000"
        "00000001"
        "00000003"
        "00000004"
        "78787878");
}

TEST_CASE("call header and replies") {
  OpaqueAuth cred{flavor::rpcsec_gss,
                  encode_gss_cred(gss_proc::data, 1, GssService::privacy, to_bytes("xxxx"))};
  Bytes header = encode_call_header(0x6a03d7f3, 2112, 2, 13, cred);
  CHECK(header.size() == 56);  // the 56 bytes a DATA verifier covers
  CHECK(to_hex(BytesView(header).first(24)) ==
        "6a03d7f3"
        "00000000"
        "00000002"
        "00000840"
        "00000002"
        "0000000d");

  SUBCASE("accepted, success") {
    auto r =
        decode_reply(hex("6a03d7f3"
                         "00000001"
                         "00000000"
                         "00000006"
                         "00000002"
                         "abcd0000"
                         "00000000"
                         "01020304"));
    REQUIRE(r.ok());
    CHECK(r->accepted);
    CHECK(r->verf.flavor == 6);
    CHECK(r->verf.body == hex("abcd"));
    CHECK(r->results == hex("01020304"));
  }
  SUBCASE("denied: credential too weak (kadmind's answer to AUTH_NONE)") {
    auto r =
        decode_reply(hex("00000001"
                         "00000001"
                         "00000001"
                         "00000001"
                         "00000005"));
    REQUIRE(r.ok());
    Error e = reply_error(*r, "127.0.0.1:749");
    CHECK(e.code == make_error_code(RpcErrc::auth_error));
    CHECK(e.message() ==
          "RPC: Authentication error (why = Client credential too weak; server 127.0.0.1:749)");
  }
  SUBCASE("accepted, procedure unavailable (an old kadmind)") {
    auto r =
        decode_reply(hex("00000001"
                         "00000001"
                         "00000000"
                         "00000000"
                         "00000000"
                         "00000003"));
    REQUIRE(r.ok());
    CHECK(reply_error(*r, "k").code == make_error_code(RpcErrc::proc_unavail));
  }
  SUBCASE("strict: unknown reject_stat or accept_stat, bytes after a refusal") {
    // reject_stat 7 is neither RPC_MISMATCH (0) nor AUTH_ERROR (1).
    CHECK(decode_reply(hex("00000001"
                           "00000001"
                           "00000001"
                           "00000007"
                           "00000005"))
              .error()
              .detail == "RPC reply.reject_stat: neither RPC_MISMATCH nor AUTH_ERROR");
    CHECK(decode_reply(hex("00000001"
                           "00000001"
                           "00000000"
                           "00000000"
                           "00000000"
                           "00000009"))
              .error()
              .code == make_error_code(RpcErrc::bad_reply));
    CHECK(decode_reply(hex("00000001"
                           "00000001"
                           "00000001"
                           "00000001"
                           "00000005"
                           "00000000"))
              .error()
              .detail == "RPC reply: 4 unexpected bytes at the end");
  }
  SUBCASE("garbage") {
    CHECK(decode_reply(hex("00000001"
                           "00000000"))
              .error()
              .code == make_error_code(RpcErrc::bad_reply));
  }
}

TEST_CASE("RPCSEC_GSS context creation failures read 'while creating the RPCSEC_GSS context' once") {
  const GssClient::Options kadmin{2112, 2, GssService::privacy};
  SUBCASE("the connection closes before the INIT reply") {
    auto r = GssClient::establish(std::make_unique<FakeStream>(Bytes{}), kadmin_context(), kadmin);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message() ==
          "I/O error (fake closed the connection) while creating the RPCSEC_GSS context");
  }
  SUBCASE("the INIT reply's token is no AP-REP") {
    auto answer = [](std::uint32_t xid) {
      XdrWriter w;
      w.u32(xid);
      w.u32(1);  // REPLY
      w.u32(0);  // MSG_ACCEPTED
      w.u32(flavor::none);
      w.opaque({});
      w.u32(0);  // SUCCESS
      w.opaque(to_bytes("handle"));
      w.u32(0);  // gss_major
      w.u32(0);  // gss_minor
      w.u32(64);
      w.opaque(to_bytes("not a token"));
      return w.take();
    };
    auto r = GssClient::establish(std::make_unique<FakeStream>(Bytes{}, answer), kadmin_context(), kadmin);
    REQUIRE_FALSE(r.ok());
    const std::string text = r.error().message();
    CAPTURE(text);
    CHECK(text.find("while creating the RPCSEC_GSS context") != std::string::npos);
    CHECK(text.find("while while") == std::string::npos);
  }
}

TEST_CASE("no random bytes: no RPCSEC_GSS call with a zero transaction id") {
  const GssClient::Options kadmin{2112, 2, GssService::privacy};
  auto ctx = kadmin_context();
  test::RandomFails fails;
  auto r = GssClient::establish(std::make_unique<FakeStream>(Bytes{}), std::move(ctx), kadmin);
  REQUIRE_FALSE(r);
  CHECK_MESSAGE(test::is_random_failure(r.error()), r.error().message());
  CHECK(r.error().message().find("making an RPC transaction id") != std::string::npos);
}
