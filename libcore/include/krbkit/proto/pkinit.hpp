#pragma once
// The PKINIT messages (RFC 4556 with RFC 8070's freshness token and RFC
// 8636's KDF agility), each declared under its ASN.1. The CMS and X.509
// parts stay DER here; crypto/pkinit.hpp makes and checks them.

#include <cstdint>
#include <optional>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit {

// PKAuthenticator ::= SEQUENCE {
//         cusec [0] INTEGER (0..999999), ctime [1] KerberosTime,
//         nonce [2] INTEGER (0..4294967295), paChecksum [3] OCTET STRING OPTIONAL,
//         ..., freshnessToken [4] OCTET STRING OPTIONAL }
struct PkAuthenticator {
  std::int32_t cusec = 0;
  KerberosTime ctime{};
  std::uint32_t nonce = 0;
  std::optional<Bytes> pa_checksum;  // SHA-1 of the DER KDC-REQ-BODY
  std::optional<Bytes> freshness_token;
};

// AuthPack ::= SEQUENCE {
//         pkAuthenticator [0] PKAuthenticator, clientPublicValue [1] SubjectPublicKeyInfo OPTIONAL,
//         supportedCMSTypes [2] SEQUENCE OF AlgorithmIdentifier OPTIONAL,
//         clientDHNonce [3] DHNonce OPTIONAL, ...,
//         supportedKDFs [4] SEQUENCE OF KDFAlgorithmId OPTIONAL }
// KDFAlgorithmId ::= SEQUENCE { kdf-id [0] OBJECT IDENTIFIER, ... }
struct AuthPack {
  PkAuthenticator pk_authenticator;
  std::optional<Bytes> client_public_value;  // DER SubjectPublicKeyInfo
  std::vector<Bytes> supported_kdfs;         // OID content octets
};
Bytes encode(const AuthPack& v);

// PA-PK-AS-REQ ::= SEQUENCE { signedAuthPack [0] IMPLICIT OCTET STRING, ... }
// (trustedCertifiers [1] and kdcPkId [2] are not sent)
Bytes encode_pa_pk_as_req(BytesView signed_auth_pack);

// PA-PK-AS-REP ::= CHOICE { dhInfo [0] DHRepInfo, encKeyPack [1] IMPLICIT OCTET STRING, ... }
// DHRepInfo ::= SEQUENCE { dhSignedData [0] IMPLICIT OCTET STRING,
//         serverDHNonce [1] DHNonce OPTIONAL, ..., kdf [2] KDFAlgorithmId OPTIONAL }
struct PaPkAsRep {
  bool dh = true;     // dhInfo; false: encKeyPack (RSA key transport)
  Bytes signed_data;  // dhSignedData (or encKeyPack's EnvelopedData)
  std::optional<Bytes> server_dh_nonce;
  std::optional<Bytes> kdf;  // OID content octets
  friend bool operator==(const PaPkAsRep&, const PaPkAsRep&) = default;
};
Result<PaPkAsRep> decode_pa_pk_as_rep(BytesView der);
Bytes encode(const PaPkAsRep& v);

// KDCDHKeyInfo ::= SEQUENCE { subjectPublicKey [0] BIT STRING, nonce [1] INTEGER (0..4294967295),
//         dhKeyExpiration [2] KerberosTime OPTIONAL, ... }
struct KdcDhKeyInfo {
  Bytes subject_public_key;
  std::uint32_t nonce = 0;
  std::optional<KerberosTime> dh_key_expiration;
  friend bool operator==(const KdcDhKeyInfo&, const KdcDhKeyInfo&) = default;
};
Result<KdcDhKeyInfo> decode_kdc_dh_key_info(BytesView der);
Bytes encode(const KdcDhKeyInfo& v);

// KRB5PrincipalName ::= SEQUENCE { realm [0] Realm, principalName [1] PrincipalName }
// (an id-pkinit-san value)
Result<Principal> decode_krb5_principal_name(BytesView der);
Bytes encode_krb5_principal_name(const Principal& p);

// RFC 8636 3: the OtherInfo the KDF covers.
// OtherInfo ::= SEQUENCE { algorithmID AlgorithmIdentifier, partyUInfo [0] OCTET STRING,
//         partyVInfo [1] OCTET STRING, suppPubInfo [2] OCTET STRING }
// PkinitSuppPubInfo ::= SEQUENCE { enctype [0] Int32, as-REQ [1] OCTET STRING, pk-as-rep [2] OCTET STRING }
// partyUInfo and partyVInfo hold the client's and the KDC's KRB5PrincipalName.
Bytes encode_kdf_other_info(BytesView kdf_oid, const Principal& client, const Principal& kdc, Enctype enctype,
                            BytesView as_req, BytesView pk_as_rep);

}  // namespace krbkit
