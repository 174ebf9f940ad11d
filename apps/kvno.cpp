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
#include "krbkit/exchange/tgs_creds.hpp"
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

struct Outcome {
  std::string name;  // as printed: the ticket's server, or the argument on failure
  std::optional<exchange::TicketInfo> info;
  std::optional<bool> keytab_valid;
  std::optional<pac::DecodedTicket> decoded;  // --decode
  std::string error;
  std::vector<std::string> problems;  // --decode: the checks that failed
  bool parse_error =
      false;  // MIT's kvno -q hides "while parsing principal name" (exit status 1 all the same)
  bool failed() const { return !error.empty() || !problems.empty(); }
};

// A keytab's entries as pac::open_ticket takes them.
Result<std::vector<pac::ServiceKey>> keytab_keys(const std::string& name) {
  KRBKIT_TRY(kt, keytab::read_keytab(name));
  std::vector<pac::ServiceKey> keys;
  for (const auto& e : kt.entries) keys.push_back({e.principal, e.kvno, e.key.clone()});
  return keys;
}

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

Result<void> run(const Options& o, std::vector<Outcome>& outcomes) {
  auto env = Environment::from_process();
  KRBKIT_TRY(profile, config::load_profile(env));
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile));
  const std::string default_realm = defaults.default_realm.value_or("");
  Tracer tracer = Tracer::from_process();
  KRBKIT_TRY(cache, open_cache(o.cache, defaults));
  net::KdcClient kdcs(profile, tracer);
  exchange::TgsClient client(profile, *cache, kdcs, tracer);

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
  std::optional<Credentials> u2u_tgt;
  if (!o.u2u_cache.empty()) {
    auto tgt = u2u_tgt_from(o.u2u_cache);
    if (!tgt) return std::move(tgt).context("getting user-to-user ticket from " + o.u2u_cache).error();
    u2u_tgt = std::move(tgt).value();
    opts.user_to_user = &*u2u_tgt;
  }
  // As MIT's kvno: the client principal before any service, so a missing or
  // damaged cache is one error line, not one per service.
  auto contents = cache->read();
  if (!contents) return std::move(contents).context("getting client principal name").error();
  std::optional<Credentials> evidence;
  const std::string& user = o.impersonate.empty() ? o.enterprise : o.impersonate;
  if (!user.empty()) {
    PrincipalParseFlags flags;
    flags.enterprise = !o.enterprise.empty();
    KRBKIT_TRY(for_user, parse_principal(user, default_realm, flags));
    if (o.proxy) {
      // S4U2Self to ourselves gives the evidence ticket for S4U2Proxy.
      exchange::ServiceOptions self = opts;
      self.for_user = for_user;
      self.enctypes.clear();
      auto ev = client.get(contents->default_principal, self);
      if (!ev) return std::move(ev).context("getting the S4U2Self evidence ticket for " + user).error();
      evidence = std::move(ev).value();
      opts.evidence = &*evidence;
    } else {
      opts.for_user = for_user;
    }
  }

  pac::DecodeOptions decode;
  if (o.decode) {
    decode.keytab_name = o.keytab;
    KRBKIT_TRY(keys, keytab_keys(o.keytab));
    decode.service_keys = std::move(keys);
    if (!o.krbtgt_keytab.empty()) {
      decode.krbtgt_keytab_name = o.krbtgt_keytab;
      KRBKIT_TRY(krbtgt, keytab_keys(o.krbtgt_keytab));
      decode.krbtgt_keys = std::move(krbtgt);
    }
  }
  std::unique_ptr<ccache::Cache> out;
  std::vector<Credentials> for_out;
  for (const auto& arg : o.services) {
    Outcome res{arg, std::nullopt, std::nullopt, std::nullopt, {}, {}};
    auto fail = [&](const Error& e, const std::string& doing) { res.error = describe(e, doing); };
    auto server = service_principal(o, arg, profile, default_realm);
    if (!server) {
      fail(server.error(), "parsing principal name " + arg);
      res.parse_error = true;
      outcomes.push_back(std::move(res));
      continue;
    }
    std::string shown = unparse_principal(*server);
    auto creds = client.get(*server, opts);
    if (!creds) {
      const auto expired = creds.error().is(Errc::no_credentials) && !o.cached_only
                               ? expired_tgt(*contents, cache->name())
                               : std::nullopt;
      res.error = expired ? *expired + " while getting credentials for " + shown
                          : describe(creds.error(), "getting credentials for " + shown, shown);
      outcomes.push_back(std::move(res));
      continue;
    }
    auto info = exchange::ticket_info(*creds);
    if (!info) {
      fail(info.error(), "decoding ticket for " + shown);
      outcomes.push_back(std::move(res));
      continue;
    }
    res.name = unparse_principal(info->server);
    res.info = *info;
    if (o.decode) {
      decode.expected_client = creds->client;
      decode.expected_session_key = creds->session_key.clone();
      auto t = pac::open_ticket(creds->ticket, decode);
      res.keytab_valid = t.ok();
      if (!t) {
        fail(t.error(), "decoding the ticket for " + res.name);
      } else {
        res.problems = t->problems();
        res.decoded = std::move(t).value();
      }
    } else if (!o.keytab.empty()) {
      auto part = exchange::decrypt_ticket_with_keytab(*creds, o.keytab);
      res.keytab_valid = part.ok();
      if (!part) fail(part.error(), "decrypting ticket for " + res.name);
    }
    if (!o.out_cache.empty() && res.error.empty()) for_out.push_back(creds->clone());
    outcomes.push_back(std::move(res));
  }
  // As MIT's kvno, the output cache is written only when every service worked.
  const bool all_ok =
      std::none_of(outcomes.begin(), outcomes.end(), [](const Outcome& r) { return r.failed(); });
  if (!o.out_cache.empty() && all_ok) {
    Principal who = for_out.empty() ? client.client() : for_out.front().client;
    if (!user.empty() && o.proxy && evidence) who = evidence->client;
    auto oc = ccache::open(o.out_cache);
    auto written = oc ? (*oc)->initialize_and_store(who, for_out) : Result<void>(std::move(oc).error());
    if (!written) return std::move(written).context("writing output ccache " + o.out_cache).error();
  }
  return success();
}

