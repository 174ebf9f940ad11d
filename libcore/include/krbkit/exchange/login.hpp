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

// kinit -R (`renew`) / -v: the TGT of `cache`, whose contents are `old`,
// renewed or validated by the KDC (a TGS exchange), for the caller to store
// in place of the cache's contents. Without contents, MIT's error:
// Errc::ccache_not_found naming the cache ("filename: PATH" for FILE).
Result<Credentials> refresh_tgt(const config::Profile& profile, const ccache::Cache& cache,
                                const std::optional<ccache::CacheContents>& old, bool renew,
                                Tracer tracer = {});

}  // namespace krbkit::exchange
