#pragma once
// FAST armor without a hand-made cache (MIT 1.23's auto_fast_armor): an
// anonymous PKINIT ticket-granting ticket got first, kept in memory as MIT
// keeps it in a MEMORY cache, whose AP-REQ armors the real request.

#include <memory>
#include <string>

#include "krbkit/base/result.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/exchange/fast.hpp"
#include "krbkit/net/realm_transport.hpp"

namespace krbkit::exchange::detail {

// [realms] REALM auto_fast_armor = true (only the realm's entry, as MIT
// reads it). A value that is not a boolean counts as false, as in MIT.
bool auto_fast_armor(const config::Profile& profile, const std::string& realm);

// [realms] REALM disable_encrypted_timestamp = true: the client does not
// answer with PA-ENC-TIMESTAMP (MIT 1.17), so only FAST or SPAKE can carry
// its password.
bool encrypted_timestamp_disabled(const config::Profile& profile, const std::string& realm);

// An anonymous PKINIT TGT of `realm` with krb5.conf's PKINIT trust for it
// (one hour, as MIT's), made into FAST armor. Errc::pkinit_no_anchors at
// once, before any request, when the realm has no pkinit_anchors.
Result<std::shared_ptr<const FastArmor>> anonymous_armor(const config::Profile& profile,
                                                         const std::string& realm,
                                                         const net::RealmTransport& kdcs,
                                                         const AsHooks& hooks);

}  // namespace krbkit::exchange::detail
