// The AS exchange (RFC 4120 3.1): request, pre-authentication and the reply
// checks of RFC 4120 3.1.5 and MIT's verify_as_reply. No I/O here.

#include "krbkit/exchange/as_exchange.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "exchange/fast_wrap.hpp"
#include "exchange/preauth.hpp"
#include "exchange/request_and_reply.hpp"
#include "krbkit/config/values.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

using namespace std::chrono;
using detail::contains;
using detail::enctype_list;
using detail::name_of;
using detail::PreauthMech;

namespace {

std::string describe(const EtypeInfo2Entry& info, const Principal& client) {
  std::string params = info.s2kparams ? to_hex(*info.s2kparams) : "";
  return fmt::format("etype {}, salt \"{}\", params \"{}\"", enctype_name(info.etype),
                     detail::salt_of(info, client), params);
}

}  // namespace

std::uint32_t as_kdc_options(const AsRequest& request, const config::LibDefaults& defaults) {
  std::uint32_t options = defaults.kdc_default_options;
  if (request.forwardable.value_or(defaults.forwardable)) options |= kdc_options::forwardable;
  if (request.proxiable.value_or(defaults.proxiable)) options |= kdc_options::proxiable;
  if (request.renew_life.value_or(defaults.renew_lifetime) > seconds(0)) options |= kdc_options::renewable;
  if (request.start_in && *request.start_in > seconds(0))
    options |= kdc_options::allow_postdate | kdc_options::postdated;
  if (request.canonicalize || request.client.type == NameType::enterprise)
    options |= kdc_options::canonicalize;
  if (request.pkinit && request.pkinit->anonymous) options |= kdc_options::request_anonymous;
  return options;
}

Result<std::vector<Enctype>> request_enctypes(const std::vector<Enctype>& wanted,
                                              const config::LibDefaults& defaults,
                                              const std::optional<std::vector<Enctype>>& available) {
  std::vector<Enctype> base = wanted;
  if (base.empty()) base = defaults.default_tkt_enctypes;
  if (base.empty()) base = detail::default_enctype_list();
  std::vector<Enctype> out;
  for (auto e : base) {
    if (contains(out, e)) continue;
    if (!enctype_info(e, CryptoPolicy{defaults.allow_weak_crypto}).ok()) continue;
    if (available && !contains(*available, e)) continue;
    out.push_back(e);
  }
  if (out.empty()) {
    std::string detail = fmt::format("none of the requested enctypes ({}) is usable", enctype_list(base));
    if (available) detail += fmt::format("; the keytab has {}", enctype_list(*available));
    return Error{Errc::unsupported_enctype, detail};
  }
  return out;
}

AsExchange::AsExchange(AsRequest request, const config::LibDefaults& defaults, KeySource& keys, Tracer tracer,
                       AsHooks hooks)
    : request_(std::move(request)),
      defaults_(defaults),
      keys_(keys),
      trace_(std::move(tracer)),
      hooks_(std::move(hooks)),
      preauth_state_(std::make_shared<detail::PreauthState>()) {
  if (!hooks_.now) hooks_.now = [] { return system_clock::now(); };
  const std::string& realm = request_.client.realm;
  if (request_.server) {
    server_ = *request_.server;
    server_.realm = realm;
  } else {
    server_ = krbtgt_principal(realm, realm);
  }
}

system_clock::time_point AsExchange::now() const { return hooks_.now(); }

Result<Bytes> AsExchange::encode_request(std::vector<PaData> padata) const {
  KdcReq req;
  req.msg_type = MsgType::as_req;
  req.req_body = body_;
  if (request_.request_pac)
    padata.push_back(PaData{PaType::pac_request, encode(PaPacRequest{*request_.request_pac})});
  if (cookie_) padata.push_back(*cookie_);  // the KDC's state between rounds
  if (request_.informational_padata) {
    padata.push_back(PaData{PaType::as_freshness, {}});
    padata.push_back(PaData{PaType::req_enc_pa_rep, {}});
  }
  if (!request_.armor) {
    req.padata = std::move(padata);
    return encode(req);
  }
  KRBKIT_TRY(fx_fast, detail::armor_request(*request_.armor, body_, std::move(padata)));
  req.padata.push_back(std::move(fx_fast));
  return encode(req);
}

detail::PreauthInput AsExchange::preauth_input(const PaData* hint) const {
  return detail::PreauthInput{as_key_ ? *as_key_ : no_key_,
                              request_.armor ? &request_.armor->armor_key : nullptr,
                              hint,
                              kdc_now(),
                              defaults_.clockskew,
                              body_der_,
                              defaults_.spake_preauth_groups,
                              preauth_state_.get(),
                              request_.pkinit.get(),
                              &body_,
                              &method_data_};
}

