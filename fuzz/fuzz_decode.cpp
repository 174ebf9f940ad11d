// libFuzzer target for one decoder, chosen at compile time:
//   KRBKIT_FUZZ_DECODE  the decode function (BytesView -> Result<T>)
//   KRBKIT_FUZZ_ENCODE  the matching encoder (const T& -> Bytes)
// Anything that decodes must re-encode to bytes that decode to the same value.

#include <cstdint>
#include <cstdlib>

#include "krbkit/proto/messages.hpp"
#include "krbkit/proto/pkinit.hpp"
#include "krbkit/proto/spake.hpp"

using namespace krbkit;

namespace {
[[maybe_unused]] Bytes encode_reply(const KdcReply& r) {
  return std::visit([](const auto& m) { return encode(m); }, r);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  auto first = KRBKIT_FUZZ_DECODE(in);
  if (!first.ok()) return 0;
  Bytes again = KRBKIT_FUZZ_ENCODE(*first);
  auto second = KRBKIT_FUZZ_DECODE(again);
  if (!second.ok() || !(*second == *first)) std::abort();
  return 0;
}
