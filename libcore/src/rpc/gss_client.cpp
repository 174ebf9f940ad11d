// RPCSEC_GSS client (RFC 2203 5).

#include "krbkit/rpc/gss_client.hpp"

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/rpc/xdr.hpp"

namespace krbkit::rpc {
namespace {

constexpr std::uint32_t kRpcsecGssVersion = 1;

Bytes be32(std::uint32_t v) {
  Bytes b;
  put_u32be(b, v);
  return b;
}

}  // namespace

Bytes encode_gss_cred(std::uint32_t proc, std::uint32_t seq, GssService service, BytesView handle) {
  XdrWriter w;
  w.u32(kRpcsecGssVersion);
  w.u32(proc);
  w.u32(seq);
  w.u32(static_cast<std::uint32_t>(service));
  w.opaque(handle);
  return w.take();
}

Result<Reply> GssClient::exchange(BytesView message, std::uint32_t xid) {
  KRBKIT_CHECK(write_record(*stream_, message));
  KRBKIT_TRY(raw, read_record(*stream_));
  KRBKIT_TRY(reply, decode_reply(raw));
  if (reply.xid != xid)
    return Error{RpcErrc::bad_reply, "reply xid " + std::to_string(reply.xid) + " does not match call xid " +
                                         std::to_string(xid) + " from " + stream_->peer()};
  if (!reply.accepted || reply.accept_stat != AcceptStat::success) return reply_error(reply, stream_->peer());
  return reply;
}

Result<GssClient> GssClient::establish(std::unique_ptr<Stream> stream, gss::InitiatorContext ctx,
                                       Options options) {
  GssClient c(std::move(stream), std::move(ctx), options);
  KRBKIT_TRY(first_xid, random_u32().context("making an RPC transaction id"));
  c.xid_ = first_xid;

  const std::uint32_t xid = c.xid_++;
  OpaqueAuth cred{flavor::rpcsec_gss, encode_gss_cred(gss_proc::init, 0, options.service, {})};
  XdrWriter args;
  args.opaque(c.ctx_.initial_token());
  Bytes msg =
      encode_call(encode_call_header(xid, options.prog, options.vers, 0, cred), OpaqueAuth{}, args.bytes());
  KRBKIT_TRY(reply, c.exchange(msg, xid).context("creating the RPCSEC_GSS context"));

  XdrReader res(reply.results, "rpc_gss_init_res");
  c.handle_ = res.opaque("handle", 400);
  const std::uint32_t major = res.u32("gss_major");
  const std::uint32_t minor = res.u32("gss_minor");
  c.window_ = res.u32("seq_window");
  Bytes token = res.opaque("gss_token");
  if (auto st = res.finish(); !st.ok()) return Error{RpcErrc::bad_reply, st.error().detail};
  if (major != 0)
    return Error{RpcErrc::auth_error, "GSS-API context creation failed at " + c.stream_->peer() + " (major " +
                                          std::to_string(major) + ", minor " + std::to_string(minor) + ")"};
  KRBKIT_CHECK(c.ctx_.accept_reply(token).context("creating the RPCSEC_GSS context"));
  if (reply.verf.flavor != flavor::rpcsec_gss)
    return Error{RpcErrc::bad_verifier,
                 "RPCSEC_GSS INIT reply from " + c.stream_->peer() + " has no GSS verifier"};
  if (auto v = c.ctx_.verify_mic(be32(c.window_), reply.verf.body); !v.ok())
    return Error{RpcErrc::bad_verifier,
                 "INIT reply verifier from " + c.stream_->peer() + ": " + v.error().message()};
  return c;
}

namespace {

// rpc_gss_data_t (RFC 2203 5.3.2.2): the sequence number, then the
// arguments, sealed or checksummed as the service says.
Result<Bytes> protect_arguments(gss::InitiatorContext& ctx, GssService service, std::uint32_t seq,
                                BytesView args) {
  XdrWriter w;
  if (service == GssService::none) {
    w.raw(args);
    return w.take();
  }
  SecretBytes data(4 + args.size());
  const Bytes seq_bytes = be32(seq);
  std::copy(seq_bytes.begin(), seq_bytes.end(), data.data());
  std::copy(args.begin(), args.end(), data.data() + 4);
  if (service == GssService::privacy) {
    KRBKIT_TRY(wrapped, ctx.wrap(data.view(), true));
    w.opaque(wrapped);
  } else {
    KRBKIT_TRY(checksum, ctx.get_mic(data.view()));
    w.opaque(data.view());
    w.opaque(checksum);
  }
  return w.take();
}

// The reply's results opened as the service says, checked to carry `seq`.
Result<SecretBytes> open_results(gss::InitiatorContext& ctx, GssService service, std::uint32_t seq,
                                 BytesView results, const std::string& peer) {
  if (service == GssService::none) return SecretBytes(results);
  XdrReader r(results, "RPCSEC_GSS reply body");
  SecretBytes data;
  if (service == GssService::privacy) {
    Bytes token = r.opaque("databody_priv");
    if (auto st = r.finish(); !st.ok()) return Error{RpcErrc::bad_reply, st.error().detail};
    auto plain = ctx.unwrap(token, true);
    if (!plain.ok())
      return Error{RpcErrc::bad_verifier, "reply body from " + peer + ": " + plain.error().message()};
    data = std::move(plain).value();
  } else {
    Bytes databody = r.opaque("databody_integ");
    Bytes checksum = r.opaque("checksum");
    if (auto st = r.finish(); !st.ok()) return Error{RpcErrc::bad_reply, st.error().detail};
    if (auto v = ctx.verify_mic(databody, checksum); !v.ok())
      return Error{RpcErrc::bad_verifier, "reply body checksum from " + peer + ": " + v.error().message()};
    data = SecretBytes(BytesView(databody));
  }
  if (data.size() < 4 || get_u32be(data.data()) != seq)
    return Error{RpcErrc::bad_reply, "reply body from " + peer + " carries the wrong sequence number"};
  return SecretBytes(data.view().subspan(4));
}

}  // namespace

Result<SecretBytes> GssClient::control_or_data(std::uint32_t proc_kind, std::uint32_t proc, BytesView args) {
  if (destroyed_) return Error{Errc::internal, "RPCSEC_GSS context was destroyed"};
  const std::uint32_t seq = ++seq_;
  const std::uint32_t xid = xid_++;
  OpaqueAuth cred{flavor::rpcsec_gss, encode_gss_cred(proc_kind, seq, options_.service, handle_)};
  Bytes header = encode_call_header(xid, options_.prog, options_.vers, proc, cred);
  KRBKIT_TRY(mic, ctx_.get_mic(header));
  KRBKIT_TRY(body, protect_arguments(ctx_, options_.service, seq, args));
  Bytes msg = encode_call(header, OpaqueAuth{flavor::rpcsec_gss, std::move(mic)}, body);
  secure_wipe(body.data(), body.size());
  auto reply = exchange(msg, xid);
  secure_wipe(msg.data(), msg.size());
  if (!reply.ok()) return std::move(reply).error();

  if (reply->verf.flavor != flavor::rpcsec_gss)
    return Error{RpcErrc::bad_verifier, "reply from " + stream_->peer() + " has no RPCSEC_GSS verifier"};
  if (auto v = ctx_.verify_mic(be32(seq), reply->verf.body); !v.ok())
    return Error{RpcErrc::bad_verifier,
                 "reply verifier from " + stream_->peer() + ": " + v.error().message()};
  return open_results(ctx_, options_.service, seq, reply->results, stream_->peer());
}

Result<SecretBytes> GssClient::call(std::uint32_t proc, BytesView args) {
  return control_or_data(gss_proc::data, proc, args);
}

Result<void> GssClient::destroy() {
  if (destroyed_) return success();
  auto r = control_or_data(gss_proc::destroy, 0, {});
  destroyed_ = true;
  if (!r.ok()) return std::move(r).error();
  return success();
}

}  // namespace krbkit::rpc
