// kvno: get service tickets and print the key version numbers of their
// services, as MIT's kvno does (same options, output and exit status:
// 0 when every service worked, 1 otherwise), plus --json, and --decode: the
// ticket opened with the service's keytab, its EncTicketPart and PAC shown
// and checked (libcore/pac/ticket.hpp).

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "common/cli.hpp"
#include "krbkit/base/json.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "kvno_check.hpp"

namespace {

using namespace krbkit;

using kvno::Options;
using kvno::Outcome;

// --json: {"schema": 1, "services": [...]}, one object per service argument,
// in order; `failure` (the error that stopped kvno as a whole, "" if none)
// goes to every service without an error of its own, so a script finds it
// where it looks.
void outcome_json(json::Writer& w, const std::string& argument, const Outcome& r,
                  const std::string& failure) {
  w.begin_object().member("argument", argument).member("service", r.name);
  if (r.info) {
    w.member("kvno", r.info->kvno)
        .member("ticket_enctype", enctype_name(r.info->ticket_enctype))
        .member("session_enctype", enctype_name(r.info->session_enctype));
  }
  if (r.keytab_valid) w.member("keytab_valid", *r.keytab_valid);
  if (r.decoded) {
    w.key("decoded");
    pac::ticket_json(w, *r.decoded);
  }
  if (r.failed() || !failure.empty()) {
    std::string error = r.failed() ? r.error : failure;
    for (const auto& p : r.problems) error += (error.empty() ? "" : "; ") + p;
    w.member("error", error);
  }
  w.end_object();
}

std::string kvno_json(const std::vector<std::string>& arguments, const std::vector<Outcome>& outcomes,
                      const std::string& failure) {
  json::Writer w;
  w.schema(1).begin_object().key("services").begin_array();
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    if (i < outcomes.size()) {
      outcome_json(w, arguments[i], outcomes[i], failure);
      continue;
    }
    w.begin_object()
        .member("argument", arguments[i])
        .member("service", arguments[i])
        .member("error", failure)
        .end_object();
  }
  w.end_array().end_object();
  return w.finish();
}

void print(const Options& o, const std::vector<Outcome>& outcomes, const std::string& failure) {
  if (o.json) fmt::print("{}", kvno_json(o.services, outcomes, failure));
  for (const auto& r : outcomes) {
    // A decoded ticket is shown even when a check failed: the admin sees what failed.
    if (r.decoded && !o.json) {
      if (!o.quiet) fmt::print("{}: kvno = {}, keytab entry valid\n", r.asked, r.info->kvno);
      fmt::print("{}\n", pac::ticket_text(*r.decoded));
    }
    if (r.failed() && !o.json) {  // --json: main's one error object instead
      std::fflush(stdout);
      // MIT's line before the error when the ticket does not decrypt with the keytab.
      if (r.keytab_valid && !*r.keytab_valid && !o.quiet && !o.json)
        fmt::print(stderr, "{}: kvno = {}, keytab entry invalid\n", r.asked, r.info->kvno);
      if (!r.error.empty() && !(o.quiet && r.parse_error)) fmt::print(stderr, "kvno: {}\n", r.error);
      for (const auto& p : r.problems) fmt::print(stderr, "kvno: {}\n", p);
    } else if (!o.quiet && !o.json && !r.decoded) {
      fmt::print("{}: kvno = {}{}\n", r.asked, r.info->kvno, r.keytab_valid ? ", keytab entry valid" : "");
    }
  }
}

// --json: the first failed service's error, for the one error object; its
// words are the plain line's (an identity line prints them as they are).
Error first_failure(const Outcome& r) {
  Error e = r.cause ? *r.cause : Error{Errc::integrity};
  std::string text = r.error;
  for (const auto& p : r.problems) text += (text.empty() ? "" : "; ") + p;
  e.summary = text;
  e.detail.clear();
  e.context.clear();
  return e;
}

// Options that go together only in some ways.
Result<void> check_combinations(const Options& o) {
  const auto usage = [](std::string text) {
    Error e{Errc::invalid_argument};
    e.summary = std::move(text);
    return e;
  };
  if (o.audit && (o.keytab.empty() || o.decode || !o.out_cache.empty()))
    return usage("--audit needs -k KEYTAB and goes without --decode and --out-cache");
  if (o.services.empty() && !o.audit) return usage("a service principal is required (or --audit -k KEYTAB)");
  if ((o.decode || !o.krbtgt_keytab.empty()) && o.keytab.empty())
    return usage("--decode needs -k KEYTAB (the service's keys)");
  if (!o.krbtgt_keytab.empty() && !o.decode) return usage("--krbtgt-keytab goes with --decode");
  if (!o.cert_file.empty()) {
    Error e{Errc::unsupported};
    e.summary = fmt::format("-F {}: S4U2Self with the user's certificate is not supported yet (use -I or -U)",
                            o.cert_file);
    return e;
  }
  if (o.proxy && o.impersonate.empty() && o.enterprise.empty()) return usage("-P requires -I or -U");
  return success();
}

