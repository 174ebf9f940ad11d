// libFuzzer target for the DNS SRV answer parser (net/dns_srv.cpp), which
// reads the raw answer a resolver returns. Seed corpus:
// fuzz/corpus/fuzz_dns_srv. Properties: parsing is deterministic; the
// records come out lowest priority first, then highest weight; no target
// keeps its trailing dot, and no target is empty unless others are there.

#include <cstdint>
#include <cstdlib>

#include "krbkit/net/dns_srv.hpp"

using namespace krbkit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  auto first = net::parse_srv_answer(in);
  auto second = net::parse_srv_answer(in);
  if (first.ok() != second.ok()) std::abort();
  if (!first.ok()) {
    if (!first.error().is(Errc::parse)) std::abort();
    return 0;
  }
  if (*first != *second) std::abort();
  for (std::size_t i = 0; i < first->size(); ++i) {
    const auto& r = (*first)[i];
    if (!r.target.empty() && r.target.back() == '.') std::abort();
    if (i == 0) continue;
    const auto& p = (*first)[i - 1];
    if (p.priority > r.priority || (p.priority == r.priority && p.weight < r.weight)) std::abort();
  }
  if (first->size() == 1 && (*first)[0].target.empty()) std::abort();
  return 0;
}
