// kinit: obtain and cache a Kerberos ticket-granting ticket (MIT's options).
// Everything but the options and the prompt lives in libcore's exchange module.

#include <fmt/format.h>

#include <clocale>
#include <optional>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "common/prompt.hpp"
#include "kinit_login.hpp"
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

using kinit::Obtained;
using kinit::Options;

// -V: MIT's lines, on standard error as MIT writes them.
template <typename... Args>
void verbose(const Options& o, fmt::format_string<Args...> format, Args&&... args) {
  if (o.verbose) fmt::print(stderr, "{}\n", fmt::format(format, std::forward<Args>(args)...));
}

// kinit -R / -v: the cache's TGT, renewed or validated, replaces the cache's
// contents, as MIT's kinit does.
Result<void> renew_or_validate(const Options& o, const config::Profile& profile, ccache::Cache& cache,
                               const std::optional<ccache::CacheContents>& old, const Tracer& trace,
                               Obtained* obtained) {
  KRBKIT_TRY(fresh, exchange::refresh_tgt(profile, cache, old, o.renew, trace));
  if (obtained) {
    obtained->outcome = {o.renew ? "renew" : "validate", cache.name(), {}, std::nullopt, false};
    obtained->creds = fresh.clone();
  }
  std::vector<Credentials> creds;
  creds.push_back(std::move(fresh));
  verbose(o, "Initialized cache");
  KRBKIT_CHECK(cache.initialize_and_store(old->default_principal, creds));
  verbose(o, "Stored credentials");
  return success();
}

// Returns the name of the cache written; what went into it in `obtained` (--json).
Result<std::string> run(const Options& o, std::optional<Principal>& who, Obtained* obtained = nullptr) {
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
  auto chosen = o.anonymous ? kinit::anonymous_client(o, defaults)
                            : exchange::kinit_client(query, defaults, old, from_cache);
  if (o.renew || o.validate) {
    if (chosen && !from_cache && o.cache.empty())
      verbose(o, "Using default cache: {}", ccache::residual(cache->name()));
    if (chosen) verbose(o, "Using principal: {}", unparse_principal(*chosen));
    KRBKIT_CHECK(renew_or_validate(o, profile, *cache, old, trace, obtained));
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
  KRBKIT_CHECK(kinit::use_pkinit(o, profile, req, trace));
  KRBKIT_TRY(result, kinit::login(o, profile, defaults, req, trace));
  if (obtained) *obtained = kinit::obtained_from(result, cache->name());
  trace("Storing {} -> {} in {}", unparse_principal(result.creds.client),
        unparse_principal(result.creds.server), cache->name());
  KRBKIT_CHECK(cache->write(exchange::cache_contents(result), defaults.ccache_type)
                   .context("storing credentials in " + cache->name()));
  // --keep-renewed leaves the collection's primary alone (kswitch moves it).
  if (make_primary && !o.keep.enabled) KRBKIT_CHECK(ccache::switch_to(cache->name()));
  if (o.use_keytab) return cache->name();
  if (auto warning = exchange::password_expiry_warning(result, req, cli::now_seconds()))
    if (auto text = exchange::expiry_warning_text(*warning); !text.empty())
      fmt::print(o.json ? stderr : stdout, "{}\n", text);
  return cache->name();
}

// The client for --json's error object, once kinit knows it.
std::optional<std::string> client_name(const std::optional<Principal>& client) {
  if (!client) return std::nullopt;
  return unparse_principal(*client);
}

}  // namespace

int main(int argc, char** argv) {
  std::setlocale(LC_TIME, "");  // the password expiry warning in the locale's format, as MIT's kinit
  cli::App app{"kinit - obtain and cache a Kerberos ticket-granting ticket"};
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
  app.add_flag("--json", o.json, "Print what was obtained as JSON (krbkit-json(7))");
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
  report.json = o.json;
  report.principal = [&client] { return client_name(client); };
  return krbkit::cli::run_main(
      "kinit",
      [&]() -> krbkit::Result<int> {
        KRBKIT_CHECK(
            kinit::check_keep_options(o.keep, {own_args < argc, o.validate, !o.ticket.service.empty()}));
        if (o.keep.enabled && o.json)
          return Error{Errc::invalid_argument, "--json goes without --keep-renewed"};
        if (o.keep.enabled) return kinit::keep_renewed(o.keep, {o.cache, o.renew, o.use_keytab}, acquire);
        Obtained obtained;
        KRBKIT_CHECK(run(o, client, o.json ? &obtained : nullptr));
        verbose(o, "Authenticated to Kerberos v5");
        if (o.json && obtained.creds)
          fmt::print("{}",
                     present::kinit_json(obtained.outcome, *obtained.creds, krbkit::cli::now_seconds()));
        return krbkit::cli::kExitOk;
      },
      report);
}
