#include "krbkit/exchange/service_request.hpp"

#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

Result<Principal> service_principal(const std::string& arg, const std::string& sname, bool unknown_type,
                                    const config::Profile& profile, const std::string& default_realm) {
  if (!sname.empty())
    return host_service_principal(sname, arg, config::host_realm(profile, arg).value_or(""));
  KRBKIT_TRY(p, parse_principal(arg, default_realm));
  if (unknown_type) p.type = NameType::unknown;
  return p;
}

Result<Credentials> local_tgt_in(const std::string& name) {
  KRBKIT_TRY(cache, ccache::open(name));
  KRBKIT_TRY(contents, cache->read());
  return find_local_tgt(contents, cache->name());
}

}  // namespace krbkit::exchange
