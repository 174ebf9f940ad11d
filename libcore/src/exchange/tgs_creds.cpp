// Service tickets through the cache: reuse, realm paths, referrals, S4U,
// user-to-user, and renew/validate. The TGS exchange itself is in
// tgs_exchange.cpp; this is the only part that sends (through a net::RealmTransport).

#include "krbkit/exchange/tgs_creds.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "exchange/request_and_reply.hpp"
#include "krbkit/ccache/format.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/net/dns_realm.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

using namespace std::chrono;
using detail::name_of;

namespace {

bool is_tgs_reply(BytesView data) { return detail::is_kdc_reply(data, MsgType::tgs_rep); }

KerberosTime now_seconds() { return floor<seconds>(system_clock::now()); }

bool usable(const Credentials& c) { return c.endtime > now_seconds() && !(c.flags & ticket_flags::invalid); }

std::vector<std::string> split_realm(std::string_view realm) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= realm.size()) {
    auto dot = realm.find('.', start);
    if (dot == std::string_view::npos) dot = realm.size();
    parts.emplace_back(realm.substr(start, dot - start));
    start = dot + 1;
  }
  return parts;
}

std::string join_from(const std::vector<std::string>& parts, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < parts.size(); ++i) out += (out.empty() ? "" : ".") + parts[i];
  return out;
}

Result<config::LibDefaults> defaults_for(const config::Profile& profile, std::string_view realm) {
  return config::LibDefaults::from(profile, realm);
}

}  // namespace

Result<TgsResult> run_tgs(TgsExchange& tgs, const net::RealmTransport& kdcs) {
  KRBKIT_TRY(first, tgs.start());
  TgsStep step = std::move(first);
  for (int round = 0; round < 3; ++round) {
    if (auto* done = std::get_if<TgsResult>(&step)) return std::move(*done);
    const auto& send = std::get<TgsSend>(step);
    net::SendOptions options;
    options.accept = is_tgs_reply;
    options.force_tcp = send.tcp_only;
    KRBKIT_TRY(reply, kdcs.send(send.realm, send.request, options));
    auto next = tgs.on_reply(reply.data);
    if (!next) {
      detail::note_kdc_origin(next.error(), reply);
      return std::move(next).error();
    }
    step = std::move(next).value();
  }
  if (auto* done = std::get_if<TgsResult>(&step)) return std::move(*done);
  return Error{Errc::internal, "TGS exchange did not finish"};
}

std::vector<std::string> realm_path(const config::Profile& profile, std::string_view client_realm,
                                    std::string_view server_realm) {
  std::vector<std::string> path{std::string(client_realm)};
  if (client_realm == server_realm) return path;
  auto via = profile.get_all({"capaths", client_realm, server_realm});
  if (!via.empty()) {
    for (const auto& v : via)
      if (v != "." && v != client_realm && v != server_realm) path.push_back(v);
    path.emplace_back(server_realm);
    return path;
  }
  // Hierarchical: up from the client to the common parent, then down.
  auto c = split_realm(client_realm);
  auto s = split_realm(server_realm);
  std::size_t common = 0;
  while (common < c.size() && common < s.size() && c[c.size() - 1 - common] == s[s.size() - 1 - common])
    ++common;
  if (common > 0) {
    for (std::size_t i = 1; i + common <= c.size(); ++i) path.push_back(join_from(c, i));
    for (std::size_t i = s.size() - common; i-- > 1;) path.push_back(join_from(s, i));
  }
  if (path.back() != server_realm) path.emplace_back(server_realm);
  return path;
}

Result<Credentials> find_local_tgt(const ccache::CacheContents& contents, std::string_view cache_name) {
  const Principal& me = contents.default_principal;
  Principal tgs = krbtgt_principal(me.realm, me.realm);
  const Credentials* found = nullptr;
  for (const auto& c : contents.creds)
    if (c.client == me && c.server == tgs) found = &c;
  if (!found)
    return Error{Errc::no_credentials,
                 fmt::format("no TGT {} for {} in {}", name_of(tgs), name_of(me), cache_name)};
  return found->clone();
}

TgsClient::TgsClient(const config::Profile& profile, ccache::Cache& cache, const net::RealmTransport& kdcs,
                     Tracer tracer)
    : profile_(profile), cache_(cache), send_(kdcs), trace_(std::move(tracer)) {}

Result<void> TgsClient::load() {
  if (contents_) return success();
  KRBKIT_TRY(contents, cache_.read());
  client_ = contents.default_principal;
  if (contents.kdc_offset)
    kdc_offset_ = seconds(contents.kdc_offset->seconds) + microseconds(contents.kdc_offset->microseconds);
  contents_ = std::move(contents);
  KRBKIT_TRY(defaults, defaults_for(profile_, client_.realm));
  defaults_ = std::move(defaults);
  return success();
}

