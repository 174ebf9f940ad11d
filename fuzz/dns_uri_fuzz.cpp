// libFuzzer target for the DNS URI answer parser (net/dns_srv.cpp) and the
// krb5srv: URI reader (net/locate_dns.cpp) that takes each record's target
// apart. Seed corpus: fuzz/corpus/fuzz_dns_uri (dnsmasq's answers). Properties:
// both are deterministic; the records come out lowest priority first, then
// highest weight; a krb5srv URI that reads names a host and a port, and a
// kkdcp one reads as HTTPS.

#include <cstdint>
#include <cstdlib>

#include "krbkit/net/dns_srv.hpp"
#include "krbkit/net/locate.hpp"

using namespace krbkit;

namespace {

void check_uri(const std::string& uri) {
  auto first = net::parse_krb5srv_uri(uri, 88);
  auto second = net::parse_krb5srv_uri(uri, 88);
  if (first.ok() != second.ok()) std::abort();
  if (!first.ok()) {
    if (!first.error().is(Errc::parse)) std::abort();
    return;
  }
  if (first->target != second->target || first->primary != second->primary) std::abort();
  if (first->target.host.empty() || first->target.port == 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  BytesView in(data, size);
  auto first = net::parse_uri_answer(in);
  auto second = net::parse_uri_answer(in);
  if (first.ok() != second.ok()) std::abort();
  if (!first.ok()) {
    if (!first.error().is(Errc::parse)) std::abort();
    return 0;
  }
  if (*first != *second) std::abort();
  for (std::size_t i = 0; i < first->size(); ++i) {
    const auto& r = (*first)[i];
    check_uri(r.target);
    if (i == 0) continue;
    const auto& p = (*first)[i - 1];
    if (p.priority > r.priority || (p.priority == r.priority && p.weight < r.weight)) std::abort();
  }
  // The whole input as one URI too, so the reader gets arbitrary text.
  check_uri(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
