#pragma once
// OpenSSL handles owned by unique_ptr, and errors that carry OpenSSL's own
// reason, for the PKINIT code.

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "krbkit/base/result.hpp"

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

// "<what>: <OpenSSL's reason>" (the error queue emptied).
inline Error ossl_error(Errc code, const std::string& what) {
  unsigned long e = ERR_get_error();
  std::string reason =
      e != 0 ? ERR_reason_error_string(e) != nullptr ? ERR_reason_error_string(e) : "error" : "";
  ERR_clear_error();
  return Error{code, reason.empty() ? what : what + ": " + reason};
}

}  // namespace krbkit::pkinit::ossl
