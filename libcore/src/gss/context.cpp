// RFC 4121 initiator context: AP-REQ with the 0x8003 checksum, AP-REP, tokens.

#include "krbkit/gss/context.hpp"

#include <string>

namespace krbkit::gss {

Checksum make_gss_checksum(std::uint32_t flags) {
  // RFC 4121 4.1.1: Lgth (LE 16) | Bnd (16 bytes, zero: no channel bindings) | Flags (LE).
  Checksum c;
  c.cksumtype = Cksumtype::gssapi;
  c.checksum.assign(24, 0);
  c.checksum[0] = 16;
  for (int i = 0; i < 4; ++i) c.checksum[20 + i] = static_cast<std::uint8_t>(flags >> (8 * i));
  return c;
}

Result<void> ReplayWindow::check(std::uint64_t seq) {
  if (!any_) {
    if (seq < base_)
      return Error{Errc::integrity, "GSS-API token sequence number " + std::to_string(seq) +
                                        " is below the acceptor's initial number " + std::to_string(base_)};
    any_ = true;
    highest_ = seq;
    seen_ = 1;
    return success();
  }
  if (seq > highest_) {
    const std::uint64_t shift = seq - highest_;
    seen_ = shift >= 64 ? 0 : seen_ << shift;
    seen_ |= 1;
    highest_ = seq;
    return success();
  }
  const std::uint64_t back = highest_ - seq;
  if (back >= 64) return Error{Errc::integrity, "GSS-API token " + std::to_string(seq) + " is too old"};
  if (seen_ & (std::uint64_t{1} << back))
    return Error{Errc::integrity, "GSS-API token " + std::to_string(seq) + " is a replay"};
  seen_ |= std::uint64_t{1} << back;
  return success();
}

Result<InitiatorContext> InitiatorContext::create(const Credentials& creds, const Options& options) {
  InitiatorContext ctx;
  ctx.flags_ = options.flags;
  ctx.session_key_ = creds.session_key.clone();
  ApReqOptions ap;
  if (options.flags & req_flags::mutual) ap.ap_options = ap_options::mutual_required;
  ap.checksum = make_gss_checksum(options.flags);
  ap.make_subkey = true;
  if (options.seq_number) {
    ap.seq_number = *options.seq_number;
  } else {
    KRBKIT_TRY(seq, random_sequence_number());
    ap.seq_number = seq;
  }
  KRBKIT_TRY(sent, make_ap_req(creds, ap).context("building the GSS-API initial context token"));
  ctx.sent_ = std::move(sent);
  ctx.initial_token_ = frame_token(tok_id::ap_req, ctx.sent_.der);
  ctx.send_seq_ = *ctx.sent_.seq_number;
  if (!(options.flags & req_flags::mutual)) {
    ctx.token_key_ = ctx.sent_.subkey->clone();
    ctx.established_ = true;
  }
  return ctx;
}

Result<void> InitiatorContext::accept_reply(BytesView token) {
  if (established_) return Error{Errc::internal, "GSS-API context is already established"};
  KRBKIT_TRY(framed, unframe_token(token));
  if (framed.tok_id == tok_id::error) {
    KRBKIT_TRY(err, decode_krb_error(framed.inner));
    return err.to_error();
  }
  if (framed.tok_id != tok_id::ap_rep)
    return Error{Errc::parse, "GSS-API reply token: expected an AP-REP (TOK_ID 02 00)"};
  KRBKIT_TRY(part, read_ap_rep(framed.inner, session_key_, sent_));
  if (part.subkey) {
    token_key_ = part.subkey->clone();
    acceptor_subkey_ = true;
  } else {
    token_key_ = sent_.subkey ? sent_.subkey->clone() : session_key_.clone();
  }
  recv_ = ReplayWindow(part.seq_number.value_or(0));
  established_ = true;
  return success();
}

Result<void> InitiatorContext::require_established() const {
  if (!established_) return Error{Errc::internal, "GSS-API context is not established"};
  return success();
}

Result<Bytes> InitiatorContext::get_mic(BytesView message) {
  KRBKIT_CHECK(require_established());
  return make_mic({token_key_, Sender::initiator, acceptor_subkey_}, send_seq_++, message);
}

Result<void> InitiatorContext::verify_mic(BytesView message, BytesView token) {
  KRBKIT_CHECK(require_established());
  KRBKIT_TRY(seq, gss::verify_mic({token_key_, Sender::acceptor, acceptor_subkey_}, message, token));
  return recv_.check(seq);
}

Result<Bytes> InitiatorContext::wrap(BytesView plaintext, bool confidential) {
  KRBKIT_CHECK(require_established());
  return make_wrap({token_key_, Sender::initiator, acceptor_subkey_}, send_seq_++, plaintext, confidential);
}

Result<SecretBytes> InitiatorContext::unwrap(BytesView token, bool require_confidential) {
  KRBKIT_CHECK(require_established());
  KRBKIT_TRY(u, gss::unwrap({token_key_, Sender::acceptor, acceptor_subkey_}, token));
  if (require_confidential && !u.confidential)
    return Error{Errc::integrity, "Wrap token: confidentiality was required but the token is not sealed"};
  KRBKIT_CHECK(recv_.check(u.seq));
  return std::move(u.data);
}

}  // namespace krbkit::gss
