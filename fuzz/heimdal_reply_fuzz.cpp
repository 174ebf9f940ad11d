// libFuzzer target for what Heimdal's kadmind sends back (kadm5/
// heimdal_wire.cpp: the plaintext of its KRB-PRIV replies) and for the
// answer to the protocol probe (kadm5/session.cpp). The first byte picks
// what the rest is:
//   0  a get reply: whatever reads, its record written again the way the
//      client writes records reads back to the same fields;
//   1  a randkey reply (keyblocks);
//   2  a get_privs reply;
//   3  a get_princs reply: the names written again read back the same;
//   4  a reply to create, delete, modify, rename or chpass (the code alone);
//   5  the answer to the protocol probe.
// Seed corpus: fuzz/corpus/fuzz_heimdal_reply (replies of Heimdal 7.8's
// kadmind, decrypted; see the README there).

#include <cstdint>
#include <cstdlib>

#include "krbkit/kadm5/heimdal_wire.hpp"
#include "krbkit/kadm5/session.hpp"

using namespace krbkit;
using namespace krbkit::kadm5;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void get_reply(BytesView in) {
  auto got = heimdal::read_get_reply(in);
  if (!got.ok()) return;
  heimdal::StoreWriter w;
  w.i32(0);
  // Names that came off the wire unparse to text that parses again.
  if (!heimdal::put_principal_entry(w, got->entry).ok()) return;
  auto again = heimdal::read_get_reply(w.bytes());
  check(again.ok());
  check(again->entry == got->entry);
}

void princs_reply(BytesView in) {
  auto names = heimdal::read_princs_reply(in);
  if (!names.ok()) return;
  heimdal::StoreWriter w;
  w.i32(0);
  w.i32(static_cast<std::int32_t>(names->size()));
  for (const auto& n : *names) w.string(n);
  auto again = heimdal::read_princs_reply(w.bytes());
  check(again.ok() && *again == *names);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const BytesView in(data + 1, size - 1);
  switch (data[0]) {
    case 0: get_reply(in); break;
    case 1: (void)heimdal::read_randkey_reply(in); break;
    case 2: (void)heimdal::read_privs_reply(in); break;
    case 3: princs_reply(in); break;
    case 4: (void)heimdal::read_code_reply(in); break;
    case 5: (void)read_detection_answer(in); break;
    default: break;
  }
  return 0;
}
