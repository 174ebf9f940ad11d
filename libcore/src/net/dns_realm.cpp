#include "krbkit/net/dns_realm.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <memory>

#include "krbkit/net/dns_srv.hpp"
#include "krbkit/net/host_names.hpp"
#include "krbkit/net/locate.hpp"

namespace krbkit::net {
namespace {

bool numeric_address(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

std::string without_trailing_dots(std::string_view host) {
  std::string name(host);
  while (!name.empty() && name.back() == '.') name.pop_back();
  return name;
}

enum class TxtAnswer { found, none, silent };

// The realm in the TXT record of `query`, traced as MIT traces it.
TxtAnswer realm_in_txt(const std::string& query, std::string& realm, const Tracer& trace) {
  auto records = query_txt(query);
  if (!records) {
    trace("DNS TXT lookup for {} failed: {}", query, records.error().detail);
    return records.error().is(Errc::timeout) ? TxtAnswer::silent : TxtAnswer::none;
  }
  if (records->empty() || records->front().empty()) {
    trace("No TXT record for {}", query);
    return TxtAnswer::none;
  }
  realm = records->front();
  if (realm.back() == '.') realm.pop_back();  // a common mistake, as MIT forgives it
  trace("TXT record {} found: {}", query, realm);
  return TxtAnswer::found;
}

// MIT's krb5int_get_fq_local_hostname: gethostname, forward canonicalised.
std::optional<std::string> local_host_canonical_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return std::nullopt;
  addrinfo hints{};
  hints.ai_flags = AI_CANONNAME | AI_ADDRCONFIG;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host, nullptr, &hints, &found) != 0 || found == nullptr) return std::nullopt;
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
  if (found->ai_canonname == nullptr) return std::nullopt;
  return std::string(found->ai_canonname);
}

// realm_try_domains: whether a KDC is known for `realm` (MIT's k5_locate_kdc
// without the realm-name fallback a host lookup would be).
bool kdc_known(const config::Profile& profile, const std::string& realm, const Tracer& trace) {
  LocateOptions options;
  options.trace = trace;
  auto found = locate_with_source(profile, realm, options);
  return found && found->source != ServerSource::realm_name && !found->servers.empty();
}

}  // namespace

std::optional<std::string> realm_from_dns_txt(std::string_view host, const Tracer& trace) {
  const std::string name = without_trailing_dots(host);
  if (name.empty() || numeric_address(name)) return std::nullopt;
  for (std::string_view domain = name; !domain.empty();) {
    std::string realm;
    switch (realm_in_txt(fmt::format("_kerberos.{}", domain), realm, trace)) {
      case TxtAnswer::found: return realm;
      case TxtAnswer::silent: return std::nullopt;  // each name would wait as long
      case TxtAnswer::none: break;
    }
    const auto dot = domain.find('.');
    domain = dot == std::string_view::npos ? std::string_view{} : domain.substr(dot + 1);
  }
  return std::nullopt;
}

std::string fallback_host_realm(const config::Profile& profile, std::string_view host, const Tracer& trace) {
  const std::string name = without_trailing_dots(host);
  if (name.empty() || numeric_address(name)) return {};
  if (config::libdefault_dns_lookup(profile, "dns_lookup_realm", false))
    if (auto realm = realm_from_dns_txt(name, trace)) return *realm;
  const std::string uname = upper(name);
  // MIT's default -1: no search. 0: the host's own name only, 1: and its parent...
  const auto limit = profile.get_int({"libdefaults", "realm_try_domains"});
  std::int64_t tries = limit && *limit ? **limit + 1 : 0;
  for (std::string_view suffix = uname; tries-- > 0 && suffix.find('.') != std::string_view::npos;
       suffix.remove_prefix(suffix.find('.') + 1)) {
    if (kdc_known(profile, std::string(suffix), trace)) {
      trace("realm_try_domains: {} has a KDC", suffix);
      return std::string(suffix);
    }
  }
  return config::fallback_host_realm(name);
}

void default_realm_from_dns(config::LibDefaults& defaults, const Tracer& trace) {
  if (defaults.default_realm || !defaults.dns_lookup_realm) return;
  if (auto host = local_host_canonical_name())
    if (auto realm = realm_from_dns_txt(*host, trace)) {
      defaults.default_realm = std::move(realm);
      return;
    }
  // No record for this host or its domains: the one for the resolver's
  // domain, as MIT's search for the bare "_kerberos" name finds it.
  const std::string domain = resolver_search_domain();
  std::string realm;
  if (!domain.empty() && realm_in_txt("_kerberos." + domain, realm, trace) == TxtAnswer::found)
    defaults.default_realm = std::move(realm);
}

}  // namespace krbkit::net