const Credentials* TgsClient::find_cached(const Principal& server, const ServiceOptions& options) const {
  const Principal& who = options.for_user ? *options.for_user : client_;
  const Credentials* found = nullptr;
  for (const auto& c : contents_->creds) {
    if (!(c.client == who) || !ccache::holds_ticket_for(c, server) || !usable(c)) continue;
    if (!options.enctypes.empty() && std::find(options.enctypes.begin(), options.enctypes.end(),
                                               c.session_key.enctype) == options.enctypes.end())
      continue;
    if (options.user_to_user ? (!c.is_skey || c.second_ticket != options.user_to_user->ticket) : c.is_skey)
      continue;
    found = &c;
  }
  return found;
}

Result<TgsResult> TgsClient::ask(const Credentials& tgt, TgsRequest request) {
  TgsHooks hooks;
  hooks.kdc_offset = kdc_offset_;
  TgsExchange tgs(tgt, std::move(request), *defaults_, trace_, hooks);
  return run_tgs(tgs, send_);
}

Result<void> TgsClient::remember(const Credentials& creds, const ServiceOptions& options) {
  obtained_.push_back(creds.clone());
  for (auto& c : contents_->creds)
    if (ccache::same_slot(c, creds)) c = creds.clone();
  if (std::none_of(contents_->creds.begin(), contents_->creds.end(),
                   [&](const Credentials& c) { return ccache::same_slot(c, creds); }))
    contents_->creds.push_back(creds.clone());
  if (options.no_store) return success();
  trace_("Storing {} -> {} in {}", name_of(creds.client), name_of(creds.server), cache_.name());
  return cache_.replace(creds);
}

Result<Credentials> TgsClient::tgt_for(const std::string& realm, const ServiceOptions& options) {
  KRBKIT_CHECK(load());
  ServiceOptions plain;
  plain.enctypes.clear();
  const Principal local = krbtgt_principal(client_.realm, client_.realm);
  const Credentials* have = find_cached(local, plain);
  if (!have)
    return Error{Errc::no_credentials, fmt::format("no valid TGT {} for {} in {}", name_of(local),
                                                   name_of(client_), cache_.name())};
  Credentials tgt = have->clone();
  if (realm == client_.realm) return tgt;

  const auto path = realm_path(profile_, client_.realm, realm);
  trace_("Realm path from {} to {}: {}", client_.realm, realm, fmt::join(path, " -> "));
  std::size_t at = 0;
  while (path[at] != realm) {
    bool moved = false;
    std::optional<Error> last;
    // The farthest realm first, then closer ones (MIT's get_creds.c).
    for (std::size_t j = path.size() - 1; j > at && !moved; --j) {
      Principal want = krbtgt_principal(path[j], path[at]);
      if (const Credentials* cached = options.reuse ? find_cached(want, plain) : nullptr) {
        trace_("Found cached cross-realm TGT {}", name_of(want));
        tgt = cached->clone();
        at = j;
        moved = true;
        break;
      }
      TgsRequest req;
      req.server = want;
      req.kdc_options = tgs_options_from_tgt(tgt, 0);
      auto r = ask(tgt, std::move(req));
      if (!r) {
        last = std::move(r).error();
        continue;
      }
      Credentials got = std::move(r->creds);
      if (!is_krbtgt(got.server))
        return Error{Errc::reply_mismatch, fmt::format("asked for {}, the KDC of {} sent {}", name_of(want),
                                                       path[at], name_of(got.server))};
      auto next =
          std::find(path.begin() + static_cast<std::ptrdiff_t>(at) + 1, path.end(), got.server.components[1]);
      if (next == path.end())
        return Error{Errc::reply_mismatch,
                     fmt::format("the KDC of {} sent {}, which is not on the path {}", path[at],
                                 name_of(got.server), fmt::join(path, " -> "))};
      KRBKIT_CHECK(remember(got, options));
      tgt = std::move(got);
      at = static_cast<std::size_t>(next - path.begin());
      moved = true;
    }
    if (!moved) {
      Error e = last ? *last : Error{Errc::no_credentials, ""};
      e.context.push_back(fmt::format("getting a cross-realm TGT from {} towards {}", path[at], realm));
      return e;
    }
  }
  return tgt;
}

