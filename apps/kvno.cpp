// kvno: get service tickets and print the key version numbers of their
// services, as MIT's kvno does (same options, output and exit status:
// 0 when every service worked, 1 otherwise), plus --json, and --decode: the
// ticket opened with the service's keytab, its EncTicketPart and PAC shown
// and checked (libcore/pac/ticket.hpp).

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "common/cli.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/base/json.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/exchange/impersonation.hpp"
#include "krbkit/exchange/keytab_keys.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/exchange/ticket_acceptance.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/net/kdc_client.hpp"
#include "krbkit/pac/ticket.hpp"
#include "krbkit/present/time_format.hpp"
#include "krbkit/proto/principal.hpp"

namespace {

using namespace krbkit;

struct Options {
  std::string cache, etype, keytab, sname, impersonate, enterprise, out_cache, u2u_cache, krbtgt_keytab,
      cert_file;
  bool quiet = false, unknown_type = false, canonicalize = false, proxy = false, cached_only = false,
       no_store = false, json = false, decode = false;
  std::vector<std::string> services;
};

// What kvno found out about one service.
struct Outcome {
  std::string name;  // as printed: the ticket's server, or the argument on failure
  std::optional<exchange::TicketInfo> info;
  std::optional<bool> keytab_valid;
  std::optional<pac::DecodedTicket> decoded;  // --decode
  std::string error;
  std::vector<std::string> problems;  // --decode: the checks that failed
  bool parse_error = false;           // MIT's kvno -q hides "while parsing principal name"
  bool failed() const { return !error.empty() || !problems.empty(); }
};

Result<std::unique_ptr<ccache::Cache>> open_cache(const std::string& name, const config::LibDefaults& d) {
  if (!name.empty()) return ccache::open(name);
  KRBKIT_TRY(def, ccache::default_cache_name(d.default_ccache_name));
  return ccache::open(def);
}

Result<Principal> service_principal(const Options& o, const std::string& arg, const config::Profile& profile,
                                    const std::string& default_realm) {
  if (!o.sname.empty()) {
    // sname_to_principal: the host's realm from [domain_realm], else the
    // referral realm (empty): the KDC says where the host lives.
    std::string realm = config::host_realm(profile, arg).value_or("");
    return host_service_principal(o.sname, arg, realm);
  }
  KRBKIT_TRY(p, parse_principal(arg, default_realm));
  if (o.unknown_type) p.type = NameType::unknown;
  return p;
}

// The TGT in the --u2u cache (the other user's), whose session key the ticket is encrypted in.
Result<Credentials> u2u_tgt_from(const std::string& name) {
  KRBKIT_TRY(other, ccache::open(name));
  KRBKIT_TRY(contents, other->read());
  return exchange::find_local_tgt(contents, other->name());
}

// MIT's "Ticket expired" when the cache's own TGT has ended (libcore only
// finds no valid TGT): which TGT, whose, in which cache, and when it ended.
std::optional<std::string> expired_tgt(const ccache::CacheContents& c, const std::string& cache_name) {
  const Principal& me = c.default_principal;
  const Principal local = krbtgt_principal(me.realm, me.realm);
  std::optional<KerberosTime> end;
  for (const auto& cred : c.creds)
    if (cred.server == local && (!end || cred.endtime > *end)) end = cred.endtime;
  if (!end || *end > cli::now_seconds()) return std::nullopt;
  return fmt::format("Ticket expired (the TGT {} of {} in {} ended {})", unparse_principal(local),
                     unparse_principal(me), cache_name, present::iso8601_utc(*end));
}

// One line for a failed step. A server the KDC does not know is named as MIT's
// kvno names it: "Server x@R not found in Kerberos database while ...".
std::string describe(Error e, const std::string& doing, const std::string& server = {}) {
  e.context.push_back(doing);
  if (server.empty() || !e.is(KdcErr::s_principal_unknown)) return e.message();
  std::string text = fmt::format("Server {} not found in Kerberos database", server);
  if (!e.detail.empty()) text += " (" + e.detail + ")";
  for (const auto& c : e.context) text += " while " + c;
  return text;
}

// The options every service's ticket is asked with.
Result<exchange::ServiceOptions> service_options(const Options& o) {
  exchange::ServiceOptions opts;
  opts.cached_only = o.cached_only;
  opts.canonicalize = o.canonicalize;
  opts.no_store = o.no_store || !o.out_cache.empty();
  if (!o.etype.empty()) {
    auto e = enctype_from_name(o.etype);
    if (!e) return std::move(e).context("converting etype").error();
    opts.enctypes = {*e};
  }
  if (!o.keytab.empty()) {
    // As MIT's kvno: the keytab's name (its type) is resolved before any
    // service; the file itself is read for each ticket.
    auto path = keytab::keytab_path(o.keytab);
    if (!path) return std::move(path).context("resolving keytab " + o.keytab).error();
  }
  return opts;
}

// What the services share.
struct Session {
  const Options& o;
  const config::Profile& profile;
  std::string default_realm;
  ccache::Cache& cache;
  ccache::CacheContents contents;
  exchange::TgsClient& client;
  exchange::ServiceOptions opts;
  pac::DecodeOptions decode;
};

// -k: the ticket decrypted with the keytab; with --decode opened and checked.
void check_with_keytab(Session& s, const Credentials& creds, Outcome& res) {
  if (s.o.decode) {
    s.decode.expected_client = creds.client;
    s.decode.expected_session_key = creds.session_key.clone();
    auto t = exchange::open_ticket(creds.ticket, s.decode, s.profile);
    res.keytab_valid = t.ok();
    if (!t) {
      res.error = describe(t.error(), "decoding the ticket for " + res.name);
    } else {
      res.problems = t->problems();
      res.decoded = std::move(t).value();
    }
  } else if (!s.o.keytab.empty()) {
    auto part = exchange::decrypt_ticket_with_keytab(creds, s.o.keytab, s.profile);
    res.keytab_valid = part.ok();
    if (!part) res.error = describe(part.error(), "decrypting ticket for " + res.name);
  }
}

// One service: its ticket, what it says, and the keytab's verdict.
Outcome check_service(Session& s, const std::string& arg, std::vector<Credentials>& for_out) {
  Outcome res{arg, std::nullopt, std::nullopt, std::nullopt, {}, {}};
  auto server = service_principal(s.o, arg, s.profile, s.default_realm);
  if (!server) {
    res.error = describe(server.error(), "parsing principal name " + arg);
    res.parse_error = true;
    return res;
  }
  std::string shown = unparse_principal(*server);
  auto creds = s.client.get(*server, s.opts);
  if (!creds) {
    const auto expired = creds.error().is(Errc::no_credentials) && !s.o.cached_only
                             ? expired_tgt(s.contents, s.cache.name())
                             : std::nullopt;
    res.error = expired ? *expired + " while getting credentials for " + shown
                        : describe(creds.error(), "getting credentials for " + shown, shown);
    return res;
  }
  auto info = exchange::ticket_info(*creds);
  if (!info) {
    res.error = describe(info.error(), "decoding ticket for " + shown);
    return res;
  }
  res.name = unparse_principal(info->server);
  res.info = *info;
  check_with_keytab(s, *creds, res);
  if (!s.o.out_cache.empty() && res.error.empty()) for_out.push_back(creds->clone());
  return res;
}

// --out-cache: written only when every service worked, as MIT's kvno.
Result<void> write_out_cache(const Options& o, const Principal& who,
                             const std::vector<Credentials>& for_out) {
  auto oc = ccache::open(o.out_cache);
  auto written = oc ? (*oc)->initialize_and_store(who, for_out) : Result<void>(std::move(oc).error());
  return std::move(written).context("writing output ccache " + o.out_cache);
}

Result<void> run(const Options& o, std::vector<Outcome>& outcomes) {
  auto env = Environment::from_process();
  KRBKIT_TRY(profile, config::load_profile(env));
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile));
  Tracer tracer = Tracer::from_process();
  KRBKIT_TRY(cache, open_cache(o.cache, defaults));
  net::KdcClient kdcs(profile, tracer);
  exchange::TgsClient client(profile, *cache, kdcs, tracer);
  KRBKIT_TRY(opts, service_options(o));
  std::optional<Credentials> u2u_tgt;
  if (!o.u2u_cache.empty()) {
    KRBKIT_TRY(tgt, u2u_tgt_from(o.u2u_cache).context("getting user-to-user ticket from " + o.u2u_cache));
    u2u_tgt = std::move(tgt);
    opts.user_to_user = &*u2u_tgt;
  }
  // As MIT's kvno: the client principal before any service, so a missing or
  // damaged cache is one error line, not one per service.
  KRBKIT_TRY(contents, cache->read().context("getting client principal name"));
  Session s{o, profile, defaults.default_realm.value_or(""), *cache, std::move(contents), client, opts, {}};
  std::optional<Credentials> evidence;
  const std::string& user = o.impersonate.empty() ? o.enterprise : o.impersonate;
  if (!user.empty()) {
    PrincipalParseFlags flags;
    flags.enterprise = !o.enterprise.empty();
    KRBKIT_TRY(for_user, parse_principal(user, s.default_realm, flags));
    KRBKIT_TRY(on_behalf,
               exchange::on_behalf_of(client, s.contents.default_principal, for_user, o.proxy, opts, evidence)
                   .context("getting the S4U2Self evidence ticket for " + user));
    s.opts = std::move(on_behalf);
  }
  if (o.decode) {
    KRBKIT_TRY(decode, exchange::decode_options(o.keytab, o.krbtgt_keytab));
    s.decode = std::move(decode);
  }
  std::vector<Credentials> for_out;
  for (const auto& arg : o.services) outcomes.push_back(check_service(s, arg, for_out));
  const bool all_ok =
      std::none_of(outcomes.begin(), outcomes.end(), [](const Outcome& r) { return r.failed(); });
  if (o.out_cache.empty() || !all_ok) return success();
  Principal who = for_out.empty() ? client.client() : for_out.front().client;
  if (evidence) who = evidence->client;
  return write_out_cache(o, who, for_out);
}

