#pragma once
// Errors. An Error is a code (which category and number) plus a detail that
// names what was involved (a file, a principal, a KDC, a message field), plus
// context added on the way up ("while getting initial credentials"), in the
// way MIT's tools word their messages.
//
// Categories:
//   krbkit::kdc_category()  RFC 4120 error codes (KDC_ERR_*, KRB_AP_ERR_*),
//                           as carried in KRB-ERROR messages
//   krbkit::lib_category()  failures found locally (Errc below)
//   std::system_category()  errno from the operating system

#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "krbkit/base/kdc_err.hpp"

namespace krbkit {

// Local failures. Keep the list short and about what a caller can act on.
enum class Errc {
  ok = 0,
  parse,                // malformed bytes: DER, ccache, keytab, config
  integrity,            // decryption or checksum verification failed
  unsupported_enctype,  // unknown, or weak and not allowed
  unsupported,          // a feature or cache type krbkit does not have
  invalid_argument,     // bad input from the user (a principal name, a duration)
  config,               // krb5.conf problems
  no_kdc,               // no KDC could be reached
  timeout,              // a deadline passed
  ccache_not_found,     // "No credentials cache found"
  ccache_format,        // damaged credential cache
  ccache_io,            // could not read/write/lock the cache
  ccache_unsafe,        // wrong owner, symlink, ...
  keytab_not_found,
  keytab_format,
  keytab_no_key,   // no suitable key in the keytab
  no_credentials,  // cache holds no matching/valid ticket
  credentials_expired,
  reply_mismatch,     // a KDC reply failed a check (nonce, names, ...)
  password_mismatch,  // the two entries of a new password differ
  io,                 // other I/O
  cancelled,          // the user cancelled a prompt
  internal,
  password_rejected,    // a password server refused the new password (kpasswd result code)
  armor_not_found,      // kinit -T: the FAST armor cache does not exist
  armor_unreadable,     // kinit -T: the armor cache does not read or holds no TGT for the realm
  armor_expired,        // kinit -T: the armor cache's TGT has expired
  fast_not_used,        // the KDC answered an armored request without FAST
  certificate_refused,  // an HTTPS server's certificate failed verification (CA, name)
  // Caches held by a daemon or the kernel (KCM:, KEYRING:), apart from ccache_io
  // because a script acts on each differently:
  cache_daemon_unreachable,  // KCM: no daemon listens at kcm_socket
  cache_daemon_hung_up,      // KCM: the daemon closed the connection before it answered
  cache_reply_malformed,     // KCM: the daemon's reply does not parse
  cache_quota,               // KEYRING: the kernel's key quota is used up
  cache_not_ours,            // KEYRING: the keyring belongs to another user (permission denied)
  pkinit_no_anchors,    // PKINIT: no pkinit_anchors to check the KDC's certificate with
  pkinit_untrusted,     // PKINIT: the KDC's certificate does not chain to an anchor (or is revoked)
  pkinit_cert_expired,  // PKINIT: a certificate of the KDC's chain is outside its validity
  pkinit_kdc_name,      // PKINIT: the KDC's certificate names another KDC or lacks the KDC key usage
  pkinit_key_mismatch,  // PKINIT: the client's private key is not the key of its certificate
  pkinit_passphrase,    // PKINIT: the pass phrase does not open the client's private key
  pkinit_client_cert,   // PKINIT: the client's own certificate does not chain to pkinit_anchors
};

const std::error_category& lib_category();
const std::error_category& kdc_category();

inline std::error_code make_error_code(Errc e) { return {static_cast<int>(e), lib_category()}; }
// An RFC 4120 error code: a KdcErr, or the number a KRB-ERROR carried.
inline std::error_code kdc_error(KdcErr e) { return {static_cast<int>(e), kdc_category()}; }
inline std::error_code kdc_error(int code) { return {code, kdc_category()}; }

// The RFC 4120 name of a KDC error code ("KDC_ERR_PREAUTH_REQUIRED"), or "" if unknown.
const char* kdc_error_name(int code);

// Base class of Error::extension; the owning module defines what it holds.
struct ErrorExtension {
  virtual ~ErrorExtension() = default;
};

struct Error {
  std::error_code code;
  std::string detail;                // what was involved: file, principal, field path
  std::vector<std::string> context;  // innermost first: "while reading the cache"
  // The particular case in the category's words, shown instead of the
  // category's text when set, as MIT's extended messages (k5_setmsg) replace
  // its generic ones: "Cannot contact any KDC for realm 'KRBKIT.TEST'" for
  // Errc::no_kdc, whose own text is "...for requested realm".
  std::string summary;
  // What a module above base knows about this failure that code and detail do
  // not carry, owned and read back by that module (pac::ntstatus_of: the
  // NTSTATUS an Active Directory KDC sent). Null when there is none.
  std::shared_ptr<const ErrorExtension> extension;

  Error() = default;
  Error(std::error_code c, std::string d = {}) : code(c), detail(std::move(d)) {}
  Error(Errc e, std::string d = {}) : code(make_error_code(e)), detail(std::move(d)) {}

  bool is(Errc e) const { return code == make_error_code(e); }
  bool is(KdcErr e) const { return code == kdc_error(e); }

  // "<summary, else category message> (<detail>) while <context>...", one line.
  std::string message() const;
};

}  // namespace krbkit

template <>
struct std::is_error_code_enum<krbkit::Errc> : std::true_type {};
