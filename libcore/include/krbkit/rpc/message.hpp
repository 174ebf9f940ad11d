#pragma once
// ONC RPC version 2 call and reply messages (RFC 5531 9), and the error
// category for RPC-level failures (worded like MIT's clnt_sperror()).

#include <cstdint>
#include <system_error>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit::rpc {

namespace flavor {
inline constexpr std::uint32_t none = 0;
inline constexpr std::uint32_t rpcsec_gss = 6;
}  // namespace flavor

// opaque_auth: a flavor and a body of at most 400 bytes.
struct OpaqueAuth {
  std::uint32_t flavor = flavor::none;
  Bytes body;
};

// The call message from xid through the credential: what an RPCSEC_GSS
// verifier MIC covers (RFC 2203 5.3.1).
Bytes encode_call_header(std::uint32_t xid, std::uint32_t prog, std::uint32_t vers, std::uint32_t proc,
                         const OpaqueAuth& cred);
// header || verifier || args.
Bytes encode_call(BytesView header, const OpaqueAuth& verf, BytesView args);

enum class AcceptStat : std::uint32_t {
  success = 0,
  prog_unavail = 1,
  prog_mismatch = 2,
  proc_unavail = 3,
  garbage_args = 4,
  system_err = 5,
};

// auth_stat (RFC 5531 9, RFC 2203 5.3.3.3).
enum class AuthStat : std::uint32_t {
  ok = 0,
  badcred = 1,
  rejectedcred = 2,
  badverf = 3,
  rejectedverf = 4,
  tooweak = 5,
  invalidresp = 6,
  failed = 7,
  credproblem = 13,
  ctxproblem = 14,
};

struct Reply {
  std::uint32_t xid = 0;
  bool accepted = false;
  // accepted:
  OpaqueAuth verf;
  AcceptStat accept_stat = AcceptStat::success;
  Bytes results;  // only for success
  // denied:
  bool auth_error = false;  // else RPC_MISMATCH
  AuthStat auth_stat = AuthStat::ok;
  std::uint32_t low = 0, high = 0;  // mismatch versions
};

Result<Reply> decode_reply(BytesView message);

// RPC failures as error codes (category "rpc").
enum class RpcErrc {
  prog_unavail = 1,
  prog_mismatch = 2,
  proc_unavail = 3,
  garbage_args = 4,
  system_err = 5,
  rpc_mismatch = 10,
  auth_error = 11,
  bad_reply = 12,     // a reply that does not decode or does not fit the call
  bad_verifier = 13,  // the server's verifier or reply token does not check out
};
const std::error_category& rpc_category();
inline std::error_code make_error_code(RpcErrc e) { return {static_cast<int>(e), rpc_category()}; }
// "Client credential too weak" (MIT's wording of auth_stat).
const char* auth_stat_message(AuthStat s);
// The error for a reply that is not ACCEPTED/SUCCESS; `peer` goes into the detail.
Error reply_error(const Reply& r, const std::string& peer);

}  // namespace krbkit::rpc

template <>
struct std::is_error_code_enum<krbkit::rpc::RpcErrc> : std::true_type {};
