#pragma once
// An RPCSEC_GSS client (RFC 2203) over one stream, with the Kerberos GSS-API
// mechanism of gss/context.hpp. MIT's quirks (shared/protocols/kadmin-mit.md 2.5):
// the service level chosen at context creation holds for the whole session;
// DATA sequence numbers start at 1; every call sends two GSS tokens (the
// header MIC, then the body Wrap) and every reply brings two back.
//
//   KRBKIT_TRY(stream, connect_tcp(host, 749));
//   KRBKIT_TRY(ctx, gss::InitiatorContext::create(kadmin_creds));
//   KRBKIT_TRY(client, GssClient::establish(std::move(stream), std::move(ctx), {2112, 2}));
//   KRBKIT_TRY(result_xdr, client.call(13, args_xdr));
//   client.destroy();

#include <cstdint>
#include <memory>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/gss/context.hpp"
#include "krbkit/rpc/message.hpp"
#include "krbkit/rpc/transport.hpp"

namespace krbkit::rpc {

enum class GssService : std::uint32_t { none = 1, integrity = 2, privacy = 3 };

namespace gss_proc {
inline constexpr std::uint32_t data = 0;
inline constexpr std::uint32_t init = 1;
inline constexpr std::uint32_t continue_init = 2;
inline constexpr std::uint32_t destroy = 3;
}  // namespace gss_proc

// rpc_gss_cred_vers_1_t as XDR.
Bytes encode_gss_cred(std::uint32_t proc, std::uint32_t seq, GssService service, BytesView handle);

class GssClient {
 public:
  struct Options {
    std::uint32_t prog = 0;
    std::uint32_t vers = 0;
    GssService service = GssService::privacy;
  };

  // Creates the context: NULLPROC with the initial token, then the AP-REP and
  // the verifier (a MIC over the window). RPC errors keep their RpcErrc code
  // (AUTH_ERROR REJECTEDCRED when kadmind refuses the token).
  static Result<GssClient> establish(std::unique_ptr<Stream> stream, gss::InitiatorContext ctx,
                                     Options options);

  // One DATA call: `args` is the procedure's XDR arguments, the result is
  // its XDR results, unwrapped and checked (verifier MIC over the sequence
  // number, sequence number inside the body).
  Result<SecretBytes> call(std::uint32_t proc, BytesView args);

  // RPCSEC_GSS_DESTROY; the server frees the context.
  Result<void> destroy();

  GssService service() const { return options_.service; }
  std::uint32_t window() const { return window_; }
  const Stream& stream() const { return *stream_; }
  const gss::InitiatorContext& context() const { return ctx_; }

 private:
  GssClient(std::unique_ptr<Stream> s, gss::InitiatorContext ctx, Options o)
      : stream_(std::move(s)), ctx_(std::move(ctx)), options_(o) {}
  Result<Reply> exchange(BytesView message, std::uint32_t xid);
  Result<SecretBytes> control_or_data(std::uint32_t gss_proc, std::uint32_t proc, BytesView args);

  std::unique_ptr<Stream> stream_;
  gss::InitiatorContext ctx_;
  Options options_;
  Bytes handle_;
  std::uint32_t window_ = 0;
  std::uint32_t seq_ = 0;
  std::uint32_t xid_ = 0;
  bool destroyed_ = false;
};

}  // namespace krbkit::rpc
