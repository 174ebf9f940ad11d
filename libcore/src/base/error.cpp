#include "krbkit/base/error.hpp"

#include <array>
#include <string>

namespace krbkit {
namespace {

class LibCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "krbkit"; }
  std::string message(int value) const override {
    switch (static_cast<Errc>(value)) {
      case Errc::ok: return "Success";
      case Errc::parse: return "Malformed data";
      case Errc::integrity: return "Decrypt integrity check failed";
      case Errc::unsupported_enctype: return "Encryption type not supported";
      case Errc::unsupported: return "Not supported";
      case Errc::invalid_argument: return "Invalid argument";
      case Errc::config: return "Configuration error";
      case Errc::no_kdc: return "Cannot contact any KDC for requested realm";  // MIT's KRB5_KDC_UNREACH
      case Errc::timeout: return "Timed out";
      case Errc::ccache_not_found: return "No credentials cache found";
      case Errc::ccache_format: return "Credentials cache is damaged";
      case Errc::ccache_io: return "Credentials cache I/O operation failed";
      case Errc::ccache_unsafe: return "Credentials cache is not safe to use";
      case Errc::keytab_not_found: return "Key table file not found";
      case Errc::keytab_format: return "Key table file is damaged";
      case Errc::keytab_no_key: return "No suitable key found in keytab";
      case Errc::no_credentials: return "No credentials found";
      case Errc::credentials_expired: return "Credentials have expired";
      case Errc::reply_mismatch: return "KDC reply did not match expectations";
      case Errc::password_mismatch: return "Passwords do not match";
      case Errc::io: return "I/O error";
      case Errc::cancelled: return "Cancelled";
      case Errc::internal: return "Internal error";
      case Errc::password_rejected: return "Password change rejected";
      case Errc::armor_not_found: return "FAST armor cache not found";
      case Errc::armor_unreadable: return "FAST armor cache holds no usable ticket";
      case Errc::armor_expired: return "FAST armor ticket has expired";
      case Errc::fast_not_used: return "KDC did not answer with FAST";
      case Errc::certificate_refused: return "The server's certificate was refused";
      case Errc::cache_daemon_unreachable: return "No KCM daemon is listening";
      case Errc::cache_daemon_hung_up:
        return "The KCM daemon closed the connection in the middle of a request";
      case Errc::cache_reply_malformed: return "Malformed reply from the KCM daemon";
      case Errc::cache_quota: return "The kernel's key quota is used up";
      case Errc::cache_not_ours: return "The keyring belongs to another user";
      case Errc::pkinit_no_anchors: return "No PKINIT trust anchors configured";
      case Errc::pkinit_untrusted: return "KDC certificate is not trusted";
      case Errc::pkinit_cert_expired: return "Certificate has expired or is not yet valid";
      case Errc::pkinit_kdc_name: return "KDC certificate does not name the KDC";
      case Errc::pkinit_key_mismatch: return "Private key does not match the certificate";
      case Errc::pkinit_passphrase: return "Wrong pass phrase for the private key";
      case Errc::pkinit_client_cert: return "Client certificate is not trusted";
    }
    return "Unknown krbkit error " + std::to_string(value);
  }
};

struct KdcErrorText {
  int code;
  const char* name;
  const char* message;  // MIT's wording (krb5_err.et), which users know
};

