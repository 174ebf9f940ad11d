// The AS exchange's pre-authentication side (RFC 4120 3.1, RFC 6113 5.2):
// the KDC's errors read, the mechanism chosen from its METHOD-DATA, and the
// rounds of a mechanism that takes more than one (SPAKE). No I/O here.

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "exchange/preauth.hpp"
#include "exchange/request_and_reply.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/pac/pac.hpp"

namespace krbkit::exchange {

using namespace std::chrono;
using detail::contains;
using detail::enctype_list;
using detail::name_of;
using detail::PreauthMech;

namespace {

// KRB_AP_ERR_SKEW's detail: the KDC's time and how far ours is from it.
std::string skew_detail(const KrbError& err, system_clock::time_point now, seconds allowed) {
  auto kdc_time = floor<seconds>(system_clock::time_point(err.stime.time_since_epoch()));
  auto diff = duration_cast<seconds>(kdc_time - floor<seconds>(now)).count();
  return fmt::format("KDC time {:%Y-%m-%d %H:%M:%S} UTC, {} s {} ours; allowed skew {} s", kdc_time,
                     diff < 0 ? -diff : diff, diff < 0 ? "behind" : "ahead of", allowed.count());
}

}  // namespace

Result<AsStep> AsExchange::on_error(const KrbError& err, std::optional<std::vector<PaData>> fast_padata) {
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
    if (err.is(KdcErr::preauth_required)) return on_preauth_required(err, std::move(fast_padata));
    return send_plain();
  }
  if (err.is(KdcErr::preauth_required) && !preauth_sent)
    return on_preauth_required(err, std::move(fast_padata));
  if (err.is(KdcErr::preauth_failed) && !preauth_sent && request_.informational_padata) {
    // A KDC older than MIT 1.7 refuses padata it does not know: ask again
    // without PA-AS-FRESHNESS and PA-REQ-ENC-PA-REP, once (MIT does the same).
    trace_("The KDC refused the informational padata; retrying without it");
    request_.informational_padata = false;
    return send_plain();
  }
  if (err.is(KdcErr::more_preauth_data_required) && preauth_sent && mech_ != nullptr)
    return on_more_preauth_data(err, std::move(fast_padata));
  if (preauth_sent && mech_ != nullptr && mech_->type == PaType::pk_as_req && !retried_mech_ &&
      detail::pkinit_retry(err, *preauth_state_)) {
    retried_mech_ = true;
    trace_("The KDC did not accept our DH parameters; retrying with {} bits", preauth_state_->pkinit_dh_bits);
    return send_with_preauth(EtypeInfo2Entry{}, *mech_, true);
  }
  if (preauth_sent && mech_ != nullptr && mech_->retry(err) && defaults_.kdc_timesync && !retried_skew_ &&
      as_key_info_) {
    retried_skew_ = true;
    auto kdc_time = system_clock::time_point(err.stime.time_since_epoch()) + microseconds(err.susec);
    offset_ = duration_cast<microseconds>(kdc_time - now());
    trace_("Clock skew with the KDC: adopting its time, offset {} s",
           duration_cast<seconds>(offset_).count());
    return send_with_preauth(*as_key_info_, *mech_, true);
  }
  Error e = err.to_error();
  if (preauth_sent && mech_ != nullptr && mech_->type == PaType::pk_as_req)
    if (auto refused = detail::pkinit_refused(err, *preauth_state_)) e = std::move(*refused);
  if (err.e_data) {
    if (auto* status = pac::attach_ntstatus(e, *err.e_data))
      trace_("KDC error carries NTSTATUS 0x{:08X} {}", status->code, status->text);
  }
  if (err.is(KdcErr::ap_err_skew)) {
    e.detail = skew_detail(err, now(), defaults_.clockskew);
  } else if (err.is(KdcErr::preauth_required)) {
    e.detail = "the KDC asked again after pre-authentication";
  }
  state_ = State::done;
  return e;
}

