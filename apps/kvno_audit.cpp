// kvno --audit: the keytab against the KDC (libcore's exchange/keytab_audit.hpp
// decides, present/keytab_audit.hpp prints).

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

#include "common/cli.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/keytab_audit.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/net/kdc_client.hpp"
#include "krbkit/present/keytab_audit.hpp"
#include "krbkit/proto/principal.hpp"
#include "kvno_check.hpp"

namespace krbkit::kvno {

Result<int> audit(const Options& o) {
  auto env = Environment::from_process();
  KRBKIT_TRY(profile, config::load_profile(env));
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile));
  const std::string realm = defaults.default_realm.value_or("");
  std::vector<Principal> only;
  for (const auto& name : o.services) {
    KRBKIT_TRY(p, parse_principal(name, realm).context("parsing principal name " + name));
    only.push_back(std::move(p));
  }
  auto kt = keytab::read_keytab(o.keytab);
  if (!kt) {  // MIT's words for a missing keytab, which name the file already
    Error shown{kt.error().code};
    shown.summary = keytab::describe_error(kt.error());
    return shown;
  }
  net::KdcClient kdcs(profile, Tracer::from_process());
  // The user's TGT, when there is one, tells kvnos pre-authentication hides.
  std::unique_ptr<ccache::Cache> cache;
  std::optional<exchange::TgsClient> tgs;
  auto cache_name = o.cache.empty() ? cli::default_ccache_name() : Result<std::string>(o.cache);
  if (auto opened = cache_name ? ccache::open(*cache_name)
                               : Result<std::unique_ptr<ccache::Cache>>(cache_name.error())) {
    cache = std::move(opened).value();
    tgs.emplace(profile, *cache, kdcs, kdcs.tracer());
  }
  exchange::NetworkAuditKdc kdc(profile, kdcs, tgs ? &*tgs : nullptr);
  KRBKIT_TRY(result, exchange::audit_keytab(o.keytab, *kt, only, kdc, defaults.permitted_enctypes));
  const std::string out = o.json ? present::keytab_audit_json(result) : present::keytab_audit_text(result);
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (result.ok()) return cli::kExitOk;
  const bool only_unknown =
      result.missing_enctypes.empty() &&
      std::all_of(result.entries.begin(), result.entries.end(), [](const auto& e) {
        return e.status == exchange::AuditStatus::ok || e.status == exchange::AuditStatus::unknown_principal;
      });
  return only_unknown ? cli::kExitUnknownPrincipal : cli::kExitKeytabMismatch;
}

}  // namespace krbkit::kvno
