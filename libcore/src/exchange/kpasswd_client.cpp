// The network side of password changes (see kpasswd_client.hpp): MIT's
// order of servers and transports (lib/krb5/os/changepw.c), the changepw
// ticket (lib/krb5/krb/gic_pwd.c make_chpw_options) and the expired-password
// loop of krb5_get_init_creds_password.

#include "krbkit/exchange/kpasswd_client.hpp"

#include <fmt/format.h>

#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/net/kdc_client.hpp"
#include "krbkit/net/local_addresses.hpp"

namespace krbkit::exchange {

namespace {

constexpr int kExpiredPasswordTries = 3;

Result<KpasswdResult> send_kpasswd_to(KpasswdExchange& exchange, const net::RealmTransport& client,
                                      std::string_view realm, const net::KdcTarget& target,
                                      const KpasswdSendOptions& options, std::vector<std::string>& attempts) {
  KRBKIT_TRY(local, net::local_address_toward(target));
  KRBKIT_TRY(request, exchange.request(local));
  net::SendOptions send;
  send.service = net::Service::kpasswd;
  send.force_tcp = target.transport == net::Transport::tcp;
  send.timeout = options.timeout;
  send.attempts = &attempts;
  send.servers = {target};
  // A reply is framed (length first) or an unframed KRB-ERROR.
  send.accept = [](BytesView reply) {
    return reply.size() >= 6 || peek_msg_type(reply) == MsgType::krb_error;
  };
  client.tracer()("Sending kpasswd request ({} bytes, version {:#06x}) to {}", request.size(),
                  exchange.version(), net::to_string(target));
  KRBKIT_TRY(reply, client.send(realm, request, send));
  client.tracer()("Received kpasswd reply ({} bytes) from {}", reply.data.size(), reply.address);
  KRBKIT_TRY(result, exchange.on_reply(reply.data));
  client.tracer()("kpasswd result code {} ({}){}", result.code, kpasswd_code_name(result.code),
                  result.message().empty() ? "" : ": " + result.message());
  return result;
}

}  // namespace

Result<KpasswdResult> send_kpasswd(const config::Profile& profile, KpasswdExchange& exchange,
                                   const net::RealmTransport& client, std::string_view realm,
                                   const KpasswdSendOptions& options) {
  std::vector<net::KdcTarget> servers = options.servers;
  if (servers.empty()) {
    net::LocateOptions locate;
    locate.service = net::Service::kpasswd;
    locate.trace = client.tracer();
    KRBKIT_TRY(found, net::locate(profile, realm, locate));
    servers = std::move(found);
  }
  // MIT: TCP to every server first; UDP only when no server answered that way.
  std::vector<std::string> tried;
  std::size_t attempts = 0, refused_certificates = 0;
  for (net::Transport pass : {net::Transport::tcp, net::Transport::udp}) {
    for (net::KdcTarget target : servers) {
      // A KDC proxy (https://) is asked once, in the TCP pass.
      if (target.transport == net::Transport::https) {
        if (pass != net::Transport::tcp) continue;
      } else {
        if (target.transport != net::Transport::any && target.transport != pass) continue;
        target.transport = pass;
      }
      const std::size_t before = tried.size();
      auto result = send_kpasswd_to(exchange, client, realm, target, options, tried);
      if (result.ok()) return result;
      const Error& e = result.error();
      // Only an unreachable server moves us on; a reply that fails our checks
      // or a server's KRB-ERROR is the answer.
      if (!e.is(Errc::no_kdc) && !e.is(Errc::timeout) && !e.is(Errc::certificate_refused)) return result;
      ++attempts;
      if (e.is(Errc::certificate_refused)) ++refused_certificates;
      // Failed before sending (the host does not resolve): say so in the same form.
      if (tried.size() == before) {
        if (target.transport != net::Transport::https) target.transport = net::Transport::any;
        tried.push_back(fmt::format("{} {} ({})", net::transport_name(pass), net::to_string(target),
                                    e.detail.empty() ? e.message() : e.detail));
      }
    }
  }
  Error e = net::unreachable_error(net::Service::kpasswd, realm, tried);
  // Only proxies whose certificates we refused: their own code, as for KDCs.
  if (refused_certificates > 0 && refused_certificates == attempts)
    e.code = make_error_code(Errc::certificate_refused);
  return e;
}

Result<Credentials> get_changepw_credentials(const config::Profile& profile, const Principal& client,
                                             KeySource& keys, Tracer tracer) {
  AsRequest request;
  request.client = client;
  request.server = Principal{NameType::srv_inst, {"kadmin", "changepw"}, client.realm};
  request.lifetime = std::chrono::minutes(5);
  request.renew_life = std::chrono::seconds(0);
  request.forwardable = false;
  request.proxiable = false;
  // Addresses as for any initial ticket (noaddresses, extra_addresses): MIT's
  // kpasswd sets no address list, and gic_pwd.c's make_chpw_options drops the
  // caller's, so under noaddresses = false MIT's changepw ticket is bound to
  // the host's addresses too.
  KRBKIT_TRY(result, get_initial_credentials(profile, std::move(request), keys, std::move(tracer)));
  return std::move(result.creds);
}

Result<KpasswdResult> change_password(const config::Profile& profile, const Credentials& changepw_creds,
                                      SecretBytes new_password, Tracer tracer,
                                      const KpasswdSendOptions& options) {
  KpasswdExchange exchange(changepw_creds.clone(), std::move(new_password), std::nullopt, options.hooks,
                           options.force_set_password);
  net::KdcClient client(profile, std::move(tracer));
  return send_kpasswd(profile, exchange, client, changepw_creds.server.realm, options);
}

Result<KpasswdResult> set_password(const config::Profile& profile, const Credentials& changepw_creds,
                                   const Principal& target, SecretBytes new_password, Tracer tracer,
                                   const KpasswdSendOptions& options) {
  KpasswdExchange exchange(changepw_creds.clone(), std::move(new_password), target, options.hooks);
  net::KdcClient client(profile, std::move(tracer));
  return send_kpasswd(profile, exchange, client, changepw_creds.server.realm, options);
}

Result<SecretBytes> change_expired_password(const config::Profile& profile, const Principal& client,
                                            const SecretBytes& old_password, const NewPasswordPrompt& ask,
                                            Tracer tracer, const KpasswdSendOptions& options) {
  tracer("Principal expired; getting changepw ticket");
  PasswordKeySource keys(client, old_password.clone());
  KRBKIT_TRY(creds, get_changepw_credentials(profile, client, keys, tracer));

  std::string banner = "Password expired.  You must change it now.";
  Error last{Errc::password_rejected};
  for (int tries = kExpiredPasswordTries; tries > 0; --tries) {
    tracer("Attempting password change; {} tries remaining", tries);
    KRBKIT_TRY(entered, ask(banner));
    if (entered.first != entered.second) {
      last = Error{Errc::password_mismatch};
      banner = "Password mismatch.  Please try again.";
      continue;
    }
    if (entered.first.empty()) {
      last = Error{Errc::password_rejected, "New password cannot be zero length"};
      banner = "New password cannot be zero length.  Please try again.";
      continue;
    }
    KRBKIT_TRY(result, change_password(profile, creds, entered.first.clone(), tracer, options));
    if (result.ok()) {
      tracer("Password change succeeded");
      return std::move(entered.first);
    }
    last = result.to_error();
    // Only a soft error (the password did not satisfy the policy) is worth another try.
    if (result.code != static_cast<std::uint16_t>(KpasswdCode::soft_error)) return last;
    banner = result.describe() + ".  Please try again.";
  }
  return last;
}

}  // namespace krbkit::exchange
