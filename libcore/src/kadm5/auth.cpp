// kadmin/admin tickets (kadmin-mit.md 2.1, 2.2).

#include "krbkit/kadm5/auth.hpp"

#include "krbkit/ccache/cache.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/exchange/keytab_keys.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::kadm5 {
namespace {

constexpr int kServerUnknown = 7;  // KDC_ERR_S_PRINCIPAL_UNKNOWN

std::vector<Principal> admin_services(const AdminAuth& auth) {
  std::vector<Principal> out{Principal{NameType::principal, {"kadmin", "admin"}, auth.realm}};
  if (!auth.admin_host.empty()) out.push_back(host_service_principal("kadmin", auth.admin_host, auth.realm));
  return out;
}

Result<Credentials> from_cache(const AdminAuth& auth) {
  KRBKIT_TRY(cache, ccache::open(auth.ccache));
  KRBKIT_TRY(contents, cache->read());
  const auto now = std::chrono::system_clock::now();
  for (const auto& service : admin_services(auth))
    for (const auto& c : contents.creds)
      if (c.server == service && c.endtime > now) return c.clone();
  return Error{Errc::no_credentials, "no valid kadmin/admin@" + auth.realm + " ticket in " + (*cache).name() +
                                         " (get one with kinit -S kadmin/admin)"};
}

}  // namespace

Result<Credentials> get_admin_ticket(const config::Profile& profile, AdminAuth auth) {
  if (auth.method == AdminAuth::Method::ccache) return from_cache(auth);

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
  Error last{Errc::internal};
  for (const auto& service : admin_services(auth)) {
    exchange::AsRequest req;
    req.client = auth.client;
    req.server = service;
    req.forwardable = false;
    req.proxiable = false;
    auto got = exchange::get_initial_credentials(profile, req, *keys);
    if (got.ok()) return std::move(got->creds);
    last = std::move(got).error();
    if (!last.is_kdc(kServerUnknown)) break;
  }
  return last;
}

}  // namespace krbkit::kadm5
