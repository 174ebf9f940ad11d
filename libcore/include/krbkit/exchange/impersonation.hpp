#pragma once
// Service tickets on behalf of a user (kvno -I/-U, with -P): MIT's kvno
// chains S4U2Self into S4U2Proxy, and so does this.

#include <optional>

#include "krbkit/base/result.hpp"
#include "krbkit/exchange/tgs_creds.hpp"

namespace krbkit::exchange {

// The options for tickets on behalf of `user`, from `options`. S4U2Self
// alone: the services' tickets are issued for the user (for_user). With
// `proxy` (S4U2Proxy): first the S4U2Self ticket from `self` (the cache's
// principal) to itself, in any enctype, kept in `evidence`, which the
// returned options present to reach the services.
Result<ServiceOptions> on_behalf_of(TgsClient& client, const Principal& self, const Principal& user,
                                    bool proxy, ServiceOptions options, std::optional<Credentials>& evidence);

}  // namespace krbkit::exchange
