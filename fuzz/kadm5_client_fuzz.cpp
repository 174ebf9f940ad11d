// libFuzzer target for the kadmin client as kadmind's replies drive it
// (kadm5/client.cpp's result readers, rpc/gss_client.cpp, gss/context.cpp): a
// fake kadmind answers a real kadm5::Client. It runs inside the client's own
// writes (a net::Stream handed out by a fake RealmTransport): no socket, no
// thread, so an input costs what the client's work costs. It reads the
// client's AP-REQ (the made-up kadmin/admin ticket's session key is fixed),
// answers INIT with a valid AP-REP and verifier, and every DATA call with a
// valid verifier and a Wrap token holding the call's sequence number and the
// next result from the input; when the input has no result left it hangs up.
// Input: byte 0 picks the operation after connecting (get_principal,
// list_principals, randomize_key, get_privileges, get_policy, list_policies,
// get_strings, extract_keys); then results, each as a 2-byte length and its
// bytes, for the kadm5 INIT calls, the operation and DESTROY. Property:
// nothing crashes, and the operation fails only with a kadm5 or RPC error
// (never an internal one).
// Seed corpus: fuzz/corpus/fuzz_kadm5_client (results decrypted from
// MIT kadmind, see its README).

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>

#include "fake_service.hpp"
#include "krbkit/gss/tokens.hpp"
#include "krbkit/kadm5/client.hpp"
#include "krbkit/net/realm_transport.hpp"
#include "krbkit/rpc/transport.hpp"
#include "krbkit/rpc/xdr.hpp"

using namespace krbkit;

namespace {

constexpr std::uint32_t kAcceptorSeq = 500;

Bytes accepted_reply(std::uint32_t xid, BytesView verifier, BytesView results) {
  rpc::XdrWriter w;
  w.u32(xid);
  w.u32(1);  // REPLY
  w.u32(0);  // MSG_ACCEPTED
  w.u32(rpc::flavor::rpcsec_gss);
  w.opaque(verifier);
  w.u32(0);  // SUCCESS
  w.raw(results);
  return w.take();
}

// A call's xid; the header words after it (CALL, RPC version, program,
// version, procedure, credential flavor) are read past.
std::uint32_t call_xid(rpc::XdrReader& call) {
  const std::uint32_t xid = call.u32("xid");
  for (int i = 0; i < 6; ++i) call.u32("header");
  return xid;
}

// The fake kadmind's side of one connection. Each RPC record the client
// writes is answered at once; the answers wait in `to_client_` for the
// client's reads. After a hang-up, reads fail as on a closed socket.
class FakeKadmind final : public net::Stream {
 public:
  explicit FakeKadmind(BytesView script) : script_(script) {}

  Result<void> write_all(BytesView data) override {
    if (hung_up_) return Error{Errc::io, "send: connection closed by fake kadmind"};
    from_client_.insert(from_client_.end(), data.begin(), data.end());
    while (!hung_up_) {
      auto call = take_record();
      if (!call) break;
      answer(*call);
    }
    return success();
  }

  Result<void> read_exact(std::span<std::uint8_t> out) override {
    if (to_client_.size() - read_at_ < out.size())
      return Error{Errc::io, "recv: connection closed by fake kadmind"};
    std::copy_n(to_client_.begin() + static_cast<std::ptrdiff_t>(read_at_), out.size(), out.begin());
    read_at_ += out.size();
    return success();
  }

  std::string peer() const override { return "fake kadmind"; }

 private:
  // One whole record (RFC 5531 record marking) from what the client wrote.
  std::optional<Bytes> take_record() {
    Bytes record;
    std::size_t at = 0;
    for (;;) {
      if (from_client_.size() - at < 4) return std::nullopt;
      const std::uint32_t mark = get_u32be(from_client_.data() + at);
      const std::size_t len = mark & 0x7fffffffU;
      if (from_client_.size() - at - 4 < len) return std::nullopt;
      record.insert(record.end(), from_client_.begin() + static_cast<std::ptrdiff_t>(at + 4),
                    from_client_.begin() + static_cast<std::ptrdiff_t>(at + 4 + len));
      at += 4 + len;
      if (mark & 0x80000000U) break;
    }
    from_client_.erase(from_client_.begin(), from_client_.begin() + static_cast<std::ptrdiff_t>(at));
    return record;
  }

  void send(std::uint32_t xid, BytesView verifier, BytesView results) {
    Bytes framed = rpc::frame_record(accepted_reply(xid, verifier, results));
    to_client_.insert(to_client_.end(), framed.begin(), framed.end());
  }

