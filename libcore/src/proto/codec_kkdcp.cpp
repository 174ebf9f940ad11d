// MS-KKDCP's KDC-PROXY-MESSAGE (the ASN.1 is quoted in krbkit/proto/messages.hpp).

#include <fmt/format.h>

#include "proto/codec.hpp"

namespace krbkit {
namespace codec {

void fields(auto& io, KdcProxyMessage& v) {
  io.req(0, "kerb-message", v.kerb_message);
  io.opt(1, "target-domain", v.target_domain);
  io.opt(2, "dclocator-hint", v.dclocator_hint);
}
void read(Reader& r, KdcProxyMessage& v) { read_fields(r, v); }
void write(Writer& w, const KdcProxyMessage& v) { write_fields(w, v); }

}  // namespace codec

Bytes encode(const KdcProxyMessage& v) { return codec::encode_as(v); }

Result<KdcProxyMessage> decode_kdc_proxy_message(BytesView d) {
  return codec::decode_as<KdcProxyMessage>(d, "KDC-PROXY-MESSAGE");
}

Bytes kkdcp_request(BytesView message, std::string_view realm) {
  KdcProxyMessage m;
  put_u32be(m.kerb_message, static_cast<std::uint32_t>(message.size()));
  m.kerb_message.insert(m.kerb_message.end(), message.begin(), message.end());
  m.target_domain = std::string(realm);
  return encode(m);
}

Result<Bytes> kkdcp_reply_message(BytesView body) {
  KRBKIT_TRY(m, decode_kdc_proxy_message(body));
  const Bytes& framed = m.kerb_message;
  if (framed.size() < 4) return Error{Errc::parse, "KDC-PROXY-MESSAGE.kerb-message: no length prefix"};
  const std::uint32_t length = get_u32be(framed.data());
  if (length != framed.size() - 4)
    return Error{Errc::parse, fmt::format("KDC-PROXY-MESSAGE.kerb-message: length prefix {} for {} bytes",
                                          length, framed.size() - 4)};
  return Bytes(framed.begin() + 4, framed.end());
}

}  // namespace krbkit
