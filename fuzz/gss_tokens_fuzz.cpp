// libFuzzer target for the GSS-API Kerberos tokens (gss/tokens.cpp, gss/ap.cpp):
// RFC 2743 framing, RFC 4121 MIC and Wrap tokens and the AP-REP reader.
// The first byte picks what the rest is:
//   0  a framed context token: anything that unframes frames back to the
//      same bytes (the framing is DER: one length encoding per length);
//   1  a MIC or Wrap token (or an AP-REP) as a peer sends it, checked with
//      fixed keys for both senders: nothing crashes;
//   2  the plaintext inside a sealed Wrap token: the next 8 bytes are the
//      outer header fields (flags and choices, EC, RRC, SND_SEQ low 3 bytes),
//      the rest is encrypted in a fixed key (with the header copy appended
//      when bit 0x80 says so), so that the checks after decryption (EC, the
//      header copy) are reached: a well-formed token unwraps to its data,
//      any other to a prefix of the plaintext or an error;
//   3  a message: MIC and Wrap tokens made over it verify and unwrap to it;
//   4  the acceptor's reply token to a real InitiatorContext (accept_reply);
//   5-7 an acceptor that answers the context's AP-REQ with a valid AP-REP
//      (byte 1: bit 0 a subkey of its own, bit 1 a sequence number, then 4
//      bytes of it), then sends Wrap tokens and MICs with the sequence numbers
//      the rest names (2 bytes each, signed, from the acceptor's number; odd
//      ones as MICs): each is accepted exactly when a 64-number replay window
//      would (not below the initial number before the first, not seen, not 64
//      or more below the highest), and unwraps to what was sent.
// Seed corpus: fuzz/corpus/fuzz_gss_tokens (tokens captured from MIT kadmin
// and kadmind).

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

#include "fake_service.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/gss/ap.hpp"
#include "krbkit/gss/context.hpp"
#include "krbkit/gss/tokens.hpp"

using namespace krbkit;
using namespace krbkit::gss;

