#pragma once
// A GSS-API Kerberos V5 initiator security context (RFC 4121), as much as
// RPCSEC_GSS and other single-round-trip protocols need:
//
//   KRBKIT_TRY(ctx, InitiatorContext::create(kadmin_creds));
//   send(ctx.initial_token());                      // 0x60 framing + AP-REQ
//   KRBKIT_CHECK(ctx.accept_reply(reply_token));    // AP-REP: mutual auth, acceptor subkey
//   KRBKIT_TRY(mic, ctx.get_mic(header));           // per-message tokens
//   KRBKIT_TRY(w, ctx.wrap(args));
//   KRBKIT_TRY(plain, ctx.unwrap(reply_wrap));
//
// The AP-REQ authenticator carries the 0x8003 checksum (RFC 4121 4.1.1:
// 16-byte zero channel binding hash, flags little-endian), a random subkey
// and a random 30-bit initial sequence number. After the AP-REP the token
// key is the acceptor subkey when one came back, else our subkey.
// Received tokens are checked for replays only (duplicates and numbers far
// below the highest seen are refused; gaps are fine), like MIT's contexts
// without GSS_C_SEQUENCE_FLAG. RFC 1964 tokens (des3, rc4 token keys) are
// not supported: Errc::unsupported_enctype.

#include <cstdint>
#include <optional>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/gss/ap.hpp"
#include "krbkit/gss/tokens.hpp"
#include "krbkit/proto/credentials.hpp"

namespace krbkit::gss {

// GSS-API context flags (RFC 2744), as carried in the 0x8003 checksum.
namespace req_flags {
inline constexpr std::uint32_t deleg = 0x01;
inline constexpr std::uint32_t mutual = 0x02;
inline constexpr std::uint32_t replay = 0x04;
inline constexpr std::uint32_t sequence = 0x08;
inline constexpr std::uint32_t conf = 0x10;
inline constexpr std::uint32_t integ = 0x20;
inline constexpr std::uint32_t trans = 0x100;
// What MIT's kadmin sends: mutual, replay, conf, integ, trans (0x136).
inline constexpr std::uint32_t kadmin = mutual | replay | conf | integ | trans;
}  // namespace req_flags

// The authenticator checksum of RFC 4121 4.1.1 without delegation.
Checksum make_gss_checksum(std::uint32_t flags);

// Replay-only window over 64 sequence numbers.
class ReplayWindow {
 public:
  explicit ReplayWindow(std::uint64_t base = 0) : base_(base) {}
  // Errc::integrity naming the number for a duplicate or a too-old token.
  Result<void> check(std::uint64_t seq);

 private:
  std::uint64_t base_;
  bool any_ = false;
  std::uint64_t highest_ = 0;
  std::uint64_t seen_ = 0;  // bit i: highest_ - i was seen
};

class InitiatorContext {
 public:
  struct Options {
    std::uint32_t flags = req_flags::kadmin;
    std::optional<std::uint32_t> seq_number;  // for tests; random otherwise
  };

  static Result<InitiatorContext> create(const Credentials& service_ticket, const Options& options);
  static Result<InitiatorContext> create(const Credentials& service_ticket) {
    return create(service_ticket, Options{});
  }

  const Bytes& initial_token() const { return initial_token_; }
  // Processes the acceptor's AP-REP token (mutual authentication). A KRB-ERROR
  // token becomes its error.
  Result<void> accept_reply(BytesView token);
  bool established() const { return established_; }
  // The token key's enctype (the acceptor subkey's once established).
  Enctype token_enctype() const { return token_key_.enctype; }

  Result<Bytes> get_mic(BytesView message);
  Result<void> verify_mic(BytesView message, BytesView token);
  Result<Bytes> wrap(BytesView plaintext, bool confidential = true);
  // Errc::integrity when `require_confidential` and the token was not sealed.
  Result<SecretBytes> unwrap(BytesView token, bool require_confidential = true);

 private:
  InitiatorContext() = default;
  Result<void> require_established() const;

  Key session_key_;
  ApReqSent sent_;
  Bytes initial_token_;
  std::uint32_t flags_ = 0;
  bool established_ = false;
  Key token_key_;
  bool acceptor_subkey_ = false;
  std::uint64_t send_seq_ = 0;
  ReplayWindow recv_;
};

}  // namespace krbkit::gss
