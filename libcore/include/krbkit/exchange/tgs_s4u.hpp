#pragma once
// The S4U padata of a TGS-REQ beyond PA-FOR-USER (tgs_exchange.hpp):
// PA-S4U-X509-USER for S4U2Self (MS-SFU 2.2.2), which binds the user's name
// to the request nonce with a checksum in the TGS subkey and lets the KDC
// return the user's canonical name signed; and PA-PAC-OPTIONS (MS-KILE
// 2.2.10) with the resource-based constrained delegation bit for S4U2Proxy.
//
//   S4UUserID ::= SEQUENCE {
//     nonce               [0] UInt32,             -- the TGS-REQ's nonce
//     cname               [1] PrincipalName OPTIONAL,
//     crealm              [2] Realm,
//     subject-certificate [3] OCTET STRING OPTIONAL,
//     options             [4] BIT STRING OPTIONAL }
//   PA-S4U-X509-USER ::= SEQUENCE {
//     user-id  [0] S4UUserID,
//     checksum [1] Checksum }                     -- over the DER user-id
//   PA-PAC-OPTIONS ::= SEQUENCE { flags [0] PAC-OPTIONS-FLAGS }  -- KerberosFlags
//
// The request's checksum is keyed with the TGS subkey, key usage 26
// (PA_S4U_X509_USER_REQUEST); a KDC that understands the option
// use-reply-key-usage signs its reply with usage 27. The checksum type is
// the key's mandatory one, except RSA-MD4 for RC4 and DES3 keys, as MIT and
// Windows do ([MS-SFU] 2.2.2: the reply's enc-padata then repeats both
// checksums).

#include <cstdint>
#include <optional>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::exchange {

namespace s4u_options {
inline constexpr std::uint32_t check_logon_hours = 0x40000000;    // bit 1
inline constexpr std::uint32_t use_reply_key_usage = 0x20000000;  // bit 2: reply signed with usage 27
}  // namespace s4u_options

namespace pac_options {
inline constexpr std::uint32_t claims = 0x80000000;                     // bit 0
inline constexpr std::uint32_t branch_aware = 0x40000000;               // bit 1
inline constexpr std::uint32_t forward_to_full_dc = 0x20000000;         // bit 2
inline constexpr std::uint32_t resource_based_delegation = 0x10000000;  // bit 3
}  // namespace pac_options

struct S4uUserId {
  std::uint32_t nonce = 0;
  Principal user;  // cname (left out when it has no components) and crealm
  Bytes subject_certificate;
  std::uint32_t options = 0;  // s4u_options::*, left out when 0
};

struct PaS4uX509User {
  S4uUserId user_id;
  Bytes user_id_der;  // the S4UUserID exactly as received (what the checksum covers)
  Checksum checksum;
};

// The checksum type for PA-S4U-X509-USER with `key`: RSA-MD4 for RC4 and
// DES3 keys, else the key's mandatory checksum.
Cksumtype s4u_x509_checksum_type(Enctype key);

Bytes encode_s4u_user_id(const S4uUserId& id);
// The padata value, its checksum made with `key` and key usage `usage` (26).
Result<Bytes> encode_pa_s4u_x509_user(const S4uUserId& id, const Key& key, KeyUsage usage);
Result<PaS4uX509User> decode_pa_s4u_x509_user(BytesView der);

// The checks MIT's client makes on the reply to an S4U2Self request that
// carried PA-S4U-X509-USER `sent` (its checksum `sent_checksum`, made with
// `key`): `reply_padata` is the TGS-REP's padata, `enc_padata` its
// encrypted-pa-data. A KDC that does not know the padata (Samba's Heimdal
// KDC, older Windows) sends none: nullopt, and the caller checks the client
// name against the requested user. Otherwise the user name the KDC signed
// (nonce, checksum and name checked); Errc::reply_mismatch when anything
// differs.
Result<std::optional<Principal>> check_s4u_x509_reply(const S4uUserId& sent, BytesView sent_checksum,
                                                      const Key& key, const std::vector<PaData>& reply_padata,
                                                      const std::vector<PaData>& enc_padata);

// PA-PAC-OPTIONS with these flags (pac_options::*).
Bytes encode_pa_pac_options(std::uint32_t flags);

}  // namespace krbkit::exchange
