// kdiag: what is wrong between this host and a realm's KDCs, password and
// admin servers, found without a password (krbkit's own command). The
// probes and every decision are libcore's (exchange/kdc_diagnosis.hpp); the
// output is present/kdiag.hpp's.

#include "krbkit/present/kdiag.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "common/cli.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/kdc_diagnosis.hpp"
#include "krbkit/proto/principal.hpp"

namespace {

using namespace krbkit;

struct Options {
  std::string realm;
  std::string principal;
  std::vector<std::string> kdcs;
  int timeout_ms = 1000;
  bool json = false;
};

// The default cache's principal, when there is a readable cache.
std::optional<Principal> cache_principal() {
  auto name = cli::default_ccache_name();
  if (!name) return std::nullopt;
  auto cache = ccache::open(*name);
  if (!cache) return std::nullopt;
  auto contents = (*cache)->read();
  if (!contents) return std::nullopt;
  return contents->default_principal;
}

Result<exchange::DiagnoseOptions> diagnose_options(const Options& o, const config::Profile& profile) {
  exchange::DiagnoseOptions d;
  const auto default_realm = config::libdefault(profile, {}, "default_realm").value_or("");
  if (!o.principal.empty()) {
    KRBKIT_TRY(p, parse_principal(o.principal, o.realm.empty() ? default_realm : o.realm));
    d.principal = std::move(p);
  } else if (auto p = cache_principal(); p && (o.realm.empty() || p->realm == o.realm)) {
    d.principal = std::move(*p);
  }
  d.realm = !o.realm.empty() ? o.realm : d.principal ? d.principal->realm : default_realm;
  if (d.realm.empty()) return Error{Errc::config, "no realm named and no default_realm in krb5.conf"};
  for (const auto& k : o.kdcs) {
    KRBKIT_TRY(target, net::parse_server(k));
    d.kdcs.push_back(std::move(target));
  }
  d.deadline = std::chrono::milliseconds(o.timeout_ms);
  d.tracer = Tracer::from_process();
  return d;
}

// 0: nothing wrong; 5: no KDC answered; 6: the clock is off; 1: other problems.
int status_of(const exchange::Diagnosis& d) {
  if (!exchange::any_kdc_answered(d)) return cli::kExitKdcUnreachable;
  if (exchange::clock_skewed(d)) return cli::kExitClockSkew;
  return d.problems.empty() ? cli::kExitOk : cli::kExitFailure;
}

Result<int> run(const Options& o) {
  const auto env = Environment::from_process();
  KRBKIT_TRY(profile, config::load_profile(env));
  KRBKIT_TRY(options, diagnose_options(o, profile));
  net::NetworkProber prober(profile, options.tracer);
  KRBKIT_TRY(diagnosis, exchange::diagnose(profile, options, prober));
  const std::string out = o.json ? present::kdiag_json(diagnosis) : present::kdiag_text(diagnosis);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return status_of(diagnosis);
}

}  // namespace

int main(int argc, char** argv) {
  cli::App app{"kdiag - find what is wrong between this host and a realm's Kerberos servers"};
  cli::add_version_flag(app, "kdiag");
  Options o;
  app.add_option("realm", o.realm, "The realm (default: the principal's, else default_realm)")
      ->type_name("REALM");
  app.add_option("-p,--principal", o.principal,
                 "Ask the KDC about this principal (default: the default cache's)")
      ->type_name("PRINCIPAL");
  app.add_option("--kdc", o.kdcs, "Probe this KDC instead of the located ones (repeatable)")
      ->type_name("HOST[:PORT]");
  app.add_option("--timeout", o.timeout_ms, "Milliseconds each probe waits for an answer (default 1000)")
      ->type_name("MS")
      ->check(CLI::Range(50, 30000));
  app.add_flag("--json", o.json, "Print a JSON document (schema 1) instead of the table");
  if (int rc = cli::parse(app, argc, argv); rc >= 0) return rc;
  return cli::run_main("kdiag", [&] { return run(o); }, {{}, {}, o.json, {}});
}
