// kinit's AS exchange with its options (kinit_login.hpp).

#include "kinit_login.hpp"

#include <fmt/format.h>

#include "common/cli.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/exchange/kdc_diagnosis.hpp"
#include "krbkit/exchange/keytab_keys.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::kinit {
namespace {

// -V: MIT's lines, on standard error as MIT writes them.
void verbose_line(const Options& o, const std::string& line) {
  if (o.verbose) fmt::print(stderr, "{}\n", line);
}

// Where prompts go: the terminal's standard output as MIT's kinit, standard
// error under --json (standard output holds the document).
cli::PromptStyle prompt_style(bool json) {
  cli::PromptStyle style;
  if (json) style.prompt_to = stderr;
  return style;
}

// MIT's prompts for a new password after KEY_EXPIRED: the banner, then twice
// from the terminal (or the next lines of stdin / --password-fd; a
// --password-file holds only the old password, so stdin then). Under --json
// the banner goes to standard error: standard output holds the document.
exchange::NewPasswordPrompt ask_new_password(cli::SecretInput input, bool json) {
  if (!input.file.empty() && input.file != "-") input = {};
  return [input, json](const std::string& banner) -> Result<exchange::NewPassword> {
    fmt::print(json ? stderr : stdout, "{}\n", banner);
    KRBKIT_TRY(first, cli::read_secret(input, "Enter new password: ", prompt_style(json)));
    KRBKIT_TRY(second, cli::read_secret(input, "Enter it again: ", prompt_style(json)));
    return exchange::NewPassword{std::move(first), std::move(second)};
  };
}

}  // namespace

Result<exchange::AsResult> login(const Options& o, const config::Profile& profile,
                                 const config::LibDefaults& defaults, const exchange::AsRequest& req,
                                 const Tracer& trace) {
  if (o.anonymous) {
    exchange::NoKeySource none;
    return exchange::get_initial_credentials(profile, req, none, trace);
  }
  if (!o.use_keytab) {
    auto ask = [&o](const Principal& p) {
      return cli::read_secret(o.password, fmt::format("Password for {}: ", unparse_principal(p)),
                              prompt_style(o.json));
    };
    return exchange::get_initial_credentials_with_password(profile, req, ask,
                                                           ask_new_password(o.password, o.json),
                                                           CryptoPolicy{defaults.allow_weak_crypto}, trace);
  }
  KRBKIT_TRY(keytab, exchange::kinit_keytab_name(o.keytab, o.client_keytab, defaults));
  if (!o.keytab.empty()) verbose_line(o, "Using keytab: " + o.keytab);
  // As MIT's kinit, which finds out about a missing key in the AS exchange.
  KRBKIT_TRY(keys, exchange::keytab_key_source(keytab, req.client).context("getting initial credentials"));
  return exchange::get_initial_credentials(profile, req, keys, trace);
}

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
  pkinit.ask_passphrase = [input = o.password, json = o.json](const std::string& prompt) {
    return cli::read_secret(input, prompt + ": ", prompt_style(json));
  };
  if (!pkinit.anonymous) req.cached_etype_info.clear();
  req.pkinit = std::make_shared<exchange::PkinitOptions>(std::move(pkinit));
  return success();
}

Obtained obtained_from(const exchange::AsResult& result, const std::string& cache) {
  Obtained out;
  out.outcome.cache = cache;
  out.outcome.kdc = result.kdc;
  out.outcome.fast = result.fast;
  if (result.pa_type) {
    const std::string name = exchange::offer_name(*result.pa_type);
    out.outcome.preauth = name.empty() ? pa_type_display(*result.pa_type) : name;
  }
  out.creds = result.creds.clone();
  return out;
}

}  // namespace krbkit::kinit
