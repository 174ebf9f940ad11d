#pragma once
// The kadmin/admin service ticket a kadm5 session authenticates with, got
// the way MIT's kadmin gets it (kadmin-mit.md 2.1, 2.2):
//   - password or keytab: an AS exchange made directly for kadmin/admin@REALM
//     (MIT's KDC refuses TGS requests for it), falling back to
//     kadmin/<admin server host> when the KDC does not know kadmin/admin;
//   - an existing cache (-c): a kadmin/admin (or kadmin/<host>) ticket
//     already in it, else one got with its TGT (a TGS exchange; the ticket
//     is stored in the cache). MIT's KDC refuses that for a kadmin/admin
//     created with -allow_tgs_req (DISALLOW_TGT_BASED): Errc::no_credentials
//     saying so.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/proto/credentials.hpp"

namespace krbkit::kadm5 {

struct AdminAuth {
  enum class Method { password, keytab, ccache };
  Method method = Method::password;
  Principal client;
  std::string realm;                                            // the admin realm (kadmin/admin@realm)
  std::string admin_host;                                       // for the kadmin/<host> fallback
  std::optional<SecretBytes> password;                          // -w
  std::function<Result<SecretBytes>(const Principal&)> prompt;  // asked when no password is given
  std::string keytab;                                           // -t (empty: default client keytab)
  std::string ccache;                                           // -c
};

Result<Credentials> get_admin_ticket(const config::Profile& profile, AdminAuth auth);

// The <host> of the kadmin/<host> fallback, made from the admin server's
// host name (or address) as MIT's krb5_expand_hostname makes it for
// kadm5_get_admin_service_name:
//   - dns_canonicalize_hostname = true (the default): the canonical name
//     from getaddrinfo (AI_CANONNAME), then, with rdns (default true), the
//     name of its first address (getnameinfo, NI_NAMEREQD); a lookup that
//     fails leaves the name as it is;
//   - false or fallback: no DNS (MIT's fallback does not apply here);
//   - a name of one label that DNS did not replace gets the domain of
//     qualify_shortname (default: the resolver's first search domain; an
//     empty value: none);
// then lower case, without a trailing dot. "127.0.0.1" stays "127.0.0.1"
// without rdns and becomes the address's name (e.g. "localhost") with it.
std::string admin_service_host(const config::Profile& profile, std::string_view host);

}  // namespace krbkit::kadm5
