// klist: list cached Kerberos tickets and keytab entries, as MIT's klist
// does (same options, same layout), plus --json and --valid-for. The layout
// and the checks live in libcore/present; this file picks what to show.
// --decode -k KEYTAB [service] opens the cache's service tickets with the
// service's keys and shows their EncTicketPart and PAC: klist execs
// krbkit-klist-decode (klist_decode.cpp) for that, so klist links no crypto.

#include <fmt/format.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <clocale>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "common/cli.hpp"
#include "klist_list.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/keytab/keytab.hpp"

namespace {

using namespace krbkit;
using klist::Options;

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
  if (o.time_styles > 1) return "-H, --utc and --iso: one at a time";
  if (o.time_styles > 0 && o.json) return "-H, --utc and --iso are for the text; not with --json";
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
  return cli::run_main(
      "klist",
      [&]() -> Result<void> {
        KRBKIT_TRY(kt_name, klist::keytab_name(o));
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
      },
      {{}, {}, o.json, {}});
}

// -H, --utc, --iso (one of them) and --color.
void add_time_options(cli::App& app, Options& o) {
  auto pick = [&o](present::TimeStyle style) {
    return [&o, style] {
      o.time_style = style;
      ++o.time_styles;
    };
  };
  app.add_flag_callback("-H,--human", pick(present::TimeStyle::human),
                        "Times relative to now (\"in 3h12m\", \"5m ago\"), coloured on a terminal");
  app.add_flag_callback("--utc", pick(present::TimeStyle::utc), "Times in UTC");
  app.add_flag_callback("--iso", pick(present::TimeStyle::iso), "Times in ISO 8601, UTC");
  app.add_option_function<std::string>(
         "--color,--colour",
         [&o](const std::string& when) {
           o.colour = when == "always"  ? present::ColourChoice::always
                      : when == "never" ? present::ColourChoice::never
                                        : present::ColourChoice::automatic;
         },
         "With -H: colour expiry times (auto: on a terminal, without NO_COLOR)")
      ->type_name("WHEN")
      ->check(CLI::IsMember({"auto", "always", "never"}));
}

void add_options(cli::App& app, Options& o) {
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
  add_time_options(app, o);
  app.add_option("--valid-for", o.valid_for, "Exit non-zero unless the TGT stays valid this long")
      ->type_name("DURATION");
  app.add_flag("--decode", o.decode,
               "With -k: decrypt the cache's service tickets with the keytab, print their contents and PAC");
  app.add_option("--krbtgt-keytab", o.krbtgt_keytab,
                 "With --decode: krbtgt's keys, to check the PAC's KDC signature")
      ->type_name("KEYTAB");
  app.add_option("name", o.name, "Cache or keytab name");
  app.add_option("service", o.service, "With --decode: the service whose ticket to decode");
}

}  // namespace

int main(int argc, char** argv) {
  std::setlocale(LC_TIME, "");  // times in the locale's format, as MIT's klist
  cli::App app{"klist - list cached Kerberos tickets and keytab entries"};
  cli::add_version_flag(app, "klist");
  Options o;
  add_options(app, o);
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
    if (o.json) return cli::usage_error("klist", *problem, true);
    fmt::print(stderr, "klist: {}\n{}", *problem, app.help());
    return cli::kExitUsage;
  }
  if (o.decode) return run_decode(o);
  cli::ErrorReport report;
  report.line = keytab::describe_error;
  report.json = o.json;
  return cli::run_main(
      "klist",
      [&]() -> Result<int> {
        auto result = klist::run(o);
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
