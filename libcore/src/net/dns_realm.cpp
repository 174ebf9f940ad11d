#include "krbkit/net/dns_realm.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include "krbkit/net/dns_srv.hpp"

namespace krbkit::net {
namespace {

bool numeric_address(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

std::optional<std::string> realm_from_dns_txt(std::string_view host, const Tracer& trace) {
  std::string name(host);
  while (!name.empty() && name.back() == '.') name.pop_back();
  if (name.empty() || numeric_address(name)) return std::nullopt;
  for (std::string_view domain = name; !domain.empty();) {
    const std::string query = fmt::format("_kerberos.{}", domain);
    auto records = query_txt(query);
    if (!records) {
      trace("DNS TXT lookup for {} failed: {}", query, records.error().detail);
      if (records.error().is(Errc::timeout)) return std::nullopt;  // each name would wait as long
    } else if (!records->empty() && !records->front().empty()) {
      std::string realm = records->front();
      if (realm.back() == '.') realm.pop_back();  // a common mistake, as MIT forgives it
      trace("TXT record {} found: {}", query, realm);
      return realm;
    } else {
      trace("No TXT record for {}", query);
    }
    const auto dot = domain.find('.');
    domain = dot == std::string_view::npos ? std::string_view{} : domain.substr(dot + 1);
  }
  return std::nullopt;
}

}  // namespace krbkit::net
