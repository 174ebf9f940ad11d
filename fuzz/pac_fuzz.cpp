// libFuzzer target for the PAC (MS-PAC): the PACTYPE container, LOGON_INFO
// (NDR), CLIENT_INFO, UPN_DNS_INFO, ATTRIBUTES_INFO, REQUESTOR and the
// signatures, then the text and JSON renderings klist/kvno --decode print.
// Seed corpus: fuzz/corpus/fuzz_pac (PACs from Samba AD and MIT tickets).
// Properties: decoding is deterministic and its buffers are laid out as
// MS-PAC 2.4 says (so no input is copied out more than once); whatever
// decodes renders, with every
// check state, to valid UTF-8 (the names come from UTF-16), the same text on
// every run; the signature checks run with fixed keys without crashing.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "krbkit/pac/pac.hpp"
#include "krbkit/pac/ticket.hpp"
#include "utf8_check.hpp"

using namespace krbkit;

namespace {

std::string render(const pac::Pac& p, const pac::Checks& checks) {
  std::string out = pac::to_text(p, checks, 2);
  json::Writer w;
  w.begin_object();
  pac::to_json(w, p, checks);
  w.end_object();
  out += w.finish();
  return out;
}

const Key& key(Enctype e) {
  static const Key aes256(Enctype::aes256_cts_hmac_sha1_96, SecretBytes(Bytes(32, 0x5a)));
  static const Key aes128(Enctype::aes128_cts_hmac_sha1_96, SecretBytes(Bytes(16, 0x5a)));
  static const Key rc4(Enctype::rc4_hmac, SecretBytes(Bytes(16, 0x5a)));
  return e == Enctype::aes256_cts_hmac_sha1_96   ? aes256
         : e == Enctype::aes128_cts_hmac_sha1_96 ? aes128
                                                 : rc4;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  auto first = pac::decode(in);
  auto second = pac::decode(in);
  if (first.ok() != second.ok()) std::abort();
  if (!first.ok()) {
    if (!first.error().is(Errc::parse) || first.error().detail != second.error().detail) std::abort();
    return 0;
  }
  if (first->raw != Bytes(in.begin(), in.end()) || first->buffers.size() != second->buffers.size())
    std::abort();
  // Strict layout (MS-PAC 2.4): 8-aligned data after the header, no byte shared.
  std::size_t total = 0;
  for (const auto& b : first->buffers) {
    total += b.data.size();
    if (b.offset % 8 != 0 || b.offset < 8 + 16 * first->buffers.size()) std::abort();
  }
  if (total > size) std::abort();

  pac::Checks checks;
  const std::string plain = render(*first, checks);
  if (plain != render(*second, checks) || !fuzz::valid_utf8(plain)) std::abort();
  checks.server = {pac::Check::State::verified, "with the service key"};
  checks.kdc = {pac::Check::State::failed, "does not verify"};
  checks.client = {pac::Check::State::failed, "names 'x'"};
  checks.full = {pac::Check::State::not_checked, "needs the KDC's key"};
  if (!fuzz::valid_utf8(render(*first, checks))) std::abort();

  for (Enctype e : {Enctype::aes256_cts_hmac_sha1_96, Enctype::aes128_cts_hmac_sha1_96, Enctype::rc4_hmac}) {
    (void)pac::verify_server_signature(*first, key(e));
    (void)pac::verify_kdc_signature(*first, key(e));
    (void)pac::verify_full_signature(*first, key(e));
  }
  // The LOGON_INFO buffer on its own decodes as it did inside the PAC.
  for (const auto& b : first->buffers) {
    if (b.type != static_cast<std::uint32_t>(pac::BufferType::logon_info)) continue;
    auto li = pac::decode_logon_info(b.data);
    if (!li.ok()) std::abort();
  }
  // NTSTATUS from e-data reads the same kind of little-endian fields.
  (void)pac::ntstatus_from_edata(in);
  return 0;
}
