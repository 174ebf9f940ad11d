#pragma once
// FAST (RFC 6113): the armor an AS exchange is wrapped in. kinit -T names a
// cache whose TGT armors the request: an AP-REQ with that ticket and a fresh
// subkey (armor type 1), and the armor key KRB-FX-CF2(subkey, ticket session
// key, "subkeyarmor", "ticketarmor") that protects request and reply.
//
//   KRBKIT_TRY(armor, fast_armor_from_cache(*cache, realm, now));
//   AsRequest req{.client = alice, .armor = std::make_shared<const FastArmor>(std::move(armor))};

#include <chrono>
#include <memory>
#include <string_view>

#include "krbkit/base/key.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/ccache/format.hpp"
#include "krbkit/proto/credentials.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::exchange {

struct FastArmor {
  KrbFastArmor armor;  // armor-type 1, the AP-REQ
  Key armor_key;
};

// Armor made from a TGT of the realm the request goes to.
Result<FastArmor> make_fast_armor(const Credentials& tgt);

// The armor of kinit -T: the cache's TGT for krbtgt/REALM@REALM. The cache
// holding none is Errc::armor_unreadable (as is a cache that did not read);
// a TGT past its end time at `now` is Errc::armor_expired: MIT's client
// refuses it itself (the KDC would still take it within the clock skew).
Result<FastArmor> fast_armor_from_cache(const ccache::CacheContents& cache, std::string_view realm,
                                        KerberosTime now);

// kinit -T: the armor from the cache named `cache_name`: Errc::armor_not_found
// when it does not exist, Errc::armor_unreadable when it does not read, then
// as fast_armor_from_cache. The errors name the cache.
Result<std::shared_ptr<const FastArmor>> load_fast_armor(std::string_view cache_name, std::string_view realm,
                                                         KerberosTime now);

}  // namespace krbkit::exchange
