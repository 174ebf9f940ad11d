#pragma once
// ktutil addent -f: which salt (and s2kparams) the KDC uses for a principal's
// key, learned from an AS exchange that stops before making a key.

#include <optional>

#include "krbkit/base/result.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/net/realm_transport.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::exchange {

// The AS request of a probe that stops at the KDC's first answer (this one,
// kdiag's): for `client`, one hour, nothing renewable, forwardable or
// proxiable, no addresses.
AsRequest probe_as_request(const Principal& client);

// The salt (and s2kparams) the KDC uses for `principal`'s key of enctype `e`,
// from the first AS-REQ of an AsExchange (no pre-authentication): the
// ETYPE-INFO2 (else ETYPE-INFO, PW-SALT) of the PREAUTH_REQUIRED error or of
// the AS-REP, chosen as kinit would choose it; salt nullopt when the KDC names
// none or the default one. Any other KDC error (an unknown client) is
// returned. Without `e` (MIT's addent -f without -e) the request offers the
// configured enctypes (default_tkt_enctypes) and the KDC's first choice is
// returned, enctype included.
Result<EtypeInfo2Entry> fetch_etype_info(const config::Profile& profile, const Principal& principal,
                                         std::optional<Enctype> e, const net::RealmTransport& kdcs);
// The same over a net::KdcClient for the profile.
Result<EtypeInfo2Entry> fetch_etype_info(const config::Profile& profile, const Principal& principal,
                                         std::optional<Enctype> e, Tracer tracer = {});

}  // namespace krbkit::exchange
