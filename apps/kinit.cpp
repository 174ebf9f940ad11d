// kinit: obtain and cache a Kerberos ticket-granting ticket (MIT's options).
// Everything but the options and the prompt lives in libcore's exchange module.

#include <fmt/format.h>

#include <clocale>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "common/prompt.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache_choice.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/config/values.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/exchange/keytab_keys.hpp"
#include "krbkit/exchange/login.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/proto/principal.hpp"

namespace {

using namespace krbkit;

struct Options {
  bool verbose = false;
  std::optional<std::string> lifetime, start_time, renewable_life;  // given, if only as ""
  bool forwardable = false, not_forwardable = false, proxiable = false, not_proxiable = false;
  bool addresses = false, no_addresses = false, canonicalize = false, enterprise = false;
  bool validate = false, renew = false, use_keytab = false, client_keytab = false, anonymous = false;
  std::string keytab, cache, service, armor_cache;
  std::vector<std::string> attributes;
  bool request_pac = false, no_request_pac = false;
  cli::SecretInput password;
  std::string principal;
};

// -l, -r, -s: a duration if given; zero (or nothing) is refused too, as
// MIT's kinit refuses it ("Bad lifetime value 0").
Result<std::optional<std::chrono::seconds>> duration_option(const std::optional<std::string>& text,
                                                            const char* what) {
  if (!text) return std::optional<std::chrono::seconds>();
  auto d = config::parse_duration(*text);
  if (!d || d->count() <= 0)
    return Error{Errc::invalid_argument, fmt::format("bad {} value '{}'", what, *text)};
  return std::optional<std::chrono::seconds>(*d);
}

// -V: MIT's lines, on standard error as MIT writes them.
template <typename... Args>
void verbose(const Options& o, fmt::format_string<Args...> format, Args&&... args) {
  if (o.verbose) fmt::print(stderr, "{}\n", fmt::format(format, std::forward<Args>(args)...));
}

// A cache's name without its type, as MIT's krb5_cc_get_name gives it
// ("FILE:/tmp/x" -> "/tmp/x", "DIR::/d/tkt" -> ":/d/tkt").
std::string residual(const std::string& name) {
  const auto colon = name.find(':');
  return colon == std::string::npos ? name : name.substr(colon + 1);
}

Result<SecretBytes> ask_password(const cli::SecretInput& input, const Principal& client) {
  return cli::read_secret(input, fmt::format("Password for {}: ", unparse_principal(client)));
}

// MIT's prompts for a new password after KEY_EXPIRED: the banner, then twice
// from the terminal (or the next lines of stdin / --password-fd; a
// --password-file holds only the old password, so stdin then).
exchange::NewPasswordPrompt ask_new_password(cli::SecretInput input) {
  if (!input.file.empty() && input.file != "-") input = {};
  return [input](const std::string& banner) -> Result<exchange::NewPassword> {
    fmt::print("{}\n", banner);
    KRBKIT_TRY(first, cli::read_secret(input, "Enter new password: "));
    KRBKIT_TRY(second, cli::read_secret(input, "Enter it again: "));
    return exchange::NewPassword{std::move(first), std::move(second)};
  };
}

// After a password login, MIT's warning that the password expires soon, on
// stdout in the locale's %c.
void warn_password_expiry(const exchange::AsResult& result, const exchange::AsRequest& req) {
  const auto warning = exchange::password_expiry_warning(result, req, cli::now_seconds());
  if (!warning) return;
  const std::time_t when = std::chrono::system_clock::to_time_t(warning->when);
  std::tm local{};
  char text[256] = {};
  if (::localtime_r(&when, &local) == nullptr || std::strftime(text, sizeof text, "%c", &local) == 0) return;
  const long long left = warning->left.count();
  if (left < 3600)
    fmt::print("Warning: Your password will expire in less than one hour on {}\n", text);
  else if (left < 2 * 86400)
    fmt::print("Warning: Your password will expire in {} hour{} on {}\n", left / 3600, left < 7200 ? "" : "s",
               text);
  else
    fmt::print("Warning: Your password will expire in {} days on {}\n", left / 86400, text);
}

// kinit -R / -v: the cache's TGT, renewed or validated, replaces the cache's
// contents, as MIT's kinit does.
Result<void> renew_or_validate(const Options& o, const config::Profile& profile, ccache::Cache& cache,
                               const std::optional<ccache::CacheContents>& old, const Tracer& trace) {
  KRBKIT_TRY(fresh, exchange::refresh_tgt(profile, cache, old, o.renew, trace));
  std::vector<Credentials> creds;
  creds.push_back(std::move(fresh));
  verbose(o, "Initialized cache");
  KRBKIT_CHECK(cache.initialize_and_store(old->default_principal, creds));
  verbose(o, "Stored credentials");
  return success();
}

// The AS request the options ask for.
Result<exchange::AsRequest> as_request(const Options& o, const Principal& client,
                                       const std::optional<ccache::CacheContents>& old) {
  exchange::AsRequest req;
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
  if (old) req.cached_etype_info = exchange::cached_etype_info(*old, client);
  return req;
}

// kinit -k: the AS exchange with the keytab's keys.
Result<exchange::AsResult> keytab_login(const Options& o, const config::Profile& profile,
                                        const config::LibDefaults& defaults, const exchange::AsRequest& req,
                                        const Tracer& trace) {
  KRBKIT_TRY(keytab, exchange::kinit_keytab_name(o.keytab, o.client_keytab, defaults));
  if (!o.keytab.empty()) verbose(o, "Using keytab: {}", o.keytab);
  // As MIT's kinit, which finds out about a missing key in the AS exchange.
  KRBKIT_TRY(keys, exchange::keytab_key_source(keytab, req.client).context("getting initial credentials"));
  return exchange::get_initial_credentials(profile, req, keys, trace);
}

Result<void> run(const Options& o, std::optional<Principal>& who) {
  if (o.anonymous) return cli::not_supported_yet("kinit -n (anonymous needs PKINIT)");
  if (!o.armor_cache.empty()) return cli::not_supported_yet("kinit -T (FAST armor)");

  Environment env = Environment::from_process();
  Tracer trace = Tracer::from_process();
  KRBKIT_TRY(profile, config::load_profile(env));
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile));

  // The cache: -c, else the default (KRB5CCNAME, default_ccache_name).
  std::string cache_name = o.cache;
  if (cache_name.empty()) {
    KRBKIT_TRY(name, ccache::default_cache_name(defaults.default_ccache_name));
    cache_name = name;
  }
  KRBKIT_TRY(cache, ccache::open(cache_name));
  std::optional<ccache::CacheContents> old;
  if (cache->exists())
    if (auto contents = cache->read(); contents.ok()) old = std::move(contents).value();
  if (!o.cache.empty()) verbose(o, "Using specified cache: {}", o.cache);

  bool from_cache = false;
  exchange::ClientQuery query{o.principal, o.enterprise, o.use_keytab, o.client_keytab && o.keytab.empty()};
  auto chosen = exchange::kinit_client(query, defaults, old, from_cache);
  if (o.renew || o.validate) {
    if (chosen && !from_cache && o.cache.empty())
      verbose(o, "Using default cache: {}", residual(cache->name()));
    if (chosen) verbose(o, "Using principal: {}", unparse_principal(*chosen));
    return renew_or_validate(o, profile, *cache, old, trace);
  }
  KRBKIT_TRY(client, std::move(chosen));
  who = client;
  bool make_primary = false;
  if (o.cache.empty() && !from_cache) {
    std::optional<Principal> holder;
    if (old) holder = old->default_principal;
    KRBKIT_TRY(choice, ccache::choose_cache_for(std::move(cache), cache_name, client, holder));
    verbose(o, "Using {} cache: {}", choice.kind, residual(choice.cache->name()));
    cache = std::move(choice.cache);
    make_primary = choice.make_primary;
  }
  verbose(o, "Using principal: {}", unparse_principal(client));

  KRBKIT_TRY(req, as_request(o, client, old));
  for (const auto& attr : o.attributes) trace("Ignoring pre-authentication attribute {}", attr);
  KRBKIT_TRY(result,
             o.use_keytab
                 ? keytab_login(o, profile, defaults, req, trace)
                 : exchange::get_initial_credentials_with_password(
                       profile, req, [&o](const Principal& p) { return ask_password(o.password, p); },
                       ask_new_password(o.password), CryptoPolicy{defaults.allow_weak_crypto}, trace));
  trace("Storing {} -> {} in {}", unparse_principal(result.creds.client),
        unparse_principal(result.creds.server), cache->name());
  KRBKIT_CHECK(cache->write(exchange::cache_contents(result), defaults.ccache_type)
                   .context("storing credentials in " + cache->name()));
  if (make_primary) KRBKIT_CHECK(ccache::switch_to(cache->name()));
  if (!o.use_keytab) warn_password_expiry(result, req);
  return success();
}