// `failure`: the error that stopped kvno as a whole ("" if none); in JSON each
// service without an error of its own carries it (no cache, an output cache
// that could not be written), so a script finds it where it looks.
void print_json(const Options& o, const std::vector<Outcome>& outcomes, const std::string& failure) {
  json::Writer w;
  w.begin_array();
  for (std::size_t i = 0; i < o.services.size(); ++i) {
    // run() fills `outcomes` in the order of the services, and stops early only
    // on an error that concerns them all.
    if (i >= outcomes.size()) {
      w.begin_object()
          .member("argument", o.services[i])
          .member("service", o.services[i])
          .member("error", failure)
          .end_object();
      continue;
    }
    const Outcome& r = outcomes[i];
    w.begin_object().member("argument", o.services[i]).member("service", r.name);
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
  w.end_array();
  fmt::print("{}", w.finish());
}

void print(const Options& o, const std::vector<Outcome>& outcomes, const std::string& failure) {
  if (o.json) print_json(o, outcomes, failure);
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
  if ((o.decode || !o.krbtgt_keytab.empty()) && o.keytab.empty()) {
    fmt::print(stderr, "kvno: --decode needs -k KEYTAB (the service's keys)\n");
    return krbkit::cli::kExitUsage;
  }
  if (!o.krbtgt_keytab.empty() && !o.decode) {
    fmt::print(stderr, "kvno: --krbtgt-keytab goes with --decode\n");
    return krbkit::cli::kExitUsage;
  }
  if (!o.cert_file.empty()) {
    fmt::print(stderr,
               "kvno: -F {}: S4U2Self with the user's certificate is not supported yet (use -I or -U)\n",
               o.cert_file);
    return krbkit::cli::kExitFailure;
  }
  if (o.proxy && o.impersonate.empty() && o.enterprise.empty()) {
    fmt::print(stderr, "kvno: -P requires -I or -U\n");
    return krbkit::cli::kExitUsage;
  }

  std::vector<Outcome> outcomes;
  auto status = run(o, outcomes);
  const std::string failure = status ? std::string() : status.error().message();
  print(o, outcomes, failure);
  if (!status) {
    // After the lines of the services that worked, as MIT's kvno prints it.
    std::fflush(stdout);
    fmt::print(stderr, "kvno: {}\n", failure);
    return 1;
  }
  return std::any_of(outcomes.begin(), outcomes.end(), [](const Outcome& r) { return r.failed(); }) ? 1 : 0;
}
