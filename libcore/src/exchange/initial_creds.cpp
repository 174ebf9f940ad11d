// The I/O loop of the AS exchange over a net::RealmTransport, the retry at
// the primary KDC, FAST armor got with anonymous PKINIT (auto_fast_armor, or
// a KDC that wants FAST), and the wording of errors.

#include "krbkit/exchange/initial_creds.hpp"

#include <fmt/format.h>

#include <cstring>

#include "exchange/auto_armor.hpp"
#include "exchange/request_and_reply.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/net/kdc_client.hpp"
#include "krbkit/net/local_addresses.hpp"
#include "krbkit/net/locate.hpp"
#include "krbkit/pac/pac.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

namespace {

// An AS exchange accepts an AS-REP or a KRB-ERROR that decodes; anything
// else (garbage, another message) fails that KDC and the next one is asked.
bool is_as_reply(BytesView data) { return detail::is_kdc_reply(data, MsgType::as_rep); }

bool is_bad_password(const Error& e) {
  return e.is(KdcErr::preauth_failed) || e.is(KdcErr::ap_err_bad_integrity) || e.is(KdcErr::key_expired) ||
         e.is(Errc::integrity);
}

// The KDC offered the client nothing it can answer without FAST: the same
// request again inside anonymous PKINIT armor, when the realm has
// pkinit_anchors for it; else (or when that fails) the first error stands.
Result<AsResult> armored_after_all(const config::Profile& profile, AsRequest request,
                                   const config::LibDefaults& defaults, KeySource& keys,
                                   const net::RealmTransport& kdcs, const AsHooks& hooks,
                                   Result<AsResult> unarmored) {
  const Tracer& tracer = kdcs.tracer();
  tracer("The KDC wants FAST for {}: getting an anonymous PKINIT ticket for armor",
         unparse_principal(request.client));
  auto armor = detail::anonymous_armor(profile, request.client.realm, kdcs, hooks);
  if (!armor) {
    tracer("No anonymous PKINIT armor: {}", armor.error().message());
    return unarmored;
  }
  request.armor = std::move(armor).value();
  AsExchange armored(request, defaults, keys, tracer, hooks);
  return drive(armored, kdcs);
}

}  // namespace

Result<AsResult> drive(AsExchange& as, const net::RealmTransport& kdcs, const DriveOptions& options,
                       std::optional<net::KdcTarget>* answered) {
  const Tracer& trace = kdcs.tracer();
  Result<AsStep> step = as.start();
  std::optional<net::KdcTarget> last;
  std::string last_kdc;
  bool tcp = false;
  for (;;) {
    if (!step) return std::move(step).error();
    if (auto* done = std::get_if<AsResult>(&step.value())) {
      done->kdc = last_kdc;
      return std::move(*done);
    }
    const auto& send = std::get<SendToKdc>(step.value());
    net::SendOptions send_options;
    send_options.accept = is_as_reply;
    send_options.primary_only = options.primary_only;
    send_options.timeout = options.timeout;
    tcp = tcp || send.tcp_only;
    send_options.force_tcp = tcp;
    if (send.same_kdc && last) {
      send_options.prefer = *last;
      trace("Sending the next request to the KDC that answered: {}", net::to_string(*last));
    }
    auto reply = kdcs.send(send.realm, send.request, send_options);
    if (!reply) return std::move(reply).error();
    last = reply->from;
    last_kdc = detail::answered_by(*reply);
    if (answered) *answered = last;
    step = as.on_reply(reply->data);
    if (!step && step.error().code.category() == kdc_category()) {
      Error& e = step.error();
      e.detail += fmt::format("{}KDC {}", e.detail.empty() ? "" : "; ", reply->address);
      detail::note_kdc_origin(e, *reply);
    }
  }
}

Result<AsResult> get_initial_credentials(const config::Profile& profile, AsRequest request, KeySource& keys,
                                         Tracer tracer, AsHooks hooks) {
  net::KdcClient kdcs(profile, std::move(tracer));
  return get_initial_credentials(profile, std::move(request), keys, kdcs, std::move(hooks));
}

