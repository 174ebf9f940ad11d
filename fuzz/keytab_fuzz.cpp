// libFuzzer target for the keytab reader (seed corpus: tests/data/keytab).
// Property: whatever parses re-serializes and parses again to the same bytes.

#include <cstdint>
#include <cstdlib>

#include "krbkit/keytab/keytab.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace krbkit;
  auto parsed = keytab::parse(BytesView(data, size), "fuzz");
  if (!parsed.ok()) {
    if (!parsed.error().is(Errc::keytab_format)) std::abort();
    return 0;
  }
  auto bytes = keytab::serialize(*parsed);
  if (!bytes.ok()) std::abort();
  auto again = keytab::parse(*bytes, "fuzz-again");
  if (!again.ok()) std::abort();
  auto bytes2 = keytab::serialize(*again);
  if (!bytes2.ok() || *bytes2 != *bytes) std::abort();
  return 0;
}
