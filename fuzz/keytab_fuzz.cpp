// libFuzzer target for the keytab reader (seed corpus: fuzz/corpus/fuzz_keytab:
// files written by MIT kadmin/ktutil and Heimdal ktutil). Properties: the
// layout reader (what in-place edits use) accepts exactly what the reader
// accepts, with the same entries, every slot inside the file and the append
// offset inside it (or just after the version of an empty file); whatever parses re-serializes and parses
// again to the same bytes.

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "krbkit/keytab/keytab.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace krbkit;
  auto parsed = keytab::parse(BytesView(data, size), "fuzz");
  if (!parsed.ok()) {
    if (!parsed.error().is(Errc::keytab_format)) std::abort();
    if (keytab::parse_layout(BytesView(data, size), "fuzz").ok()) std::abort();
    return 0;
  }
  auto layout = keytab::parse_layout(BytesView(data, size), "fuzz");
  if (!layout.ok() || layout->keytab.entries.size() != parsed->entries.size() ||
      layout->entry_slots.size() != parsed->entries.size() ||
      layout->end > std::max<std::size_t>(size, 2))  // an empty file gets its version first
    std::abort();
  for (const auto* slots : {&layout->entry_slots, &layout->holes})
    for (const auto& s : *slots)
      if (s.offset > size || 4 + std::size_t{s.size} > size - s.offset) std::abort();
  auto bytes = keytab::serialize(*parsed);
  if (!bytes.ok()) std::abort();
  auto again = keytab::parse(*bytes, "fuzz-again");
  if (!again.ok()) std::abort();
  auto bytes2 = keytab::serialize(*again);
  if (!bytes2.ok() || *bytes2 != *bytes) std::abort();
  return 0;
}
