#pragma once
// Kerberos over HTTPS (MS-KKDCP): a KDC-PROXY-MESSAGE (proto/messages.hpp)
// POSTed to a KDC proxy ("kdc = https://proxy.example.com/KdcProxy"), as
// MIT's krb5-k5tls sends it: HTTP/1.0, Content-type application/kerberos,
// over TLS (OpenSSL) with the server's certificate checked against the
// system's CAs or krb5.conf's http_anchors, its name against the URL's host
// (an IP address against its IP SANs), SNI sent for a host name. Redirects
// are not followed.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/net/locate.hpp"

namespace krbkit::net {

struct HttpResponse {
  int status = 0;      // 200
  std::string reason;  // "OK"
  Bytes body;
};

// Reads an HTTP/1.x response from the bytes received so far. nullopt: more
// is needed (the headers are incomplete, or fewer body bytes than
// Content-Length and the server has not `closed` yet). Without
// Content-Length the body ends when the server closes. Errc::parse for a
// malformed status line or header, or a response cut short.
Result<std::optional<HttpResponse>> parse_http_response(BytesView raw, bool closed);

struct HttpsOptions {
  // http_anchors: "FILE:ca.pem", "DIR:/etc/ssl/kdc" (every file in it),
  // "ENV:VARIABLE" (naming one of the others); empty: the system's CAs.
  std::vector<std::string> anchors;
  std::chrono::milliseconds timeout{10000};  // for the whole exchange
};

// POSTs `request` (a Kerberos message, or a kpasswd one) for `realm` to the
// https:// `target` and returns the message in the proxy's reply. Failures
// (detail: the reason, "certificate verify failed: certificate is not for
// localhost (hostname mismatch)") are Errc::certificate_refused when the
// server's certificate was refused (untrusted CA, another name, expired),
// else Errc::io (no connection, a TLS or HTTP error, a body that is no
// KDC-PROXY-MESSAGE, the timeout); Errc::config for an unusable http_anchors
// entry.
Result<Bytes> kkdcp_send(const KdcTarget& target, std::string_view realm, BytesView request,
                         const HttpsOptions& options, const Tracer& trace);

}  // namespace krbkit::net
