#pragma once
// How kadmin logs in, as MIT's kadmin chooses: the client principal when -p
// is absent, and the kadmin/admin ticket from -c's cache, -k's keytab or a
// password (-w, --password-file, else a prompt).

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/kadm5/auth.hpp"
#include "krbkit/kadm5/session.hpp"
#include "krbkit/net/locate.hpp"

namespace krbkit::shell {

struct KadminLogin {
  std::string principal;      // -p ("" = MIT's default)
  std::string ccache;         // -c
  bool use_keytab = false;    // -k
  std::string keytab;         // -t ("" = the default keytab)
  std::string password;       // -w
  std::string password_file;  // --password-file (- for stdin)
};

// -p, else -c's cache's principal, else host/<this host> with -k, else the
// default cache's first component + "/admin", else $USER/admin.
std::string admin_principal(const KadminLogin& login, const std::string& realm,
                            const std::string& default_cache);

// -s's host[:port], else the realm's admin_server from krb5.conf, else (when
// dns_lookup_kdc allows) its _kerberos-adm URI or _kerberos-adm._tcp SRV
// records, as Heimdal's kadmin finds it (MIT's requires admin_server): the
// servers in the order to try them.
Result<std::vector<net::KdcTarget>> admin_servers(const std::string& given, const config::Profile& profile,
                                                  const std::string& realm, const Tracer& trace = {});

// The AdminAuth for `login` (client, realm and host left for the caller);
// prints MIT's "Authenticating as principal ... with ..." unless `quiet`.
// `prompt` asks for the password when neither -w nor --password-file gave one.
Result<kadm5::AdminAuth> admin_authentication(
    const KadminLogin& login, const std::string& shown, bool quiet,
    std::function<Result<SecretBytes>(const std::string& prompt)> prompt);

// The kadmin/admin ticket for `auth` (auth.realm's), then a session with
// the first of `servers` that can be reached, in `protocol`, else the
// realm's kadmin_protocol in krb5.conf, else the one the server is found to
// speak. Errors carry "initializing kadmin interface", as MIT's do; a failed
// pre-authentication is MIT's KADM5_BAD_PASSWORD.
Result<std::unique_ptr<kadm5::Admin>> open_admin_session(const config::Profile& profile,
                                                         kadm5::AdminAuth auth,
                                                         const std::vector<net::KdcTarget>& servers,
                                                         std::optional<kadm5::Protocol> protocol,
                                                         const Tracer& trace = {});

}  // namespace krbkit::shell
