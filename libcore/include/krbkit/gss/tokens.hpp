#pragma once
// GSS-API Kerberos token formats, pure functions (no context state):
//
// - RFC 2743 3.1 framing of context-establishment tokens:
//     0x60 <DER length> 06 09 2a864886f712010202 <TOK_ID, 2 bytes> <inner token>
//   TOK_ID 01 00 = AP-REQ, 02 00 = AP-REP, 03 00 = KRB-ERROR (RFC 4121 4.1).
// - RFC 4121 4.2 per-message tokens (every enctype but des3 and rc4):
//     MIC   04 04 | flags | ff ff ff ff ff | SND_SEQ (8) | checksum
//     Wrap  05 04 | flags | ff | EC (2) | RRC (2) | SND_SEQ (8) | data
//   flags: 0x01 SentByAcceptor, 0x02 Sealed, 0x04 AcceptorSubkey.
//   Key usages: KeyUsage::gss_acceptor_seal (22), _sign (23), gss_initiator_seal
//   (24), _sign (25). The checksum is the key's mandatory one (RFC 3961).

#include <cstdint>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/key.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"

namespace krbkit::gss {

// DER of the Kerberos V5 mechanism OID 1.2.840.113554.1.2.2, tag and length included.
inline constexpr std::uint8_t kKrb5MechOidDer[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                                   0xf7, 0x12, 0x01, 0x02, 0x02};

namespace tok_id {
inline constexpr std::uint16_t ap_req = 0x0100;
inline constexpr std::uint16_t ap_rep = 0x0200;
inline constexpr std::uint16_t error = 0x0300;
inline constexpr std::uint16_t mic = 0x0404;
inline constexpr std::uint16_t wrap = 0x0504;
}  // namespace tok_id

namespace token_flags {
inline constexpr std::uint8_t sent_by_acceptor = 0x01;
inline constexpr std::uint8_t sealed = 0x02;
inline constexpr std::uint8_t acceptor_subkey = 0x04;
}  // namespace token_flags

// Frames an inner token (AP-REQ, AP-REP, KRB-ERROR) with the mechanism OID.
Bytes frame_token(std::uint16_t tok_id, BytesView inner);

struct FramedToken {
  std::uint16_t tok_id = 0;
  BytesView inner;  // points into the framed token
};
// Errc::parse when the framing or the OID is wrong.
Result<FramedToken> unframe_token(BytesView token);

enum class Sender { initiator, acceptor };

// How a token is made: with which key, by whom, and whether the key is the
// acceptor's subkey (flag 0x04).
struct TokenKey {
  const Key& key;
  Sender sender;
  bool acceptor_subkey;
};

Result<Bytes> make_mic(const TokenKey& k, std::uint64_t seq, BytesView message);
// Checks a MIC token made by `k.sender`; returns its sequence number.
// Errc::integrity for a bad checksum or a token from the wrong side.
Result<std::uint64_t> verify_mic(const TokenKey& k, BytesView message, BytesView token);

// Wrap with confidentiality (EC = 0, RRC = 0, as MIT sends), or with
// integrity only (plaintext followed by the checksum, EC = checksum length).
Result<Bytes> make_wrap(const TokenKey& k, std::uint64_t seq, BytesView plaintext, bool confidential);

struct Unwrapped {
  SecretBytes data;
  std::uint64_t seq = 0;
  bool confidential = false;
};
// Reads a Wrap token made by `k.sender`: any RRC, any EC; the header copy
// inside the ciphertext must match the outer header.
Result<Unwrapped> unwrap(const TokenKey& k, BytesView token);

}  // namespace krbkit::gss
