// libFuzzer target for the kadmin client as kadmind's replies drive it
// (kadm5/client.cpp's result readers, rpc/gss_client.cpp, gss/context.cpp): a
// fake kadmind on a loopback TCP port answers a real kadm5::Client. It reads
// the client's AP-REQ (the made-up kadmin/admin ticket's session key is fixed),
// answers INIT with a valid AP-REP and verifier, and every DATA call with a
// valid verifier and a Wrap token holding the call's sequence number and the
// next result from the input. Input: byte 0 picks the operation after
// connecting (get_principal, list_principals, randomize_key, get_privileges,
// get_policy, list_policies, get_strings, extract_keys); then results, each
// as a 2-byte length and its bytes, for the kadm5 INIT calls, the operation
// and DESTROY. Property: nothing crashes, and the operation fails only with
// a kadm5 or RPC error (never an internal one).
// Seed corpus: fuzz/corpus/fuzz_kadm5_client (results decrypted from
// MIT kadmind, see its README).

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <thread>

#include "fake_service.hpp"
#include "krbkit/gss/tokens.hpp"
#include "krbkit/kadm5/client.hpp"
#include "krbkit/rpc/transport.hpp"
#include "krbkit/rpc/xdr.hpp"

using namespace krbkit;

namespace {

constexpr std::uint32_t kAcceptorSeq = 500;

class Socket final : public rpc::Stream {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() override { ::close(fd_); }
  Result<void> write_all(BytesView data) override {
    for (std::size_t done = 0; done < data.size();) {
      ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return Error{Errc::io, "send"};
      done += static_cast<std::size_t>(n);
    }
    return success();
  }
  Result<void> read_exact(std::span<std::uint8_t> out) override {
    for (std::size_t done = 0; done < out.size();) {
      ssize_t n = ::recv(fd_, out.data() + done, out.size() - done, 0);
      if (n <= 0) return Error{Errc::io, "recv"};
      done += static_cast<std::size_t>(n);
    }
    return success();
  }
  std::string peer() const override { return "client"; }

 private:
  int fd_;
};

int listener(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 4) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    std::abort();
  port = ntohs(a.sin_port);
  return fd;
}

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

// The fake kadmind's side of one connection.
void serve(int fd, BytesView script) {
  Socket s(fd);
  const Key acceptor_key(Enctype::aes256_cts_hmac_sha1_96, SecretBytes(Bytes(32, 0x77)));
  const gss::TokenKey key{acceptor_key, gss::Sender::acceptor, true};
  std::uint64_t send_seq = kAcceptorSeq;
  // INIT: xid, CALL, 2, prog, vers, proc, cred, verf, opaque(token).
  auto init = rpc::read_record(s);
  if (!init.ok()) return;
  rpc::XdrReader call(*init);
  const std::uint32_t xid = call.u32("xid");
  for (int i = 0; i < 6; ++i) call.u32("header");
  call.opaque("cred");
  call.u32("verf.flavor");
  call.opaque("verf");
  Bytes token = call.opaque("token");
  auto framed = gss::unframe_token(token);
  if (!framed.ok()) std::abort();
  const Authenticator auth = fuzz::read_authenticator(framed->inner);
  rpc::XdrWriter res;
  res.opaque(as_bytes("handle"));
  res.u32(0);
  res.u32(0);
  res.u32(128);  // window
  res.opaque(
      gss::frame_token(gss::tok_id::ap_rep, fuzz::make_ap_rep(auth, acceptor_key.clone(), kAcceptorSeq)));
  Bytes window;
  put_u32be(window, 128);
  auto mic = gss::make_mic(key, send_seq++, window);
  if (!mic.ok() || !rpc::write_record(s, accepted_reply(xid, *mic, res.bytes())).ok()) return;
  // DATA calls: xid ... cred (version, proc, seq, service, handle).
  while (script.size() >= 2) {
    const std::size_t n = std::min<std::size_t>(get_u16be(script.data()), script.size() - 2);
    BytesView results = script.subspan(2, n);
    script = script.subspan(2 + n);
    auto rec = rpc::read_record(s);
    if (!rec.ok()) return;
    rpc::XdrReader c(*rec);
    const std::uint32_t data_xid = c.u32("xid");
    for (int i = 0; i < 6; ++i) c.u32("header");
    c.u32("cred.length");
    c.u32("cred.version");
    c.u32("cred.proc");
    const std::uint32_t seq = c.u32("cred.seq");
    Bytes seq_be;
    put_u32be(seq_be, seq);
    auto verifier = gss::make_mic(key, send_seq++, seq_be);
    Bytes body = seq_be;
    body.insert(body.end(), results.begin(), results.end());
    auto wrap = gss::make_wrap(key, send_seq++, body, true);
    if (!verifier.ok() || !wrap.ok()) std::abort();
    rpc::XdrWriter out;
    out.opaque(*wrap);
    if (!rpc::write_record(s, accepted_reply(data_xid, *verifier, out.bytes())).ok()) return;
  }
}

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
  static std::uint16_t port = 0;
  static const int listen_fd = listener(port);
  static const Credentials creds = fuzz::service_creds({"kadmin", "admin"});
  BytesView script(data + 1, size - 1);
  std::thread server([&] {
    int fd = ::accept(listen_fd, nullptr, nullptr);
    if (fd >= 0) serve(fd, script);
  });
  auto client = kadm5::Client::connect(creds, {"127.0.0.1", port});
  if (client.ok()) {
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
  } else {
    check(client.error());
  }
  client = Error{Errc::io, "done"};  // closes the connection, so the server ends
  server.join();
  return 0;
}