// --json: one object per service argument, in order; `failure` (the error
// that stopped kvno as a whole, "" if none) goes to every service without
// an error of its own, so a script finds it where it looks.
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
  w.begin_array();
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
  w.end_array();
  return w.finish();
}

void print(const Options& o, const std::vector<Outcome>& outcomes, const std::string& failure) {
  if (o.json) fmt::print("{}", kvno_json(o.services, outcomes, failure));
  for (const auto& r : outcomes) {
    // A decoded ticket is shown even when a check failed: the admin sees what failed.
    if (r.decoded && !o.json) {
      if (!o.quiet) fmt::print("{}: kvno = {}, keytab entry valid\n", r.name, r.info->kvno);
      fmt::print("{}\n", pac::ticket_text(*r.decoded));
    }
    if (r.failed()) {
      std::fflush(stdout);
      // MIT's line before the error when the ticket does not decrypt with the keytab.
      if (r.keytab_valid && !*r.keytab_valid && !o.quiet && !o.json)
        fmt::print(stderr, "{}: kvno = {}, keytab entry invalid\n", r.name, r.info->kvno);
      if (!r.error.empty() && !(o.quiet && r.parse_error)) fmt::print(stderr, "kvno: {}\n", r.error);
      for (const auto& p : r.problems) fmt::print(stderr, "kvno: {}\n", p);
    } else if (!o.quiet && !o.json && !r.decoded) {
      fmt::print("{}: kvno = {}{}\n", r.name, r.info->kvno, r.keytab_valid ? ", keytab entry valid" : "");
    }
  }
}