  void answer(const Bytes& call) {
    if (!context_) return answer_init(call);
    if (script_.size() < 2) {
      hung_up_ = true;
      return;
    }
    const std::size_t n = std::min<std::size_t>(get_u16be(script_.data()), script_.size() - 2);
    BytesView results = script_.subspan(2, n);
    script_ = script_.subspan(2 + n);
    answer_data(call, results);
  }

  // INIT: xid, CALL, 2, prog, vers, proc, cred, verf, opaque(token).
  void answer_init(const Bytes& record) {
    rpc::XdrReader call(record);
    const std::uint32_t xid = call_xid(call);
    call.opaque("cred");
    call.u32("verf.flavor");
    call.opaque("verf");
    Bytes token = call.opaque("token");
    auto framed = gss::unframe_token(token);
    if (!framed.ok()) std::abort();
    const Authenticator auth = fuzz::read_authenticator(framed->inner);
    context_.emplace(gss::TokenKey{acceptor_key_, gss::Sender::acceptor, true});
    rpc::XdrWriter res;
    res.opaque(as_bytes("handle"));
    res.u32(0);
    res.u32(0);
    res.u32(128);  // window
    res.opaque(
        gss::frame_token(gss::tok_id::ap_rep, fuzz::make_ap_rep(auth, acceptor_key_.clone(), kAcceptorSeq)));
    Bytes window;
    put_u32be(window, 128);
    auto mic = gss::make_mic(*context_, send_seq_++, window);
    if (!mic.ok()) std::abort();
    send(xid, *mic, res.bytes());
  }

  // DATA: xid ... cred (version, proc, seq, service, handle).
  void answer_data(const Bytes& record, BytesView results) {
    rpc::XdrReader c(record);
    const std::uint32_t xid = call_xid(c);
    c.u32("cred.length");
    c.u32("cred.version");
    c.u32("cred.proc");
    const std::uint32_t seq = c.u32("cred.seq");
    Bytes seq_be;
    put_u32be(seq_be, seq);
    auto verifier = gss::make_mic(*context_, send_seq_++, seq_be);
    Bytes body = seq_be;
    body.insert(body.end(), results.begin(), results.end());
    auto wrap = gss::make_wrap(*context_, send_seq_++, body, true);
    if (!verifier.ok() || !wrap.ok()) std::abort();
    rpc::XdrWriter out;
    out.opaque(*wrap);
    send(xid, *verifier, out.bytes());
  }

  BytesView script_;
  const Key acceptor_key_{Enctype::aes256_cts_hmac_sha1_96, SecretBytes(Bytes(32, 0x77))};
  std::optional<gss::TokenKey> context_;
  std::uint64_t send_seq_ = kAcceptorSeq;
  Bytes from_client_, to_client_;
  std::size_t read_at_ = 0;
  bool hung_up_ = false;
};

// Hands the client a FakeKadmind as its connection to the admin server.
class FakeAdminServer final : public net::RealmTransport {
 public:
  explicit FakeAdminServer(BytesView script) : script_(script) {}
  Result<net::Reply> send(std::string_view, BytesView, const net::SendOptions&) const override {
    return Error{Errc::io, "the fake kadmind takes connections only"};
  }
  Result<std::unique_ptr<net::Stream>> connect(const net::KdcTarget&) const override {
    return std::unique_ptr<net::Stream>(std::make_unique<FakeKadmind>(script_));
  }
  const Tracer& tracer() const override { return tracer_; }

 private:
  BytesView script_;
  Tracer tracer_;
};

void check(const Error& e) {
  if (e.is(Errc::internal)) std::abort();
}
template <class T>
void check(const Result<T>& r) {
  if (!r.ok()) check(r.error());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const Credentials creds = fuzz::service_creds({"kadmin", "admin"});
  const FakeAdminServer server(BytesView(data + 1, size - 1));
  auto client = kadm5::Client::connect(creds, {"127.0.0.1", 749}, server);
  if (!client.ok()) {
    check(client.error());
    return 0;
  }
  switch (data[0] & 7) {
    case 0: check(client->get_principal("alice@KRBKIT.TEST")); break;
    case 1: check(client->list_principals()); break;
    case 2: check(client->randomize_key("alice@KRBKIT.TEST")); break;
    case 3: check(client->get_privileges()); break;
    case 4: check(client->get_policy("default")); break;
    case 5: check(client->list_policies()); break;
    case 6: check(client->get_strings("alice@KRBKIT.TEST")); break;
    default: check(client->extract_keys("alice@KRBKIT.TEST")); break;
  }
  check(client->close());
  return 0;
}
