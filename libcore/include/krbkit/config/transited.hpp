#pragma once
// The transited-realm check a service makes on a cross-realm ticket (RFC
// 4120 3.3.3.2), as MIT's krb5_check_transited_list: every realm in the
// ticket's DOMAIN-X500-COMPRESS transited field must lie on the path that
// [capaths] (or, without an entry, the realm hierarchy) gives between the
// client's realm and the service's.
//
//   [capaths]
//     A.TEST = { C.TEST = B.TEST }    # A -> B -> C allowed; A -> D -> C is not
//
//   KRBKIT_CHECK(config::check_transited(profile, "B.TEST", "A.TEST", "C.TEST"));

#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/config/profile.hpp"

namespace krbkit::config {

// The realms a ticket from `client_realm` to `server_realm` may transit: the
// client's realm and the realms before the server's on MIT's realm tree
// walk ([capaths], "." meaning direct; else up to the common parent and
// down). Empty when both realms are the same.
std::vector<std::string> transit_path(const Profile& profile, std::string_view client_realm,
                                      std::string_view server_realm);

// The realms named by a DOMAIN-X500-COMPRESS transited encoding (RFC 4120
// 3.3.3.2): "," separators, a name ending in "." or starting with "/"
// joined with the previous one, ",," and leading/trailing "," standing for
// the realms in between. KRB_AP_ERR_ILL_CR_TKT when it cannot be expanded.
Result<std::vector<std::string>> transited_realms(std::string_view contents, std::string_view client_realm,
                                                  std::string_view server_realm);

// success() when the field is empty or every realm in it is on the path;
// kdc_error(43) KRB_AP_ERR_ILL_CR_TKT ("Illegal cross-realm ticket") naming
// the first realm that is not.
Result<void> check_transited(const Profile& profile, std::string_view contents, std::string_view client_realm,
                             std::string_view server_realm);

}  // namespace krbkit::config
