// RFC 2743 3.1 token framing and RFC 4121 4.2 MIC / Wrap tokens.

#include "krbkit/gss/tokens.hpp"

#include <algorithm>
#include <array>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/crypto/enctypes.hpp"

namespace krbkit::gss {
namespace {

constexpr std::size_t kHeader = 16;

void put_der_length(Bytes& out, std::size_t n) {
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
    return;
  }
  std::array<std::uint8_t, 8> digits{};
  std::size_t count = 0;
  for (; n != 0; n >>= 8) digits[count++] = static_cast<std::uint8_t>(n);
  out.push_back(static_cast<std::uint8_t>(0x80 | count));
  while (count > 0) out.push_back(digits[--count]);
}

void put_u64be(Bytes& out, std::uint64_t v) {
  put_u32be(out, static_cast<std::uint32_t>(v >> 32));
  put_u32be(out, static_cast<std::uint32_t>(v));
}

std::uint64_t get_u64be(const std::uint8_t* p) {
  return (std::uint64_t{get_u32be(p)} << 32) | get_u32be(p + 4);
}

Result<void> check_cfx_key(const Key& key) {
  switch (key.enctype) {
    case Enctype::des3_cbc_sha1:
    case Enctype::rc4_hmac:
    case Enctype::rc4_hmac_exp:
      return Error{Errc::unsupported_enctype, "GSS-API token key " + enctype_name(key.enctype) +
                                                  " needs RFC 1964 tokens, which krbkit does not implement"};
    default: return success();
  }
}

std::uint8_t flags_for(const TokenKey& k) {
  std::uint8_t f = 0;
  if (k.sender == Sender::acceptor) f |= token_flags::sent_by_acceptor;
  if (k.acceptor_subkey) f |= token_flags::acceptor_subkey;
  return f;
}

KeyUsage sign_usage(Sender s) {
  return s == Sender::initiator ? KeyUsage::gss_initiator_sign : KeyUsage::gss_acceptor_sign;
}
KeyUsage seal_usage(Sender s) {
  return s == Sender::initiator ? KeyUsage::gss_initiator_seal : KeyUsage::gss_acceptor_seal;
}

Bytes header(std::uint16_t id, std::uint8_t flags, std::uint16_t ec, std::uint16_t rrc, std::uint64_t seq) {
  Bytes h;
  h.reserve(kHeader);
  put_u16be(h, id);
  h.push_back(flags);
  if (id == tok_id::mic) {
    h.insert(h.end(), 5, 0xff);
  } else {
    h.push_back(0xff);
    put_u16be(h, ec);
    put_u16be(h, rrc);
  }
  put_u64be(h, seq);
  return h;
}

// The checks both token kinds share: the sender bit and the acceptor-subkey bit.
Result<void> check_flags(const TokenKey& k, std::uint8_t flags, const char* what) {
  const bool from_acceptor = (flags & token_flags::sent_by_acceptor) != 0;
  if (from_acceptor != (k.sender == Sender::acceptor))
    return Error{Errc::integrity, std::string(what) + " token: SentByAcceptor flag names the wrong side"};
  if (((flags & token_flags::acceptor_subkey) != 0) != k.acceptor_subkey)
    return Error{Errc::integrity,
                 std::string(what) + " token: AcceptorSubkey flag does not match the context key"};
  return success();
}

}  // namespace

Bytes frame_token(std::uint16_t id, BytesView inner) {
  Bytes out;
  out.reserve(inner.size() + 20);
  out.push_back(0x60);
  put_der_length(out, sizeof kKrb5MechOidDer + 2 + inner.size());
  out.insert(out.end(), std::begin(kKrb5MechOidDer), std::end(kKrb5MechOidDer));
  put_u16be(out, id);
  out.insert(out.end(), inner.begin(), inner.end());
  return out;
}

Result<FramedToken> unframe_token(BytesView t) {
  const Error bad{Errc::parse, "GSS-API token: bad RFC 2743 framing"};
  if (t.size() < 2 || t[0] != 0x60) return bad;
  std::size_t pos = 1, len = 0;
  if (t[pos] < 0x80) {
    len = t[pos++];
  } else {
    std::size_t n = t[pos++] & 0x7f;
    if (n == 0 || n > 4 || pos + n > t.size()) return bad;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | t[pos++];
    // DER: the shortest form only (no leading zero octet, no long form below 128).
    if (len < 0x80 || (len >> (8 * (n - 1))) == 0) return bad;
  }
  if (len != t.size() - pos) return Error{Errc::parse, "GSS-API token: length does not match the token"};
  BytesView body = t.subspan(pos);
  if (body.size() < sizeof kKrb5MechOidDer + 2 ||
      !std::equal(std::begin(kKrb5MechOidDer), std::end(kKrb5MechOidDer), body.begin()))
    return Error{Errc::parse, "GSS-API token: not the Kerberos V5 mechanism (OID 1.2.840.113554.1.2.2)"};
  FramedToken f;
  f.tok_id = get_u16be(body.data() + sizeof kKrb5MechOidDer);
  f.inner = body.subspan(sizeof kKrb5MechOidDer + 2);
  return f;
}

