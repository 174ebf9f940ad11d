// kadmin/admin tickets (kadmin-mit.md 2.1, 2.2).

#include "krbkit/kadm5/auth.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>

#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/exchange/keytab_keys.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/net/host_names.hpp"
#include "krbkit/net/kdc_client.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::kadm5 {
namespace {


Principal kadmin_admin(const AdminAuth& auth) {
  return Principal{NameType::principal, {"kadmin", "admin"}, auth.realm};
}

// kadmin/<admin server host>, or nullopt without a host. Named only when
// needed, as MIT's kadmin does: it may take DNS lookups.
std::optional<Principal> kadmin_host(const config::Profile& profile, const AdminAuth& auth) {
  if (auth.admin_host.empty()) return std::nullopt;
  return host_service_principal("kadmin", admin_service_host(profile, auth.admin_host), auth.realm);
}

// get(kadmin/admin), then get(kadmin/<host>) when the KDC does not know
// kadmin/admin (MIT's fallback); the last result.
Result<Credentials> with_fallback(const config::Profile& profile, const AdminAuth& auth,
                                  const std::function<Result<Credentials>(const Principal&)>& get) {
  auto got = get(kadmin_admin(auth));
  if (got.ok() || !got.error().is(KdcErr::s_principal_unknown)) return got;
  auto host = kadmin_host(profile, auth);
  return host ? get(*host) : std::move(got);
}

// A current ticket for kadmin/admin in `contents`, else for kadmin/<host>
// (named only when the cache holds some other kadmin/* ticket).
std::optional<Credentials> cached_admin_ticket(const config::Profile& profile, const AdminAuth& auth,
                                               const ccache::CacheContents& contents) {
  const auto now = std::chrono::system_clock::now();
  auto find = [&](const Principal& service) -> std::optional<Credentials> {
    for (const auto& c : contents.creds)
      if (c.server == service && c.endtime > now) return c.clone();
    return std::nullopt;
  };
  if (auto found = find(kadmin_admin(auth))) return found;
  const bool other_kadmin =
      std::any_of(contents.creds.begin(), contents.creds.end(), [&](const Credentials& c) {
        return c.server.components.size() == 2 && c.server.components[0] == "kadmin" &&
               c.server.realm == auth.realm;
      });
  if (!other_kadmin) return std::nullopt;
  auto host = kadmin_host(profile, auth);
  return host ? find(*host) : std::nullopt;
}

// -c: a kadmin service ticket already in the cache, else one asked of the
// KDC with the cache's TGT (kadmin/admin, then kadmin/<host> when the KDC
// does not know kadmin/admin). The ticket obtained is stored in the cache.
Result<Credentials> from_cache(const config::Profile& profile, const AdminAuth& auth) {
  KRBKIT_TRY(cache, ccache::open(auth.ccache));
  KRBKIT_TRY(contents, cache->read());
  if (auto cached = cached_admin_ticket(profile, auth, contents)) return std::move(*cached);

  net::KdcClient kdcs(profile);
  exchange::TgsClient tgs(profile, *cache, kdcs);
  std::optional<Error> first;  // kadmin/admin's: what the messages below explain
  auto got = with_fallback(profile, auth, [&](const Principal& service) {
    auto r = tgs.get(service);
    if (!r.ok() && !first) first = r.error();
    return r;
  });
  if (got.ok()) return got;
  Error e = std::move(*first);
  const std::string name = "kadmin/admin@" + auth.realm;
  // MIT creates kadmin/admin with DISALLOW_TGT_BASED (-allow_tgs_req): its
  // KDC answers a TGS request for it with KDC_ERR_POLICY.
  if (e.is(KdcErr::policy))
    return Error{Errc::no_credentials, name + " does not accept tickets obtained with a TGT (KDC: " +
                                           e.code.message() + "); use -p/-k, or kinit -S kadmin/admin"};
  if (e.is(Errc::no_credentials) || e.is(Errc::ccache_not_found))
    return Error{Errc::no_credentials, "no valid " + name + " ticket or TGT in " + cache->name() +
                                           " (kinit first, or kinit -S kadmin/admin)"};
  e.context.push_back("getting a " + name + " ticket with the TGT in " + cache->name());
  return e;
}

}  // namespace

std::string admin_service_host(const config::Profile& profile, std::string_view host) {
  auto defaults = config::LibDefaults::from(profile);
  const bool use_dns =
      defaults.ok() ? defaults->dns_canonicalize_hostname == config::DnsCanonicalize::yes : true;
  const bool rdns = defaults.ok() ? defaults->rdns : true;
  std::string name(host);
  std::optional<std::string> looked_up;
  if (use_dns) looked_up = net::canonical_host_name(name, rdns);
  if (looked_up) {
    name = *looked_up;
  } else if (name.find('.') == std::string::npos) {
    const auto configured = config::libdefault(profile, {}, "qualify_shortname");
    const std::string domain = configured ? *configured : net::resolver_search_domain();
    if (!domain.empty()) name += "." + domain;
  }
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!name.empty() && name.back() == '.') name.pop_back();
  return name;
}

Result<Credentials> get_admin_ticket(const config::Profile& profile, AdminAuth auth) {
  if (auth.method == AdminAuth::Method::ccache) return from_cache(profile, auth);

  std::unique_ptr<exchange::KeySource> keys;
  if (auth.method == AdminAuth::Method::keytab) {
    std::string name = auth.keytab;
    if (name.empty()) {
      KRBKIT_TRY(def, keytab::default_keytab_name());
      name = def;
    }
    KRBKIT_TRY(source, exchange::keytab_key_source(name, auth.client));
    keys = std::make_unique<exchange::KeytabKeySource>(std::move(source));
  } else if (auth.password) {
    keys = std::make_unique<exchange::PasswordKeySource>(auth.client, std::move(*auth.password));
  } else {
    keys = std::make_unique<exchange::PasswordKeySource>(auth.client, auth.prompt);
  }
  return with_fallback(profile, auth, [&](const Principal& service) -> Result<Credentials> {
    exchange::AsRequest req;
    req.client = auth.client;
    req.server = service;
    req.forwardable = false;
    req.proxiable = false;
    KRBKIT_TRY(got, exchange::get_initial_credentials(profile, req, *keys));
    return std::move(got.creds);
  });
}

}  // namespace krbkit::kadm5
