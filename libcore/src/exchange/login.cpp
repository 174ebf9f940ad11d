#include "krbkit/exchange/login.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <memory>

#include "krbkit/config/values.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/exchange/keytab_keys.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/keytab/keytab.hpp"
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

// -l, -r, -s: a duration if given.
Result<std::optional<std::chrono::seconds>> duration_option(const std::optional<std::string>& text,
                                                            const char* what) {
  if (!text) return std::optional<std::chrono::seconds>();
  auto d = config::parse_duration(*text);
  if (!d || d->count() <= 0)
    return Error{Errc::invalid_argument, fmt::format("bad {} value '{}'", what, *text)};
  return std::optional<std::chrono::seconds>(*d);
}

}  // namespace

namespace {

// kinit -I: the pa_type the input cache recorded for the request's server.
std::optional<PaType> input_cache_pa_type(const std::string& name, const AsRequest& req) {
  auto cache = ccache::open(name);
  if (!cache || !(*cache)->exists()) return std::nullopt;
  auto contents = (*cache)->read();
  if (!contents) return std::nullopt;
  const Principal server = req.server.value_or(krbtgt_principal(req.client.realm, req.client.realm));
  return recorded_pa_type(*contents, server);
}

}  // namespace

Result<AsRequest> kinit_request(const TicketOptions& o, const Principal& client,
                                const std::optional<ccache::CacheContents>& old) {
  AsRequest req;
  req.client = client;
  if (!o.service.empty()) {
    KRBKIT_TRY(service, parse_principal(o.service, client.realm));
    req.server = service;
  }
  KRBKIT_TRY(lifetime, duration_option(o.lifetime, "lifetime"));
  KRBKIT_TRY(renew_life, duration_option(o.renewable_life, "renewable lifetime"));
  KRBKIT_TRY(start_in, duration_option(o.start_time, "start time"));
  req.lifetime = lifetime;
  req.renew_life = renew_life;
  req.start_in = start_in;
  if (o.forwardable || o.not_forwardable) req.forwardable = o.forwardable;
  if (o.proxiable || o.not_proxiable) req.proxiable = o.proxiable;
  if (o.addresses || o.no_addresses) req.with_addresses = o.addresses;
  if (o.request_pac || o.no_request_pac) req.request_pac = o.request_pac;
  req.canonicalize = o.canonicalize || o.enterprise;
  if (old) req.cached_etype_info = cached_etype_info(*old, client);
  if (!o.input_cache.empty()) req.only_preauth = input_cache_pa_type(o.input_cache, req);
  return req;
}

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

std::string expiry_warning_text(const ExpiryWarning& warning) {
  const std::time_t when = std::chrono::system_clock::to_time_t(warning.when);
  std::tm local{};
  char text[256] = {};
  if (::localtime_r(&when, &local) == nullptr || std::strftime(text, sizeof text, "%c", &local) == 0)
    return {};
  const long long left = warning.left.count();
  if (left < 3600) return fmt::format("Warning: Your password will expire in less than one hour on {}", text);
  if (left < 2 * 86400)
    return fmt::format("Warning: Your password will expire in {} hour{} on {}", left / 3600,
                       left < 7200 ? "" : "s", text);
  return fmt::format("Warning: Your password will expire in {} days on {}", left / 86400, text);
}

std::string describe_kinit_error(const Error& error, const std::optional<Principal>& client) {
  if ((error.is(Errc::keytab_not_found) && !error.detail.empty()) || !client)
    return keytab::describe_error(error);
  if (!error.is(Errc::cancelled)) return describe_initial_creds_error(error, *client);
  std::string line = fmt::format("Cannot read password for '{}'", unparse_principal(*client));
  if (!error.detail.empty()) line += " (" + error.detail + ")";
  for (const auto& c : error.context) line += " while " + c;
  return line;
}

Result<Credentials> refresh_tgt(const config::Profile& profile, const ccache::Cache& cache,
                                const std::optional<ccache::CacheContents>& old, bool renew, Tracer tracer) {
  if (!old) {
    const std::string name = cache.name();
    Error e{Errc::ccache_not_found, cache.type() == "FILE" ? "filename: " + ccache::residual(name) : name};
    e.context.push_back(renew ? "renewing credentials" : "validating credentials");
    return e;
  }
  KRBKIT_TRY(tgt, find_local_tgt(*old, cache.name()));
  net::KdcClient kdcs(profile, tracer);
  return renew ? renew_credentials(profile, tgt, kdcs, tracer)
               : validate_credentials(profile, tgt, kdcs, tracer);
}

Result<Credentials> renew_tgt_in_cache(const config::Profile& profile, ccache::Cache& cache, Tracer tracer) {
  KRBKIT_TRY(contents, cache.read());
  std::optional<ccache::CacheContents> old = std::move(contents);
  KRBKIT_TRY(fresh, refresh_tgt(profile, cache, old, true, tracer));
  KRBKIT_CHECK(cache.replace(fresh).context("storing credentials in " + cache.name()));
  return fresh;
}

}  // namespace krbkit::exchange
