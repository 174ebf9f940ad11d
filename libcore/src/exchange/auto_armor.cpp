#include "exchange/auto_armor.hpp"

#include "krbkit/config/libdefaults.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/exchange/key_source.hpp"

namespace krbkit::exchange::detail {

namespace {

bool realm_flag(const config::Profile& profile, const std::string& realm, std::string_view name) {
  auto value = profile.get_bool({"realms", realm, name});
  return value && value->value_or(false);
}

}  // namespace

bool auto_fast_armor(const config::Profile& profile, const std::string& realm) {
  return realm_flag(profile, realm, "auto_fast_armor");
}

bool encrypted_timestamp_disabled(const config::Profile& profile, const std::string& realm) {
  return realm_flag(profile, realm, "disable_encrypted_timestamp");
}

Result<std::shared_ptr<const FastArmor>> anonymous_armor(const config::Profile& profile,
                                                         const std::string& realm,
                                                         const net::RealmTransport& kdcs,
                                                         const AsHooks& hooks) {
  KRBKIT_TRY(pkinit, pkinit_options(profile, realm));
  if (pkinit.trust.anchors.empty())
    return Error{Errc::pkinit_no_anchors,
                 "pkinit_anchors is not set: no anonymous PKINIT armor for " + realm};
  pkinit.anonymous = true;
  pkinit.identities.clear();
  AsRequest request;
  request.client = anonymous_principal(realm);
  request.lifetime = std::chrono::hours(1);
  request.pkinit = std::make_shared<const PkinitOptions>(std::move(pkinit));
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile, realm));
  NoKeySource none;
  AsExchange as(std::move(request), defaults, none, kdcs.tracer(), hooks);
  KRBKIT_TRY(result, drive(as, kdcs).context("getting an anonymous PKINIT ticket for FAST armor"));
  KRBKIT_TRY(armor, make_fast_armor(result.creds));
  return std::make_shared<const FastArmor>(std::move(armor));
}

}  // namespace krbkit::exchange::detail
