// klist: list cached Kerberos tickets and keytab entries, as MIT's klist
// does (same options, same layout), plus --json and --valid-for. The layout
// and the checks live in libcore/present; this file picks what to show.
// --decode -k KEYTAB [service] opens the cache's service tickets with the
// service's keys and shows their EncTicketPart and PAC: klist execs
// krbkit-klist-decode (klist_decode.cpp) for that, so klist links no crypto.

#include "krbkit/present/klist.hpp"

#include <fmt/format.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "common/cli.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/config/values.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/proto/principal.hpp"

namespace {

using namespace krbkit;

struct Options {
  bool cache_mode = false, keytab_mode = false, client_keytab = false;
  bool list = false, all = false, status = false, version = false, json = false, decode = false;
  present::CacheListOptions show;
  present::KeytabListOptions keys;
  std::string valid_for, name, service, krbtgt_keytab, cache_name;
};

struct Context {
  const Options& o;
  KerberosTime now;
  present::TimeFormat tf;
};

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// MIT's combinations: -t/-K only with -k; -f/-s/-a/-l/-A only for caches; -n only with -a.
std::optional<std::string> usage_problem(const Options& o) {
  if (o.decode) {
    if (!o.keytab_mode) return "--decode needs -k [KEYTAB] (the service's keys)";
    if (o.show.flags || o.status || o.show.addresses || o.all || o.list || !o.valid_for.empty() ||
        o.keys.timestamps || o.keys.keys || o.client_keytab)
      return "--decode goes with -k, --json and --krbtgt-keytab only";
    return std::nullopt;
  }
  if (!o.service.empty()) return "a service argument goes with --decode only";
  if (!o.krbtgt_keytab.empty()) return "--krbtgt-keytab goes with --decode";
  if (o.cache_mode && o.keytab_mode) return "-c and -k cannot be used together";
  if (o.show.numeric_addresses && !o.show.addresses) return "-n needs -a";
  if (o.keytab_mode) {
    if (o.show.flags || o.status || o.show.addresses || o.all || o.list || !o.valid_for.empty())
      return "-f, -s, -a, -A, -l and --valid-for are for credential caches, not with -k";
  } else {
    if (o.keys.timestamps || o.keys.keys) return "-t and -K need -k";
    if (o.all && o.list) return "-A and -l cannot be used together";
    if (o.status && o.list) return "-s and -l cannot be used together";
  }
  return std::nullopt;
}

// The keytab named on the command line, else the default (client) keytab.
Result<std::string> keytab_name(const Options& o) {
  std::string name = o.name;
  if (name.empty()) {
    const auto env = Environment::from_process();
    KRBKIT_TRY(profile, config::load_profile(env));
    const auto key = o.client_keytab ? "default_client_keytab_name" : "default_keytab_name";
    KRBKIT_TRY(found, o.client_keytab
                          ? keytab::default_client_keytab_name(config::libdefault(profile, {}, key))
                          : keytab::default_keytab_name(config::libdefault(profile, {}, key)));
    name = found;
  }
  return name;
}

Result<void> list_keytab(const Context& c) {
  KRBKIT_TRY(name, keytab_name(c.o));
  // MIT shows the name with its type: a bare path is a FILE keytab.
  const std::string shown =
      name.find(':') == std::string::npos || name.front() == '/' ? "FILE:" + name : name;
  auto kt = keytab::read_keytab(name);
  if (!kt) {
    // MIT's klist names the keytab on stdout before it scans it, so the name
    // is there when the scan fails.
    if (!c.o.json) print("Keytab name: " + shown + "\n");
    Error e = std::move(kt).error();
    e.context.push_back("starting keytab scan");
    return e;
  }
  if (c.o.json) {
    json::Writer w;
    present::keytab_json(w, shown, *kt, c.o.keys.keys);
    print(w.finish());
  } else {
    print(present::keytab_text(shown, *kt, {c.o.keys.timestamps, c.o.keys.keys, c.o.show.enctypes}, c.tf));
  }
  return success();
}

// The error line after "klist: ". A missing keytab reads as MIT's ("Key
// table file 'PATH' not found while starting keytab scan"): the detail
// already says it all.
std::string error_line(const Error& error) {
  if (!error.is(Errc::keytab_not_found) || error.detail.empty()) return error.message();
  std::string line = error.detail;
  for (const auto& c : error.context) line += " while " + c;
  return line;
}

// An empty (uninitialized) cache file, as an interrupted kinit leaves: the
// ccache module calls it no cache found; MIT's klist (-c and -A) says "Bad
// format in credentials cache (filename: PATH)" as its FILE cache reads it.
// The error keeps its code: exit 8, as klist -A with only such a cache.
Error empty_cache_as_mit(const ccache::Cache& cache, Error error) {
  struct stat st {};
  const std::string path = cache.path();
  if (error.is(Errc::ccache_not_found) && !path.empty() && ::stat(path.c_str(), &st) == 0 &&
      S_ISREG(st.st_mode) && st.st_size == 0) {
    error.summary = "Bad format in credentials cache";
    error.detail = "filename: " + path;
    error.context.clear();
  }
  return error;
}

// One cache: listed (text or JSON), checked silently (-s), or checked for --valid-for.
Result<void> show_cache(const Context& c, ccache::Cache& cache, json::Writer* w) {
  auto contents = cache.read();
  if (!contents.ok()) {
    if (c.o.status) return Error{Errc::no_credentials};
    return std::move(contents).error();
  }
  if (c.o.status)
    return present::cache_is_current(*contents, c.now) ? success() : Result<void>(Errc::no_credentials);
  if (!c.o.valid_for.empty()) {
    const auto needed = config::parse_duration(c.o.valid_for);
    if (!needed || needed->count() < 0)
      return Error{Errc::invalid_argument, fmt::format("bad --valid-for duration '{}'", c.o.valid_for)};
    return present::check_tgt_valid_for(cache.name(), *contents, c.now, *needed);
  }
  if (w != nullptr)
    present::cache_json(*w, cache.name(), cache.type(), *contents, c.o.show.config, c.now);
  else
    print(present::cache_text(cache.name(), *contents, c.o.show, c.tf));
  return success();
}

// -l and -A: every cache of the collection; success when at least one was
// listed (MIT's exit status).
Result<void> collection(const Context& c, const std::string& default_name) {
  KRBKIT_TRY(names, ccache::list_collection(default_name));
  std::vector<present::CollectionRow> rows;
  std::optional<json::Writer> w;
  if (c.o.json) w.emplace();
  if (w && c.o.all) w->begin_object().key("caches").begin_array();
  bool any = false, first = true;
  for (const auto& name : names) {
    auto cache = ccache::open(name);
    if (!cache.ok()) continue;
    if (c.o.all) {
      // As MIT's klist -A: a blank line before every cache but the first,
      // and an error line for each one that cannot be listed.
      const bool text = !c.o.status && !c.o.json;
      if (text && !first) print("\n");
      first = false;
      auto shown = show_cache(c, **cache, w ? &*w : nullptr);
      if (!shown && text) {
        std::fflush(stdout);
        fmt::print(stderr, "klist: {}\n", error_line(empty_cache_as_mit(**cache, shown.error())));
      }
      any = shown.ok() || any;
      continue;
    }
    auto contents = (*cache)->read();
    if (!contents.ok()) continue;  // uninitialized or unreadable: MIT skips it too
    rows.push_back({unparse_principal(contents->default_principal), (*cache)->name(),
                    !present::cache_is_current(*contents, c.now), rows.empty()});
    any = true;
  }
  if (w && c.o.all) w->end_array().end_object();
  if (w && !c.o.all) present::collection_json(*w, rows);
  if (w) print(w->finish());
  if (!c.o.all && !w) print(present::collection_text(rows));
  // None: MIT's klist says nothing (-l has printed its header), and exits
  // non-zero; an error without detail is not printed (main).
  if (!any) return Error{Errc::no_credentials};
  return success();
}

Result<void> run(const Options& o) {
  const auto now = cli::now_seconds();
  const Context c{o, now, present::TimeFormat::for_current_locale(now)};
  if (o.keytab_mode) return list_keytab(c);
  // A name argument replaces the default cache, collection included (as MIT).
  std::string name = o.name;
  if (name.empty()) {
    KRBKIT_TRY(found, cli::default_ccache_name());
    name = found;
  }
  if (o.list || o.all) return collection(c, name);
  KRBKIT_TRY(cache, ccache::open(name));
  std::optional<json::Writer> w;
  if (o.json && o.valid_for.empty() && !o.status) w.emplace();
  if (auto shown = show_cache(c, *cache, w ? &*w : nullptr); !shown)
    return empty_cache_as_mit(*cache, std::move(shown).error());
  if (w) print(w->finish());
  return success();
}

// Where krbkit-klist-decode is: $KRBKIT_KLIST_DECODE, else next to this
// klist in libexec (KRBKIT_LIBEXEC_FROM_BIN, relative to the installed
// bindir), else in klist's own directory (the build tree).
std::string decode_helper() {
  if (auto env = Environment::from_process().krbkit_klist_decode; env && !env->empty()) return *env;
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "krbkit-klist-decode";
  std::string dir(self, static_cast<std::size_t>(n));
  dir.erase(dir.rfind('/') + 1);
  for (std::string candidate :
       {dir + KRBKIT_LIBEXEC_FROM_BIN "/krbkit-klist-decode", dir + "krbkit-klist-decode"})
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  return dir + KRBKIT_LIBEXEC_FROM_BIN "/krbkit-klist-decode";
}

// --decode: the cache's service tickets opened with the keytab's keys. The
// work (and the crypto it needs) is in krbkit-klist-decode (klist_decode.cpp),
// so that klist does not link OpenSSL; klist resolves the keytab name and
// execs it. Returns only when the exec fails.
int run_decode(const Options& o) {
  return cli::run_main("klist", [&]() -> Result<void> {
    KRBKIT_TRY(kt_name, keytab_name(o));
    const std::string helper = decode_helper();
    std::vector<std::string> args{helper};
    if (o.json) args.emplace_back("--json");
    if (!o.krbtgt_keytab.empty()) args.insert(args.end(), {"--krbtgt-keytab", o.krbtgt_keytab});
    args.insert(args.end(), {"--", kt_name});
    if (!o.service.empty()) args.push_back(o.service);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(helper.c_str(), argv.data());
    return Error{Errc::internal, fmt::format("cannot run {}: {}", helper, std::strerror(errno))};
  });
}

}  // namespace

