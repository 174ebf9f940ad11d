// libFuzzer target for the KRB-CRED import path of kcc (seed corpus:
// fuzz/corpus/fuzz_kirbi: .kirbi files kcc and impacket's ticketConverter
// wrote from MIT's tickets). Properties: read_krb_cred fails only with the
// errors it documents; whatever it reads exports again (make_krb_cred), and
// that export reads back to the same credentials and re-exports to the same
// bytes; nothing crashes or allocates more than the input can describe.
// Encrypted inputs are tried with one fixed aes256 key (kvno 1), so the
// decrypting path runs too.

#include <cstdint>
#include <cstdlib>

#include "krbkit/exchange/krb_cred.hpp"

namespace {

using namespace krbkit;

bool documented(const Error& e) {
  return e.is(Errc::parse) || e.is(Errc::invalid_argument) || e.is(Errc::keytab_no_key) ||
         e.is(Errc::integrity);
}

bool same(const Credentials& a, const Credentials& b) {
  return a.client == b.client && a.server == b.server && a.session_key == b.session_key &&
         a.authtime == b.authtime && a.starttime == b.starttime && a.endtime == b.endtime &&
         a.renew_till == b.renew_till && a.flags == b.flags && a.addresses == b.addresses &&
         a.ticket == b.ticket;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<keytab::KeytabEntry> keys = [] {
    std::vector<keytab::KeytabEntry> k;
    k.push_back({Principal{NameType::principal, {"fuzz"}, "FUZZ"},
                 {},
                 1,
                 Key{Enctype::aes256_cts_hmac_sha1_96, SecretBytes(BytesView(Bytes(32, 0x42)))}});
    return k;
  }();
  auto read = exchange::read_krb_cred(BytesView(data, size), "fuzz", keys);
  if (!read.ok()) {
    if (!documented(read.error())) std::abort();
    return 0;
  }
  if (read->creds.empty()) return 0;  // a KRB-CRED of no tickets: nothing to export
  auto exported = exchange::make_krb_cred(read->creds);
  if (!exported.ok()) return 0;  // a ticket that does not decode on its own is refused
  auto again = exchange::read_krb_cred(*exported, "fuzz-again");
  if (!again.ok() || again->creds.size() != read->creds.size()) std::abort();
  for (std::size_t i = 0; i < read->creds.size(); ++i)
    if (!same(again->creds[i], read->creds[i])) std::abort();
  auto exported2 = exchange::make_krb_cred(again->creds);
  if (!exported2.ok() || *exported2 != *exported) std::abort();
  return 0;
}
