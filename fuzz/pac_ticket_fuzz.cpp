// libFuzzer target for a service ticket opened with the service's key
// (klist/kvno --decode): the input is an EncTicketPart, which this target
// encrypts in a fixed service key and wraps in a Ticket, so that
// pac::open_ticket runs its real path: decrypt, decode the EncTicketPart,
// find the PAC in the authorization data (AD-IF-RELEVANT nesting), decode it,
// check its signatures and CLIENT_INFO, compare with the cache entry; then
// ticket_text and ticket_json render it.
// Seed corpus: fuzz/corpus/fuzz_pac_ticket (EncTicketParts of Samba AD
// tickets). Properties: open_ticket succeeds exactly when the EncTicketPart
// decodes, and gives that EncTicketPart; a PAC that decodes on its own is
// decoded, one that does not is reported as damaged; the renderings are the
// same on every run.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/pac/pac.hpp"
#include "krbkit/pac/ticket.hpp"

using namespace krbkit;

namespace {

Key fixed_key(Enctype e, std::size_t n) { return Key(e, SecretBytes(Bytes(n, 0x5a))); }

Principal service() {
  Principal p;
  p.type = NameType::srv_inst;
  p.components = {"HTTP", "web.ad.krbkit.test"};
  p.realm = "AD.KRBKIT.TEST";
  return p;
}

std::string render(const pac::DecodedTicket& t) {
  std::string out = pac::ticket_text(t);
  json::Writer w;
  pac::ticket_json(w, t);
  out += w.finish();
  for (const auto& p : t.problems()) out += p;
  out += t.verified() ? "1" : "0";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  static const Key service_key = fixed_key(Enctype::aes256_cts_hmac_sha1_96, 32);
  auto cipher = encrypt(service_key, KeyUsage::kdc_rep_ticket, in);
  if (!cipher.ok()) std::abort();
  Ticket ticket;
  ticket.realm = "AD.KRBKIT.TEST";
  ticket.sname = to_principal_name(service());
  ticket.enc_part.etype = Enctype::aes256_cts_hmac_sha1_96;
  ticket.enc_part.kvno = 2;
  ticket.enc_part.cipher = std::move(*cipher);
  const Bytes der = encode(ticket);

  pac::DecodeOptions options;
  options.keytab_name = "FILE:fuzz.keytab";
  options.service_keys.push_back({service(), 2, service_key.clone()});
  options.krbtgt_keytab_name = "FILE:krbtgt.keytab";
  Principal krbtgt{NameType::srv_inst, {"krbtgt", "AD.KRBKIT.TEST"}, "AD.KRBKIT.TEST"};
  options.krbtgt_keys.push_back({krbtgt, 1, fixed_key(Enctype::aes256_cts_hmac_sha1_96, 32)});
  options.krbtgt_keys.push_back({krbtgt, 1, fixed_key(Enctype::rc4_hmac, 16)});
  options.expected_client = Principal{NameType::principal, {"alice"}, "AD.KRBKIT.TEST"};
  options.expected_session_key = fixed_key(Enctype::aes256_cts_hmac_sha1_96, 32);

  auto part = decode_enc_ticket_part(in);
  auto opened = pac::open_ticket(der, options);
  if (part.ok() != opened.ok()) std::abort();
  if (!opened.ok()) return 0;
  if (!(opened->part == *part)) std::abort();

  // The PAC is decoded exactly when it decodes on its own.
  auto found = pac::find_pac(part->authorization_data);
  if (found.ok() && *found) {
    auto alone = pac::decode(**found);
    if (alone.ok() != opened->pac.has_value()) std::abort();
    if (!alone.ok() && opened->pac_error.empty()) std::abort();
  }

  auto again = pac::open_ticket(der, options);
  if (!again.ok() || render(*opened) != render(*again)) std::abort();
  return 0;
}
