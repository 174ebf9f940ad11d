// krbkit-klist-decode: the `klist --decode` of krbkit's klist, in its own
// executable so that klist itself does not link the crypto code (OpenSSL's
// start-up relocations cost klist more than MIT's klist takes in all).
// klist checks the options, resolves the keytab name and execs this with
//
//   krbkit-klist-decode [--json] [--krbtgt-keytab KEYTAB] KEYTAB [SERVICE]
//
// It opens the cache's service tickets with the service's keys and shows
// their EncTicketPart and PAC (libcore/pac/ticket.hpp); messages and exit
// codes are klist's. Installed in libexec/krbkit/, not for direct use.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "common/cli.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/config/values.hpp"
#include "krbkit/exchange/keytab_keys.hpp"
#include "krbkit/exchange/ticket_acceptance.hpp"
#include "krbkit/pac/ticket.hpp"
#include "krbkit/proto/principal.hpp"

namespace {

using namespace krbkit;

struct Options {
  bool json = false;
  std::string keytab, service, krbtgt_keytab;
};

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// The cache's ticket for o.service, or every ticket whose server has a key
// in the keytab, opened and checked. Prints each decoded ticket even when a
// check fails; `problems` gets one line per failed check.
Result<void> decode_tickets(const Options& o, std::vector<std::string>& problems) {
  const std::string& kt_name = o.keytab;
  KRBKIT_TRY(decode, exchange::decode_options(kt_name, o.krbtgt_keytab));
  KRBKIT_TRY(cache_name, cli::default_ccache_name());
  KRBKIT_TRY(cache, ccache::open(cache_name));
  KRBKIT_TRY(contents, cache->read());
  const auto env = Environment::from_process();
  KRBKIT_TRY(profile, config::load_profile(env));
  std::optional<Principal> wanted;
  if (!o.service.empty()) {
    KRBKIT_TRY(defaults, config::LibDefaults::from(profile));
    KRBKIT_TRY(p, parse_principal(o.service, defaults.default_realm.value_or("")));
    wanted = std::move(p);
  }
  std::vector<const Credentials*> chosen;
  for (const auto& creds : contents.creds) {
    if (wanted ? ccache::holds_ticket_for(creds, *wanted)
               : std::any_of(
                     decode.service_keys.begin(), decode.service_keys.end(),
                     [&](const pac::ServiceKey& k) { return ccache::holds_ticket_for(creds, k.principal); }))
      chosen.push_back(&creds);
  }
  if (chosen.empty())
    return Error{Errc::no_credentials,
                 wanted ? fmt::format("{} holds no ticket for {} (kvno gets one)", cache->name(),
                                      unparse_principal(*wanted))
                        : fmt::format("{} holds no ticket for a principal of {}", cache->name(), kt_name)};
  std::optional<json::Writer> w;
  if (o.json) {
    w.emplace().schema(1);
    w->begin_object().member("cache", cache->name()).member("keytab", kt_name).key("tickets").begin_array();
  }
  std::optional<Error> first_error;
  bool printed = false;
  for (const auto* creds : chosen) {
    decode.expected_client = creds->client;
    decode.expected_session_key = creds->session_key.clone();
    auto t = exchange::open_ticket(creds->ticket, decode, profile);
    if (!t) {
      if (!first_error) first_error = std::move(t).error();
      continue;
    }
    for (auto& problem : t->problems()) problems.push_back(std::move(problem));
    if (w) {
      pac::ticket_json(*w, *t);
    } else {
      print((printed ? "\n" : "") + pac::ticket_text(*t));
      printed = true;
    }
  }
  if (w) {
    w->end_array().end_object();
    print(w->finish());
  }
  if (first_error) return std::move(*first_error);
  return success();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"krbkit-klist-decode - klist --decode's helper (run `klist --decode -k KEYTAB` instead)"};
  Options o;
  app.add_flag("--json", o.json, "Print the decoded tickets as JSON");
  app.add_option("--krbtgt-keytab", o.krbtgt_keytab, "krbtgt's keys, to check the PAC's KDC signature")
      ->type_name("KEYTAB");
  app.add_option("keytab", o.keytab, "The service's keytab")->required();
  app.add_option("service", o.service, "The service whose ticket to decode");
  if (int rc = cli::parse(app, argc, argv); rc >= 0) return rc;
  const cli::ErrorReport report{{}, {}, o.json, {}};
  return cli::run_main(
      "klist",
      [&]() -> Result<int> {
        std::vector<std::string> problems;
        auto decoded = decode_tickets(o, problems);
        std::fflush(stdout);
        if (!decoded) return std::move(decoded).error();
        if (o.json && !problems.empty())  // the failed checks as one error object
          return cli::report_error("klist",
                                   Error{Errc::integrity, fmt::format("{}", fmt::join(problems, "; "))},
                                   report, cli::kExitFailure);
        for (const auto& p : problems) fmt::print(stderr, "klist: {}\n", p);
        return problems.empty() ? cli::kExitOk : cli::kExitFailure;
      },
      report);
}