// The error line, as MIT's kinit words it: the AS exchange's errors name the
// principal, a missing keytab is "Key table file 'PATH' not found", input
// that ended before a password "Cannot read password for 'P'".
std::string error_line(const Error& error, const std::optional<Principal>& client) {
  std::string line;
  if (error.is(Errc::keytab_not_found) && !error.detail.empty()) {
    line = error.detail;
  } else if (client && error.is(Errc::cancelled)) {
    line = fmt::format("Cannot read password for '{}'", unparse_principal(*client));
    if (!error.detail.empty()) line += " (" + error.detail + ")";
  } else {
    return client ? exchange::describe_initial_creds_error(error, *client) : error.message();
  }
  for (const auto& c : error.context) line += " while " + c;
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  std::setlocale(LC_TIME, "");  // the password expiry warning in the locale's format, as MIT's kinit
  CLI::App app{"kinit - obtain and cache a Kerberos ticket-granting ticket"};
  krbkit::cli::add_version_flag(app, "kinit");
  Options o;
  app.add_flag("-V", o.verbose, "Verbose output");
  app.add_option("-l,--lifetime", o.lifetime, "Ticket lifetime (e.g. 10h, 1d2h, 36000)");
  app.add_option("-s,--start-time", o.start_time, "Postdate: the ticket becomes valid after this duration");
  app.add_option("-r,--renewable-life", o.renewable_life, "Renewable lifetime");
  auto* f = app.add_flag("-f,--forwardable", o.forwardable, "Forwardable ticket");
  app.add_flag("-F,--no-forwardable", o.not_forwardable, "Not forwardable")->excludes(f);
  auto* p = app.add_flag("-p,--proxiable", o.proxiable, "Proxiable ticket");
  app.add_flag("-P,--no-proxiable", o.not_proxiable, "Not proxiable")->excludes(p);
  auto* a = app.add_flag("-a", o.addresses, "Include the local addresses");
  app.add_flag("-A,--no-addresses", o.no_addresses, "No addresses")->excludes(a);
  app.add_flag("-C,--canonicalize", o.canonicalize, "Ask the KDC to canonicalize the principal name");
  app.add_flag("-E,--enterprise", o.enterprise, "Treat the principal as an enterprise name");
  app.add_flag("-v,--validate", o.validate, "Validate a postdated ticket");
  app.add_flag("-R,--renew", o.renew, "Renew the ticket");
  app.add_flag("-k,--use-keytab", o.use_keytab, "Use a keytab instead of a password");
  app.add_flag("-i", o.client_keytab, "With -k: the default client keytab");
  app.add_option("-t,--keytab", o.keytab, "With -k: this keytab");
  app.add_option("-c,--cache", o.cache, "Credential cache to use");
  app.add_flag("-n,--anonymous", o.anonymous, "Anonymous (not supported yet)");
  app.add_option("-S,--server", o.service, "Service to get a ticket for instead of the TGT");
  app.add_option("-T,--fast-armor-cache", o.armor_cache, "FAST armor cache (not supported yet)");
  app.add_option("-X", o.attributes, "Pre-authentication attribute[=value] (accepted, ignored)");
  auto* rp = app.add_flag("--request-pac", o.request_pac, "Ask for a PAC");
  app.add_flag("--no-request-pac", o.no_request_pac, "Ask for no PAC")->excludes(rp);
  auto* pf = app.add_option("--password-file", o.password.file, "Read the password from FILE (- for stdin)");
  app.add_option("--password-fd", o.password.fd, "Read the password from file descriptor N")->excludes(pf);
  app.add_option("principal", o.principal, "Client principal");
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;

  std::optional<Principal> client;
  krbkit::cli::ErrorReport report;
  report.line = [&client](const krbkit::Error& e) { return error_line(e, client); };
  return krbkit::cli::run_main(
      "kinit",
      [&]() -> krbkit::Result<void> {
        KRBKIT_CHECK(run(o, client));
        verbose(o, "Authenticated to Kerberos v5");
        return krbkit::success();
      },
      report);
}
