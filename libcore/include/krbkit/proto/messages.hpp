#pragma once
// RFC 4120 messages and the types inside them, each declared under its ASN.1
// (quoted from RFC 4120 section 5 and appendix A unless noted). Field names
// follow the ASN.1 with '-' as '_'. Conventions:
//   - OPTIONAL fields are std::optional, except OPTIONAL SEQUENCE OF fields,
//     which are vectors that are left out of the encoding when empty;
//   - KerberosFlags are std::uint32_t with bit 0 as the most significant bit
//     (see constants.hpp);
//   - EncryptionKey is krbkit::Key (base/key.hpp, a header-only value whose
//     bytes are wiped), so structs holding a key are move-only;
//   - encrypted parts stay EncryptedData here: the crypto module decrypts the
//     cipher and the matching decode_enc_*() reads the plaintext.
// Decoding is strict DER (der/reader.hpp) and errors name the field:
// "AS-REP.enc-part.cipher: length runs past the end".

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/enctype.hpp"
#include "krbkit/base/key.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/proto/basic_types.hpp"
#include "krbkit/proto/constants.hpp"

namespace krbkit {

inline constexpr std::int32_t kPvno = 5;

// PrincipalName ::= SEQUENCE {
//         name-type       [0] Int32,
//         name-string     [1] SEQUENCE OF KerberosString
// }
struct PrincipalName {
  NameType name_type = NameType::principal;
  std::vector<std::string> name_string;
  friend bool operator==(const PrincipalName&, const PrincipalName&) = default;
};
// Between the wire form (PrincipalName + Realm) and krbkit::Principal.
inline Principal to_principal(const PrincipalName& n, std::string realm) {
  return Principal{n.name_type, n.name_string, std::move(realm)};
}
inline PrincipalName to_principal_name(const Principal& p) { return PrincipalName{p.type, p.components}; }

// EncryptedData ::= SEQUENCE {
//         etype   [0] Int32 -- EncryptionType --,
//         kvno    [1] UInt32 OPTIONAL,
//         cipher  [2] OCTET STRING -- ciphertext
// }
struct EncryptedData {
  Enctype etype = Enctype::null;
  std::optional<std::uint32_t> kvno;
  Bytes cipher;
  friend bool operator==(const EncryptedData&, const EncryptedData&) = default;
};

// Checksum ::= SEQUENCE {
//         cksumtype       [0] Int32,
//         checksum        [1] OCTET STRING
// }
struct Checksum {
  Cksumtype cksumtype = Cksumtype::crc32;
  Bytes checksum;
  friend bool operator==(const Checksum&, const Checksum&) = default;
};

// PA-DATA ::= SEQUENCE {
//         -- NOTE: first tag is [1], not [0]
//         padata-type     [1] Int32,
//         padata-value    [2] OCTET STRING -- might be encoded AP-REQ
// }
// METHOD-DATA ::= SEQUENCE OF PA-DATA
struct PaData {
  PaType padata_type = PaType::enc_timestamp;
  Bytes padata_value;
  friend bool operator==(const PaData&, const PaData&) = default;
};
// The first entry of the given type, or nullptr.
const PaData* find_padata(const std::vector<PaData>& list, PaType type);

// LastReq ::= SEQUENCE OF SEQUENCE {
//         lr-type         [0] Int32,
//         lr-value        [1] KerberosTime
// }
struct LastReqEntry {
  std::int32_t lr_type = 0;
  KerberosTime lr_value{};
  friend bool operator==(const LastReqEntry&, const LastReqEntry&) = default;
};

// TransitedEncoding ::= SEQUENCE {
//         tr-type         [0] Int32 -- must be registered --,
//         contents        [1] OCTET STRING
// }
struct TransitedEncoding {
  std::int32_t tr_type = 1;  // DOMAIN-X500-COMPRESS
  Bytes contents;
  friend bool operator==(const TransitedEncoding&, const TransitedEncoding&) = default;
};

// HostAddress ::= SEQUENCE { addr-type [0] Int32, address [1] OCTET STRING }  (basic_types.hpp)
// HostAddresses ::= SEQUENCE OF HostAddress
// AuthorizationData ::= SEQUENCE OF SEQUENCE {
//         ad-type         [0] Int32,
//         ad-data         [1] OCTET STRING
// }                                                                          (AuthDataEntry)
// AD-IF-RELEVANT ::= AuthorizationData
using AuthorizationData = std::vector<AuthDataEntry>;

// Ticket ::= [APPLICATION 1] SEQUENCE {
//         tkt-vno         [0] INTEGER (5),
//         realm           [1] Realm,
//         sname           [2] PrincipalName,
//         enc-part        [3] EncryptedData -- EncTicketPart
// }
struct Ticket {
  std::int32_t tkt_vno = kPvno;
  std::string realm;
  PrincipalName sname;
  EncryptedData enc_part;
  // The DER as received (set by every decoder). When non-empty, encoders
  // write these bytes verbatim, so a ticket travels byte for byte; clear it
  // after changing a field.
  Bytes der;
  // Compares the fields, not `der`.
  friend bool operator==(const Ticket& a, const Ticket& b) {
    return a.tkt_vno == b.tkt_vno && a.realm == b.realm && a.sname == b.sname && a.enc_part == b.enc_part;
  }
};

// EncTicketPart ::= [APPLICATION 3] SEQUENCE {
//         flags                   [0] TicketFlags,
//         key                     [1] EncryptionKey,
//         crealm                  [2] Realm,
//         cname                   [3] PrincipalName,
//         transited               [4] TransitedEncoding,
//         authtime                [5] KerberosTime,
//         starttime               [6] KerberosTime OPTIONAL,
//         endtime                 [7] KerberosTime,
//         renew-till              [8] KerberosTime OPTIONAL,
//         caddr                   [9] HostAddresses OPTIONAL,
//         authorization-data      [10] AuthorizationData OPTIONAL
// }
struct EncTicketPart {
  std::uint32_t flags = 0;
  Key key;
  std::string crealm;
  PrincipalName cname;
  TransitedEncoding transited;
  KerberosTime authtime{};
  std::optional<KerberosTime> starttime;
  KerberosTime endtime{};
  std::optional<KerberosTime> renew_till;
  std::vector<HostAddress> caddr;
  AuthorizationData authorization_data;
  friend bool operator==(const EncTicketPart&, const EncTicketPart&) = default;
};

// KDC-REQ-BODY ::= SEQUENCE {
//         kdc-options             [0] KDCOptions,
//         cname                   [1] PrincipalName OPTIONAL
//                                     -- Used only in AS-REQ --,
//         realm                   [2] Realm
//                                     -- Server's realm
//                                     -- Also client's in AS-REQ --,
//         sname                   [3] PrincipalName OPTIONAL,
//         from                    [4] KerberosTime OPTIONAL,
//         till                    [5] KerberosTime,
//         rtime                   [6] KerberosTime OPTIONAL,
//         nonce                   [7] UInt32,
//         etype                   [8] SEQUENCE OF Int32 -- EncryptionType
//                                     -- in preference order --,
//         addresses               [9] HostAddresses OPTIONAL,
//         enc-authorization-data  [10] EncryptedData OPTIONAL
//                                     -- AuthorizationData --,
//         additional-tickets      [11] SEQUENCE OF Ticket OPTIONAL
//                                        -- NOTE: not empty
// }
// The nonce is a UInt32 on the wire; older MIT releases sent negative
// numbers, which decode here as their 32-bit two's complement. Nonces we
// send should stay below 2^31 for such peers.
struct KdcReqBody {
  std::uint32_t kdc_options = 0;
  std::optional<PrincipalName> cname;
  std::string realm;
  std::optional<PrincipalName> sname;
  std::optional<KerberosTime> from;
  KerberosTime till{};
  std::optional<KerberosTime> rtime;
  std::uint32_t nonce = 0;
  std::vector<Enctype> etype;
  std::vector<HostAddress> addresses;
  std::optional<EncryptedData> enc_authorization_data;
  std::vector<Ticket> additional_tickets;
  friend bool operator==(const KdcReqBody&, const KdcReqBody&) = default;
};

// AS-REQ          ::= [APPLICATION 10] KDC-REQ
// TGS-REQ         ::= [APPLICATION 12] KDC-REQ
// KDC-REQ         ::= SEQUENCE {
//         -- NOTE: first tag is [1], not [0]
//         pvno            [1] INTEGER (5) ,
//         msg-type        [2] INTEGER (10 -- AS -- | 12 -- TGS --),
//         padata          [3] SEQUENCE OF PA-DATA OPTIONAL
//                             -- NOTE: not empty --,
//         req-body        [4] KDC-REQ-BODY
// }
struct KdcReq {
  std::int32_t pvno = kPvno;
  MsgType msg_type = MsgType::as_req;  // as_req or tgs_req: picks the APPLICATION tag
  std::vector<PaData> padata;
  KdcReqBody req_body;
  friend bool operator==(const KdcReq&, const KdcReq&) = default;
};

// AS-REP          ::= [APPLICATION 11] KDC-REP
// TGS-REP         ::= [APPLICATION 13] KDC-REP
// KDC-REP         ::= SEQUENCE {
//         pvno            [0] INTEGER (5),
//         msg-type        [1] INTEGER (11 -- AS -- | 13 -- TGS --),
//         padata          [2] SEQUENCE OF PA-DATA OPTIONAL
//                                 -- NOTE: not empty --,
//         crealm          [3] Realm,
//         cname           [4] PrincipalName,
//         ticket          [5] Ticket,
//         enc-part        [6] EncryptedData
//                                 -- EncASRepPart or EncTGSRepPart,
//                                 -- as appropriate
// }
struct KdcRep {
  std::int32_t pvno = kPvno;
  MsgType msg_type = MsgType::as_rep;  // as_rep or tgs_rep
  std::vector<PaData> padata;
  std::string crealm;
  PrincipalName cname;
  Ticket ticket;
  EncryptedData enc_part;
  Principal client() const { return to_principal(cname, crealm); }
  friend bool operator==(const KdcRep&, const KdcRep&) = default;
};

// EncASRepPart    ::= [APPLICATION 25] EncKDCRepPart
// EncTGSRepPart   ::= [APPLICATION 26] EncKDCRepPart
// EncKDCRepPart   ::= SEQUENCE {
//         key             [0] EncryptionKey,
//         last-req        [1] LastReq,
//         nonce           [2] UInt32,
//         key-expiration  [3] KerberosTime OPTIONAL,
//         flags           [4] TicketFlags,
//         authtime        [5] KerberosTime,
//         starttime       [6] KerberosTime OPTIONAL,
//         endtime         [7] KerberosTime,
//         renew-till      [8] KerberosTime OPTIONAL,
//         srealm          [9] Realm,
//         sname           [10] PrincipalName,
//         caddr           [11] HostAddresses OPTIONAL,
//         encrypted-pa-data [12] METHOD-DATA OPTIONAL    -- RFC 6806
// }
// Either APPLICATION tag is accepted for either reply (MIT's KDC has sent
// 26 in AS replies); the one found is kept for re-encoding.
struct EncKdcRepPart {
  unsigned application_tag = 25;  // 25 (EncASRepPart) or 26 (EncTGSRepPart)
  Key key;
  std::vector<LastReqEntry> last_req;
  std::uint32_t nonce = 0;
  std::optional<KerberosTime> key_expiration;
  std::uint32_t flags = 0;
  KerberosTime authtime{};
  std::optional<KerberosTime> starttime;
  KerberosTime endtime{};
  std::optional<KerberosTime> renew_till;
  std::string srealm;
  PrincipalName sname;
  std::vector<HostAddress> caddr;
  std::vector<PaData> encrypted_pa_data;
  Principal server() const { return to_principal(sname, srealm); }
  friend bool operator==(const EncKdcRepPart&, const EncKdcRepPart&) = default;
};

// AP-REQ          ::= [APPLICATION 14] SEQUENCE {
//         pvno            [0] INTEGER (5),
//         msg-type        [1] INTEGER (14),
//         ap-options      [2] APOptions,
//         ticket          [3] Ticket,
//         authenticator   [4] EncryptedData -- Authenticator
// }
struct ApReq {
  std::int32_t pvno = kPvno;
  std::uint32_t ap_options = 0;
  Ticket ticket;
  EncryptedData authenticator;
  friend bool operator==(const ApReq&, const ApReq&) = default;
};

// Authenticator   ::= [APPLICATION 2] SEQUENCE  {
//         authenticator-vno       [0] INTEGER (5),
//         crealm                  [1] Realm,
//         cname                   [2] PrincipalName,
//         cksum                   [3] Checksum OPTIONAL,
//         cusec                   [4] Microseconds,
//         ctime                   [5] KerberosTime,
//         subkey                  [6] EncryptionKey OPTIONAL,
//         seq-number              [7] UInt32 OPTIONAL,
//         authorization-data      [8] AuthorizationData OPTIONAL
// }
struct Authenticator {
  std::int32_t authenticator_vno = kPvno;
  std::string crealm;
  PrincipalName cname;
  std::optional<Checksum> cksum;
  std::int32_t cusec = 0;
  KerberosTime ctime{};
  std::optional<Key> subkey;
  std::optional<std::uint32_t> seq_number;
  AuthorizationData authorization_data;
  friend bool operator==(const Authenticator&, const Authenticator&) = default;
};

// AP-REP          ::= [APPLICATION 15] SEQUENCE {
//         pvno            [0] INTEGER (5),
//         msg-type        [1] INTEGER (15),
//         enc-part        [2] EncryptedData -- EncAPRepPart
// }
struct ApRep {
  std::int32_t pvno = kPvno;
  EncryptedData enc_part;
  friend bool operator==(const ApRep&, const ApRep&) = default;
};

// EncAPRepPart    ::= [APPLICATION 27] SEQUENCE {
//         ctime           [0] KerberosTime,
//         cusec           [1] Microseconds,
//         subkey          [2] EncryptionKey OPTIONAL,
//         seq-number      [3] UInt32 OPTIONAL
// }
struct EncApRepPart {
  KerberosTime ctime{};
  std::int32_t cusec = 0;
  std::optional<Key> subkey;
  std::optional<std::uint32_t> seq_number;
  friend bool operator==(const EncApRepPart&, const EncApRepPart&) = default;
};

// KRB-ERROR       ::= [APPLICATION 30] SEQUENCE {
//         pvno            [0] INTEGER (5),
//         msg-type        [1] INTEGER (30),
//         ctime           [2] KerberosTime OPTIONAL,
//         cusec           [3] Microseconds OPTIONAL,
//         stime           [4] KerberosTime,
//         susec           [5] Microseconds,
//         error-code      [6] Int32,
//         crealm          [7] Realm OPTIONAL,
//         cname           [8] PrincipalName OPTIONAL,
//         realm           [9] Realm -- service realm --,
//         sname           [10] PrincipalName -- service name --,
//         e-text          [11] KerberosString OPTIONAL,
//         e-data          [12] OCTET STRING OPTIONAL
// }
struct KrbError {
  std::int32_t pvno = kPvno;
  std::optional<KerberosTime> ctime;
  std::optional<std::int32_t> cusec;
  KerberosTime stime{};
  std::int32_t susec = 0;
  std::int32_t error_code = 0;
  std::optional<std::string> crealm;
  std::optional<PrincipalName> cname;
  std::string realm;
  PrincipalName sname;
  std::optional<std::string> e_text;
  std::optional<Bytes> e_data;
  // Error{kdc_error(error_code)}, as MIT reports it: the e-text becomes the
  // detail only for KRB_ERR_GENERIC, where it is the only explanation
  // (MIT's KDC sets e-text to tokens like "NEEDED_PREAUTH" otherwise).
  Error to_error() const;
  bool is(KdcErr e) const { return error_code == static_cast<std::int32_t>(e); }
  friend bool operator==(const KrbError&, const KrbError&) = default;
};

// TYPED-DATA      ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE {
//         data-type       [0] Int32,
//         data-value      [1] OCTET STRING OPTIONAL
// }
struct TypedDataEntry {
  std::int32_t data_type = 0;
  std::optional<Bytes> data_value;
  friend bool operator==(const TypedDataEntry&, const TypedDataEntry&) = default;
};

// KRB-SAFE        ::= [APPLICATION 20] SEQUENCE {
//         pvno            [0] INTEGER (5),
//         msg-type        [1] INTEGER (20),
//         safe-body       [2] KRB-SAFE-BODY,
//         cksum           [3] Checksum
// }
// KRB-SAFE-BODY   ::= SEQUENCE {
//         user-data       [0] OCTET STRING,
//         timestamp       [1] KerberosTime OPTIONAL,
//         usec            [2] Microseconds OPTIONAL,
//         seq-number      [3] UInt32 OPTIONAL,
//         s-address       [4] HostAddress,
//         r-address       [5] HostAddress OPTIONAL
// }
// EncKrbPrivPart  ::= [APPLICATION 28] SEQUENCE { (the same six fields) }
struct KrbSafeBody {
  Bytes user_data;
  std::optional<KerberosTime> timestamp;
  std::optional<std::int32_t> usec;
  std::optional<std::uint32_t> seq_number;
  HostAddress s_address;
  std::optional<HostAddress> r_address;
  friend bool operator==(const KrbSafeBody&, const KrbSafeBody&) = default;
};
struct KrbSafe {
  std::int32_t pvno = kPvno;
  KrbSafeBody safe_body;
  Checksum cksum;
  friend bool operator==(const KrbSafe&, const KrbSafe&) = default;
};
using EncKrbPrivPart = KrbSafeBody;

// KRB-PRIV        ::= [APPLICATION 21] SEQUENCE {
//         pvno            [0] INTEGER (5),
//         msg-type        [1] INTEGER (21),
//                         -- NOTE: there is no [2] tag
//         enc-part        [3] EncryptedData -- EncKrbPrivPart
// }
struct KrbPriv {
  std::int32_t pvno = kPvno;
  EncryptedData enc_part;
  friend bool operator==(const KrbPriv&, const KrbPriv&) = default;
};

// KRB-CRED        ::= [APPLICATION 22] SEQUENCE {
//         pvno            [0] INTEGER (5),
//         msg-type        [1] INTEGER (22),
//         tickets         [2] SEQUENCE OF Ticket,
//         enc-part        [3] EncryptedData -- EncKrbCredPart
// }
struct KrbCred {
  std::int32_t pvno = kPvno;
  std::vector<Ticket> tickets;
  EncryptedData enc_part;
  friend bool operator==(const KrbCred&, const KrbCred&) = default;
};

// KrbCredInfo     ::= SEQUENCE {
//         key             [0] EncryptionKey,
//         prealm          [1] Realm OPTIONAL,
//         pname           [2] PrincipalName OPTIONAL,
//         flags           [3] TicketFlags OPTIONAL,
//         authtime        [4] KerberosTime OPTIONAL,
//         starttime       [5] KerberosTime OPTIONAL,
//         endtime         [6] KerberosTime OPTIONAL,
//         renew-till      [7] KerberosTime OPTIONAL,
//         srealm          [8] Realm OPTIONAL,
//         sname           [9] PrincipalName OPTIONAL,
//         caddr           [10] HostAddresses OPTIONAL
// }
struct KrbCredInfo {
  Key key;
  std::optional<std::string> prealm;
  std::optional<PrincipalName> pname;
  std::optional<std::uint32_t> flags;
  std::optional<KerberosTime> authtime;
  std::optional<KerberosTime> starttime;
  std::optional<KerberosTime> endtime;
  std::optional<KerberosTime> renew_till;
  std::optional<std::string> srealm;
  std::optional<PrincipalName> sname;
  std::vector<HostAddress> caddr;
  friend bool operator==(const KrbCredInfo&, const KrbCredInfo&) = default;
};

// EncKrbCredPart  ::= [APPLICATION 29] SEQUENCE {
//         ticket-info     [0] SEQUENCE OF KrbCredInfo,
//         nonce           [1] UInt32 OPTIONAL,
//         timestamp       [2] KerberosTime OPTIONAL,
//         usec            [3] Microseconds OPTIONAL,
//         s-address       [4] HostAddress OPTIONAL,
//         r-address       [5] HostAddress OPTIONAL
// }
struct EncKrbCredPart {
  std::vector<KrbCredInfo> ticket_info;
  std::optional<std::uint32_t> nonce;
  std::optional<KerberosTime> timestamp;
  std::optional<std::int32_t> usec;
  std::optional<HostAddress> s_address;
  std::optional<HostAddress> r_address;
  friend bool operator==(const EncKrbCredPart&, const EncKrbCredPart&) = default;
};

// ---- Pre-authentication (RFC 4120 5.2.7) ----

// PA-ENC-TS-ENC           ::= SEQUENCE {
//         patimestamp     [0] KerberosTime -- client's time --,
//         pausec          [1] Microseconds OPTIONAL
// }
struct PaEncTsEnc {
  KerberosTime patimestamp{};
  std::optional<std::int32_t> pausec;
  friend bool operator==(const PaEncTsEnc&, const PaEncTsEnc&) = default;
};

// ETYPE-INFO-ENTRY        ::= SEQUENCE {
//         etype           [0] Int32,
//         salt            [1] OCTET STRING OPTIONAL
// }
// ETYPE-INFO              ::= SEQUENCE OF ETYPE-INFO-ENTRY
struct EtypeInfoEntry {
  Enctype etype = Enctype::null;
  std::optional<Bytes> salt;
  friend bool operator==(const EtypeInfoEntry&, const EtypeInfoEntry&) = default;
};

// ETYPE-INFO2-ENTRY       ::= SEQUENCE {
//         etype           [0] Int32,
//         salt            [1] KerberosString OPTIONAL,
//         s2kparams       [2] OCTET STRING OPTIONAL
// }
// ETYPE-INFO2             ::= SEQUENCE SIZE (1..MAX) OF ETYPE-INFO2-ENTRY
struct EtypeInfo2Entry {
  Enctype etype = Enctype::null;
  std::optional<std::string> salt;
  std::optional<Bytes> s2kparams;
  friend bool operator==(const EtypeInfo2Entry&, const EtypeInfo2Entry&) = default;
};

// KERB-PA-PAC-REQUEST ::= SEQUENCE {      -- MS-KILE 2.2.3
//         include-pac     [0] BOOLEAN
// }
struct PaPacRequest {
  bool include_pac = true;
  friend bool operator==(const PaPacRequest&, const PaPacRequest&) = default;
};

// ---- FAST (RFC 6113 5.4) ----

// KrbFastArmor ::= SEQUENCE {
//         armor-type   [0] Int32,     -- 1 = FX_FAST_ARMOR_AP_REQUEST
//         armor-value  [1] OCTET STRING,
// }
struct KrbFastArmor {
  std::int32_t armor_type = 1;
  Bytes armor_value;
  friend bool operator==(const KrbFastArmor&, const KrbFastArmor&) = default;
};

// PA-FX-FAST-REQUEST ::= CHOICE {
//         armored-data [0] KrbFastArmoredReq,
// }
// KrbFastArmoredReq ::= SEQUENCE {
//         armor        [0] KrbFastArmor OPTIONAL,
//         req-checksum [1] Checksum,
//         enc-fast-req [2] EncryptedData, -- KrbFastReq --
// }
struct KrbFastArmoredReq {
  std::optional<KrbFastArmor> armor;
  Checksum req_checksum;
  EncryptedData enc_fast_req;
  friend bool operator==(const KrbFastArmoredReq&, const KrbFastArmoredReq&) = default;
};

// KrbFastReq ::= SEQUENCE {
//         fast-options [0] FastOptions,
//         padata       [1] SEQUENCE OF PA-DATA,
//         req-body     [2] KDC-REQ-BODY,
// }
struct KrbFastReq {
  std::uint32_t fast_options = 0;
  std::vector<PaData> padata;  // always encoded, even when empty
  KdcReqBody req_body;
  friend bool operator==(const KrbFastReq&, const KrbFastReq&) = default;
};

// PA-FX-FAST-REPLY ::= CHOICE {
//         armored-data [0] KrbFastArmoredRep,
// }
// KrbFastArmoredRep ::= SEQUENCE {
//         enc-fast-rep      [0] EncryptedData, -- KrbFastResponse --
// }
struct KrbFastArmoredRep {
  EncryptedData enc_fast_rep;
  friend bool operator==(const KrbFastArmoredRep&, const KrbFastArmoredRep&) = default;
};

// KrbFastFinished ::= SEQUENCE {
//         timestamp       [0] KerberosTime,
//         usec            [1] Microseconds,
//         crealm          [2] Realm,
//         cname           [3] PrincipalName,
//         ticket-checksum [4] Checksum,
// }
struct KrbFastFinished {
  KerberosTime timestamp{};
  std::int32_t usec = 0;
  std::string crealm;
  PrincipalName cname;
  Checksum ticket_checksum;
  friend bool operator==(const KrbFastFinished&, const KrbFastFinished&) = default;
};

// KrbFastResponse ::= SEQUENCE {
//         padata         [0] SEQUENCE OF PA-DATA,
//         strengthen-key [1] EncryptionKey OPTIONAL,
//         finished       [2] KrbFastFinished OPTIONAL,
//         nonce          [3] UInt32,
// }
struct KrbFastResponse {
  std::vector<PaData> padata;  // always encoded, even when empty
  std::optional<Key> strengthen_key;
  std::optional<KrbFastFinished> finished;
  std::uint32_t nonce = 0;
  friend bool operator==(const KrbFastResponse&, const KrbFastResponse&) = default;
};
// PA-FX-ERROR: its padata-value is a KRB-ERROR (decode_krb_error).

// ---- Password change (RFC 3244) ----

// ChangePasswdData ::=  SEQUENCE {
//         newpasswd[0]   OCTET STRING,
//         targname[1]    PrincipalName OPTIONAL,
//         targrealm[2]   Realm OPTIONAL
// }
struct ChangePasswdData {
  SecretBytes newpasswd;
  std::optional<PrincipalName> targname;
  std::optional<std::string> targrealm;
  friend bool operator==(const ChangePasswdData&, const ChangePasswdData&) = default;
};

// MS-KKDCP 2.2.2: a Kerberos message carried over HTTPS to a KDC proxy.
// KDC-PROXY-MESSAGE ::= SEQUENCE {
//         kerb-message   [0] OCTET STRING,   -- 4-byte length, then the message (RFC 4120 TCP framing)
//         target-domain  [1] KERB-REALM OPTIONAL,
//         dclocator-hint [2] INTEGER OPTIONAL
// }
struct KdcProxyMessage {
  Bytes kerb_message;
  std::optional<std::string> target_domain;
  std::optional<std::int32_t> dclocator_hint;
  friend bool operator==(const KdcProxyMessage&, const KdcProxyMessage&) = default;
};
// The request a client POSTs: `message` framed, and the realm as target-domain.
Bytes kkdcp_request(BytesView message, std::string_view realm);
// The Kerberos message inside a proxy's reply body: Errc::parse when the
// body is no KDC-PROXY-MESSAGE or its length prefix disagrees with its size.
Result<Bytes> kkdcp_reply_message(BytesView body);

// ---- Encoding: DER bytes of each type (APPLICATION tags included) ----
Bytes encode(const PrincipalName&);
Bytes encode(const EncryptedData&);
Bytes encode(const Checksum&);
Bytes encode(const Key&);  // EncryptionKey
Bytes encode(const HostAddress&);
Bytes encode_host_addresses(const std::vector<HostAddress>&);
Bytes encode_authorization_data(const AuthorizationData&);  // also AD-IF-RELEVANT
Bytes encode(const PaData&);
Bytes encode_method_data(const std::vector<PaData>&);
Bytes encode_typed_data(const std::vector<TypedDataEntry>&);
Bytes encode_last_req(const std::vector<LastReqEntry>&);
Bytes encode(const TransitedEncoding&);
Bytes encode(const Ticket&);
Bytes encode(const EncTicketPart&);
Bytes encode(const KdcReqBody&);  // what the TGS-REQ authenticator checksum covers
Bytes encode(const KdcReq&);
Bytes encode(const KdcRep&);
Bytes encode(const EncKdcRepPart&);
Bytes encode(const ApReq&);
Bytes encode(const Authenticator&);
Bytes encode(const ApRep&);
Bytes encode(const EncApRepPart&);
Bytes encode(const KrbError&);
Bytes encode(const KrbSafe&);
Bytes encode(const KrbPriv&);
Bytes encode_enc_krb_priv_part(const EncKrbPrivPart&);
Bytes encode(const KrbCred&);
Bytes encode(const EncKrbCredPart&);
Bytes encode(const PaEncTsEnc&);
Bytes encode_etype_info(const std::vector<EtypeInfoEntry>&);
Bytes encode_etype_info2(const std::vector<EtypeInfo2Entry>&);
Bytes encode(const PaPacRequest&);
Bytes encode(const KrbFastArmor&);
Bytes encode_pa_fx_fast_request(const KrbFastArmoredReq&);
Bytes encode(const KrbFastReq&);
Bytes encode_pa_fx_fast_reply(const KrbFastArmoredRep&);
Bytes encode(const KrbFastResponse&);
Bytes encode(const KrbFastFinished&);
Bytes encode(const ChangePasswdData&);
Bytes encode(const KdcProxyMessage&);

// ---- Decoding: strict DER; errors name the field ----
Result<PrincipalName> decode_principal_name(BytesView der);
Result<EncryptedData> decode_encrypted_data(BytesView der);
Result<Checksum> decode_checksum(BytesView der);
Result<Key> decode_encryption_key(BytesView der);
Result<std::vector<HostAddress>> decode_host_addresses(BytesView der);
// `what` names the data in errors ("AD-IF-RELEVANT").
Result<AuthorizationData> decode_authorization_data(BytesView der, std::string what = "AuthorizationData");
Result<PaData> decode_pa_data(BytesView der);
Result<std::vector<PaData>> decode_method_data(BytesView der, std::string what = "METHOD-DATA");
Result<std::vector<TypedDataEntry>> decode_typed_data(BytesView der, std::string what = "TYPED-DATA");
Result<std::vector<LastReqEntry>> decode_last_req(BytesView der);
Result<TransitedEncoding> decode_transited_encoding(BytesView der);
Result<Ticket> decode_ticket(BytesView der);
Result<EncTicketPart> decode_enc_ticket_part(BytesView der);
Result<KdcReqBody> decode_kdc_req_body(BytesView der);
Result<KdcReq> decode_as_req(BytesView der);
Result<KdcReq> decode_tgs_req(BytesView der);
Result<KdcReq> decode_kdc_req(BytesView der);  // AS-REQ or TGS-REQ
Result<KdcRep> decode_as_rep(BytesView der);
Result<KdcRep> decode_tgs_rep(BytesView der);
// What a KDC sent back: an AS-REP/TGS-REP or a KRB-ERROR (by APPLICATION tag).
using KdcReply = std::variant<KdcRep, KrbError>;
Result<KdcReply> decode_kdc_reply(BytesView der);
Result<EncKdcRepPart> decode_enc_kdc_rep_part(BytesView der);  // APPLICATION 25 or 26
Result<ApReq> decode_ap_req(BytesView der);
Result<Authenticator> decode_authenticator(BytesView der);
Result<ApRep> decode_ap_rep(BytesView der);
Result<EncApRepPart> decode_enc_ap_rep_part(BytesView der);
Result<KrbError> decode_krb_error(BytesView der);
Result<KrbSafe> decode_krb_safe(BytesView der);
Result<KrbPriv> decode_krb_priv(BytesView der);
Result<EncKrbPrivPart> decode_enc_krb_priv_part(BytesView der);
Result<KrbCred> decode_krb_cred(BytesView der);
Result<EncKrbCredPart> decode_enc_krb_cred_part(BytesView der);
Result<PaEncTsEnc> decode_pa_enc_ts_enc(BytesView der);
Result<std::vector<EtypeInfoEntry>> decode_etype_info(BytesView der);
Result<std::vector<EtypeInfo2Entry>> decode_etype_info2(BytesView der);
Result<PaPacRequest> decode_pa_pac_request(BytesView der);
Result<KrbFastArmor> decode_krb_fast_armor(BytesView der);
Result<KrbFastArmoredReq> decode_pa_fx_fast_request(BytesView der);
Result<KrbFastReq> decode_krb_fast_req(BytesView der);
Result<KrbFastArmoredRep> decode_pa_fx_fast_reply(BytesView der);
Result<KrbFastResponse> decode_krb_fast_response(BytesView der);
Result<KrbFastFinished> decode_krb_fast_finished(BytesView der);
Result<ChangePasswdData> decode_change_passwd_data(BytesView der);
Result<KdcProxyMessage> decode_kdc_proxy_message(BytesView der);

// The message type of an encoded message from its APPLICATION tag (AS-REP,
// KRB-ERROR, ...), or std::nullopt if the first byte is not one.
std::optional<MsgType> peek_msg_type(BytesView der);

}  // namespace krbkit
