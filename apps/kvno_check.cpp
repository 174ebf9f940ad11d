// kvno's checks: each service's ticket from the cache or the KDC (on a
// user's behalf with -I/-U, -P), what it says, and the keytab's verdict.

#include "kvno_check.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/cli.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/exchange/impersonation.hpp"
#include "krbkit/exchange/keytab_keys.hpp"
#include "krbkit/exchange/service_request.hpp"
#include "krbkit/exchange/ticket_acceptance.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/net/dns_realm.hpp"
#include "krbkit/net/kdc_client.hpp"
#include "krbkit/present/time_format.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::kvno {

namespace {

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
      res.fail(describe(t.error(), "decoding the ticket for " + res.name), t.error());
    } else {
      res.problems = t->problems();
      res.decoded = std::move(t).value();
    }
  } else if (!s.o.keytab.empty()) {
    auto part = exchange::decrypt_ticket_with_keytab(creds, s.o.keytab, s.profile);
    res.keytab_valid = part.ok();
    if (!part) res.fail(describe(part.error(), "decrypting ticket for " + res.name), part.error());
  }
}

// One service: its ticket, what it says, and the keytab's verdict.
Outcome check_service(Session& s, const std::string& arg, std::vector<Credentials>& for_out) {
  Outcome res{arg, arg, std::nullopt, std::nullopt, std::nullopt, {}, {}};
  auto server = exchange::service_principal(arg, s.o.sname, s.o.unknown_type, s.profile, s.default_realm);
  if (!server) {
    res.fail(describe(server.error(), "parsing principal name " + arg), server.error());
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
    res.cause = creds.error();
    return res;
  }
  auto info = exchange::ticket_info(*creds);
  if (!info) {
    res.fail(describe(info.error(), "decoding ticket for " + shown), info.error());
    return res;
  }
  res.name = unparse_principal(info->server);
  res.asked = shown;
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

}  // namespace

Result<void> run(const Options& o, std::vector<Outcome>& outcomes) {
  auto env = Environment::from_process();
  KRBKIT_TRY(profile, config::load_profile(env));
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile));
  Tracer tracer = Tracer::from_process();
  net::default_realm_from_dns(defaults, tracer);
  KRBKIT_TRY(cache_name, o.cache.empty() ? ccache::default_cache_name(defaults.default_ccache_name)
                                         : Result<std::string>(o.cache));
  KRBKIT_TRY(cache, ccache::open(cache_name));
  net::KdcClient kdcs(profile, tracer);
  exchange::TgsClient client(profile, *cache, kdcs, tracer);
  KRBKIT_TRY(opts, service_options(o));
  std::optional<Credentials> u2u_tgt;
  if (!o.u2u_cache.empty()) {
    KRBKIT_TRY(
        tgt, exchange::local_tgt_in(o.u2u_cache).context("getting user-to-user ticket from " + o.u2u_cache));
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

}  // namespace krbkit::kvno
