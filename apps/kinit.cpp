// kinit: obtain and cache a Kerberos ticket-granting ticket (MIT's options).
// Everything but the options and the prompt lives in libcore's exchange module.

#include <fmt/format.h>

#include <clocale>
#include <optional>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "common/prompt.hpp"
#include "kinit_options.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache_choice.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/exchange/fast.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/exchange/keytab_keys.hpp"
#include "krbkit/exchange/login.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/net/dns_realm.hpp"
#include "krbkit/proto/principal.hpp"

namespace {

using namespace krbkit;

struct Options {
  bool verbose = false;
  exchange::TicketOptions ticket;  // -l, -r, -s given, if only as ""
  bool validate = false, renew = false, use_keytab = false, client_keytab = false, anonymous = false;
  std::string keytab, cache, armor_cache;
  std::vector<std::string> attributes;
  cli::SecretInput password;
  std::string principal;
  kinit::KeepOptions keep;
};

// -V: MIT's lines, on standard error as MIT writes them.
template <typename... Args>
void verbose(const Options& o, fmt::format_string<Args...> format, Args&&... args) {
  if (o.verbose) fmt::print(stderr, "{}\n", fmt::format(format, std::forward<Args>(args)...));
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

// The AS exchange: with the keytab's keys (-k), else with the password.
Result<exchange::AsResult> login(const Options& o, const config::Profile& profile,
                                 const config::LibDefaults& defaults, const exchange::AsRequest& req,
                                 const Tracer& trace) {
  if (o.anonymous) {
    exchange::NoKeySource none;
    return exchange::get_initial_credentials(profile, req, none, trace);
  }
  if (!o.use_keytab) {
    auto ask = [&o](const Principal& p) {
      return cli::read_secret(o.password, fmt::format("Password for {}: ", unparse_principal(p)));
    };
    return exchange::get_initial_credentials_with_password(profile, req, ask, ask_new_password(o.password),
                                                           CryptoPolicy{defaults.allow_weak_crypto}, trace);
  }
  KRBKIT_TRY(keytab, exchange::kinit_keytab_name(o.keytab, o.client_keytab, defaults));
  if (!o.keytab.empty()) verbose(o, "Using keytab: {}", o.keytab);
  // As MIT's kinit, which finds out about a missing key in the AS exchange.
  KRBKIT_TRY(keys, exchange::keytab_key_source(keytab, req.client).context("getting initial credentials"));
  return exchange::get_initial_credentials(profile, req, keys, trace);
}

// kinit -n [@REALM]: the anonymous principal of the named (or default) realm.
Result<Principal> anonymous_client(const Options& o, const config::LibDefaults& defaults) {
  std::string realm = defaults.default_realm.value_or("");
  if (!o.principal.empty()) {
    if (o.principal.front() != '@' || o.principal.size() < 2)
      return Error{Errc::invalid_argument, "kinit -n takes no principal name, only @REALM"};
    realm = o.principal.substr(1);
  }
  if (realm.empty()) return Error{Errc::config, "kinit -n: no realm given and no default_realm"};
  return exchange::anonymous_principal(realm);
}

// PKINIT with krb5.conf's settings for the client's realm and -X's over
// them: always for -n, else when there is a certificate identity to sign
// with (then no password goes out before the KDC says what it offers).
Result<void> use_pkinit(const Options& o, const config::Profile& profile, exchange::AsRequest& req,
                        const Tracer& trace) {
  auto read = exchange::pkinit_options(profile, req.client.realm);
  if (!read && !o.anonymous && o.attributes.empty()) {
    trace("Not using PKINIT: {}", read.error().message());
    return success();
  }
  KRBKIT_TRY(pkinit, std::move(read));
  std::vector<std::string> ignored;
  KRBKIT_CHECK(exchange::apply_preauth_attributes(pkinit, o.attributes, ignored));
  for (const auto& attr : ignored) trace("Ignoring pre-authentication attribute {}", attr);
  pkinit.anonymous = o.anonymous;
  if (!pkinit.anonymous && pkinit.identities.empty()) return success();
  pkinit.ask_passphrase = [input = o.password](const std::string& prompt) {
    return cli::read_secret(input, prompt + ": ");
  };
  if (!pkinit.anonymous) req.cached_etype_info.clear();
  req.pkinit = std::make_shared<exchange::PkinitOptions>(std::move(pkinit));
  return success();
}

// Returns the name of the cache written.
Result<std::string> run(const Options& o, std::optional<Principal>& who) {
  Environment env = Environment::from_process();
  Tracer trace = Tracer::from_process();
  KRBKIT_TRY(profile, config::load_profile(env));
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile));
  net::default_realm_from_dns(defaults, trace);

  // The cache: -c, else the default (KRB5CCNAME, default_ccache_name).
  KRBKIT_TRY(cache_name, o.cache.empty() ? ccache::default_cache_name(defaults.default_ccache_name)
                                         : Result<std::string>(o.cache));
  KRBKIT_TRY(cache, ccache::open(cache_name));
  std::optional<ccache::CacheContents> old;
  if (cache->exists())
    if (auto contents = cache->read(); contents.ok()) old = std::move(contents).value();
  if (!o.cache.empty()) verbose(o, "Using specified cache: {}", o.cache);