Result<Credentials> TgsClient::get(const Principal& server, const ServiceOptions& options) {
  KRBKIT_CHECK(load());
  if (options.reuse) {
    if (const Credentials* c = find_cached(server, options)) {
      trace_("Found cached ticket {} for {}", name_of(c->server), name_of(c->client));
      return c->clone();
    }
  }
  if (options.cached_only)
    return Error{Errc::no_credentials,
                 fmt::format("no ticket {} for {} in {}", name_of(server),
                             name_of(options.for_user ? *options.for_user : client_), cache_.name())};
  if (options.evidence) return get_s4u_proxy(server, options);
  if (server.realm.empty()) return get_referral(server, options);
  KRBKIT_TRY(creds, ask_in_realm(server, options));
  KRBKIT_CHECK(remember(creds, options));
  return creds;
}

Result<Credentials> TgsClient::ask_in_realm(const Principal& server, const ServiceOptions& options) {
  KRBKIT_TRY(tgt, tgt_for(server.realm, options));
  TgsRequest req;
  req.server = server;
  req.kdc_options = tgs_options_from_tgt(tgt, options.kdc_options);
  if (options.canonicalize) req.kdc_options |= kdc_options::canonicalize;
  req.enctypes = options.enctypes;
  req.for_user = options.for_user;
  // S4U2Self: canonicalize, as MIT asks; forwardable only as the TGT is (a
  // KDC refuses forwardable from a TGT that is not, and forwards the S4U2Self
  // ticket only for a service trusted to authenticate for delegation).
  if (options.for_user) req.kdc_options |= kdc_options::canonicalize;
  if (options.user_to_user) {
    req.kdc_options |= kdc_options::enc_tkt_in_skey;
    req.additional_tickets.push_back(options.user_to_user->ticket);
  }
  auto asked = ask(tgt, std::move(req));
  if (!asked && options.for_user && asked.error().is(KdcErr::ap_err_badmatch) && !(server == client_)) {
    // KRB_AP_ERR_BADMATCH is what AD says when S4U2Self names another service.
    Error e = std::move(asked).error();
    e.detail = fmt::format("S4U2Self gives tickets to the requesting service only: {} asked for {}",
                           name_of(client_), name_of(server));
    return e;
  }
  KRBKIT_TRY(r, std::move(asked));
  if (r.referral)
    return Error{Errc::reply_mismatch, fmt::format("the KDC of {} referred {} to {}", server.realm,
                                                   name_of(server), r.referral_realm)};
  return std::move(r.creds);
}

Result<Credentials> TgsClient::file_under_referral_name(Credentials creds, const Principal& asked,
                                                        const ServiceOptions& options) {
  // Filed as MIT files it (get_creds.c, complete()): under the name asked
  // for ("host/h@"), the ticket naming the realm that issued it (klist:
  // "Ticket server"), so MIT's tools and GSS-API applications sharing the
  // cache find it. The caller gets the ticket's own name.
  Credentials filed = creds.clone();
  filed.server = asked;
  KRBKIT_CHECK(remember(filed, options));
  return creds;
}

std::optional<Credentials> TgsClient::get_in_fallback_realm(const Principal& server,
                                                            const ServiceOptions& options) {
  // The realm MIT guesses from the host name (krb5_get_fallback_host_realm:
  // a _kerberos TXT record when dns_lookup_realm is on, realm_try_domains,
  // else its parent domain in upper case), reached over the realm path; the ticket is filed
  // under the referral name all the same, as MIT's krb5_get_credentials files it.
  if (server.components.size() != 2) return std::nullopt;
  const std::string& host = server.components[1];
  const std::string guess = net::fallback_host_realm(profile_, host, trace_);
  if (guess.empty() || guess == client_.realm) return std::nullopt;
  trace_("No referral for {}; trying the fallback realm {}", name_of(server), guess);
  Principal named = server;
  named.realm = guess;
  auto got = ask_in_realm(named, options);
  if (!got) return std::nullopt;
  auto filed = file_under_referral_name(std::move(got).value(), server, options);
  if (!filed) return std::nullopt;
  return std::move(filed).value();
}