Result<Bytes> make_mic(const TokenKey& k, std::uint64_t seq, BytesView message) {
  KRBKIT_CHECK(check_cfx_key(k.key));
  Bytes h = header(tok_id::mic, flags_for(k), 0, 0, seq);
  Bytes data(message.begin(), message.end());
  data.insert(data.end(), h.begin(), h.end());
  KRBKIT_TRY(cksum, make_checksum(mandatory_checksum(k.key.enctype), &k.key, sign_usage(k.sender), data));
  h.insert(h.end(), cksum.begin(), cksum.end());
  return h;
}

Result<std::uint64_t> verify_mic(const TokenKey& k, BytesView message, BytesView token) {
  KRBKIT_CHECK(check_cfx_key(k.key));
  if (token.size() <= kHeader || get_u16be(token.data()) != tok_id::mic)
    return Error{Errc::integrity, "MIC token: not an RFC 4121 MIC token"};
  KRBKIT_CHECK(check_flags(k, token[2], "MIC"));
  if (!std::all_of(token.begin() + 3, token.begin() + 8, [](std::uint8_t b) { return b == 0xff; }))
    return Error{Errc::integrity, "MIC token: bad filler bytes"};
  Bytes data(message.begin(), message.end());
  data.insert(data.end(), token.begin(), token.begin() + kHeader);
  KRBKIT_CHECK(verify_checksum(mandatory_checksum(k.key.enctype), &k.key, sign_usage(k.sender), data,
                               token.subspan(kHeader))
                   .context("verifying a GSS-API MIC token"));
  return get_u64be(token.data() + 8);
}

Result<Bytes> make_wrap(const TokenKey& k, std::uint64_t seq, BytesView plaintext, bool confidential) {
  KRBKIT_CHECK(check_cfx_key(k.key));
  std::uint8_t flags = flags_for(k);
  if (confidential) {
    flags |= token_flags::sealed;
    Bytes h = header(tok_id::wrap, flags, 0, 0, seq);
    Bytes data(plaintext.begin(), plaintext.end());
    data.insert(data.end(), h.begin(), h.end());
    KRBKIT_TRY(ct, encrypt(k.key, seal_usage(k.sender), data));
    secure_wipe(data.data(), data.size());
    h.insert(h.end(), ct.begin(), ct.end());
    return h;
  }
  const Cksumtype ct = mandatory_checksum(k.key.enctype);
  KRBKIT_TRY(info, cksumtype_info(ct));
  Bytes data(plaintext.begin(), plaintext.end());
  Bytes h0 = header(tok_id::wrap, flags, 0, 0, seq);
  data.insert(data.end(), h0.begin(), h0.end());
  KRBKIT_TRY(cksum, make_checksum(ct, &k.key, seal_usage(k.sender), data));
  Bytes out = header(tok_id::wrap, flags, static_cast<std::uint16_t>(info->size), 0, seq);
  out.insert(out.end(), plaintext.begin(), plaintext.end());
  out.insert(out.end(), cksum.begin(), cksum.end());
  return out;
}

Result<Unwrapped> unwrap(const TokenKey& k, BytesView token) {
  KRBKIT_CHECK(check_cfx_key(k.key));
  if (token.size() < kHeader || get_u16be(token.data()) != tok_id::wrap || token[3] != 0xff)
    return Error{Errc::integrity, "Wrap token: not an RFC 4121 Wrap token"};
  const std::uint8_t flags = token[2];
  KRBKIT_CHECK(check_flags(k, flags, "Wrap"));
  const std::uint16_t ec = get_u16be(token.data() + 4);
  const std::uint16_t rrc = get_u16be(token.data() + 6);
  Unwrapped out;
  out.seq = get_u64be(token.data() + 8);
  out.confidential = (flags & token_flags::sealed) != 0;

  Bytes data(token.begin() + kHeader, token.end());
  if (!data.empty()) std::rotate(data.begin(), data.begin() + (rrc % data.size()), data.end());

  if (out.confidential) {
    KRBKIT_TRY(plain, decrypt(k.key, seal_usage(k.sender), data).context("unwrapping a GSS-API Wrap token"));
    if (plain.size() < kHeader + ec) return Error{Errc::integrity, "Wrap token: too short for its EC"};
    const std::uint8_t* copy = plain.data() + plain.size() - kHeader;
    // The encrypted header copy must match the outer one (RRC excepted).
    for (std::size_t i = 0; i < kHeader; ++i) {
      if (i == 6 || i == 7) continue;
      if (copy[i] != token[i]) return Error{Errc::integrity, "Wrap token: encrypted header does not match"};
    }
    plain.resize(plain.size() - kHeader - ec);
    out.data = std::move(plain);
    return out;
  }
  if (data.size() < ec) return Error{Errc::integrity, "Wrap token: shorter than its checksum"};
  const std::size_t n = data.size() - ec;
  Bytes signed_data(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
  Bytes h0(token.begin(), token.begin() + kHeader);
  h0[4] = h0[5] = h0[6] = h0[7] = 0;
  signed_data.insert(signed_data.end(), h0.begin(), h0.end());
  KRBKIT_CHECK(verify_checksum(mandatory_checksum(k.key.enctype), &k.key, seal_usage(k.sender), signed_data,
                               BytesView(data).subspan(n))
                   .context("verifying a GSS-API Wrap token"));
  out.data = SecretBytes(BytesView(data).first(n));
  return out;
}

}  // namespace krbkit::gss