Result<AsResult> get_initial_credentials(const config::Profile& profile, AsRequest request, KeySource& keys,
                                         const net::RealmTransport& kdcs, AsHooks hooks) {
  const Tracer& tracer = kdcs.tracer();
  auto run = [&]() -> Result<AsResult> {
    KRBKIT_TRY(defaults, config::LibDefaults::from(profile, request.client.realm));
    // As MIT's get_in_tkt.c: addresses asked for (kinit -a, or noaddresses =
    // false) but none given are krb5_os_localaddr's, extra_addresses included.
    if (request.with_addresses.value_or(!defaults.noaddresses) && request.addresses.empty())
      request.addresses = net::local_addresses(profile);
    request.no_encrypted_timestamp =
        request.no_encrypted_timestamp || detail::encrypted_timestamp_disabled(profile, request.client.realm);
    const bool may_armor =
        !request.armor && !is_anonymous(request.client) && !(request.pkinit && request.pkinit->anonymous);
    if (may_armor && detail::auto_fast_armor(profile, request.client.realm)) {
      tracer("auto_fast_armor: getting an anonymous PKINIT ticket for FAST armor");
      KRBKIT_TRY(armor, detail::anonymous_armor(profile, request.client.realm, kdcs, hooks));
      request.armor = std::move(armor);
    }
    std::optional<net::KdcTarget> answered;
    AsExchange as(request, defaults, keys, tracer, hooks);
    auto result = drive(as, kdcs, {}, &answered);
    if (!result && may_armor && !request.armor && as.fast_required())
      return armored_after_all(profile, request, defaults, keys, kdcs, hooks, std::move(result));
    if (result.ok() || !is_bad_password(result.error()) || !answered) return result;
    // A replica may not know a new password yet: ask the primary, once (MIT).
    if (net::is_primary_kdc(profile, request.client.realm, *answered)) return result;
    auto primaries = net::locate(profile, request.client.realm, {net::Service::primary_kdc, std::nullopt});
    if (!primaries || primaries->empty()) return result;
    tracer("Retrying AS request with primary KDC");
    AsExchange again(request, defaults, keys, tracer, hooks);
    auto retry = drive(again, kdcs, {true, std::nullopt}, nullptr);
    if (!retry && retry.error().is(Errc::no_kdc)) return result;  // the replica's answer stands
    return retry;
  };
  return run().context("getting initial credentials");
}

std::string describe_initial_creds_error(const Error& error, const Principal& client) {
  std::string who = unparse_principal(client);
  std::string text, hint;
  std::string where = error.detail.empty() ? "" : fmt::format(" ({})", error.detail);
  if (error.is(KdcErr::preauth_failed) || error.is(KdcErr::ap_err_bad_integrity) ||
      error.is(Errc::integrity)) {
    // MIT's words first (scripts grep for them), then whose and which KDC's.
    text = fmt::format("Password incorrect for '{}'{}", who, where);
  } else if (error.is(KdcErr::c_principal_unknown)) {
    text = fmt::format("Client '{}' not found in Kerberos database{}", who, where);
  } else if (error.is(KdcErr::key_expired)) {
    text = fmt::format("Password for '{}' has expired{}", who, where);
    hint = "; change it with kpasswd";
  } else if (auto* status = pac::ntstatus_of(error); status && !status->text.empty()) {
    // Active Directory said precisely what is wrong with the account.
    text = fmt::format("{} for '{}' (NTSTATUS 0x{:08X}, {})", status->text, who, status->code,
                       error.code.message());
  } else if (error.is(KdcErr::client_revoked)) {
    text = fmt::format("Client's credentials have been revoked (account of '{}' locked or disabled){}", who,
                       where);
  } else {
    Error copy = error;
    copy.context.clear();
    text = copy.message();
  }
  for (const auto& c : error.context) text += " while " + c;
  return text + hint;
}

}  // namespace krbkit::exchange