  bool from_cache = false;
  exchange::ClientQuery query{o.principal, o.ticket.enterprise, o.use_keytab,
                              o.client_keytab && o.keytab.empty()};
  auto chosen =
      o.anonymous ? anonymous_client(o, defaults) : exchange::kinit_client(query, defaults, old, from_cache);
  if (o.renew || o.validate) {
    if (chosen && !from_cache && o.cache.empty())
      verbose(o, "Using default cache: {}", ccache::residual(cache->name()));
    if (chosen) verbose(o, "Using principal: {}", unparse_principal(*chosen));
    KRBKIT_CHECK(renew_or_validate(o, profile, *cache, old, trace));
    return cache->name();
  }
  KRBKIT_TRY(client, std::move(chosen));
  who = client;
  bool make_primary = false;
  if (o.cache.empty() && !from_cache) {
    std::optional<Principal> holder;
    if (old) holder = old->default_principal;
    KRBKIT_TRY(choice, ccache::choose_cache_for(std::move(cache), cache_name, client, holder));
    verbose(o, "Using {} cache: {}", choice.kind, ccache::residual(choice.cache->name()));
    cache = std::move(choice.cache);
    make_primary = choice.make_primary;
  }
  verbose(o, "Using principal: {}", unparse_principal(client));

  KRBKIT_TRY(req, exchange::kinit_request(o.ticket, client, old));
  if (!o.armor_cache.empty()) {
    KRBKIT_TRY(armor, exchange::load_fast_armor(o.armor_cache, client.realm, cli::now_seconds()));
    req.armor = std::move(armor);
  }
  KRBKIT_CHECK(use_pkinit(o, profile, req, trace));
  KRBKIT_TRY(result, login(o, profile, defaults, req, trace));
  trace("Storing {} -> {} in {}", unparse_principal(result.creds.client),
        unparse_principal(result.creds.server), cache->name());
  KRBKIT_CHECK(cache->write(exchange::cache_contents(result), defaults.ccache_type)
                   .context("storing credentials in " + cache->name()));
  // --keep-renewed leaves the collection's primary alone (kswitch moves it).
  if (make_primary && !o.keep.enabled) KRBKIT_CHECK(ccache::switch_to(cache->name()));
  if (o.use_keytab) return cache->name();
  if (auto warning = exchange::password_expiry_warning(result, req, cli::now_seconds()))
    if (auto text = exchange::expiry_warning_text(*warning); !text.empty()) fmt::print("{}\n", text);
  return cache->name();
}

}  // namespace

int main(int argc, char** argv) {
  std::setlocale(LC_TIME, "");  // the password expiry warning in the locale's format, as MIT's kinit
  CLI::App app{"kinit - obtain and cache a Kerberos ticket-granting ticket"};
  krbkit::cli::add_version_flag(app, "kinit");
  Options o;
  app.add_flag("-V", o.verbose, "Verbose output");
  kinit::add_ticket_options(app, o.ticket);
  app.add_flag("-v,--validate", o.validate, "Validate a postdated ticket");
  app.add_flag("-R,--renew", o.renew, "Renew the ticket");
  app.add_flag("-k,--use-keytab", o.use_keytab, "Use a keytab instead of a password");
  app.add_flag("-i", o.client_keytab, "With -k: the default client keytab");
  app.add_option("-t,--keytab", o.keytab, "With -k: this keytab");
  app.add_option("-c,--cache", o.cache, "Credential cache to use");
  app.add_flag("-n,--anonymous", o.anonymous,
               "Anonymous PKINIT: a TGT for WELLKNOWN/ANONYMOUS (principal: @REALM)");
  app.add_option("-S,--server", o.ticket.service, "Service to get a ticket for instead of the TGT");
  app.add_option("-T,--fast-armor-cache", o.armor_cache,
                 "Armor the request with FAST, using this cache's TGT");
  app.add_option("-X", o.attributes,
                 "Pre-authentication attribute=value, one per -X: X509_user_identity=FILE:cert,key | "
                 "PKCS12:file | DIR:folder, X509_anchors=FILE:ca.pem | DIR:folder")
      ->allow_extra_args(false);
  auto* pf = app.add_option("--password-file", o.password.file,
                            "Read the password (or a PKINIT key's pass phrase) from FILE (- for stdin)");
  app.add_option("--password-fd", o.password.fd, "Read the password from file descriptor N")->excludes(pf);
  app.add_option("principal", o.principal, "Client principal");
  kinit::add_keep_options(app, o.keep);
  const int own_args = kinit::split_command(argc, argv, o.keep.command);
  if (int rc = krbkit::cli::parse(app, own_args, argv); rc >= 0) return rc;

  std::optional<Principal> client;
  kinit::Acquire acquire = [&](const std::string& cache, bool renew) {
    Options once = o;
    once.cache = cache;
    once.renew = renew;
    return run(once, client);
  };
  krbkit::cli::ErrorReport report;
  report.line = [&client](const krbkit::Error& e) { return exchange::describe_kinit_error(e, client); };
  return krbkit::cli::run_main(
      "kinit",
      [&]() -> krbkit::Result<int> {
        KRBKIT_CHECK(
            kinit::check_keep_options(o.keep, {own_args < argc, o.validate, !o.ticket.service.empty()}));
        if (o.keep.enabled) return kinit::keep_renewed(o.keep, {o.cache, o.renew, o.use_keytab}, acquire);
        KRBKIT_CHECK(run(o, client));
        verbose(o, "Authenticated to Kerberos v5");
        return krbkit::cli::kExitOk;
      },
      report);
}