void add_options(cli::App& app, Options& o) {
  app.add_option("-c,--cache", o.cache, "Credentials cache to use")->option_text("CCACHE");
  app.add_option("-e,--enctype", o.etype, "Session key enctype to request")->option_text("ETYPE");
  app.add_flag("-q,--quiet", o.quiet, "Print nothing on success");
  app.add_option("-k,--keytab", o.keytab, "Check each ticket decrypts with this keytab")
      ->option_text("KEYTAB");
  app.add_flag("-C", o.canonicalize, "Ask the KDC to canonicalize the service principal names");
  auto* u = app.add_flag("-u", o.unknown_type, "Use the unknown name type for the services");
  app.add_option("-S", o.sname, "Arguments are host names; build SNAME/host principals")
      ->option_text("SNAME")
      ->excludes(u);
  auto* impersonate =
      app.add_option("-I", o.impersonate, "S4U2Self: get the tickets for this user")->option_text("FOR_USER");
  auto* enterprise = app.add_option("-U", o.enterprise, "As -I, with FOR_USER an enterprise name")
                         ->option_text("FOR_USER")
                         ->excludes(impersonate);
  // MIT's -F cert_file (S4U2Self by certificate): kept out of --help and the
  // completions until libcore can send a subject certificate; a clear refusal.
  app.add_option("-F", o.cert_file)->group("");
  app.add_flag("-P", o.proxy, "S4U2Proxy: the services are reached by constrained delegation (with -I/-U)");
  app.add_option("--u2u", o.u2u_cache, "User-to-user ticket with the TGT in this cache")
      ->option_text("CCACHE")
      ->excludes(impersonate)
      ->excludes(enterprise);
  app.add_flag("--cached-only", o.cached_only, "Only use tickets already in the cache");
  app.add_flag("--no-store", o.no_store, "Do not store the tickets in the cache");
  app.add_option("--out-cache", o.out_cache, "Initialize this cache and store the tickets there")
      ->option_text("CCACHE");
  app.add_flag("--json", o.json, "Print the results as JSON");
  app.add_flag("--decode", o.decode,
               "With -k: decrypt each ticket and print its contents and PAC, with the signature checks");
  app.add_option("--krbtgt-keytab", o.krbtgt_keytab,
                 "With --decode: krbtgt's keys, to check the PAC's KDC signature")
      ->option_text("KEYTAB");
  app.add_flag("--audit", o.audit,
               "With -k: check every key of the keytab (of the principals named) against the KDC");
  app.add_option("service", o.services, "Service principals (host names with -S)");
}

}  // namespace

int main(int argc, char** argv) {
  cli::App app{"kvno - get service tickets and print the key version numbers of the services"};
  krbkit::cli::add_version_flag(app, "kvno");
  Options o;
  add_options(app, o);
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;

  // MIT's kvno exits 1 for any failure once it runs; a wrong combination of
  // options is a usage error.
  bool started = false;
  krbkit::cli::ErrorReport report;
  report.status = [&started](const krbkit::Error& e) { return started ? 1 : krbkit::cli::exit_code_for(e); };
  report.json = o.json;
  return krbkit::cli::run_main(
      "kvno",
      [&]() -> krbkit::Result<int> {
        KRBKIT_CHECK(check_combinations(o));
        if (o.audit) return kvno::audit(o);
        started = true;
        std::vector<Outcome> outcomes;
        auto status = kvno::run(o, outcomes);
        print(o, outcomes, status ? std::string() : status.error().message());
        // The whole run's error comes after the lines of the services that worked, as MIT's kvno prints it.
        if (!status) return std::move(status).error();
        const auto failed =
            std::find_if(outcomes.begin(), outcomes.end(), [](const Outcome& r) { return r.failed(); });
        if (failed == outcomes.end()) return 0;
        if (o.json) return krbkit::cli::report_error("kvno", first_failure(*failed), report, 1);
        return 1;
      },
      report);
}
