#pragma once
// Building PACs for the unit tests: a PACTYPE around buffers, and a PAC
// signed as a KDC signs it (server signature with a service key, KDC
// signature with a krbtgt key).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/pac/pac.hpp"

namespace krbkit::test_pac {

inline Bytes read_hex(const std::string& name) {
  std::ifstream in(std::string(KRBKIT_TEST_DATA_DIR) + "/pac/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  Bytes out;
  REQUIRE(from_hex(text, out));
  return out;
}

inline void put32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
inline Bytes utf16(std::string_view ascii) {
  Bytes b;
  for (char c : ascii) put16(b, static_cast<std::uint16_t>(c));
  return b;
}

// A PACTYPE around the given buffers (data 8-aligned, as AD lays it out).
inline Bytes make_pac(const std::vector<std::pair<std::uint32_t, Bytes>>& buffers) {
  Bytes out;
  put32(out, static_cast<std::uint32_t>(buffers.size()));
  put32(out, 0);
  std::size_t offset = 8 + 16 * buffers.size();
  std::vector<std::size_t> offsets;
  for (const auto& [type, data] : buffers) {
    offsets.push_back(offset);
    put32(out, type);
    put32(out, static_cast<std::uint32_t>(data.size()));
    put32(out, static_cast<std::uint32_t>(offset));
    put32(out, 0);
    offset += (data.size() + 7) / 8 * 8;
  }
  for (const auto& [type, data] : buffers) {
    out.insert(out.end(), data.begin(), data.end());
    out.resize((out.size() + 7) / 8 * 8, 0);
  }
  return out;
}

inline Bytes signature_buffer(Cksumtype type, std::size_t len) {
  Bytes b;
  put32(b, static_cast<std::uint32_t>(to_int(type)));
  b.resize(4 + len, 0);
  return b;
}

// CLIENT_INFO's ClientId in make_signed(): the authtime of the ticket it belongs to.
inline constexpr std::uint64_t kClientId = 0x01dc5b5f6d0a4000ULL;

// A signed PAC: Samba's LOGON_INFO, UPN_DNS_INFO, CLIENT_INFO, an AES256
// server signature and an RC4 (HMAC-MD5) KDC signature.
struct Signed {
  Key service = random_key(Enctype::aes256_cts_hmac_sha1_96);
  Key krbtgt = random_key(Enctype::rc4_hmac);
  Bytes pac;
};

// With `full`, also a FULL_CHECKSUM (krbtgt's key, over the PAC with the
// three signatures zeroed), made first, as Windows and MIT do.
inline Signed make_signed(bool full = false) {
  Signed s;
  Bytes upn;
  Bytes upn_name = utf16("alice@ad.krbkit.test"), dns = utf16("AD.KRBKIT.TEST");
  put16(upn, static_cast<std::uint16_t>(upn_name.size()));
  put16(upn, 12);  // after the 12-byte header
  put16(upn, static_cast<std::uint16_t>(dns.size()));
  put16(upn, static_cast<std::uint16_t>(12 + upn_name.size()));
  put32(upn, 0);
  upn.insert(upn.end(), upn_name.begin(), upn_name.end());
  upn.insert(upn.end(), dns.begin(), dns.end());
  Bytes client;
  put32(client, static_cast<std::uint32_t>(kClientId));
  put32(client, static_cast<std::uint32_t>(kClientId >> 32));
  Bytes name = utf16("alice");
  put16(client, static_cast<std::uint16_t>(name.size()));
  client.insert(client.end(), name.begin(), name.end());
  std::vector<std::pair<std::uint32_t, Bytes>> buffers{
      {1, read_hex("logon_info_samba_ndr.hex")},
      {12, upn},
      {10, client},
      {6, signature_buffer(Cksumtype::hmac_sha1_96_aes256, 12)},
      {7, signature_buffer(Cksumtype::hmac_md5_rc4, 16)}};
  if (full) buffers.emplace_back(19, signature_buffer(Cksumtype::hmac_md5_rc4, 16));
  Bytes pac = make_pac(buffers);
  // Sign as a KDC does: server signature over the zeroed PAC, then the KDC
  // signature over the server signature.
  auto unsigned_pac = pac::decode(pac);
  if (!unsigned_pac) FAIL(unsigned_pac.error().message());
  const auto& srv = *unsigned_pac->server_signature;
  if (full) {
    auto full_sig = make_checksum(Cksumtype::hmac_md5_rc4, &s.krbtgt, 17, pac);
    REQUIRE(full_sig);
    std::copy(full_sig->begin(), full_sig->end(),
              pac.begin() + static_cast<std::ptrdiff_t>(unsigned_pac->full_signature->signature_offset));
  }
  auto server_sig = make_checksum(Cksumtype::hmac_sha1_96_aes256, &s.service, 17, pac);
  REQUIRE(server_sig);
  std::copy(server_sig->begin(), server_sig->end(),
            pac.begin() + static_cast<std::ptrdiff_t>(srv.signature_offset));
  auto kdc_sig = make_checksum(Cksumtype::hmac_md5_rc4, &s.krbtgt, 17, *server_sig);
  REQUIRE(kdc_sig);
  std::copy(kdc_sig->begin(), kdc_sig->end(),
            pac.begin() + static_cast<std::ptrdiff_t>(unsigned_pac->kdc_signature->signature_offset));
  s.pac = std::move(pac);
  return s;
}

}  // namespace krbkit::test_pac
