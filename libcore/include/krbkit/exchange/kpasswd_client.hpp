#pragma once
// Password changes over the network: the kadmin/changepw ticket from an AS
// exchange, the RFC 3244 exchange (kpasswd.hpp) sent to the realm's password
// servers, and MIT's expired-password flow for kinit.
//
//   PasswordKeySource old_pw(client, prompt_for_old_password);
//   KRBKIT_TRY(creds, get_changepw_credentials(profile, client, old_pw, tracer));
//   KRBKIT_TRY(result, change_password(profile, creds, std::move(new_password), tracer));
//   if (!result.ok()) print(result.describe());   // "Password change rejected: ..."
//
// Servers: kpasswd_server, else admin_server's host at port 464, else DNS SRV
// _kpasswd._tcp/_udp (net::locate with Service::kpasswd). As MIT does, every
// server is tried over TCP first and only then over UDP, because a UDP
// re-send of the same AP-REQ looks like a replay to the server. Each server
// gets a request of its own, carrying our address as that server sees it.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/key_source.hpp"
#include "krbkit/exchange/kpasswd.hpp"
#include "krbkit/net/realm_transport.hpp"
#include "krbkit/proto/credentials.hpp"

namespace krbkit::exchange {

struct KpasswdSendOptions {
  // Servers to use instead of the located ones (tests, a given host).
  std::vector<net::KdcTarget> servers;
  // Deadline per server and transport; nullopt: krb5.conf / MIT's schedule.
  std::optional<std::chrono::milliseconds> timeout;
  // Send RFC 3244 set-password (0xff80) even for one's own password.
  bool force_set_password = false;
  KpasswdHooks hooks;
};

// Sends the exchange's request to the password servers of `realm` until one
// answers and reads the answer. Errc::no_kdc naming every server tried when
// none answers.
Result<KpasswdResult> send_kpasswd(const config::Profile& profile, KpasswdExchange& exchange,
                                   const net::RealmTransport& client, std::string_view realm,
                                   const KpasswdSendOptions& options = {});

// An initial ticket for kadmin/changepw@<client's realm>, as MIT gets it:
// 5 minutes, not renewable, forwardable or proxiable; addresses as krb5.conf
// says (noaddresses, extra_addresses), as MIT's kpasswd.
// Adds "while getting initial credentials" to errors.
Result<Credentials> get_changepw_credentials(const config::Profile& profile, const Principal& client,
                                             KeySource& keys, Tracer tracer = {});

// Changes creds.client's password (version 1).
Result<KpasswdResult> change_password(const config::Profile& profile, const Credentials& changepw_creds,
                                      SecretBytes new_password, Tracer tracer = {},
                                      const KpasswdSendOptions& options = {});

// Sets `target`'s password (RFC 3244 set-password; the server decides
// whether creds.client may, e.g. with kadmind's ACL).
Result<KpasswdResult> set_password(const config::Profile& profile, const Credentials& changepw_creds,
                                   const Principal& target, SecretBytes new_password, Tracer tracer = {},
                                   const KpasswdSendOptions& options = {});

// ---- kinit after KDC_ERR_KEY_EXPIRED (MIT's krb5_get_init_creds_password) ----

struct NewPassword {
  SecretBytes first;   // "Enter new password:"
  SecretBytes second;  // "Enter it again:"
};
// Shows `banner` ("Password expired.  You must change it now.", later
// "Password mismatch.  Please try again.") and reads the new password twice.
using NewPasswordPrompt = std::function<Result<NewPassword>(const std::string& banner)>;

// Gets a kadmin/changepw ticket with `old_password`, then gives the user
// three tries to choose a new password the server accepts. Returns the new
// password (for the AS exchange that follows). Errors: the prompt's error,
// Errc::password_mismatch or Errc::password_rejected (naming the server's
// reason) after three tries, or any exchange failure.
Result<SecretBytes> change_expired_password(const config::Profile& profile, const Principal& client,
                                            const SecretBytes& old_password, const NewPasswordPrompt& ask,
                                            Tracer tracer = {}, const KpasswdSendOptions& options = {});

}  // namespace krbkit::exchange
