#pragma once
// OpenSSL handles owned by unique_ptr, and errors that carry OpenSSL's own
// reason, for the PKINIT code.

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/crypto/pkinit.hpp"

namespace krbkit::pkinit::ossl {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, Deleter<CMS_ContentInfo, CMS_ContentInfo_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;

inline void free_certs(STACK_OF(X509) * certs) { sk_X509_pop_free(certs, X509_free); }
using CertsPtr = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), free_certs>>;

// "<what>: <OpenSSL's reason>" (the error queue emptied).
inline Error ossl_error(Errc code, const std::string& what) {
  unsigned long e = ERR_get_error();
  std::string reason =
      e != 0 ? ERR_reason_error_string(e) != nullptr ? ERR_reason_error_string(e) : "error" : "";
  ERR_clear_error();
  return Error{code, reason.empty() ? what : what + ": " + reason};
}

// "1.3.6.1.5.2.2": an OID in dotted form.
std::string oid_text(const ASN1_OBJECT* obj);

// "FILE:path" / "DIR:path" (MIT's names; a bare path is FILE:) to the
// files they hold. Errc::config for a missing file or folder.
Result<std::vector<std::string>> files_of(const std::string& location);

// What a certificate says about itself: subject, id-pkinit-san and dNSName
// SANs, the KDC and serverAuth key usages.
SignerCert describe_cert(X509* cert);

// `cert`'s chain to `trust`'s anchors, through `untrusted` and the pool
// (CRLs when trust.revoke is set). `whose` names the certificate in errors
// ("KDC certificate"). The chain found (cert first, anchor last) when it
// verifies; errors as verify_signed_data's, with `untrusted_code` for a
// chain that does not verify.
Result<CertsPtr> verify_chain(X509* cert, STACK_OF(X509) * untrusted, const Trust& trust,
                              Errc untrusted_code);

}  // namespace krbkit::pkinit::ossl

namespace krbkit::pkinit {

struct ClientIdentity::Impl {
  ossl::X509Ptr cert;
  ossl::PkeyPtr key;
  ossl::CertsPtr extra;  // other certificates of a PKCS#12 file (its chain)
};

}  // namespace krbkit::pkinit
