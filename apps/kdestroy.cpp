// kdestroy: destroy Kerberos tickets (MIT's options, Heimdal's --all,
// --cache and --credential too). libcore's destroy() overwrites the cache file with zeros
// before unlinking it, so no ticket or session key stays readable.

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include "common/cli.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/present/tool_json.hpp"
#include "krbkit/proto/principal.hpp"

namespace {

using namespace krbkit;

struct Options {
  bool all = false, quiet = false, json = false;
  std::string cache, principal, credential;
};

// A principal on the command line, in the default realm unless it names one.
Result<Principal> principal_arg(const std::string& text) {
  const auto env = Environment::from_process();
  KRBKIT_TRY(profile, config::load_profile(env));
  const auto realm = config::libdefault(profile, {}, "default_realm");
  return parse_principal(text, realm.value_or(""));
}

// -p: the collection's cache whose default principal is `text`.
Result<std::string> find_cache_of(const std::string& collection, const std::string& text) {
  KRBKIT_TRY(principal, principal_arg(text));
  KRBKIT_TRY(found, ccache::find_in_collection(collection, principal));
  if (found) return *found;
  return Error{Errc::ccache_not_found, fmt::format("no cache for {} in the collection of {}",
                                                   unparse_principal(principal), collection)};
}

Error while_doing(Error e, std::string what) {
  e.context.push_back(std::move(what));
  return e;
}

// What --json reports: each cache destroyed (or not), and the last error.
struct Report {
  std::vector<present::DestroyedCache> caches;
  std::optional<Error> error;
};

// Destroys one cache, with MIT's KRB5_TRACE line before it; into `report`
// its name and default principal (read first, when it reads).
Result<void> destroy(const std::string& name, Report* report = nullptr) {
  static const Tracer trace = Tracer::from_process();
  KRBKIT_TRY(cache, ccache::open(name));
  std::optional<std::string> principal;
  if (report)
    if (auto contents = cache->read(); contents.ok())
      principal = unparse_principal(contents->default_principal);
  trace("Destroying ccache {}", cache->name());
  auto result = cache->destroy();
  if (report && (result.ok() || !result.error().is(Errc::ccache_not_found)))
    report->caches.push_back(
        {cache->name(), principal,
         result.ok() ? std::nullopt : std::optional<std::string>(result.error().message())});
  return result;
}

// MIT: every cache of the collection; failures are reported (into `report`
// under --json), the rest go on.
int destroy_all(const std::string& collection, Report* report) {
  auto names = ccache::list_collection(collection);
  if (!names.ok())
    return cli::report_error("kdestroy", while_doing(names.error(), "listing credential caches"),
                             {{}, {}, report != nullptr, {}});
  int status = cli::kExitOk;
  for (const auto& name : *names) {
    auto result = destroy(name, report);
    if (!result.ok() && !result.error().is(Errc::ccache_not_found)) {
      if (report)
        report->error = while_doing(result.error(), "destroying cache " + name);
      else
        fmt::print(stderr, "kdestroy: {} while destroying cache {}\n", result.error().message(), name);
      status = cli::exit_code_for(result.error());
    }
  }
  return status;
}

// --json: the document on standard output, the last error on standard error.
int print_report(const Report& report, int status) {
  fmt::print("{}", present::kdestroy_json(report.caches));
  if (!report.error) return status;
  return cli::report_error("kdestroy", *report.error, {{}, {}, true, {}}, status);
}

// --credential: the tickets for one service go, the cache stays. The cache
// is rewritten under its lock into a new file renamed over the old one, so
// a reader sees it with or without the ticket, never half of it.
Result<void> remove_credential(const std::string& cache_name, const std::string& service) {
  KRBKIT_TRY(server, principal_arg(service));
  KRBKIT_TRY(cache, ccache::open(cache_name));
  KRBKIT_TRY(
      removed,
      cache->rewrite([&](const Credentials& c) { return ccache::holds_ticket_for(c, server); }, nullptr));
  if (removed == 0)
    return Error{Errc::no_credentials,
                 fmt::format("no ticket for {} in {}", unparse_principal(server), cache->name())};
  return {};
}

// The exit status once the caches are found; errors that stop kdestroy
// before that go to run_main.
Result<int> run(const Options& o) {
  KRBKIT_TRY(collection, o.cache.empty() ? cli::default_ccache_name() : Result<std::string>(o.cache));
  Report report;
  if (o.all)
    return o.json ? print_report(report, destroy_all(collection, &report)) : destroy_all(collection, nullptr);
  if (!o.credential.empty()) {
    KRBKIT_CHECK(remove_credential(collection, o.credential));
    return cli::kExitOk;
  }
  KRBKIT_TRY(name, o.principal.empty()
                       ? Result<std::string>(collection)
                       : find_cache_of(collection, o.principal).context("finding cache for " + o.principal));
  auto result = destroy(name, o.json ? &report : nullptr);
  if (o.json) {
    if (!result.ok() && !result.error().is(Errc::ccache_not_found))
      report.error = while_doing(result.error(), "destroying cache");
    return print_report(report, report.error ? cli::exit_code_for(*report.error) : cli::kExitOk);
  }
  if (!result.ok()) {
    fmt::print(stderr, "kdestroy: {} while destroying cache\n", result.error().message());
    // Nothing to destroy is no failure, as MIT; the other caches are still mentioned.
    if (!result.error().is(Errc::ccache_not_found)) {
      const int status = cli::exit_code_for(result.error());
      // MIT's second line, except after a daemon's or the kernel's failure,
      // whose one line already says which cache (and that cache is as it was).
      if (!cli::cache_holder_failed(status))
        std::fputs(o.quiet ? "Ticket cache NOT destroyed!\n" : "Ticket cache \aNOT\a destroyed!\n", stderr);
      return status;
    }
  }
  if (!o.quiet && o.principal.empty()) {
    auto rest = ccache::list_collection(collection);
    if (rest.ok() && !rest->empty())
      std::fputs("Other credential caches present, use -A to destroy all\n", stderr);
  }
  return cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  cli::App app{"kdestroy - destroy Kerberos tickets"};
  cli::add_version_flag(app, "kdestroy");
  Options o;
  app.add_flag("-A,--all", o.all, "Destroy every cache in the collection");
  app.add_flag("-q", o.quiet, "Quiet: no beep, no warning about other caches");
  app.add_option("-c,--cache", o.cache, "The cache to destroy (default: KRB5CCNAME, krb5.conf)")
      ->type_name("CACHE");
  app.add_option("-p", o.principal, "Destroy the collection's cache for this principal")
      ->type_name("PRINCIPAL");
  app.add_flag("--json", o.json, "Print the caches destroyed as JSON (krbkit-json(7))");
  app.add_option("--credential", o.credential, "Remove only the tickets for this service from the cache")
      ->type_name("SERVICE");
  // MIT's kdestroy still takes -5 (and ignores it) and stops at -4 with
  // status 3, as soon as its getopt meets it; neither is in --help.
  app.add_flag("-5")->group("");
  app.add_flag_callback("-4",
                        [] {
                          std::fputs("Kerberos 4 is no longer supported\n", stderr);
                          std::exit(3);
                        })
      ->trigger_on_parse()
      ->group("");
  if (int rc = cli::parse(app, argc, argv); rc >= 0) return rc;
  if (o.all && !o.principal.empty())
    return cli::usage_error("kdestroy", "-A option is exclusive with -p option", o.json);
  if (!o.credential.empty() && (o.all || !o.principal.empty() || o.json))
    return cli::usage_error("kdestroy", "--credential goes with one cache: not with -A, -p or --json",
                            o.json);
  return cli::run_main("kdestroy", [&] { return run(o); }, {{}, {}, o.json, {}});
}