Result<std::vector<PaData>> AsExchange::error_padata(const KrbError& err,
                                                     std::optional<std::vector<PaData>> fast_padata) {
  std::vector<PaData> method_data;
  if (fast_padata) {
    method_data = std::move(*fast_padata);
  } else if (err.e_data && !err.e_data->empty()) {
    KRBKIT_TRY(md, decode_method_data(*err.e_data, "KRB-ERROR.e-data METHOD-DATA"));
    method_data = std::move(md);
  }
  if (const PaData* cookie = find_padata(method_data, PaType::fx_cookie)) cookie_ = *cookie;
  return method_data;
}

Result<AsStep> AsExchange::on_more_preauth_data(const KrbError& err,
                                                std::optional<std::vector<PaData>> fast_padata) {
  KRBKIT_TRY(method_data, error_padata(err, std::move(fast_padata)));
  trace_("Continuing preauth mech {}; the KDC sent {}", mech_->name, detail::padata_list(method_data));
  if (find_padata(method_data, mech_->type) == nullptr || !as_key_info_)
    return Error{kdc_error(KdcErr::more_preauth_data_required),
                 fmt::format("the KDC asked for more pre-authentication but sent no {}",
                             pa_type_display(mech_->type))};
  method_data_ = std::move(method_data);
  return send_with_preauth(*as_key_info_, *mech_, true);
}

Result<AsStep> AsExchange::on_preauth_required(const KrbError& err,
                                               std::optional<std::vector<PaData>> fast_padata) {
  KRBKIT_TRY(method_data, error_padata(err, std::move(fast_padata)));
  if (method_data.empty())
    return Error{kdc_error(KdcErr::preauth_required), "Preauth required but no preauth options sent by KDC"};
  trace_("Processing preauth types: {}", detail::padata_list(method_data));
  const bool fast = request_.armor != nullptr;
  std::vector<PaType> off;
  if (defaults_.spake_preauth_groups.empty()) off.push_back(PaType::spake);  // as MIT, without a group
  if (request_.no_encrypted_timestamp) off.push_back(PaType::enc_timestamp);
  if (request_.only_preauth)  // kinit -I
    for (const auto& m : detail::preauth_mechanisms())
      if (m.type != *request_.only_preauth) off.push_back(m.type);
  const bool anonymous = request_.pkinit && request_.pkinit->anonymous;
  if (!request_.pkinit || (!anonymous && request_.pkinit->identities.empty()))
    off.push_back(PaType::pk_as_req);
  if (anonymous)  // nothing but PKINIT: there is no long-term key
    for (const auto& m : detail::preauth_mechanisms())
      if (m.long_term_key) off.push_back(m.type);
  const PreauthMech* mech =
      detail::choose_mechanism(method_data, defaults_.preferred_preauth_types, fast, off);
  if (mech == nullptr) {
    std::vector<std::string> offered;
    for (const auto& p : method_data) offered.push_back(pa_type_display(p.padata_type));
    const bool offers_fast = !fast && find_padata(method_data, PaType::fx_fast) != nullptr;
    // The KDC's own choice, not kinit -I's: only then may armor be got for it.
    fast_required_ = offers_fast && !anonymous && !request_.only_preauth;
    if (request_.only_preauth)
      return Error{
          Errc::unsupported,
          fmt::format("the KDC offers pre-authentication {} for {}; the input cache (kinit -I) allows "
                      "only {}{}",
                      fmt::join(offered, ", "), name_of(request_.client),
                      pa_type_display(*request_.only_preauth),
                      offers_fast ? ", which may need FAST (kinit -T)" : "")};
    return Error{
        Errc::unsupported,
        fmt::format("the KDC offers pre-authentication {} for {}; krbkit {}supports {}{}",
                    fmt::join(offered, ", "), name_of(request_.client), fast ? "under FAST " : "",
                    detail::supported_list(fast, off), offers_fast ? "; with FAST (kinit -T) it may" : "")};
  }
  method_data_ = std::move(method_data);
  return send_with_etype_info(*mech);
}

Result<AsStep> AsExchange::send_with_etype_info(const PreauthMech& mech) {
  if (!mech.long_term_key) return send_with_preauth(EtypeInfo2Entry{}, mech, true);
  const auto& method_data = method_data_;
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
  return send_with_preauth(*chosen, mech, true);
}

}  // namespace krbkit::exchange