int main(int argc, char** argv) {
  std::setlocale(LC_TIME, "");  // times in the locale's format, as MIT's klist
  CLI::App app{"klist - list cached Kerberos tickets and keytab entries"};
  cli::add_version_flag(app, "klist");
  Options o;
  app.add_flag("-c", o.cache_mode, "List a credential cache (the default)");
  app.add_option("--cache", o.cache_name, "List this credential cache (Heimdal's spelling of -c NAME)")
      ->type_name("CACHE");
  app.add_flag("-k", o.keytab_mode, "List a keytab");
  app.add_flag("-i", o.client_keytab, "With -k and no name: the default client keytab");
  app.add_flag("-l,--list-all,--list-caches", o.list, "List the caches of the collection");
  app.add_flag("-A,--all-content", o.all, "List every cache of the collection");
  app.add_flag("-s,--test", o.status, "Print nothing; exit 0 if the cache holds a current TGT");
  app.add_flag("-f,--flags", o.show.flags, "Show ticket flags");
  app.add_flag("-e", o.show.enctypes, "Show session key and ticket enctypes");
  app.add_flag("-a", o.show.addresses, "Show ticket addresses");
  app.add_flag("-n", o.show.numeric_addresses, "With -a: show addresses numerically");
  app.add_flag("-d", o.show.ad_types, "Show authorization data types");
  app.add_flag("-C", o.show.config, "Include configuration entries");
  app.add_flag("-t", o.keys.timestamps, "With -k: show entry timestamps");
  app.add_flag("-K", o.keys.keys, "With -k: show key bytes");
  app.add_flag("-V", o.version, "Print the version and exit");
  app.add_flag("--json", o.json, "Print the cache, collection or keytab as JSON");
  app.add_option("--valid-for", o.valid_for, "Exit non-zero unless the TGT stays valid this long")
      ->type_name("DURATION");
  app.add_flag("--decode", o.decode,
               "With -k: decrypt the cache's service tickets with the keytab, print their contents and PAC");
  app.add_option("--krbtgt-keytab", o.krbtgt_keytab,
                 "With --decode: krbtgt's keys, to check the PAC's KDC signature")
      ->type_name("KEYTAB");
  app.add_option("name", o.name, "Cache or keytab name");
  app.add_option("service", o.service, "With --decode: the service whose ticket to decode");
  if (int rc = cli::parse(app, argc, argv); rc >= 0) return rc;
  if (!o.cache_name.empty()) {  // Heimdal's --cache NAME: MIT's -c NAME
    if (!o.name.empty()) {
      fmt::print(stderr, "klist: --cache names the cache already; no name argument with it\n{}", app.help());
      return cli::kExitUsage;
    }
    o.name = o.cache_name;
    o.cache_mode = true;
  }
  if (o.version) {
    std::puts(cli::version_string("klist").c_str());
    return cli::kExitOk;
  }
  if (auto problem = usage_problem(o)) {
    fmt::print(stderr, "klist: {}\n{}", *problem, app.help());
    return cli::kExitUsage;
  }
  if (o.decode) return run_decode(o);
  cli::ErrorReport report;
  report.line = error_line;
  return cli::run_main(
      "klist",
      [&]() -> Result<int> {
        auto result = run(o);
        if (o.status)
          return result.ok() ? cli::kExitOk : cli::kExitFailure;  // -s: silent, exit 0 or 1 as MIT
        if (!result.ok() && (o.list || o.all) && result.error().is(Errc::no_credentials) &&
            result.error().detail.empty())
          return cli::kExitNoCredentials;  // an empty collection (collection()): nothing to say
        if (!result.ok()) return std::move(result).error();
        return cli::kExitOk;
      },
      report);
}
