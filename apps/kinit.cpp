// kinit: obtain and cache a Kerberos ticket-granting ticket (MIT's options).
// Everything but the options and the prompt lives in libcore's exchange module.

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "common/prompt.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/config/values.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/exchange/keytab_keys.hpp"
#include "krbkit/exchange/kpasswd_client.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/net/kdc_client.hpp"
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

// -l, -r, -s: a duration; zero (or nothing) is refused too, as MIT's kinit
// refuses it ("Bad lifetime value 0").
Result<std::chrono::seconds> duration_option(const std::string& text, const char* what) {
  auto d = config::parse_duration(text);
  if (!d || d->count() <= 0)
    return Error{Errc::invalid_argument, fmt::format("bad {} value '{}'", what, text)};
  return *d;
}

// The principal, in MIT's order: the argument; with -k -i the first entry of
// the default client keytab, with -k host/<this host>; the cache's; the
// user's login name. `from_cache` says when it is the cache's.
Result<Principal> client_principal(const Options& o, const config::LibDefaults& defaults,
                                   const std::optional<ccache::CacheContents>& old, bool& from_cache) {
  const std::string realm = defaults.default_realm.value_or("");
  PrincipalParseFlags flags;
  flags.enterprise = o.enterprise;
  from_cache = false;
  if (!o.principal.empty()) return parse_principal(o.principal, realm, flags);
  if (o.use_keytab && o.client_keytab && o.keytab.empty()) {
    KRBKIT_TRY(name, keytab::default_client_keytab_name(defaults.default_client_keytab_name));
    KRBKIT_TRY(kt, keytab::read_keytab(name));
    if (kt.entries.empty()) return Error{Errc::keytab_no_key, "no entries in the client keytab " + name};
    return kt.entries.front().principal;
  }
  if (o.use_keytab) {
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

// The password prompt; what was typed is kept in `entered` for the change of
// an expired password.
Result<SecretBytes> ask_password(const cli::SecretInput& input, const Principal& client,
                                 std::optional<SecretBytes>& entered) {
  KRBKIT_TRY(pw, cli::read_secret(input, fmt::format("Password for {}: ", unparse_principal(client))));
  entered = pw.clone();
  return pw;
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

// A prompt of the expired-password change that found no input: the error
// says that the password has expired, in MIT's context ("while getting
// initial credentials"). Other errors pass unchanged.
Error expired_without_input(Error e) {
  if (!e.is(Errc::cancelled)) return e;
  e.detail = e.detail.empty() ? "password expired" : "password expired; " + e.detail;
  e.context.push_back("getting initial credentials");
  return e;
}

// After a password login, MIT's warning that the password expires soon
// (get_in_tkt.c warn_pw_expiry): the expiry from last-req (password or
// account expiry types) is always shown, the reply's key-expiration only
// within a week; never for kadmin/changepw. On stdout, in the locale's %c.
void warn_password_expiry(const exchange::AsResult& result, const exchange::AsRequest& req) {
  constexpr std::int32_t kPasswordExpiry = 6;  // LR_TYPE pw_exptime (negative: this KDC only)
  std::optional<KerberosTime> expiry;
  bool from_last_req = false;
  for (const auto& lr : result.last_req) {
    if (lr.lr_type == kPasswordExpiry || lr.lr_type == -kPasswordExpiry) expiry = lr.lr_value;
    if (std::abs(lr.lr_type) == kPasswordExpiry || std::abs(lr.lr_type) == kPasswordExpiry + 1)
      from_last_req = true;
  }
  if (!from_last_req) expiry = result.key_expiration;
  if (!expiry || expiry->time_since_epoch().count() == 0) return;
  if (req.server && req.server->components == std::vector<std::string>{"kadmin", "changepw"}) return;
  const auto now = cli::now_seconds();
  const long long delta = std::chrono::duration_cast<std::chrono::seconds>(*expiry - now).count();
  if (!from_last_req && (delta < 0 || delta > 7 * 86400)) return;
  const std::time_t when =
      std::chrono::duration_cast<std::chrono::seconds>(expiry->time_since_epoch()).count();
  std::tm local{};
  char text[256] = {};
  if (::localtime_r(&when, &local) == nullptr || std::strftime(text, sizeof text, "%c", &local) == 0) return;
  if (delta < 3600)
    fmt::print("Warning: Your password will expire in less than one hour on {}\n", text);
  else if (delta < 2 * 86400)
    fmt::print("Warning: Your password will expire in {} hour{} on {}\n", delta / 3600,
               delta < 7200 ? "" : "s", text);
  else
    fmt::print("Warning: Your password will expire in {} days on {}\n", delta / 86400, text);
}

// kinit -R / -v: the cache's TGT, renewed or validated by the KDC (a TGS
// exchange), replaces the cache's contents, as MIT's kinit does.
Result<void> renew_or_validate(const Options& o, const config::Profile& profile, ccache::Cache& cache,
                               const std::optional<ccache::CacheContents>& old, const Tracer& trace) {
  if (!old) {
    Error e{Errc::ccache_not_found,
            cache.type() == "FILE" ? "filename: " + residual(cache.name()) : cache.name()};
    e.context.push_back(o.renew ? "renewing credentials" : "validating credentials");
    return e;
  }
  KRBKIT_TRY(tgt, exchange::find_local_tgt(*old, cache.name()));
  net::KdcClient kdcs(profile, trace);
  KRBKIT_TRY(fresh, o.renew ? exchange::renew_credentials(profile, tgt, kdcs, trace)
                            : exchange::validate_credentials(profile, tgt, kdcs, trace));
  std::vector<Credentials> creds;
  creds.push_back(std::move(fresh));
  verbose(o, "Initialized cache");
  KRBKIT_CHECK(cache.initialize_and_store(old->default_principal, creds));
  verbose(o, "Stored credentials");
  return success();
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
  auto chosen = client_principal(o, defaults, old, from_cache);
  if (o.renew || o.validate) {
    if (chosen && !from_cache && o.cache.empty())
      verbose(o, "Using default cache: {}", residual(cache->name()));
    if (chosen) verbose(o, "Using principal: {}", unparse_principal(*chosen));
    return renew_or_validate(o, profile, *cache, old, trace);
  }
  KRBKIT_TRY(client, std::move(chosen));
  const std::string client_text = unparse_principal(client);
  who = client;
  // Without -c and a principal of the default cache's: into a collection
  // (DIR:), the cache already holding this principal, else a new one when
  // the primary holds someone else; MIT's words for each.
  // As MIT's kinit, the collection's primary moves only to a cache chosen
  // here (existing or new), never because the default cache was written.
  bool switch_after = false;
  if (o.cache.empty() && !from_cache) {
    std::string line = "default";
    if (cache->type() == "DIR") {
      KRBKIT_TRY(found, ccache::find_in_collection(cache_name, client));
      if (found) {
        KRBKIT_TRY(other, ccache::open(*found));
        cache = std::move(other);
        line = "existing";
        switch_after = true;
      } else if (old && !(old->default_principal == client)) {
        KRBKIT_TRY(fresh, ccache::new_unique(cache_name).context("generating new ccache"));
        cache = std::move(fresh);
        line = "new";
        switch_after = true;
      }
    }
    verbose(o, "Using {} cache: {}", line, residual(cache->name()));
  }
  verbose(o, "Using principal: {}", client_text);

  exchange::AsRequest req;
  req.client = client;
  if (!o.service.empty()) {
    KRBKIT_TRY(service, parse_principal(o.service, client.realm));
    req.server = service;
  }
  if (o.lifetime) {
    KRBKIT_TRY(d, duration_option(*o.lifetime, "lifetime"));
    req.lifetime = d;
  }
  if (o.renewable_life) {
    KRBKIT_TRY(d, duration_option(*o.renewable_life, "renewable lifetime"));
    req.renew_life = d;
  }
  if (o.start_time) {
    KRBKIT_TRY(d, duration_option(*o.start_time, "start time"));
    req.start_in = d;
  }
  if (o.forwardable || o.not_forwardable) req.forwardable = o.forwardable;
  if (o.proxiable || o.not_proxiable) req.proxiable = o.proxiable;
  if (o.addresses || o.no_addresses) req.with_addresses = o.addresses;
  if (o.request_pac || o.no_request_pac) req.request_pac = o.request_pac;
  req.canonicalize = o.canonicalize || o.enterprise;
  for (const auto& attr : o.attributes) trace("Ignoring pre-authentication attribute {}", attr);
  if (old) req.cached_etype_info = exchange::cached_etype_info(*old, client);

  CryptoPolicy policy{defaults.allow_weak_crypto};
  std::unique_ptr<exchange::KeySource> keys;
  auto entered = std::make_shared<std::optional<SecretBytes>>();
  if (o.use_keytab) {
    std::string keytab = o.keytab;
    if (keytab.empty() && o.client_keytab) {
      KRBKIT_TRY(name, keytab::default_client_keytab_name(defaults.default_client_keytab_name));
      keytab = name;
    }
    if (keytab.empty()) {
      KRBKIT_TRY(name, keytab::default_keytab_name(defaults.default_keytab_name));
      keytab = name;
    }
    if (!o.keytab.empty()) verbose(o, "Using keytab: {}", o.keytab);
    auto source = exchange::keytab_key_source(keytab, client);
    if (!source) {  // as MIT's kinit, which finds out in the AS exchange
      Error e = std::move(source).error();
      e.context.push_back("getting initial credentials");
      return e;
    }
    keys = std::make_unique<exchange::KeytabKeySource>(std::move(*source));
  } else {
    keys = std::make_unique<exchange::PasswordKeySource>(
        client, [&o, entered](const Principal& p) { return ask_password(o.password, p, *entered); }, policy);
  }

  auto result = exchange::get_initial_credentials(profile, req, *keys, trace);
  if (!result && result.error().is(KdcErr::key_expired) && !o.use_keytab) {
    // KEY_EXPIRED: as MIT, ask for a new password twice, change it, try again
    // with it. A principal without pre-authentication hears KEY_EXPIRED
    // before any password was asked for: ask for the old one first then.
    // Input that ends before a password (old or new) could be read fails as
    // MIT's kinit fails then: "Cannot read password", exit 1.
    if (!*entered) {
      auto asked = ask_password(o.password, client, *entered);
      if (!asked) return expired_without_input(std::move(asked).error());
    }
    auto fresh =
        exchange::change_expired_password(profile, client, **entered, ask_new_password(o.password), trace);
    if (!fresh) return expired_without_input(std::move(fresh).error());
    exchange::PasswordKeySource fresh_keys(client, std::move(*fresh), policy);
    result = exchange::get_initial_credentials(profile, req, fresh_keys, trace);
  }
  if (!result) return std::move(result).error();
  trace("Storing {} -> {} in {}", unparse_principal(result->creds.client),
        unparse_principal(result->creds.server), cache->name());
  KRBKIT_CHECK(cache->write(exchange::cache_contents(*result), defaults.ccache_type)
                   .context("storing credentials in " + cache->name()));
  if (switch_after) KRBKIT_CHECK(ccache::switch_to(cache->name()));
  if (!o.use_keytab) warn_password_expiry(*result, req);
  return success();
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
  auto result = run(o, client);
  if (result.ok()) {
    verbose(o, "Authenticated to Kerberos v5");
    return krbkit::cli::kExitOk;
  }
  std::fflush(stdout);
  const auto& error = result.error();
  // The AS exchange's errors read as MIT's kinit words them, naming the principal.
  std::string line =
      client ? krbkit::exchange::describe_initial_creds_error(error, *client) : error.message();
  if (error.is(krbkit::Errc::keytab_not_found) && !error.detail.empty()) {
    // The detail says it as MIT does: "Key table file 'PATH' not found".
    line = error.detail;
    for (const auto& c : error.context) line += " while " + c;
  }
  if (client && error.is(krbkit::Errc::cancelled)) {
    // No password to read (input ended): MIT's words, naming the principal.
    line = fmt::format("Cannot read password for '{}'", krbkit::unparse_principal(*client));
    if (!error.detail.empty()) line += " (" + error.detail + ")";
    for (const auto& c : error.context) line += " while " + c;
  }
  fmt::print(stderr, "kinit: {}\n", line);
  return krbkit::cli::exit_code_for(error);
}