// Options that go together only in some ways.
Result<void> check_combinations(const Options& o) {
  const auto usage = [](std::string text) {
    Error e{Errc::invalid_argument};
    e.summary = std::move(text);
    return e;
  };
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kvno - get service tickets and print the key version numbers of the services"};
  krbkit::cli::add_version_flag(app, "kvno");
  Options o;
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
  app.add_option("service", o.services, "Service principals (host names with -S)")->required();
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;

  // MIT's kvno exits 1 for any failure once it runs; a wrong combination of
  // options is a usage error.
  bool started = false;
  krbkit::cli::ErrorReport report;
  report.status = [&started](const krbkit::Error& e) { return started ? 1 : krbkit::cli::exit_code_for(e); };
  return krbkit::cli::run_main(
      "kvno",
      [&]() -> krbkit::Result<int> {
        KRBKIT_CHECK(check_combinations(o));
        started = true;
        std::vector<Outcome> outcomes;
        auto status = run(o, outcomes);
        print(o, outcomes, status ? std::string() : status.error().message());
        // The whole run's error comes after the lines of the services that worked, as MIT's kvno prints it.
        if (!status) return std::move(status).error();
        return std::any_of(outcomes.begin(), outcomes.end(), [](const Outcome& r) { return r.failed(); }) ? 1
                                                                                                          : 0;
      },
      report);
}
