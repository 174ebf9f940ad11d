// The AS exchange (RFC 4120 3.1): request, pre-authentication and the reply
// checks of RFC 4120 3.1.5 and MIT's verify_as_reply. No I/O here.

#include "krbkit/exchange/as_exchange.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "exchange/preauth.hpp"
#include "exchange/request_and_reply.hpp"
#include "krbkit/config/values.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/pac/pac.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

using namespace std::chrono;
using detail::contains;
using detail::credentials_from_reply;
using detail::enctype_list;
using detail::mismatch;
using detail::name_of;
using detail::PreauthMech;

namespace {

// Realms are compared without regard to case: Active Directory answers a
// request for "ad.example.com" with "AD.EXAMPLE.COM", and MIT's and Heimdal's
// KDCs never hold two realms that differ only in case.
bool same_realm(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

bool same_name_any_realm_case(const Principal& a, const Principal& b) {
  return a.components == b.components && same_realm(a.realm, b.realm);
}

// MIT's verify_as_reply: the KDC may rename the client and the server only
// when the request asked for canonicalization (-C, an enterprise client name,
// or an anonymous request) and both the requested and the returned server
// are TGS principals (a TGT, perhaps of the client's canonical realm); an
// anonymous request may also come back for the anonymous principal. A
// service ticket (kinit -S) keeps both names whatever the options.
bool renaming_allowed(std::uint32_t kdc_options, const Principal& requested_server,
                      const Principal& returned_server, const Principal& returned_client) {
  const bool anonymous = (kdc_options & kdc_options::request_anonymous) != 0;
  if ((kdc_options & kdc_options::canonicalize) == 0 && !anonymous) return false;
  if (is_krbtgt(requested_server) && is_krbtgt(returned_server)) return true;
  return anonymous && returned_client.components == std::vector<std::string>{"WELLKNOWN", "ANONYMOUS"};
}

std::string salt_of(const EtypeInfo2Entry& info, const Principal& client) {
  return info.salt ? *info.salt : default_salt(client);
}

std::string describe(const EtypeInfo2Entry& info, const Principal& client) {
  std::string params = info.s2kparams ? to_hex(*info.s2kparams) : "";
  return fmt::format("etype {}, salt \"{}\", params \"{}\"", enctype_name(info.etype), salt_of(info, client),
                     params);
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
      hooks_(std::move(hooks)) {
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

Bytes AsExchange::encode_request(std::vector<PaData> padata) const {
  KdcReq req;
  req.msg_type = MsgType::as_req;
  req.padata = std::move(padata);
  if (request_.request_pac)
    req.padata.push_back(PaData{PaType::pac_request, encode(PaPacRequest{*request_.request_pac})});
  req.req_body = body_;
  return encode(req);
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

  trace_("Getting initial credentials for {}", name_of(request_.client));
  trace_("Requesting {} with options {}; etypes {}", name_of(server_),
         body_.kdc_options == 0 ? "(none)"
                                : fmt::format("{}", fmt::join(kdc_option_names(body_.kdc_options), ",")),
         enctype_list(enctypes_));

  // One round trip less: a password key made from last time's etype-info.
  if (keys_.is_password() && !retried_optimistic_) {
    for (const auto& info : request_.cached_etype_info) {
      if (!contains(enctypes_, info.etype)) continue;
      trace_("Using cached etype-info for {}: {}", name_of(request_.client), describe(info, request_.client));
      optimistic_ = true;
      return send_with_preauth(info, PaType::enc_timestamp, false);
    }
  }
  return send_plain();
}

Result<AsStep> AsExchange::send_plain() {
  trace_("Sending unauthenticated request");
  state_ = State::sent_plain;
  last_request_ = encode_request({});
  return AsStep{SendToKdc{last_request_, request_.client.realm, false, false}};
}

Result<AsStep> AsExchange::send_with_preauth(const EtypeInfo2Entry& info, PaType mech_type, bool same_kdc) {
  const PreauthMech* mech = nullptr;
  for (const auto& m : detail::preauth_mechanisms())
    if (m.type == mech_type) mech = &m;
  if (mech == nullptr) return Error{Errc::internal, "no preauth mechanism " + pa_type_display(mech_type)};
  if (!as_key_ || !as_key_info_ || !(*as_key_info_ == info)) {
    std::string salt = salt_of(info, request_.client);
    trace_("Selected etype info: {}", describe(info, request_.client));
    KRBKIT_TRY(key, keys_.key(info.etype, as_bytes(salt),
                              info.s2kparams ? BytesView(*info.s2kparams) : BytesView{}));
    as_key_ = std::move(key);
    as_key_info_ = info;
    trace_("AS key obtained for {}: {}", mech->name, enctype_name(info.etype));
  }
  KRBKIT_TRY(pa, mech->make(*as_key_, kdc_now()));
  trace_("Preauth module {} ({}) returned: 0/Success", mech->name, static_cast<int>(mech->type));
  trace_("Produced preauth for next request: {}", pa_type_display(pa.padata_type));
  pa_type_ = mech->type;
  state_ = State::sent_preauth;
  std::vector<PaData> padata;
  padata.push_back(std::move(pa));
  last_request_ = encode_request(std::move(padata));
  return AsStep{SendToKdc{last_request_, request_.client.realm, false, same_kdc}};
}

Result<AsStep> AsExchange::on_reply(BytesView reply) {
  if (state_ == State::initial || state_ == State::done)
    return Error{Errc::internal, "AS exchange: reply when no request is outstanding"};
  KRBKIT_TRY(decoded, decode_kdc_reply(reply));
  if (auto* err = std::get_if<KrbError>(&decoded)) return on_error(*err);
  auto& rep = std::get<KdcRep>(decoded);
  if (rep.msg_type != MsgType::as_rep)
    return Error{Errc::reply_mismatch,
                 fmt::format("expected an AS-REP, the KDC sent a {}", msg_type_name(rep.msg_type))};
  return on_as_rep(std::move(rep));
}

Result<AsStep> AsExchange::on_error(const KrbError& err) {
  trace_("Received error from KDC: {}/{}", err.error_code, kdc_error(err.error_code).message());
  const bool preauth_sent = state_ == State::sent_preauth;
  if (err.is(KdcErr::err_response_too_big)) {
    trace_("Request or response is too big for UDP; retrying with TCP");
    return AsStep{SendToKdc{last_request_, request_.client.realm, true, true}};
  }
  if (optimistic_ && !retried_optimistic_ &&
      (err.is(KdcErr::preauth_failed) || err.is(KdcErr::preauth_required))) {
    // The cached etype-info was stale (a new password or salt): ask afresh.
    trace_("Cached etype-info was not accepted; starting over without it");
    retried_optimistic_ = true;
    optimistic_ = false;
    as_key_.reset();
    as_key_info_.reset();
    pa_type_.reset();
    if (err.is(KdcErr::preauth_required)) return on_preauth_required(err);
    return send_plain();
  }
  if (err.is(KdcErr::preauth_required) && !preauth_sent) return on_preauth_required(err);
  if (err.is(KdcErr::ap_err_skew) && preauth_sent && defaults_.kdc_timesync && !retried_skew_ &&
      as_key_info_) {
    retried_skew_ = true;
    auto kdc_time = system_clock::time_point(err.stime.time_since_epoch()) + microseconds(err.susec);
    offset_ = duration_cast<microseconds>(kdc_time - now());
    trace_("Clock skew with the KDC: adopting its time, offset {} s",
           duration_cast<seconds>(offset_).count());
    return send_with_preauth(*as_key_info_, pa_type_.value_or(PaType::enc_timestamp), true);
  }
  Error e = err.to_error();
  if (err.e_data) {
    if (auto* status = pac::attach_ntstatus(e, *err.e_data))
      trace_("KDC error carries NTSTATUS 0x{:08X} {}", status->code, status->text);
  }
  if (err.is(KdcErr::ap_err_skew)) {
    auto kdc_time = floor<seconds>(system_clock::time_point(err.stime.time_since_epoch()));
    auto diff = duration_cast<seconds>(kdc_time - floor<seconds>(now())).count();
    e.detail =
        fmt::format("KDC time {:%Y-%m-%d %H:%M:%S} UTC, {} s {} ours; allowed skew {} s", kdc_time,
                    diff < 0 ? -diff : diff, diff < 0 ? "behind" : "ahead of", defaults_.clockskew.count());
  } else if (err.is(KdcErr::preauth_required)) {
    e.detail = "the KDC asked again after pre-authentication";
  }
  state_ = State::done;
  return e;
}

Result<AsStep> AsExchange::on_preauth_required(const KrbError& err) {
  std::vector<PaData> method_data;
  if (err.e_data && !err.e_data->empty()) {
    KRBKIT_TRY(md, decode_method_data(*err.e_data, "KRB-ERROR.e-data METHOD-DATA"));
    method_data = std::move(md);
  }
  if (method_data.empty())
    return Error{kdc_error(KdcErr::preauth_required), "Preauth required but no preauth options sent by KDC"};
  trace_("Processing preauth types: {}", detail::padata_list(method_data));

  const PreauthMech* mech = nullptr;
  for (const auto& m : detail::preauth_mechanisms())
    if (find_padata(method_data, m.type) != nullptr) {
      mech = &m;
      break;
    }
  if (mech == nullptr) {
    std::vector<std::string> offered;
    for (const auto& p : method_data) offered.push_back(pa_type_display(p.padata_type));
    return Error{
        Errc::unsupported,
        fmt::format("the KDC offers pre-authentication {} for {}; krbkit supports PA-ENC-TIMESTAMP (2)",
                    fmt::join(offered, ", "), name_of(request_.client))};
  }

  KRBKIT_TRY(infos, detail::read_etype_info(method_data));
  std::optional<EtypeInfo2Entry> chosen;
  for (const auto& info : infos) {
    if (info.etype == Enctype::null && info.salt) {  // PW-SALT alone: our first enctype
      chosen = EtypeInfo2Entry{enctypes_.front(), info.salt, std::nullopt};
      break;
    }
    if (contains(enctypes_, info.etype)) {
      chosen = info;
      break;
    }
  }
  if (!chosen) {
    if (!infos.empty()) {
      std::vector<std::string> offered;
      for (const auto& i : infos) offered.push_back(enctype_name(i.etype));
      return Error{Errc::unsupported_enctype,
                   fmt::format("the KDC offers {} for {}, none of the requested {}", fmt::join(offered, ", "),
                               name_of(request_.client), enctype_list(enctypes_))};
    }
    chosen = EtypeInfo2Entry{enctypes_.front(), std::nullopt, std::nullopt};  // RFC 4120: default salt
  }
  return send_with_preauth(*chosen, mech->type, true);
}

Result<void> AsExchange::choose_reply_key(const KdcRep& rep) {
  const Enctype etype = rep.enc_part.etype;
  EtypeInfo2Entry key_info{etype, std::nullopt, std::nullopt};
  KRBKIT_TRY(reply_infos, detail::read_etype_info(rep.padata));
  for (const auto& info : reply_infos)
    if (info.etype == etype || info.etype == Enctype::null) {
      key_info.salt = info.salt;
      key_info.s2kparams = info.s2kparams;
    }
  if (as_key_ && as_key_->enctype == etype &&
      (reply_infos.empty() || !as_key_info_ || *as_key_info_ == key_info))
    return success();
  std::string salt = salt_of(key_info, request_.client);
  trace_("Getting AS key, salt \"{}\", params \"{}\"", salt,
         key_info.s2kparams ? to_hex(*key_info.s2kparams) : "");
  KRBKIT_TRY(key, keys_.key(etype, as_bytes(salt),
                            key_info.s2kparams ? BytesView(*key_info.s2kparams) : BytesView{}));
  as_key_ = std::move(key);
  as_key_info_ = key_info;
  return success();
}

Result<void> AsExchange::verify_reply(const KdcRep& rep, const EncKdcRepPart& enc) const {
  if (enc.nonce != body_.nonce)
    return mismatch(fmt::format("AS-REP nonce {} does not match the request's {}", enc.nonce, body_.nonce));
  const Principal client = rep.client();
  const Principal server = enc.server();
  const Principal ticket_server = to_principal(rep.ticket.sname, rep.ticket.realm);
  if (!(server == ticket_server))
    return mismatch(fmt::format("AS-REP ticket is for {} but its encrypted part names {}",
                                name_of(ticket_server), name_of(server)));
  const bool renamed_ok = renaming_allowed(body_.kdc_options, server_, server, client);
  if (!renamed_ok && !same_name_any_realm_case(client, request_.client))
    return mismatch(
        fmt::format("AS-REP client {} is not the requested {}", name_of(client), name_of(request_.client)));
  if (!renamed_ok && !same_realm(rep.crealm, request_.client.realm))
    return mismatch(
        fmt::format("AS-REP client realm {} is not the requested {}", rep.crealm, request_.client.realm));
  if (!renamed_ok && !same_name_any_realm_case(server, server_))
    return mismatch(
        fmt::format("AS-REP server {} is not the requested {}", name_of(server), name_of(server_)));
  if (!renamed_ok && !same_realm(enc.srealm, server_.realm))
    return mismatch(fmt::format("AS-REP server realm {} is not the requested {}", enc.srealm, server_.realm));
  if (!contains(enctypes_, enc.key.enctype) && !contains(permitted_, enc.key.enctype))
    return mismatch(fmt::format("AS-REP session key enctype {} is not permitted ({})",
                                enctype_name(enc.key.enctype), enctype_list(permitted_)));
  if (body_.from && enc.starttime && *enc.starttime != *body_.from)
    return mismatch("AS-REP start time differs from the requested postdated start");
  if (enc.endtime > body_.till)
    return mismatch(
        fmt::format("AS-REP end time {:%Y-%m-%d %H:%M:%S} is after the requested {:%Y-%m-%d %H:%M:%S}",
                    enc.endtime, body_.till));
  if (enc.renew_till && body_.rtime && *enc.renew_till > *body_.rtime)
    return mismatch("AS-REP renew-till is after the requested renewable life");
  return success();
}

AsResult AsExchange::result_of(const KdcRep& rep, EncKdcRepPart enc) const {
  AsResult result;
  if (defaults_.kdc_timesync) {
    // The KDC's clock minus ours, from the ticket's authtime (as MIT does).
    auto diff =
        duration_cast<microseconds>(system_clock::time_point(enc.authtime.time_since_epoch()) - now());
    auto secs = duration_cast<seconds>(diff);
    if (diff - secs < microseconds(0)) secs -= seconds(1);
    result.kdc_offset = ccache::KdcOffset{static_cast<std::int32_t>(secs.count()),
                                          static_cast<std::int32_t>((diff - secs).count())};
  }
  result.pa_type = pa_type_;
  if (pa_type_ && keys_.is_password() && as_key_info_) result.etype_info = {*as_key_info_};
  result.last_req = std::move(enc.last_req);
  result.key_expiration = enc.key_expiration;
  result.creds = credentials_from_reply(rep, std::move(enc));
  return result;
}

Result<AsStep> AsExchange::on_as_rep(KdcRep rep) {
  state_ = State::done;
  const Enctype etype = rep.enc_part.etype;
  if (!contains(enctypes_, etype))
    return Error{Errc::reply_mismatch,
                 fmt::format("AS-REP is encrypted with {}, which was not requested ({})", enctype_name(etype),
                             enctype_list(enctypes_))};
  KRBKIT_CHECK(choose_reply_key(rep));
  auto plain = decrypt(*as_key_, KeyUsage::as_rep_enc_part, rep.enc_part.cipher);
  if (!plain) {
    trace_("Failed to decrypt AS reply with {}", enctype_name(etype));
    return Error{Errc::integrity, fmt::format("AS-REP for {} did not decrypt with the {} key (key usage 3)",
                                              name_of(request_.client), enctype_name(etype))};
  }
  KRBKIT_TRY(enc, decode_enc_kdc_rep_part(plain->view()));
  trace_("Decrypted AS reply; session key is: {}", enctype_name(enc.key.enctype));
  KRBKIT_CHECK(verify_reply(rep, enc));
  AsResult result = result_of(rep, std::move(enc));
  trace_("AS reply checked: {} for {}, flags {}", name_of(result.creds.server), name_of(result.creds.client),
         ticket_flag_letters(result.creds.flags));
  return AsStep{std::move(result)};
}

std::vector<EtypeInfo2Entry> cached_etype_info(const ccache::CacheContents& cache, const Principal& client) {
  auto value = ccache::find_config(cache, kEtypeInfoConfigKey, unparse_principal(client));
  if (!value) return {};
  auto decoded = decode_etype_info2(*value);
  if (!decoded) return {};
  return std::move(decoded).value();
}

ccache::CacheContents cache_contents(const AsResult& result) {
  ccache::CacheContents out;
  out.version = 4;
  out.default_principal = result.creds.client;
  out.kdc_offset = result.kdc_offset;
  out.creds.push_back(result.creds.clone());
  if (result.pa_type) {
    std::string server = unparse_principal(result.creds.server);
    ccache::set_config(out, kPaTypeConfigKey, server,
                       as_bytes(std::to_string(static_cast<int>(*result.pa_type))));
  }
  if (!result.etype_info.empty())
    ccache::set_config(out, kEtypeInfoConfigKey, unparse_principal(result.creds.client),
                       encode_etype_info2(result.etype_info));
  return out;
}

}  // namespace krbkit::exchange
