#pragma once
// Getting service tickets, as MIT's krb5_get_credentials does: look in the
// cache first, else find a TGT for the service's realm (walking [capaths] or
// the realm hierarchy, or following the KDC's referrals), run the TGS
// exchange and store what was obtained in the cache, without duplicates.
// Also S4U2Self / S4U2Proxy, user-to-user, and renew / validate (kinit -R/-v).
//
//   auto cache = ccache::open(name).value();
//   net::KdcClient kdcs(profile, tracer);
//   TgsClient client(profile, *cache, kdcs, tracer);
//   KRBKIT_TRY(creds, client.get(server));                // ServiceOptions{} for the defaults
//
// Realms: a server principal with an empty realm ("referral realm", what
// sname_to_principal gives for a host [domain_realm] does not map) is asked
// for at the client's realm with canonicalize, and each krbtgt/OTHER@THIS
// the KDC hands back is followed (at most ServiceOptions::max_referrals hops;
// a realm seen twice is a loop); when the first KDC has no referral, the
// realm guessed from the host name (its parent domain, MIT's fallback realm)
// is asked. Either way the ticket is filed under the referral name with the
// ticket naming its realm, as MIT files it. A server in another named realm is reached
// through the realm path: [capaths] of the client's realm, else the
// hierarchical path (A.B.C -> B.C -> D.B.C); at each realm the TGT for the
// farthest realm on the path is asked first, then closer ones, as MIT does.
// Cross-realm TGTs obtained on the way are cached.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/tgs_exchange.hpp"
#include "krbkit/net/realm_transport.hpp"

namespace krbkit::exchange {

// Runs one exchange to its result over `kdcs` (TCP when the exchange asks).
// A reply that does not decode as a TGS-REP or KRB-ERROR fails that KDC and
// the next one is asked.
Result<TgsResult> run_tgs(TgsExchange& tgs, const net::RealmTransport& kdcs);

struct ServiceOptions {
  std::uint32_t kdc_options = 0;      // added to those copied from the TGT (forwardable, ...)
  std::vector<Enctype> enctypes;      // wanted session key enctypes (kvno -e); also a cache match criterion
  bool cached_only = false;           // kvno --cached-only: never ask a KDC
  bool no_store = false;              // kvno --no-store: store nothing in the cache
  bool reuse = true;                  // false: ask the KDC even when the cache has the ticket
  bool canonicalize = false;          // ask for the canonical name (always on for the referral realm)
  int max_referrals = 10;             // hops before giving up (MIT: KRB5_REFERRAL_MAXHOPS 10)
  std::optional<Principal> for_user;  // S4U2Self: a ticket to `server` for this user
  const Credentials* user_to_user = nullptr;  // the other user's TGT: enc-tkt-in-skey
  const Credentials* evidence = nullptr;      // S4U2Proxy: the user's ticket to us
};

class TgsClient {
 public:
  // `cache` supplies the client (its default principal) and the TGT, and
  // receives the tickets obtained. `kdcs` must outlive the client.
  TgsClient(const config::Profile& profile, ccache::Cache& cache, const net::RealmTransport& kdcs,
            Tracer tracer = {});

  Result<Credentials> get(const Principal& server, const ServiceOptions& options = {});

  // The TGT for getting tickets in `realm`: krbtgt/realm@<client realm> or a
  // cross-realm one, from the cache or obtained along the realm path.
  Result<Credentials> tgt_for(const std::string& realm, const ServiceOptions& options = {});

  const Principal& client() const { return client_; }
  // Every credential obtained from a KDC by this client, in order.
  const std::vector<Credentials>& obtained() const { return obtained_; }

 private:
  Result<void> load();
  const Credentials* find_cached(const Principal& server, const ServiceOptions& options) const;
  Result<TgsResult> ask(const Credentials& tgt, TgsRequest request);
  Result<void> remember(const Credentials& creds, const ServiceOptions& options);
  Result<Credentials> get_referral(const Principal& server, const ServiceOptions& options);
  // A ticket for `server` in its (named) realm over the realm path, not stored.
  Result<Credentials> ask_in_realm(const Principal& server, const ServiceOptions& options);
  // Stores `creds` under `asked` (a referral name, "host/h@"); returns them as they are.
  Result<Credentials> file_under_referral_name(Credentials creds, const Principal& asked,
                                               const ServiceOptions& options);
  // After the first KDC gave no referral: the ticket from the realm guessed
  // from the host name, filed under `server`; nothing if none could be had.
  std::optional<Credentials> get_in_fallback_realm(const Principal& server, const ServiceOptions& options);
  Result<Credentials> get_s4u_proxy(const Principal& server, const ServiceOptions& options);

  const config::Profile& profile_;
  ccache::Cache& cache_;
  const net::RealmTransport& send_;
  Tracer trace_;
  std::optional<ccache::CacheContents> contents_;
  Principal client_;
  std::optional<config::LibDefaults> defaults_;
  std::chrono::microseconds kdc_offset_{0};
  std::vector<Credentials> obtained_;
};

// The realms from `client_realm` to `server_realm`, both included: the
// [capaths] entry of client_realm for server_realm ("." means direct), else
// the hierarchical path through the common parent domain.
std::vector<std::string> realm_path(const config::Profile& profile, std::string_view client_realm,
                                    std::string_view server_realm);

// kinit -R: renews `creds` (the ticket itself authenticates the request).
// Errc::invalid_argument when the ticket is not renewable or past its renew-till.
Result<Credentials> renew_credentials(const config::Profile& profile, const Credentials& creds,
                                      const net::RealmTransport& send, Tracer tracer = {});
// kinit -v: validates a postdated ticket once its start time has come.
Result<Credentials> validate_credentials(const config::Profile& profile, const Credentials& creds,
                                         const net::RealmTransport& send, Tracer tracer = {});

// The cache's TGT for its default principal's own realm (the one kinit -R/-v
// act on), Errc::no_credentials naming the cache when there is none.
Result<Credentials> find_local_tgt(const ccache::CacheContents& contents, std::string_view cache_name);

}  // namespace krbkit::exchange

namespace krbkit::exchange {

// What kvno reports about a service ticket.
struct TicketInfo {
  Principal server;           // as the ticket names it
  std::uint32_t kvno = 0;     // the service key's version (0 when the ticket has none: user-to-user)
  Enctype ticket_enctype{};   // the ticket's encryption (the service key's enctype)
  Enctype session_enctype{};  // the session key's
};
Result<TicketInfo> ticket_info(const Credentials& creds);

// kvno -k: decrypts the ticket (key usage 2) with the keytab entry for its
// server, kvno and enctype, as a service would (MIT's
// krb5_server_decrypt_ticket_keytab). Errc::keytab_no_key when the keytab
// has no such entry, Errc::integrity when the key is wrong,
// KRB_AP_ERR_ILL_CR_TKT when the ticket transited realms `profile`'s
// [capaths] or realm hierarchy does not allow (check_ticket_transit).
Result<EncTicketPart> decrypt_ticket_with_keytab(const Credentials& creds, std::string_view keytab_name,
                                                 const config::Profile& profile);

}  // namespace krbkit::exchange
