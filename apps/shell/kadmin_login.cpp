#include "shell/kadmin_login.hpp"

#include <unistd.h>

#include <iostream>

#include "common/prompt.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/net/kdc_client.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::shell {
namespace {

std::string fqdn() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return host;
}

}  // namespace

std::string admin_principal(const KadminLogin& login, const std::string& realm,
                            const std::string& default_cache) {
  if (!login.principal.empty()) return login.principal;
  if (!login.ccache.empty()) {
    if (auto c = ccache::open(login.ccache); c.ok())
      if (auto contents = (*c)->read(); contents.ok()) return unparse_principal(contents->default_principal);
  }
  if (login.use_keytab) return unparse_principal(host_service_principal("host", fqdn(), realm));
  if (auto c = ccache::open(default_cache); c.ok())
    if (auto contents = (*c)->read(); contents.ok() && !contents->default_principal.components.empty())
      return contents->default_principal.components[0] + "/admin@" + contents->default_principal.realm;
  return Environment::from_process().user.value_or("root") + "/admin@" + realm;
}

Result<std::vector<net::KdcTarget>> admin_servers(const std::string& given, const config::Profile& profile,
                                                  const std::string& realm, const Tracer& trace) {
  if (!given.empty()) {
    KRBKIT_TRY(server, net::parse_server(given, net::default_port(net::Service::admin)));
    return std::vector<net::KdcTarget>{server};
  }
  return net::locate(profile, realm, {net::Service::admin, std::nullopt, trace});
}

Result<kadm5::AdminAuth> admin_authentication(
    const KadminLogin& login, const std::string& shown, bool quiet,
    std::function<Result<SecretBytes>(const std::string& prompt)> prompt) {
  kadm5::AdminAuth auth;
  std::string how = "password";
  if (!login.ccache.empty()) {
    auth.method = kadm5::AdminAuth::Method::ccache;
    auth.ccache = login.ccache;
    how = "existing credentials";
  } else if (login.use_keytab) {
    auth.method = kadm5::AdminAuth::Method::keytab;
    auth.keytab = login.keytab;
    how = login.keytab.empty() ? "default keytab" : "keytab " + login.keytab;
  }
  if (!quiet) std::cout << "Authenticating as principal " << shown << " with " << how << ".\n";
  if (auth.method == kadm5::AdminAuth::Method::password) {
    if (!login.password.empty()) auth.password = SecretBytes(login.password);
    if (!login.password_file.empty()) {
      // The first line of the file (of stdin for "-"); the requests still come from stdin after it.
      KRBKIT_TRY(pw, cli::read_secret({login.password_file, -1}, ""));
      auth.password = std::move(pw);
    }
    auth.prompt = [prompt](const Principal& p) {
      return prompt("Password for " + unparse_principal(p) + ": ");
    };
  }
  std::cout.flush();
  return auth;
}

}  // namespace krbkit::shell

namespace krbkit::shell {

Result<std::unique_ptr<kadm5::Admin>> open_admin_session(const config::Profile& profile,
                                                         kadm5::AdminAuth auth,
                                                         const std::vector<net::KdcTarget>& servers,
                                                         std::optional<kadm5::Protocol> protocol,
                                                         const Tracer& trace) {
  if (!protocol) {
    KRBKIT_TRY(configured, kadm5::configured_protocol(profile, auth.realm));
    protocol = configured;
  }
  auto ticket = kadm5::get_admin_ticket(profile, std::move(auth));
  if (!ticket.ok()) {
    Error e = std::move(ticket).error();
    // MIT maps a failed pre-authentication to KADM5_BAD_PASSWORD.
    // (PREAUTH_FAILED, BAD_INTEGRITY, or an AS-REP that does not decrypt).
    if (e.is(KdcErr::preauth_failed) || e.is(KdcErr::ap_err_bad_integrity) || e.is(Errc::integrity))
      e = Error{kadm5::Code::bad_password};
    e.context.push_back("initializing kadmin interface");
    return e;
  }
  // Servers located in DNS come as a list: one that cannot be reached moves
  // us on to the next, as for KDCs; any other failure is the answer. The
  // protocol found at the first one is kept for the rest of the session.
  const net::KdcClient direct{config::Profile{}, trace};  // a connection needs no krb5.conf
  std::optional<Result<std::unique_ptr<kadm5::Admin>>> session;
  for (const auto& server : servers) {
    session.emplace(kadm5::open_session(*ticket, {server.host, server.port}, direct, protocol));
    if (session->ok()) break;
    const Error& e = session->error();
    if (e.code.category() != std::system_category() && !e.is(Errc::io) && !e.is(Errc::timeout)) break;
  }
  return std::move(*session).context("initializing kadmin interface");
}

}  // namespace krbkit::shell