// RFC 4120 section 7.5.9, RFC 6113, RFC 4556 and RFC 8636 error codes; the
// messages are MIT krb5_err.et's (checked against krb5 @473b51b).
constexpr std::array<KdcErrorText, 80> kKdcErrors{{
    {0, "KDC_ERR_NONE", "No error"},
    {1, "KDC_ERR_NAME_EXP", "Client's entry in database has expired"},
    {2, "KDC_ERR_SERVICE_EXP", "Server's entry in database has expired"},
    {3, "KDC_ERR_BAD_PVNO", "Requested protocol version not supported"},
    {4, "KDC_ERR_C_OLD_MAST_KVNO", "Client's key is encrypted in an old master key"},
    {5, "KDC_ERR_S_OLD_MAST_KVNO", "Server's key is encrypted in an old master key"},
    {6, "KDC_ERR_C_PRINCIPAL_UNKNOWN", "Client not found in Kerberos database"},
    {7, "KDC_ERR_S_PRINCIPAL_UNKNOWN", "Server not found in Kerberos database"},
    {8, "KDC_ERR_PRINCIPAL_NOT_UNIQUE", "Principal has multiple entries in Kerberos database"},
    {9, "KDC_ERR_NULL_KEY", "Client or server has a null key"},
    {10, "KDC_ERR_CANNOT_POSTDATE", "Ticket is ineligible for postdating"},
    {11, "KDC_ERR_NEVER_VALID", "Requested effective lifetime is negative or too short"},
    {12, "KDC_ERR_POLICY", "KDC policy rejects request"},
    {13, "KDC_ERR_BADOPTION", "KDC can't fulfill requested option"},
    {14, "KDC_ERR_ETYPE_NOSUPP", "KDC has no support for encryption type"},
    {15, "KDC_ERR_SUMTYPE_NOSUPP", "KDC has no support for checksum type"},
    {16, "KDC_ERR_PADATA_TYPE_NOSUPP", "KDC has no support for padata type"},
    {17, "KDC_ERR_TRTYPE_NOSUPP", "KDC has no support for transited type"},
    {18, "KDC_ERR_CLIENT_REVOKED", "Client's credentials have been revoked"},
    {19, "KDC_ERR_SERVICE_REVOKED", "Credentials for server have been revoked"},
    {20, "KDC_ERR_TGT_REVOKED", "TGT has been revoked"},
    {21, "KDC_ERR_CLIENT_NOTYET", "Client not yet valid - try again later"},
    {22, "KDC_ERR_SERVICE_NOTYET", "Server not yet valid - try again later"},
    {23, "KDC_ERR_KEY_EXPIRED", "Password has expired"},
    {24, "KDC_ERR_PREAUTH_FAILED", "Preauthentication failed"},
    {25, "KDC_ERR_PREAUTH_REQUIRED", "Additional pre-authentication required"},
    {26, "KDC_ERR_SERVER_NOMATCH", "Requested server and ticket don't match"},
    {27, "KDC_ERR_MUST_USE_USER2USER", "Server principal valid for user2user only"},
    {28, "KDC_ERR_PATH_NOT_ACCEPTED", "KDC policy rejects transited path"},
    {29, "KDC_ERR_SVC_UNAVAILABLE", "A service is not available that is required to process the request"},
    {31, "KRB_AP_ERR_BAD_INTEGRITY", "Decrypt integrity check failed"},
    {32, "KRB_AP_ERR_TKT_EXPIRED", "Ticket expired"},
    {33, "KRB_AP_ERR_TKT_NYV", "Ticket not yet valid"},
    {34, "KRB_AP_ERR_REPEAT", "Request is a replay"},
    {35, "KRB_AP_ERR_NOT_US", "The ticket isn't for us"},
    {36, "KRB_AP_ERR_BADMATCH", "Ticket/authenticator don't match"},
    {37, "KRB_AP_ERR_SKEW", "Clock skew too great"},
    {38, "KRB_AP_ERR_BADADDR", "Incorrect net address"},
    {39, "KRB_AP_ERR_BADVERSION", "Protocol version mismatch"},
    {40, "KRB_AP_ERR_MSG_TYPE", "Invalid message type"},
    {41, "KRB_AP_ERR_MODIFIED", "Message stream modified"},
    {42, "KRB_AP_ERR_BADORDER", "Message out of order"},
    {43, "KRB_AP_ERR_ILL_CR_TKT", "Illegal cross-realm ticket"},
    {44, "KRB_AP_ERR_BADKEYVER", "Key version is not available"},
    {45, "KRB_AP_ERR_NOKEY", "Service key not available"},
    {46, "KRB_AP_ERR_MUT_FAIL", "Mutual authentication failed"},
    {47, "KRB_AP_ERR_BADDIRECTION", "Incorrect message direction"},
    {48, "KRB_AP_ERR_METHOD", "Alternative authentication method required"},
    {49, "KRB_AP_ERR_BADSEQ", "Incorrect sequence number in message"},
    {50, "KRB_AP_ERR_INAPP_CKSUM", "Inappropriate type of checksum in message"},
    {51, "KRB_AP_PATH_NOT_ACCEPTED", "Policy rejects transited path"},
    {52, "KRB_ERR_RESPONSE_TOO_BIG", "Response too big for UDP, retry with TCP"},
    {60, "KRB_ERR_GENERIC", "Generic error (see e-text)"},
    {61, "KRB_ERR_FIELD_TOOLONG", "Field is too long for this implementation"},
    {62, "KDC_ERR_CLIENT_NOT_TRUSTED", "Client not trusted"},
    {63, "KDC_ERR_KDC_NOT_TRUSTED", "KDC not trusted"},
    {64, "KDC_ERR_INVALID_SIG", "Invalid signature"},
    {65, "KDC_ERR_DH_KEY_PARAMETERS_NOT_ACCEPTED", "Key parameters not accepted"},
    {66, "KDC_ERR_CERTIFICATE_MISMATCH", "Certificate mismatch"},
    {67, "KRB_AP_ERR_NO_TGT", "No ticket granting ticket"},
    {68, "KDC_ERR_WRONG_REALM", "Realm not local to KDC"},
    {69, "KRB_AP_ERR_USER_TO_USER_REQUIRED", "User to user required"},
    {70, "KDC_ERR_CANT_VERIFY_CERTIFICATE", "Can't verify certificate"},
    {71, "KDC_ERR_INVALID_CERTIFICATE", "Invalid certificate"},
    {72, "KDC_ERR_REVOKED_CERTIFICATE", "Revoked certificate"},
    {73, "KDC_ERR_REVOCATION_STATUS_UNKNOWN", "Revocation status unknown"},
    {74, "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE", "Revocation status unavailable"},
    {75, "KDC_ERR_CLIENT_NAME_MISMATCH", "Client name mismatch"},
    {76, "KDC_ERR_KDC_NAME_MISMATCH", "KDC name mismatch"},
    {77, "KDC_ERR_INCONSISTENT_KEY_PURPOSE", "Inconsistent key purpose"},
    {78, "KDC_ERR_DIGEST_IN_CERT_NOT_ACCEPTED", "Digest in certificate not accepted"},
    {79, "KDC_ERR_PA_CHECKSUM_MUST_BE_INCLUDED", "Checksum must be included"},
    {80, "KDC_ERR_DIGEST_IN_SIGNED_DATA_NOT_ACCEPTED", "Digest in signed-data not accepted"},
    {81, "KDC_ERR_PUBLIC_KEY_ENCRYPTION_NOT_SUPPORTED", "Public key encryption not supported"},
    {85, "KRB_AP_ERR_IAKERB_KDC_NOT_FOUND", "The IAKERB proxy could not find a KDC"},
    {86, "KRB_AP_ERR_IAKERB_KDC_NO_RESPONSE", "The KDC did not respond to the IAKERB proxy"},
    {90, "KDC_ERR_PREAUTH_EXPIRED", "Preauthentication expired"},
    {91, "KDC_ERR_MORE_PREAUTH_DATA_REQUIRED", "More preauthentication data is required"},
    {93, "KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS", "An unsupported critical FAST option was requested"},
    {100, "KDC_ERR_NO_ACCEPTABLE_KDF", "No acceptable KDF offered"},
}};

const KdcErrorText* find_kdc_error(int code) {
  for (const auto& e : kKdcErrors)
    if (e.code == code) return &e;
  return nullptr;
}

class KdcCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kerberos"; }
  std::string message(int value) const override {
    if (const auto* e = find_kdc_error(value)) return e->message;
    // MIT's placeholder wording for the unassigned protocol codes.
    if (value >= 0 && value < 128) return "KRB5 error code " + std::to_string(value);
    return "Unknown Kerberos error code " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& lib_category() {
  static const LibCategory category;
  return category;
}

const std::error_category& kdc_category() {
  static const KdcCategory category;
  return category;
}

const char* kdc_error_name(int code) {
  const auto* e = find_kdc_error(code);
  return e ? e->name : "";
}

std::string Error::message() const {
  std::string out = summary.empty() ? code.message() : summary;
  if (!detail.empty()) {
    out += " (";
    out += detail;
    out += ')';
  }
  for (const auto& c : context) {
    out += " while ";
    out += c;
  }
  return out;
}

}  // namespace krbkit