Result<Credentials> TgsClient::get_referral(const Principal& server, const ServiceOptions& options) {
  std::string realm = client_.realm;
  KRBKIT_TRY(first_tgt, tgt_for(realm, options));
  Credentials tgt = std::move(first_tgt);
  std::vector<std::string> seen{realm};
  for (int hop = 0; hop <= options.max_referrals; ++hop) {
    TgsRequest req;
    req.server = server;
    req.server.realm = realm;
    req.kdc_options = tgs_options_from_tgt(tgt, options.kdc_options) | kdc_options::canonicalize;
    req.enctypes = options.enctypes;
    req.for_user = options.for_user;
    if (options.user_to_user) {
      req.kdc_options |= kdc_options::enc_tkt_in_skey;
      req.additional_tickets.push_back(options.user_to_user->ticket);
    }
    auto r = ask(tgt, std::move(req));
    if (!r) {
      // No referral from the first KDC: the realm MIT would guess.
      if (hop == 0)
        if (auto fallback = get_in_fallback_realm(server, options)) return std::move(*fallback);
      return std::move(r).error();
    }
    if (!r->referral) return file_under_referral_name(std::move(r->creds), server, options);
    const std::string next = r->referral_realm;
    if (std::find(seen.begin(), seen.end(), next) != seen.end())
      return Error{Errc::reply_mismatch, fmt::format("referral loop for {}: {} -> {}", name_of(server),
                                                     fmt::join(seen, " -> "), next)};
    trace_("Following referral for {} from {} to {}", name_of(server), realm, next);
    KRBKIT_CHECK(remember(r->creds, options));
    tgt = std::move(r->creds);
    seen.push_back(next);
    realm = next;
  }
  return Error{Errc::reply_mismatch, fmt::format("more than {} referrals for {}: {}", options.max_referrals,
                                                 name_of(server), fmt::join(seen, " -> "))};
}

Result<Credentials> TgsClient::get_s4u_proxy(const Principal& server, const ServiceOptions& options) {
  std::string realm = server.realm.empty() ? client_.realm : server.realm;
  KRBKIT_TRY(tgt, tgt_for(realm, options));
  TgsRequest req;
  req.server = server;
  req.server.realm = realm;
  req.kdc_options = tgs_options_from_tgt(tgt, options.kdc_options) | kdc_options::cname_in_addl_tkt |
                    kdc_options::canonicalize;
  req.enctypes = options.enctypes;
  req.additional_tickets.push_back(options.evidence->ticket);
  req.evidence_client = options.evidence->client;
  // As MIT: say that resource-based constrained delegation is understood; a
  // KDC that finds no such rule falls back to the classic one
  // (msDS-AllowedToDelegateTo).
  req.pac_options = pac_options::resource_based_delegation;
  auto r = ask(tgt, std::move(req));
  if (!r && r.error().is(KdcErr::badoption)) {
    // KDC_ERR_BADOPTION is all a KDC says when it refuses the delegation.
    Error e = std::move(r).error();
    std::string why;
    if (options.evidence->flags & ticket_flags::forwardable)
      why =
          "the service is not among those the account may delegate to: AD's msDS-AllowedToDelegateTo, "
          "MIT's krbAllowedToDelegateTo";
    else if (!(tgt.flags & ticket_flags::forwardable))
      why = fmt::format("the evidence ticket is not forwardable because the TGT of {} is not: kinit -f",
                        name_of(client_));
    else
      why =
          "the evidence ticket is not forwardable: the account is not trusted to authenticate for "
          "delegation (protocol transition), and no resource-based rule allows it";
    e.detail = fmt::format("constrained delegation refused: {} may not delegate {} to {} ({})",
                           name_of(client_), name_of(options.evidence->client), name_of(server), why);
    return e;
  }
  if (!r) return std::move(r).error();
  KRBKIT_CHECK(remember(r->creds, options));
  return std::move(r->creds);
}

namespace {

Result<Credentials> renew_or_validate(const config::Profile& profile, const Credentials& creds,
                                      const net::RealmTransport& send, Tracer tracer, std::uint32_t option) {
  KRBKIT_TRY(defaults, defaults_for(profile, creds.client.realm));
  TgsRequest req;
  req.server = creds.server;
  req.kdc_options = tgs_options_from_tgt(creds, option);
  if (option == kdc_options::renew) req.till = creds.renew_till;
  TgsExchange tgs(creds, std::move(req), defaults, std::move(tracer));
  KRBKIT_TRY(r, run_tgs(tgs, send));
  return std::move(r.creds);
}

}  // namespace

Result<Credentials> renew_credentials(const config::Profile& profile, const Credentials& creds,
                                      const net::RealmTransport& send, Tracer tracer) {
  if (!(creds.flags & ticket_flags::renewable))
    return Error{Errc::invalid_argument,
                 fmt::format("the ticket {} is not renewable", name_of(creds.server))};
  if (creds.renew_till <= now_seconds())
    return Error{Errc::credentials_expired,
                 fmt::format("the renewable lifetime of {} has ended", name_of(creds.server))};
  return renew_or_validate(profile, creds, send, std::move(tracer), kdc_options::renew)
      .context("renewing credentials");
}

Result<Credentials> validate_credentials(const config::Profile& profile, const Credentials& creds,
                                         const net::RealmTransport& send, Tracer tracer) {
  return renew_or_validate(profile, creds, send, std::move(tracer), kdc_options::validate)
      .context("validating credentials");
}

}  // namespace krbkit::exchange
