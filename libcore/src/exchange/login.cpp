#include "krbkit/exchange/login.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/exchange/keytab_keys.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/net/kdc_client.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

namespace {

constexpr std::int32_t kLrPasswordExpiry = 6;  // LR_TYPE pw_exptime (negative: this KDC only)
constexpr std::int32_t kLrAccountExpiry = 7;   // LR_TYPE acct_exptime

// A prompt of the expired-password change that found no input: the error
// says that the password has expired, in MIT's context. Others pass unchanged.
Error expired_without_input(Error e) {
  if (!e.is(Errc::cancelled)) return e;
  e.detail = e.detail.empty() ? "password expired" : "password expired; " + e.detail;
  e.context.push_back("getting initial credentials");
  return e;
}

}  // namespace

Result<Principal> kinit_client(const ClientQuery& query, const config::LibDefaults& defaults,
                               const std::optional<ccache::CacheContents>& old, bool& from_cache) {
  const std::string realm = defaults.default_realm.value_or("");
  PrincipalParseFlags flags;
  flags.enterprise = query.enterprise;
  from_cache = false;
  if (!query.argument.empty()) return parse_principal(query.argument, realm, flags);
  if (query.use_keytab && query.default_client_keytab) return client_keytab_principal(defaults);
  if (query.use_keytab) {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    return host_service_principal("host", host, realm);
  }
  if (old && !old->default_principal.components.empty()) {
    from_cache = true;
    return old->default_principal;
  }
  const passwd* pw = ::getpwuid(::getuid());
  if (pw == nullptr) return Error{Errc::invalid_argument, "no principal given and no user name for this uid"};
  return parse_principal(pw->pw_name, realm, flags);
}

Result<AsResult> get_initial_credentials_with_password(const config::Profile& profile,
                                                       const AsRequest& request,
                                                       const PasswordKeySource::Prompt& ask,
                                                       const NewPasswordPrompt& ask_new, CryptoPolicy policy,
                                                       Tracer tracer) {
  // What was typed is kept for the change of an expired password.
  auto entered = std::make_shared<std::optional<SecretBytes>>();
  auto keep = [ask, entered](const Principal& p) -> Result<SecretBytes> {
    KRBKIT_TRY(pw, ask(p));
    *entered = pw.clone();
    return pw;
  };
  PasswordKeySource keys(request.client, keep, policy);
  auto result = get_initial_credentials(profile, request, keys, tracer);
  if (result || !result.error().is(KdcErr::key_expired)) return result;
  // A principal without pre-authentication hears KEY_EXPIRED before any
  // password was asked for: ask for the old one first then.
  if (!*entered) {
    auto asked = keep(request.client);
    if (!asked) return expired_without_input(std::move(asked).error());
  }
  auto fresh = change_expired_password(profile, request.client, **entered, ask_new, tracer);
  if (!fresh) return expired_without_input(std::move(fresh).error());
  PasswordKeySource fresh_keys(request.client, std::move(*fresh), policy);
  return get_initial_credentials(profile, request, fresh_keys, tracer);
}

std::optional<ExpiryWarning> password_expiry_warning(const AsResult& result, const AsRequest& request,
                                                     KerberosTime now) {
  std::optional<KerberosTime> expiry;
  bool from_last_req = false;
  for (const auto& lr : result.last_req) {
    if (std::abs(lr.lr_type) == kLrPasswordExpiry) expiry = lr.lr_value;
    if (std::abs(lr.lr_type) == kLrPasswordExpiry || std::abs(lr.lr_type) == kLrAccountExpiry)
      from_last_req = true;
  }
  if (!from_last_req) expiry = result.key_expiration;
  if (!expiry || expiry->time_since_epoch().count() == 0) return std::nullopt;
  if (request.server && request.server->components == std::vector<std::string>{"kadmin", "changepw"})
    return std::nullopt;
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(*expiry - now);
  if (!from_last_req && (left.count() < 0 || left > std::chrono::hours(7 * 24))) return std::nullopt;
  return ExpiryWarning{*expiry, left};
}

Result<Credentials> refresh_tgt(const config::Profile& profile, const ccache::Cache& cache,
                                const std::optional<ccache::CacheContents>& old, bool renew, Tracer tracer) {
  if (!old) {
    // MIT's krb5_cc_get_name: the name without its type.
    const std::string name = cache.name(), residual = name.substr(name.find(':') + 1);
    Error e{Errc::ccache_not_found, cache.type() == "FILE" ? "filename: " + residual : name};
    e.context.push_back(renew ? "renewing credentials" : "validating credentials");
    return e;
  }
  KRBKIT_TRY(tgt, find_local_tgt(*old, cache.name()));
  net::KdcClient kdcs(profile, tracer);
  return renew ? renew_credentials(profile, tgt, kdcs, tracer) : validate_credentials(profile, tgt, kdcs, tracer);
}

}  // namespace krbkit::exchange
