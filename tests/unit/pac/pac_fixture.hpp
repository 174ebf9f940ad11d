#pragma once
// Building PACs for the unit tests: a PACTYPE around buffers, and a PAC
// signed as a KDC signs it (server signature with a service key, KDC
// signature with a krbtgt key).
#include <doctest/doctest.h>

#include <optional>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/pac/pac.hpp"
#include "krbkit/pac/ticket.hpp"
#include "krbkit/proto/constants.hpp"
#include "support/pac_build.hpp"

namespace krbkit::test_pac {

inline Bytes utf16(std::string_view ascii) {
  Bytes b;
  for (char c : ascii) put16(b, static_cast<std::uint16_t>(c));
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

// How make_signed() signs: the checksum types (a forger's choice in the
// tests: unkeyed, another enctype's, unknown), and which signatures.
struct SignSpec {
  Cksumtype server_type = Cksumtype::hmac_sha1_96_aes256;
  Cksumtype kdc_type = Cksumtype::hmac_md5_rc4;
  bool full = false;
  // TICKET_CHECKSUM over these bytes (the EncTicketPart with the PAC as one zero byte).
  std::optional<Bytes> ticket_signed_data{};
};

// `type` over `data`: with `key` when the type is keyed, 16 filler bytes for
// a type krbkit does not know.
inline Bytes checksum_of(Cksumtype type, const Key& key, BytesView data) {
  auto info = cksumtype_info(type);
  if (!info) return Bytes(16, 0x5a);
  auto sum = make_checksum(type, (*info)->keyed ? &key : nullptr, KeyUsage::app_data_cksum, data);
  REQUIRE_MESSAGE(sum, sum.error().message());
  return *sum;
}

inline std::vector<std::pair<std::uint32_t, Bytes>> unsigned_buffers() {
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
  return {{1, read_hex("logon_info_samba_ndr.hex")}, {12, upn}, {10, client}};
}

inline void put_signature(Bytes& pac, const std::optional<pac::Signature>& at, const Bytes& sum) {
  REQUIRE(at);
  std::copy(sum.begin(), sum.end(), pac.begin() + static_cast<std::ptrdiff_t>(at->signature_offset));
}

// Signs as a KDC does: ticket and full signatures first, then the server
// signature over the PAC with the server and KDC signatures zeroed, then the
// KDC signature over the server signature.
inline Signed make_signed(const SignSpec& spec, Signed s = {}) {
  auto buffers = unsigned_buffers();
  const Bytes server_buffer =
      signature_buffer(spec.server_type, checksum_of(spec.server_type, s.service, {}).size());
  const Bytes krbtgt_buffer =
      signature_buffer(spec.kdc_type, checksum_of(spec.kdc_type, s.krbtgt, {}).size());
  buffers.emplace_back(6, server_buffer);
  buffers.emplace_back(7, krbtgt_buffer);
  if (spec.ticket_signed_data) buffers.emplace_back(16, krbtgt_buffer);
  if (spec.full) buffers.emplace_back(19, krbtgt_buffer);
  Bytes pac = make_pac(buffers);
  auto layout = pac::decode(pac);
  if (!layout) FAIL(layout.error().message());
  if (spec.ticket_signed_data)
    put_signature(pac, layout->ticket_signature,
                  checksum_of(spec.kdc_type, s.krbtgt, *spec.ticket_signed_data));
  if (spec.full) put_signature(pac, layout->full_signature, checksum_of(spec.kdc_type, s.krbtgt, pac));
  Bytes server_sig = checksum_of(spec.server_type, s.service, pac);
  put_signature(pac, layout->server_signature, server_sig);
  put_signature(pac, layout->kdc_signature, checksum_of(spec.kdc_type, s.krbtgt, server_sig));
  s.pac = std::move(pac);
  return s;
}

// With `full`, also a FULL_CHECKSUM (krbtgt's key, over the PAC with the
// three signatures zeroed), made first, as Windows and MIT do.
inline Signed make_signed(bool full = false) { return make_signed(SignSpec{.full = full}); }

// Tickets for the service kServer, built and encrypted as a KDC would.
inline const Principal kServer{NameType::srv_hst, {"HTTP", "web.ad.krbkit.test"}, "AD.KRBKIT.TEST"};

inline KerberosTime authtime() {
  return KerberosTime{std::chrono::seconds(pac::FileTime{kClientId}.unix_seconds())};
}

inline EncTicketPart make_part(const std::optional<Bytes>& pac) {
  EncTicketPart part;
  part.flags = ticket_flags::forwardable | ticket_flags::pre_authent;
  part.key = random_key(Enctype::aes256_cts_hmac_sha1_96);
  part.crealm = "AD.KRBKIT.TEST";
  part.cname = PrincipalName{NameType::principal, {"alice"}};
  part.transited = TransitedEncoding{1, {}};
  part.authtime = authtime();
  part.starttime = part.authtime;
  part.endtime = part.authtime + std::chrono::hours(10);
  if (pac) {
    AuthorizationData inner{AuthDataEntry{ad_type::win2k_pac, *pac}};
    part.authorization_data.push_back(AuthDataEntry{ad_type::if_relevant, encode_authorization_data(inner)});
  }
  return part;
}

inline Bytes make_ticket(const EncTicketPart& part, const Key& key, std::uint32_t kvno) {
  Ticket t;
  t.realm = kServer.realm;
  t.sname = to_principal_name(kServer);
  auto cipher = encrypt(key, KeyUsage::kdc_rep_ticket, encode(part));
  REQUIRE(cipher);
  t.enc_part = EncryptedData{key.enctype, kvno, *cipher};
  return encode(t);
}

inline pac::DecodeOptions options(const Key& key, std::uint32_t kvno) {
  pac::DecodeOptions o;
  o.keytab_name = "FILE:/tmp/web.keytab";
  o.service_keys.push_back({kServer, kvno, key.clone()});
  return o;
}

}  // namespace krbkit::test_pac
