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

#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/ccache/credentials.hpp"
#include "krbkit/config/profile.hpp"

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

}  // namespace krbkit::kadm5