Result<AsStep> AsExchange::start() {
  if (request_.client.realm.empty())
    return Error{Errc::invalid_argument,
                 fmt::format("client principal {} has no realm", name_of(request_.client))};
  KRBKIT_TRY(enctypes, request_enctypes(request_.enctypes, defaults_, keys_.enctypes()));
  enctypes_ = std::move(enctypes);
  permitted_ = defaults_.permitted_enctypes;
  if (permitted_.empty()) permitted_ = detail::default_enctype_list();

  request_time_ = now();
  auto kdc_time = floor<seconds>(request_time_);
  body_ = KdcReqBody{};
  body_.kdc_options = as_kdc_options(request_, defaults_);
  body_.cname = to_principal_name(request_.client);
  body_.realm = request_.client.realm;
  body_.sname = to_principal_name(server_);
  if (request_.start_in && *request_.start_in > seconds(0)) body_.from = kdc_time + *request_.start_in;
  auto start = body_.from.value_or(kdc_time);
  body_.till = start + request_.lifetime.value_or(defaults_.ticket_lifetime);
  auto renew = request_.renew_life.value_or(defaults_.renew_lifetime);
  if (renew > seconds(0)) body_.rtime = start + renew;
  KRBKIT_TRY(nonce, detail::nonce_from(hooks_.nonce));
  body_.nonce = nonce;
  body_.etype = enctypes_;
  if (request_.with_addresses.value_or(!defaults_.noaddresses)) body_.addresses = request_.addresses;
  body_der_ = encode(body_);

  trace_("Getting initial credentials for {}", name_of(request_.client));
  if (request_.only_preauth)
    trace_("Allowing only pre-authentication type {} (the input cache's pa_type)",
           pa_type_display(*request_.only_preauth));
  if (request_.armor)
    trace_("Armoring the request with FAST (armor key {})", enctype_name(request_.armor->armor_key.enctype));
  trace_("Requesting {} with options {}; etypes {}", name_of(server_),
         body_.kdc_options == 0 ? "(none)"
                                : fmt::format("{}", fmt::join(kdc_option_names(body_.kdc_options), ",")),
         enctype_list(enctypes_));

  // One round trip less: a password key made from last time's etype-info.
  // (Not under FAST, whose factor needs the KDC's cookie first.)
  const bool timestamp_allowed =
      (!request_.only_preauth || *request_.only_preauth == PaType::enc_timestamp) &&
      !request_.no_encrypted_timestamp;
  if (keys_.is_password() && !retried_optimistic_ && !request_.armor && timestamp_allowed) {
    for (const auto& info : request_.cached_etype_info) {
      if (!contains(enctypes_, info.etype)) continue;
      trace_("Using cached etype-info for {}: {}", name_of(request_.client), describe(info, request_.client));
      optimistic_ = true;
      return send_with_preauth(info, *detail::find_mechanism(PaType::enc_timestamp), false);
    }
  }
  return send_plain();
}

Result<AsStep> AsExchange::send_plain() {
  trace_("Sending unauthenticated request");
  state_ = State::sent_plain;
  KRBKIT_TRY(request, encode_request({}));
  last_request_ = std::move(request);
  info_padata_sent_ = request_.informational_padata;
  return AsStep{SendToKdc{last_request_, request_.client.realm, false, false}};
}

Result<AsStep> AsExchange::send_with_preauth(const EtypeInfo2Entry& info, const PreauthMech& mech,
                                             bool same_kdc) {
  if (mech.long_term_key && (!as_key_ || !as_key_info_ || !(*as_key_info_ == info))) {
    std::string salt = detail::salt_of(info, request_.client);
    trace_("Selected etype info: {}", describe(info, request_.client));
    KRBKIT_TRY(key, keys_.key(info.etype, as_bytes(salt),
                              info.s2kparams ? BytesView(*info.s2kparams) : BytesView{}));
    as_key_ = std::move(key);
    as_key_info_ = info;
    trace_("AS key obtained for {}: {}", mech.name, enctype_name(info.etype));
  }
  KRBKIT_TRY(pa, mech.prepare(preauth_input(find_padata(method_data_, mech.type))));
  trace_("Preauth module {} ({}) returned: 0/Success", mech.name, static_cast<int>(mech.type));
  trace_("Produced preauth for next request: {}", pa_type_display(pa.padata_type));
  mech_ = &mech;
  pa_type_ = mech.type;
  state_ = State::sent_preauth;
  std::vector<PaData> padata;
  padata.push_back(std::move(pa));
  KRBKIT_TRY(request, encode_request(std::move(padata)));
  last_request_ = std::move(request);
  info_padata_sent_ = request_.informational_padata;
  return AsStep{SendToKdc{last_request_, request_.client.realm, false, same_kdc}};
}

Result<AsStep> AsExchange::on_reply(BytesView reply) {
  if (state_ == State::initial || state_ == State::done)
    return Error{Errc::internal, "AS exchange: reply when no request is outstanding"};
  KRBKIT_TRY(decoded, decode_kdc_reply(reply));
  if (auto* err = std::get_if<KrbError>(&decoded)) {
    if (!request_.armor) return on_error(*err, std::nullopt);
    auto fast = detail::open_fast_error(request_.armor->armor_key, *err, body_.nonce);
    if (!fast) {
      state_ = State::done;
      return std::move(fast).error();
    }
    trace_("Received FAST error reply; padata {}", detail::padata_list(fast->padata));
    if (const PaData* cookie = find_padata(fast->padata, PaType::fx_cookie)) cookie_ = *cookie;
    return on_error(fast->error, std::move(fast->padata));
  }
  auto& rep = std::get<KdcRep>(decoded);
  if (rep.msg_type != MsgType::as_rep)
    return Error{Errc::reply_mismatch,
                 fmt::format("expected an AS-REP, the KDC sent a {}", msg_type_name(rep.msg_type))};
  return on_as_rep(std::move(rep));
}

}  // namespace krbkit::exchange
