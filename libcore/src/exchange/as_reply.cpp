// The AS-REP (RFC 4120 3.1.5): opened (from inside FAST when armored), the
// reply key chosen, and checked as MIT's verify_as_reply; the cache entries
// it leaves.

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "exchange/fast_wrap.hpp"
#include "exchange/preauth.hpp"
#include "exchange/request_and_reply.hpp"
#include "krbkit/base/json.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

using namespace std::chrono;
using detail::contains;
using detail::credentials_from_reply;
using detail::enctype_list;
using detail::mismatch;
using detail::name_of;

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

}  // namespace

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
  std::string salt = detail::salt_of(key_info, request_.client);
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
  result.fast_avail = fast_avail_;
  result.fast = request_.armor != nullptr;
  if (pa_type_ && keys_.is_password() && as_key_info_) result.etype_info = {*as_key_info_};
  result.last_req = std::move(enc.last_req);
  result.key_expiration = enc.key_expiration;
  if (pa_type_ == PaType::pk_as_req && preauth_state_->pkinit_identity)
    result.pkinit_identity = preauth_state_->pkinit_identity->name();
  result.creds = credentials_from_reply(rep, std::move(enc));
  return result;
}

// Under FAST: the reply opened, its finished checked, and the reply key
// strengthened (RFC 6113 5.4.3); the mechanism checks what the KDC sent back.
Result<void> AsExchange::open_reply_key(KdcRep& rep) {
  strengthen_key_.reset();
  if (request_.armor) {
    KRBKIT_TRY(key, detail::open_fast_rep(request_.armor->armor_key, rep, body_.nonce));
    strengthen_key_ = std::move(key);
    trace_("Processed FAST response{}", strengthen_key_ ? "; reply key strengthened" : "");
  }
  const Enctype etype = rep.enc_part.etype;
  if (!contains(enctypes_, etype))
    return Error{Errc::reply_mismatch,
                 fmt::format("AS-REP is encrypted with {}, which was not requested ({})", enctype_name(etype),
                             enctype_list(enctypes_))};
  if (mech_ == nullptr || mech_->long_term_key) KRBKIT_CHECK(choose_reply_key(rep));
  if (mech_ != nullptr && mech_->process != nullptr) {
    auto input = preauth_input(nullptr);
    input.as_req = last_request_;
    input.reply_enctype = etype;
    KRBKIT_CHECK(mech_->process(input, rep.padata));
  }
  // A mechanism may have replaced the long-term key (SPAKE's K'[0], PKINIT's key).
  if (!preauth_state_->reply_key && !as_key_)
    return Error{Errc::internal, "AS-REP: no reply key after pre-authentication"};
  return set_reply_key(preauth_state_->reply_key ? *preauth_state_->reply_key : *as_key_);
}

Result<void> AsExchange::set_reply_key(const Key& base) {
  if (!strengthen_key_) {
    reply_key_ = base.clone();
    return success();
  }
  KRBKIT_TRY(key, detail::strengthen_reply_key(*strengthen_key_, base));
  reply_key_ = std::move(key);
  return success();
}

Result<AsStep> AsExchange::on_as_rep(KdcRep rep) {
  state_ = State::done;
  ticket_kvno_ = rep.ticket.enc_part.kvno;
  KRBKIT_CHECK(open_reply_key(rep));
  const Enctype etype = rep.enc_part.etype;
  auto plain = decrypt(*reply_key_, KeyUsage::as_rep_enc_part, rep.enc_part.cipher);
  if (!plain && preauth_state_->heimdal_reply_key) {
    trace_("AS reply does not decrypt; trying Heimdal's key for a DH secret with leading zero bytes");
    KRBKIT_CHECK(set_reply_key(*preauth_state_->heimdal_reply_key));
    plain = decrypt(*reply_key_, KeyUsage::as_rep_enc_part, rep.enc_part.cipher);
  }
  if (!plain) {
    trace_("Failed to decrypt AS reply with {}", enctype_name(etype));
    return Error{Errc::integrity, fmt::format("AS-REP for {} did not decrypt with the {} key (key usage 3)",
                                              name_of(request_.client), enctype_name(etype))};
  }
  KRBKIT_TRY(enc, decode_enc_kdc_rep_part(plain->view()));
  trace_("Decrypted AS reply; session key is: {}", enctype_name(enc.key.enctype));
  KRBKIT_CHECK(verify_reply(rep, enc));
  if (info_padata_sent_) {  // RFC 6806 11, MIT's krb5int_fast_verify_nego
    KRBKIT_TRY(fast_avail, detail::verify_enc_pa_rep(enc, *reply_key_, last_request_));
    fast_avail_ = fast_avail;
    if (fast_avail) trace_("The KDC offers FAST (PA-FX-FAST in the AS-REP's encrypted padata)");
  }
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

std::optional<PaType> recorded_pa_type(const ccache::CacheContents& cache, const Principal& server) {
  auto value = ccache::find_config(cache, kPaTypeConfigKey, unparse_principal(server));
  if (!value || value->empty() || value->size() > 9) return std::nullopt;
  std::int32_t number = 0;
  for (auto byte : *value) {
    if (byte < '0' || byte > '9') return std::nullopt;
    number = number * 10 + (byte - '0');
  }
  return static_cast<PaType>(number);
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
  if (result.fast_avail)
    ccache::set_config(out, kFastAvailConfigKey, unparse_principal(result.creds.server), as_bytes("yes"));
  // An anonymous client's realm (WELLKNOWN:ANONYMOUS) is not where its TGT
  // is from: MIT's tools find the TGT through start_realm.
  if (is_anonymous(result.creds.client))
    ccache::set_config(out, kStartRealmConfigKey, "", as_bytes(result.creds.server.realm));
  // MIT's kinit -I reads the identity back from here (its pkinit module's cc config).
  if (result.pkinit_identity)
    ccache::set_config(out, kPaConfigDataKey, unparse_principal(result.creds.server),
                       as_bytes("{\"X509_user_identity\":" + json::quote(*result.pkinit_identity) + "}"));
  if (!result.etype_info.empty())
    ccache::set_config(out, kEtypeInfoConfigKey, unparse_principal(result.creds.client),
                       encode_etype_info2(result.etype_info));
  return out;
}

}  // namespace krbkit::exchange
