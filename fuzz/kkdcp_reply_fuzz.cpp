// libFuzzer target for what a KDC proxy (MS-KKDCP) sends back: the HTTP
// response parser (net/http_response.cpp), then the KDC-PROXY-MESSAGE and
// its length-prefixed Kerberos message (proto, kkdcp_reply_message). Seed
// corpus: fuzz/corpus/fuzz_kkdcp_reply (python3-kdcproxy's replies).
// Properties: parsing is deterministic; a response complete before the
// connection closes is the same one after; a body never outgrows the input;
// an unwrapped message re-wraps to a body that unwraps to it again.

#include <cstdint>
#include <cstdlib>

#include "krbkit/net/kkdcp.hpp"
#include "krbkit/proto/messages.hpp"

using namespace krbkit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  auto open = net::parse_http_response(in, false);
  auto closed = net::parse_http_response(in, true);
  auto again = net::parse_http_response(in, true);
  if (closed.ok() != again.ok()) std::abort();
  if (!closed.ok()) {
    if (!closed.error().is(Errc::parse)) std::abort();
    return 0;
  }
  if (!*closed) std::abort();  // at the end of the stream there is an answer or an error
  const auto& response = **closed;
  if (response.body.size() > size || response.status < 100 || response.status > 999) std::abort();
  if (open.ok() && *open && ((*open)->body != response.body || (*open)->status != response.status))
    std::abort();
  auto message = kkdcp_reply_message(response.body);
  if (!message.ok()) {
    if (!message.error().is(Errc::parse)) std::abort();
    return 0;
  }
  auto rewrapped = kkdcp_reply_message(kkdcp_request(*message, "FUZZ.TEST"));
  if (!rewrapped.ok() || *rewrapped != *message) std::abort();
  return 0;
}
