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
//   3  a message: MIC and Wrap tokens made over it verify and unwrap to it.
// Seed corpus: tests/data/fuzz-seeds/gss (tokens captured from MIT kadmin
// and kadmind).

#include <cstdint>
#include <cstdlib>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/gss/ap.hpp"
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
  auto ct = encrypt(key, sender == Sender::acceptor ? usage::acceptor_seal : usage::initiator_seal, plain);
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  BytesView in(data + 1, size - 1);
  switch (data[0] & 3) {
    case 0: framed(in); break;
    case 1: peer_token(in); break;
    case 2: sealed(in); break;
    default: round_trip(in); break;
  }
  return 0;
}
