#pragma once
// kinit's flows over the AS and TGS exchanges. A login with a password, as
// MIT's krb5_get_init_creds_password does it: the AS exchange, and after
// KDC_ERR_KEY_EXPIRED the change of the expired password and the exchange
// again with the new one; then the warning that the password expires soon
// (get_in_tkt.c warn_pw_expiry). And kinit -R / -v: the cache's TGT renewed
// or validated.

#include <chrono>
#include <optional>

#include "krbkit/base/result.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/exchange/key_source.hpp"
#include "krbkit/exchange/kpasswd_client.hpp"

namespace krbkit::exchange {

// Who kinit logs in as, in MIT's order: the `argument` (an enterprise name
// with `enterprise`); with a keytab (`use_keytab`) and -i
// (`default_client_keytab`) the first entry of the default client keytab,
// with a keytab alone host/<this host>; the default principal of the
// cache's contents `old` (then `from_cache` is set); the user's login name.
struct ClientQuery {
  std::string argument;
  bool enterprise = false;
  bool use_keytab = false;
  bool default_client_keytab = false;
};
Result<Principal> kinit_client(const ClientQuery& query, const config::LibDefaults& defaults,
                               const std::optional<ccache::CacheContents>& old, bool& from_cache);

// kinit's ticket options as typed: the -l, -r, -s durations, each flag with
// its negation (-f/-F, -p/-P, -a/-A, --request-pac/--no-request-pac; neither
// leaves the default), -C, -E and -S.
struct TicketOptions {
  std::optional<std::string> lifetime, start_time, renewable_life;
  bool forwardable = false, not_forwardable = false, proxiable = false, not_proxiable = false;
  bool addresses = false, no_addresses = false, request_pac = false, no_request_pac = false;
  bool canonicalize = false, enterprise = false;
  std::string service;
  // -I: a cache from an earlier login whose pa_type for the TGS principal
  // is then the only pre-authentication tried, as MIT's kinit -I. A cache
  // that does not exist or holds no pa_type restricts nothing (MIT's too).
  std::string input_cache;
};
// The AS request for `client` they ask for, with the etype-info the cache's
// contents `old` remember for the client. A duration of zero or less is
// refused, as MIT's kinit refuses it ("bad lifetime value '0'").
Result<AsRequest> kinit_request(const TicketOptions& options, const Principal& client,
                                const std::optional<ccache::CacheContents>& old);

// get_initial_credentials with the password `ask` gives (asked for once).
// After KEY_EXPIRED: the old password (asked for then, when the KDC said so
// before wanting a key), a new one through `ask_new` changed at the
// kpasswd server, and the exchange again with it. A prompt of that change
// that finds no input (Errc::cancelled) fails as MIT's kinit: "password
// expired" in the detail, "while getting initial credentials".
Result<AsResult> get_initial_credentials_with_password(const config::Profile& profile,
                                                       const AsRequest& request,
                                                       const PasswordKeySource::Prompt& ask,
                                                       const NewPasswordPrompt& ask_new, CryptoPolicy policy,
                                                       Tracer tracer = {});

// When the password expires, if MIT's kinit warns about it: a last-req
// password expiry (LR type 6, either sign) always; when the last-req has
// neither it nor an account expiry (type 7), the reply's key-expiration if
// that is within a week; never for a kadmin/changepw ticket nor a zero time.
struct ExpiryWarning {
  KerberosTime when;
  std::chrono::seconds left;  // from `now`
};
std::optional<ExpiryWarning> password_expiry_warning(const AsResult& result, const AsRequest& request,
                                                     KerberosTime now);
// MIT's warning line ("Warning: Your password will expire in ..."), the time
// in the locale's %c; empty when the time cannot be shown.
std::string expiry_warning_text(const ExpiryWarning& warning);

// kinit's error line, as MIT's kinit words it: the AS exchange's errors name
// the `client` (describe_initial_creds_error), a missing keytab is "Key table
// file 'PATH' not found", input that ended before a password "Cannot read
// password for 'P'".
std::string describe_kinit_error(const Error& error, const std::optional<Principal>& client);

// kinit -R (`renew`) / -v: the TGT of `cache`, whose contents are `old`,
// renewed or validated by the KDC (a TGS exchange), for the caller to store
// in place of the cache's contents. Without contents, MIT's error:
// Errc::ccache_not_found naming the cache ("filename: PATH" for FILE).
Result<Credentials> refresh_tgt(const config::Profile& profile, const ccache::Cache& cache,
                                const std::optional<ccache::CacheContents>& old, bool renew,
                                Tracer tracer = {});

// kinit --keep-renewed: the TGT that `cache` holds now, renewed by the KDC
// and put in place of the old one under the cache's lock; the cache's other
// tickets stay (kinit -R would drop them).
Result<Credentials> renew_tgt_in_cache(const config::Profile& profile, ccache::Cache& cache,
                                       Tracer tracer = {});

}  // namespace krbkit::exchange
