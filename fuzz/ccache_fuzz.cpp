// libFuzzer target for the credential cache reader (seed corpus:
// fuzz/corpus/fuzz_ccache: files written by MIT (v1-v4) and Heimdal). Properties:
// whatever parses re-serializes in its own version and parses again to the
// same bytes; its header (what a writer appending a credential reads) parses
// too, with the same version and an end inside the file; nothing crashes or
// allocates more than the input can describe.

#include <cstdint>
#include <cstdlib>

#include "krbkit/ccache/format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace krbkit;
  auto parsed = ccache::parse(BytesView(data, size), "fuzz");
  if (!parsed.ok()) {
    if (!parsed.error().is(Errc::ccache_format)) std::abort();
    return 0;
  }
  auto header = ccache::parse_header(BytesView(data, size), "fuzz");
  if (!header.ok() || header->version != parsed->version || header->end_of_header > size) std::abort();
  auto bytes = ccache::serialize(*parsed, parsed->version);
  if (!bytes.ok()) return 0;  // e.g. a v4 header tag too long to rewrite is an argument error
  auto again = ccache::parse(*bytes, "fuzz-again");
  if (!again.ok()) std::abort();
  auto bytes2 = ccache::serialize(*again, again->version);
  if (!bytes2.ok() || *bytes2 != *bytes) std::abort();
  return 0;
}
