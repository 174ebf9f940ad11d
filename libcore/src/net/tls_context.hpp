#pragma once
// The TLS client context of the HTTPS KDC proxies (kkdcp.cpp): trust anchors
// read as MIT's k5tls reads http_anchors, and the one-line reasons for a
// refused certificate.

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <vector>

#include "krbkit/base/result.hpp"

namespace krbkit::net {

struct SslCtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

// A TLS 1.2+ client context that verifies the peer: against the system's
// CAs when `anchors` is empty, else against exactly the certificates the
// entries name (MIT's load_anchor): "FILE:pem" (every certificate in it),
// "DIR:path" (every file in it not starting with '.', at least one holding
// a certificate), "ENV:VARIABLE" (naming one of those). Errc::config naming
// the entry when it gives no certificate.
Result<SslCtxPtr> make_tls_context(const std::vector<std::string>& anchors);

// Why a certificate was refused, for people: "untrusted CA (unable to get
// local issuer certificate)", "certificate is not for HOST (hostname
// mismatch)", "certificate expired (certificate has expired)".
std::string refused_certificate_reason(long verify_result, const std::string& host);

// The oldest queued OpenSSL error's reason, the queue cleared.
std::string openssl_reason();

}  // namespace krbkit::net
