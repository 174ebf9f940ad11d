#pragma once
// Getting initial credentials over the network: the only loop that does I/O
// for an AS exchange. It sends each request of the exchange through a
// net::RealmTransport (a net::KdcClient unless a test gives a fake), keeps to the KDC that answered for the
// pre-authenticated request, retries over TCP when asked, and, as MIT does, tries once more at the realm's
// primary KDC when a replica said the password was wrong (it may not have the new one yet).
//
// One call for any service ticket from the AS (kinit, kpasswd's
// kadmin/changepw, kadmin's kadmin/admin):
//
//   PasswordKeySource keys(client, prompt);
//   KRBKIT_TRY(result, get_initial_credentials(profile, {.client = client,
//                      .server = parse_principal("kadmin/changepw", realm).value()}, keys, tracer));

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/net/realm_transport.hpp"

namespace krbkit::exchange {

struct DriveOptions {
  bool primary_only = false;  // every request to the primary KDC only
  // Overall deadline per request; nullopt: krb5.conf / MIT's schedule.
  std::optional<std::chrono::milliseconds> timeout;
};

// Runs `as` to the end over `kdcs`. `answered` receives the KDC that sent the
// last reply. KDC errors get "KDC <address>" as their detail. A reply that
// does not decode as an AS-REP or KRB-ERROR fails that KDC, not the exchange.
Result<AsResult> drive(AsExchange& as, const net::RealmTransport& kdcs, const DriveOptions& options = {},
                       std::optional<net::KdcTarget>* answered = nullptr);

// Everything: [libdefaults] for the client's realm, the exchange, the
// network, the retry at the primary KDC. Adds "while getting initial
// credentials" to errors.
Result<AsResult> get_initial_credentials(const config::Profile& profile, AsRequest request, KeySource& keys,
                                         Tracer tracer = {}, AsHooks hooks = {});
// The same over `kdcs` (which also gives the tracer).
Result<AsResult> get_initial_credentials(const config::Profile& profile, AsRequest request, KeySource& keys,
                                         const net::RealmTransport& kdcs, AsHooks hooks = {});

// One line for the user after "<prog>: ", worded as MIT's tools word them,
// naming `client`: "Password incorrect while getting initial credentials",
// "Client 'x@R' not found in Kerberos database while getting initial
// credentials", "Password for 'dave@R' has expired ...", "Clock skew too
// great (...)"; anything else is error.message().
std::string describe_initial_creds_error(const Error& error, const Principal& client);

}  // namespace krbkit::exchange
