#pragma once
// What a service ticket request names, as MIT's kvno takes it: the service,
// and for user-to-user the other user's TGT.

#include <string>

#include "krbkit/base/result.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/proto/credentials.hpp"

namespace krbkit::exchange {

// With `sname` (-S), `arg` is a host: SNAME/host in the host's realm from
// [domain_realm], else the referral realm (empty: the KDC says where the
// host lives), as MIT's sname_to_principal. Else `arg` parsed in
// `default_realm`, of name type unknown with `unknown_type` (-u).
Result<Principal> service_principal(const std::string& arg, const std::string& sname, bool unknown_type,
                                    const config::Profile& profile, const std::string& default_realm);

// The local TGT in the cache `name` (kvno --u2u: the other user's, whose
// session key the ticket is then encrypted in).
Result<Credentials> local_tgt_in(const std::string& name);

}  // namespace krbkit::exchange
