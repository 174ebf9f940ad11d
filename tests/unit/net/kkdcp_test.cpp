// MS-KKDCP's pieces without a network: the HTTP response parser, the
// KDC-PROXY-MESSAGE wrapping, https:// KDC entries.
#include "krbkit/net/kkdcp.hpp"

#include <doctest/doctest.h>

#include <string>

#include "krbkit/net/locate.hpp"
#include "krbkit/proto/messages.hpp"

using krbkit::Bytes;
using krbkit::BytesView;
using krbkit::Errc;
using namespace krbkit::net;

namespace {
Bytes bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
}  // namespace

TEST_CASE("HTTP replies: complete by Content-Length, or when the server closes") {
  const std::string whole = "HTTP/1.0 200 OK\r\nServer: gunicorn\r\ncontent-length: 5\r\n\r\nhello";
  auto done = parse_http_response(bytes(whole), false);
  REQUIRE(done.ok());
  REQUIRE(done->has_value());
  CHECK((*done)->status == 200);
  CHECK((*done)->reason == "OK");
  CHECK((*done)->body == bytes("hello"));
  // Fewer bytes: wait for more, or an error once the server has closed.
  auto part = bytes(whole.substr(0, whole.size() - 2));
  CHECK_FALSE(parse_http_response(part, false).value().has_value());
  CHECK(parse_http_response(part, true).error().detail ==
        "HTTP reply: 3 of 5 body bytes before the connection closed");
  CHECK_FALSE(parse_http_response(bytes("HTTP/1.1 200 OK\r\nContent-"), false).value().has_value());
  // No Content-Length: the body is whatever came before the close.
  auto open_ended = bytes("HTTP/1.1 503 Service Unavailable\r\n\r\nno KDC");
  CHECK_FALSE(parse_http_response(open_ended, false).value().has_value());
  auto closed = parse_http_response(open_ended, true);
  REQUIRE(closed.ok());
  CHECK((*closed)->status == 503);
  CHECK((*closed)->reason == "Service Unavailable");
  CHECK((*closed)->body == bytes("no KDC"));
  for (auto bad : {"HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "SSH-2.0-OpenSSH\r\n\r\n",
                   "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy"}) {
    CAPTURE(bad);
    auto r = parse_http_response(bytes(bad), true);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::parse));
  }
}

TEST_CASE("KDC-PROXY-MESSAGE: the message framed with its length, the realm as target-domain") {
  const Bytes as_req = {0x6a, 0x03, 0x02, 0x01, 0x05};
  const Bytes wrapped = krbkit::kkdcp_request(as_req, "KRBKIT.TEST");
  auto decoded = krbkit::decode_kdc_proxy_message(wrapped);
  REQUIRE(decoded.ok());
  CHECK(decoded->kerb_message == Bytes{0, 0, 0, 5, 0x6a, 0x03, 0x02, 0x01, 0x05});
  CHECK(decoded->target_domain == "KRBKIT.TEST");
  CHECK_FALSE(decoded->dclocator_hint.has_value());
  CHECK(krbkit::encode(*decoded) == wrapped);
  CHECK(krbkit::kkdcp_reply_message(wrapped).value() == as_req);
  // A length prefix that disagrees with the bytes is refused.
  krbkit::KdcProxyMessage lying{{0, 0, 0, 9, 1, 2}, std::nullopt, 0};
  CHECK(krbkit::kkdcp_reply_message(krbkit::encode(lying)).error().detail ==
        "KDC-PROXY-MESSAGE.kerb-message: length prefix 9 for 2 bytes");
  CHECK(krbkit::kkdcp_reply_message(bytes("<html>")).error().is(Errc::parse));
}

TEST_CASE("https:// KDC entries: host, port 443 unless given, path") {
  auto plain = parse_server("https://proxy.example.com/KdcProxy");
  REQUIRE(plain.ok());
  CHECK(plain->transport == Transport::https);
  CHECK(plain->host == "proxy.example.com");
  CHECK(plain->port == 443);
  CHECK(plain->path == "/KdcProxy");
  CHECK(to_string(*plain) == "https://proxy.example.com:443/KdcProxy");
  auto v6 = parse_server("HTTPS://[::1]:8443");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 8443);
  CHECK(to_string(*v6) == "https://[::1]:8443/");
  CHECK(parse_server("https:///KdcProxy").error().is(Errc::config));
  CHECK(parse_server("https://proxy:0/x").error().is(Errc::config));
  auto uri = parse_krb5srv_uri("krb5srv::kkdcp:https://proxy.example.com/KdcProxy", 88);
  REQUIRE(uri.ok());
  CHECK(uri->target.transport == Transport::https);
  CHECK(uri->target.port == 443);
}
