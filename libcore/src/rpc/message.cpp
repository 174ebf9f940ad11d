// ONC RPC messages (RFC 5531 9).

#include "krbkit/rpc/message.hpp"

#include <string>

#include "krbkit/rpc/xdr.hpp"

namespace krbkit::rpc {
namespace {

constexpr std::uint32_t kCall = 0, kReply = 1, kRpcVersion = 2;

class RpcCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "rpc"; }
  std::string message(int code) const override {
    switch (static_cast<RpcErrc>(code)) {
      case RpcErrc::prog_unavail: return "RPC: Program unavailable";
      case RpcErrc::prog_mismatch: return "RPC: Program/version mismatch";
      case RpcErrc::proc_unavail: return "RPC: Procedure unavailable";
      case RpcErrc::garbage_args: return "RPC: Server can't decode arguments";
      case RpcErrc::system_err: return "RPC: Remote system error";
      case RpcErrc::rpc_mismatch: return "RPC: Incompatible versions of RPC";
      case RpcErrc::auth_error: return "RPC: Authentication error";
      case RpcErrc::bad_reply: return "RPC: Can't decode result";
      case RpcErrc::bad_verifier: return "RPC: Server's reply failed verification";
    }
    return "RPC: error " + std::to_string(code);
  }
};

void put_auth(XdrWriter& w, const OpaqueAuth& a) {
  w.u32(a.flavor);
  w.opaque(a.body);
}

}  // namespace

const std::error_category& rpc_category() {
  static const RpcCategory category;
  return category;
}

const char* auth_stat_message(AuthStat s) {
  switch (s) {
    case AuthStat::ok: return "Authentication OK";
    case AuthStat::badcred: return "Invalid client credential";
    case AuthStat::rejectedcred: return "Server rejected credential";
    case AuthStat::badverf: return "Invalid client verifier";
    case AuthStat::rejectedverf: return "Server rejected verifier";
    case AuthStat::tooweak: return "Client credential too weak";
    case AuthStat::invalidresp: return "Invalid server verifier";
    case AuthStat::failed: return "Failed (unspecified error)";
    case AuthStat::credproblem: return "RPCSEC_GSS credential problem";
    case AuthStat::ctxproblem: return "RPCSEC_GSS context problem";
  }
  return "Unknown authentication error";
}

Bytes encode_call_header(std::uint32_t xid, std::uint32_t prog, std::uint32_t vers, std::uint32_t proc,
                         const OpaqueAuth& cred) {
  XdrWriter w;
  w.u32(xid);
  w.u32(kCall);
  w.u32(kRpcVersion);
  w.u32(prog);
  w.u32(vers);
  w.u32(proc);
  put_auth(w, cred);
  return w.take();
}

Bytes encode_call(BytesView header, const OpaqueAuth& verf, BytesView args) {
  XdrWriter w;
  w.raw(header);
  put_auth(w, verf);
  w.raw(args);
  return w.take();
}

Result<Reply> decode_reply(BytesView message) {
  XdrReader r(message, "RPC reply");
  Reply rep;
  rep.xid = r.u32("xid");
  if (r.u32("msg_type") != kReply) r.fail("msg_type", "not a REPLY");
  const std::uint32_t stat = r.u32("reply_stat");
  if (stat == 0) {
    rep.accepted = true;
    rep.verf.flavor = r.u32("verf.flavor");
    rep.verf.body = r.opaque("verf.body", 400);
    const std::uint32_t accept_stat = r.u32("accept_stat");
    if (accept_stat > static_cast<std::uint32_t>(AcceptStat::system_err))
      r.fail("accept_stat", "unknown value");
    rep.accept_stat = static_cast<AcceptStat>(accept_stat);
    if (rep.accept_stat == AcceptStat::success) {
      BytesView rest = r.rest();
      rep.results.assign(rest.begin(), rest.end());
      r.skip_all();
    } else if (rep.accept_stat == AcceptStat::prog_mismatch) {
      rep.low = r.u32("mismatch_info.low");
      rep.high = r.u32("mismatch_info.high");
    }
  } else if (stat == 1) {
    const std::uint32_t reject = r.u32("reject_stat");
    if (reject == 0) {
      rep.low = r.u32("mismatch_info.low");
      rep.high = r.u32("mismatch_info.high");
    } else if (reject == 1) {
      rep.auth_error = true;
      rep.auth_stat = static_cast<AuthStat>(r.u32("auth_stat"));
    } else {
      r.fail("reject_stat", "neither RPC_MISMATCH nor AUTH_ERROR");
    }
  } else {
    r.fail("reply_stat", "neither MSG_ACCEPTED nor MSG_DENIED");
  }
  // Only a successful reply's results run to the end; any other reply ends
  // where its last field does.
  if (auto st = r.finish(); !st.ok()) return Error{RpcErrc::bad_reply, st.error().detail};
  return rep;
}

Error reply_error(const Reply& r, const std::string& peer) {
  if (!r.accepted) {
    if (r.auth_error)
      return Error{RpcErrc::auth_error,
                   std::string("why = ") + auth_stat_message(r.auth_stat) + "; server " + peer};
    return Error{RpcErrc::rpc_mismatch, "server " + peer + " supports versions " + std::to_string(r.low) +
                                            "-" + std::to_string(r.high)};
  }
  return Error{static_cast<RpcErrc>(static_cast<int>(r.accept_stat)), "server " + peer};
}

}  // namespace krbkit::rpc