namespace {

const Key& key_for(std::uint8_t pick) {
  static const Key aes256(Enctype::aes256_cts_hmac_sha1_96, SecretBytes(Bytes(32, 0x5a)));
  static const Key aes128(Enctype::aes128_cts_hmac_sha1_96, SecretBytes(Bytes(16, 0x5a)));
  static const Key sha2(Enctype::aes128_cts_hmac_sha256_128, SecretBytes(Bytes(16, 0x5a)));
  switch (pick % 3) {
    case 0: return aes256;
    case 1: return aes128;
    default: return sha2;
  }
}

void framed(BytesView in) {
  auto f = unframe_token(in);
  if (!f.ok()) return;
  Bytes again = frame_token(f->tok_id, f->inner);
  if (again != Bytes(in.begin(), in.end())) std::abort();
}

void peer_token(BytesView in) {
  for (std::uint8_t k = 0; k < 3; ++k) {
    for (Sender s : {Sender::initiator, Sender::acceptor}) {
      for (bool subkey : {false, true}) {
        TokenKey tk{key_for(k), s, subkey};
        (void)verify_mic(tk, as_bytes("message"), in);
        auto u = unwrap(tk, in);
        if (u.ok() && u->data.size() > in.size()) std::abort();
      }
    }
  }
  ApReqSent sent;
  (void)read_ap_rep(in, key_for(0), sent);
}

void sealed(BytesView in) {
  if (in.size() < 8) return;
  const std::uint8_t flags = (in[0] & 0x07) | token_flags::sealed;
  const bool add_copy = (in[0] & 0x80) != 0;  // append the header copy, as a sender does
  const Key& key = key_for(in[0] >> 3);
  const std::uint16_t ec = get_u16be(in.data() + 1) % 64;
  const std::uint16_t rrc = get_u16be(in.data() + 3);
  const std::uint64_t seq = (std::uint64_t{in[5]} << 16) | (std::uint64_t{in[6]} << 8) | in[7];
  const Sender sender = (flags & token_flags::sent_by_acceptor) ? Sender::acceptor : Sender::initiator;
  TokenKey tk{key, sender, (flags & token_flags::acceptor_subkey) != 0};
  auto header = [&](std::uint16_t r) {
    Bytes h;
    put_u16be(h, tok_id::wrap);
    h.push_back(flags);
    h.push_back(0xff);
    put_u16be(h, ec);
    put_u16be(h, r);
    put_u32be(h, 0);
    put_u32be(h, static_cast<std::uint32_t>(seq));
    return h;
  };
  Bytes plain(in.begin() + 8, in.end());
  const std::size_t body = plain.size();
  if (add_copy) {
    Bytes copy = header(0);
    plain.insert(plain.end(), copy.begin(), copy.end());
  }
  auto ct = encrypt(
      key, sender == Sender::acceptor ? KeyUsage::gss_acceptor_seal : KeyUsage::gss_initiator_seal, plain);
  if (!ct.ok()) std::abort();
  Bytes token = header(rrc);
  // RRC: the last rrc bytes of the ciphertext come first.
  const std::size_t rot = rrc % ct->size();
  token.insert(token.end(), ct->end() - static_cast<std::ptrdiff_t>(rot), ct->end());
  token.insert(token.end(), ct->begin(), ct->end() - static_cast<std::ptrdiff_t>(rot));
  auto u = unwrap(tk, token);
  if (add_copy && body >= ec) {
    // A well-formed token: the data is the plaintext without the EC filler.
    if (!u.ok() || u->seq != seq || !u->confidential || u->data.size() != body - ec ||
        !std::equal(u->data.view().begin(), u->data.view().end(), plain.begin()))
      std::abort();
    return;
  }
  if (!u.ok()) return;
  if (u->seq != seq || !u->confidential || u->data.size() > plain.size() ||
      !std::equal(u->data.view().begin(), u->data.view().end(), plain.begin()))
    std::abort();
}

void round_trip(BytesView in) {
  for (std::uint8_t k = 0; k < 3; ++k) {
    for (Sender s : {Sender::initiator, Sender::acceptor}) {
      TokenKey tk{key_for(k), s, s == Sender::acceptor};
      const std::uint64_t seq = in.size() * 7919u + k;
      auto mic = make_mic(tk, seq, in);
      if (!mic.ok()) std::abort();
      auto v = verify_mic(tk, in, *mic);
      if (!v.ok() || *v != seq) std::abort();
      for (bool conf : {false, true}) {
        auto w = make_wrap(tk, seq, in, conf);
        if (!w.ok()) std::abort();
        auto u = unwrap(tk, *w);
        if (!u.ok() || u->seq != seq || u->confidential != conf ||
            !std::equal(u->data.view().begin(), u->data.view().end(), in.begin(), in.end()))
          std::abort();
      }
    }
  }
}

InitiatorContext new_context() {
  static const Credentials creds = fuzz::service_creds({"kadmin", "admin"});
  auto ctx = InitiatorContext::create(creds, {req_flags::kadmin, 1000});
  if (!ctx.ok()) std::abort();
  return std::move(*ctx);
}

void acceptor_reply(BytesView in) {
  InitiatorContext ctx = new_context();
  if (ctx.accept_reply(in).ok() && !ctx.established()) std::abort();
}

// The replay window the context must keep (RFC 4121 4.2.6.2, replay only).
struct WindowModel {
  std::uint64_t base;
  std::optional<std::uint64_t> highest;
  std::vector<std::uint64_t> seen;
  bool accept(std::uint64_t seq) {
    const bool ok = highest ? seq > *highest || (*highest - seq < 64 &&
                                                 std::find(seen.begin(), seen.end(), seq) == seen.end())
                            : seq >= base;
    if (ok) {
      seen.push_back(seq);
      if (!highest || seq > *highest) highest = seq;
    }
    return ok;
  }
};

void established(BytesView in) {
  if (in.size() < 5) return;
  InitiatorContext ctx = new_context();
  const Authenticator auth = fuzz::read_authenticator(unframe_token(ctx.initial_token())->inner);
  const bool own_subkey = in[0] & 1;
  std::optional<std::uint32_t> seq0;
  if (in[0] & 2) seq0 = get_u32be(in.data() + 1);
  const Key acceptor_key(Enctype::aes128_cts_hmac_sha1_96, SecretBytes(Bytes(16, 0x33)));
  Bytes rep =
      fuzz::make_ap_rep(auth, own_subkey ? std::optional<Key>(acceptor_key.clone()) : std::nullopt, seq0);
  if (!ctx.accept_reply(frame_token(tok_id::ap_rep, rep)).ok() || !ctx.established()) std::abort();
  const Key& key = own_subkey ? acceptor_key : *auth.subkey;
  if (ctx.token_enctype() != key.enctype) std::abort();
  TokenKey acceptor{key, Sender::acceptor, own_subkey};
  WindowModel model{seq0.value_or(0), std::nullopt, {}};
  for (std::size_t i = 5; i + 1 < in.size() && i < 5 + 2 * 64; i += 2) {
    const auto delta = static_cast<std::int16_t>(get_u16be(in.data() + i));
    const std::uint64_t seq =
        std::uint64_t{seq0.value_or(0)} + static_cast<std::uint64_t>(std::int64_t{delta});
    const Bytes message = {in[i], in[i + 1]};
    bool accepted = false;
    if (delta & 1) {
      auto mic = make_mic(acceptor, seq, message);
      if (!mic.ok()) std::abort();
      accepted = ctx.verify_mic(message, *mic).ok();
    } else {
      auto wrap = make_wrap(acceptor, seq, message, true);
      if (!wrap.ok()) std::abort();
      auto u = ctx.unwrap(*wrap);
      accepted = u.ok();
      if (accepted && u->view().size() != 2) std::abort();
    }
    if (accepted != model.accept(seq)) std::abort();
  }
  // The initiator's own tokens are not accepted as the acceptor's.
  auto own = ctx.wrap(as_bytes("x"));
  if (!own.ok() || ctx.unwrap(*own).ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  BytesView in(data + 1, size - 1);
  switch (data[0] & 7) {
    case 0: framed(in); break;
    case 1: peer_token(in); break;
    case 2: sealed(in); break;
    case 3: round_trip(in); break;
    case 4: acceptor_reply(in); break;
    default: established(in); break;
  }
  return 0;
}
