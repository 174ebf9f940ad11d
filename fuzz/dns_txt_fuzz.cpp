// libFuzzer target for the DNS TXT answer parser (net/dns_srv.cpp) behind
// the _kerberos realm lookup (dns_lookup_realm). Seed corpus:
// fuzz/corpus/fuzz_dns_txt (dnsmasq's answers). Properties: parsing is
// deterministic; no string is longer than a character-string can be (255)
// or than the input; a failure is a parse error.

#include <cstdint>
#include <cstdlib>

#include "krbkit/net/dns_srv.hpp"

using namespace krbkit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  auto first = net::parse_txt_answer(in);
  auto second = net::parse_txt_answer(in);
  if (first.ok() != second.ok()) std::abort();
  if (!first.ok()) {
    if (!first.error().is(Errc::parse)) std::abort();
    return 0;
  }
  if (*first != *second) std::abort();
  for (const auto& s : *first)
    if (s.size() > 255 || s.size() > size) std::abort();
  return 0;
}
