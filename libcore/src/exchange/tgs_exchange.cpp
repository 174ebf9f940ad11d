// The TGS exchange (RFC 4120 3.3): the TGS-REQ with its PA-TGS-REQ and the
// checks of the TGS-REP. No I/O here.

#include "krbkit/exchange/tgs_exchange.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>

#include "exchange/fast_wrap.hpp"
#include "exchange/request_and_reply.hpp"
#include "krbkit/config/values.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/der/writer.hpp"
#include "krbkit/pac/pac.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

using namespace std::chrono;
using detail::contains;
using detail::credentials_from_reply;
using detail::default_enctype_list;
using detail::enctype_list;
using detail::mismatch;
using detail::name_of;

std::string tgt_service_realm(const Credentials& tgt) {
  if (is_krbtgt(tgt.server)) return tgt.server.components[1];
  return tgt.server.realm;
}

std::uint32_t tgs_options_from_tgt(const Credentials& tgt, std::uint32_t extra) {
  std::uint32_t options = extra;
  if (tgt.flags & ticket_flags::forwardable) options |= kdc_options::forwardable;
  if (tgt.flags & ticket_flags::proxiable) options |= kdc_options::proxiable;
  if (tgt.flags & ticket_flags::renewable) options |= kdc_options::renewable;
  return options;
}

Result<Bytes> encode_pa_for_user(const Principal& user, const Key& tgt_session_key) {
  static constexpr std::string_view kAuthPackage = "Kerberos";
  // S4UByteArray: name-type (32-bit little endian) || name components || realm || auth-package.
  Bytes data;
  auto type = static_cast<std::uint32_t>(user.type);
  for (int shift = 0; shift < 32; shift += 8) data.push_back(static_cast<std::uint8_t>(type >> shift));
  for (const auto& c : user.components) data.insert(data.end(), c.begin(), c.end());
  data.insert(data.end(), user.realm.begin(), user.realm.end());
  data.insert(data.end(), kAuthPackage.begin(), kAuthPackage.end());
  KRBKIT_TRY(cksum, make_checksum(Cksumtype::hmac_md5_rc4, &tgt_session_key, KeyUsage::app_data_cksum, data));
  der::Writer w;
  w.sequence([&] {
    w.field(0, [&] { w.raw(encode(to_principal_name(user))); });
    w.field(1, [&] { w.general_string(user.realm); });
    w.field(2, [&] { w.raw(encode(Checksum{Cksumtype::hmac_md5_rc4, cksum})); });
    w.field(3, [&] { w.general_string(kAuthPackage); });
  });
  return w.take();
}

TgsExchange::TgsExchange(const Credentials& tgt, TgsRequest request, const config::LibDefaults& defaults,
                         Tracer tracer, TgsHooks hooks)
    : tgt_(tgt.clone()),
      request_(std::move(request)),
      defaults_(defaults),
      trace_(std::move(tracer)),
      hooks_(std::move(hooks)) {
  if (!hooks_.now) hooks_.now = [] { return system_clock::now(); };
  kdc_realm_ = tgt_service_realm(tgt_);
  server_ = request_.server;
  if (server_.realm.empty()) server_.realm = kdc_realm_;
}

Result<Bytes> TgsExchange::make_padata_ap_req(const Bytes& body_der) {
  const Key& session = tgt_.session_key;
  Cksumtype ctype = mandatory_checksum(session.enctype);
  KRBKIT_TRY(ck, make_checksum(ctype, &session, KeyUsage::tgs_req_auth_cksum, body_der));
  auto kdc_now = hooks_.now() + hooks_.kdc_offset;
  auto micros = duration_cast<microseconds>(kdc_now.time_since_epoch()).count() % 1000000;
  Authenticator auth;
  auth.crealm = tgt_.client.realm;
  auth.cname = to_principal_name(tgt_.client);
  auth.cksum = Checksum{ctype, std::move(ck)};
  auth.cusec = static_cast<std::int32_t>(micros);
  auth.ctime = floor<seconds>(kdc_now);
  if (request_.subkey) {
    KRBKIT_TRY(key, hooks_.subkey ? hooks_.subkey(session.enctype)
                                  : random_key(session.enctype, CryptoPolicy{true}));
    subkey_ = key.clone();
    auth.subkey = std::move(key);
  }
  KRBKIT_TRY(enc_auth, encrypt(session, KeyUsage::tgs_req_authenticator, encode(auth)));
  KRBKIT_TRY(ticket, decode_ticket(tgt_.ticket));
  ApReq ap;
  ap.ticket = std::move(ticket);
  ap.authenticator = EncryptedData{session.enctype, std::nullopt, std::move(enc_auth)};
  return encode(ap);
}

Result<void> TgsExchange::choose_enctypes() {
  std::vector<Enctype> wanted = request_.enctypes;
  if (wanted.empty()) wanted = defaults_.default_tgs_enctypes;
  if (wanted.empty()) wanted = default_enctype_list();
  enctypes_.clear();
  for (auto e : wanted)
    if (!contains(enctypes_, e) && enctype_info(e, CryptoPolicy{defaults_.allow_weak_crypto}).ok())
      enctypes_.push_back(e);
  if (enctypes_.empty())
    return Error{Errc::unsupported_enctype,
                 fmt::format("none of the requested enctypes ({}) is usable", enctype_list(wanted))};
  return success();
}

Result<void> TgsExchange::make_body() {
  const std::uint32_t opts = request_.kdc_options;
  body_ = KdcReqBody{};
  body_.kdc_options = opts;
  body_.realm = server_.realm;
  body_.sname = to_principal_name(server_);
  body_.from = request_.from;
  body_.till = request_.till.value_or(tgt_.endtime);
  if (opts & kdc_options::renewable) {
    auto rtime = request_.rtime ? *request_.rtime : tgt_.renew_till;
    if (rtime != KerberosTime{}) body_.rtime = rtime;
  }
  KRBKIT_TRY(nonce, detail::nonce_from(hooks_.nonce));
  body_.nonce = nonce;
  body_.etype = enctypes_;
  body_.addresses = request_.addresses ? *request_.addresses : tgt_.addresses;
  for (const auto& der : request_.additional_tickets) {
    KRBKIT_TRY(t, decode_ticket(der));
    body_.additional_tickets.push_back(std::move(t));
  }
  return success();
}

// As MIT: PA-S4U-X509-USER (the nonce and the user, checksummed in the
// subkey), then PA-FOR-USER. A KDC that knows the first signs the user's
// canonical name in its reply; others ignore it.
Result<void> TgsExchange::add_s4u_padata(std::vector<PaData>& padata) {
  if (request_.s4u_x509_user) {
    S4uUserId id{body_.nonce, *request_.for_user, {}, s4u_options::use_reply_key_usage};
    const Key& key = subkey_ ? *subkey_ : tgt_.session_key;
    auto pa = encode_pa_s4u_x509_user(id, key, KeyUsage::pa_s4u_x509_user_request);
    if (pa) {
      KRBKIT_TRY(sent, decode_pa_s4u_x509_user(*pa));
      s4u_checksum_ = std::move(sent.checksum.checksum);
      s4u_sent_ = std::move(id);
      padata.push_back(PaData{PaType::s4u_x509_user, std::move(pa).value()});
    } else {
      trace_("No PA-S4U-X509-USER: {}", pa.error().message());
    }
  }
  KRBKIT_TRY(pa, encode_pa_for_user(*request_.for_user, tgt_.session_key));
  padata.push_back(PaData{PaType::for_user, std::move(pa)});
  return success();
}

void TgsExchange::trace_request() const {
  const std::uint32_t opts = request_.kdc_options;
  trace_("Getting credentials {} -> {} using ccache TGT {}", name_of(tgt_.client), name_of(server_),
         name_of(tgt_.server));
  trace_("Requesting tickets for {}, referral {}", name_of(server_),
         (opts & kdc_options::canonicalize) ? "on" : "off");
  trace_("TGS request to {}: options {}; etypes {}{}{}{}", kdc_realm_, fmt::join(kdc_option_names(opts), ","),
         enctype_list(enctypes_),
         body_.addresses.empty() ? "" : fmt::format("; {} address(es)", body_.addresses.size()),
         request_.for_user ? fmt::format("; PA-FOR-USER {}", name_of(*request_.for_user)) : "",
         s4u_sent_ ? " and PA-S4U-X509-USER" : "");
  if (subkey_) trace_("Generated subkey for TGS request: {}", enctype_name(subkey_->enctype));
}

Result<TgsStep> TgsExchange::start() {
  if (tgt_.ticket.empty()) return Error{Errc::invalid_argument, "no ticket to authenticate the TGS request"};
  if ((request_.kdc_options & kdc_options::enc_tkt_in_skey) && request_.additional_tickets.empty())
    return Error{Errc::invalid_argument, "user-to-user (enc-tkt-in-skey) needs the other party's TGT"};
  KRBKIT_CHECK(choose_enctypes());
  KRBKIT_CHECK(make_body());
  KdcReq req;
  req.msg_type = MsgType::tgs_req;
  KRBKIT_TRY(ap_req, make_padata_ap_req(encode(body_)));
  std::vector<PaData> rest;  // the padata besides PA-TGS-REQ
  s4u_sent_.reset();
  if (request_.for_user) KRBKIT_CHECK(add_s4u_padata(rest));
  if (request_.pac_options != 0)
    rest.push_back(PaData{PaType::pac_options, encode_pa_pac_options(request_.pac_options)});
  KRBKIT_TRY(padata, request_padata(std::move(ap_req), std::move(rest)));
  req.padata = std::move(padata);
  req.req_body = body_;
  trace_request();
  last_request_ = encode(req);
  sent_ = true;
  return TgsStep{TgsSend{last_request_, kdc_realm_, false}};
}

Result<TgsStep> TgsExchange::on_reply(BytesView reply) {
  if (!sent_ || done_) return Error{Errc::internal, "TGS exchange: reply when no request is outstanding"};
  KRBKIT_TRY(decoded, decode_kdc_reply(reply));
  if (auto* outer = std::get_if<KrbError>(&decoded)) {
    if (outer->is(KdcErr::err_response_too_big)) {
      trace_("Request or response is too big for UDP; retrying with TCP");
      return TgsStep{TgsSend{last_request_, kdc_realm_, true}};
    }
    const KrbError unwrapped = unwrap_error(*outer);
    const KrbError* err = &unwrapped;
    trace_("TGS reply is an error: {}/{}", err->error_code, kdc_error(err->error_code).message());
    done_ = true;
    Error e = err->to_error();
    if (err->e_data) {
      if (auto* status = pac::attach_ntstatus(e, *err->e_data)) {
        trace_("KDC error carries NTSTATUS 0x{:08X} {}", status->code, status->text);
        // No caller names it for a TGS error (kinit does for the AS): say it here.
        std::string said =
            fmt::format("NTSTATUS 0x{:08X}{}{}", status->code, status->text.empty() ? "" : " ", status->text);
        e.detail = e.detail.empty() ? said : e.detail + "; " + said;
      }
    }
    return e;
  }
  auto& rep = std::get<KdcRep>(decoded);
  if (rep.msg_type != MsgType::tgs_rep)
    return mismatch(fmt::format("expected a TGS-REP, the KDC sent a {}", msg_type_name(rep.msg_type)));
  done_ = true;
  return on_tgs_rep(std::move(rep));
}

// The KDC encrypts in the subkey when one was sent (usage 9), else in the
// TGT session key (usage 8).
// Under FAST both keys are first strengthened (RFC 6113 5.4.3).
Result<TgsExchange::OpenedReply> TgsExchange::open_reply(const KdcRep& rep,
                                                         const std::optional<Key>& strengthen) const {
  auto attempt = [&](const Key& key, KeyUsage usage) -> std::optional<OpenedReply> {
    if (rep.enc_part.etype != key.enctype) return std::nullopt;
    std::optional<Key> strengthened;
    if (strengthen) {
      auto k = detail::strengthen_reply_key(*strengthen, key);
      if (!k) return std::nullopt;
      strengthened = std::move(k).value();
    }
    auto p = decrypt(strengthened ? *strengthened : key, usage, rep.enc_part.cipher);
    if (!p) return std::nullopt;
    return OpenedReply{std::move(p).value(), usage};
  };
  if (subkey_)
    if (auto opened = attempt(*subkey_, KeyUsage::tgs_rep_enc_part_subkey)) return std::move(*opened);
  if (auto opened = attempt(tgt_.session_key, KeyUsage::tgs_rep_enc_part_session_key))
    return std::move(*opened);
  return Error{Errc::integrity,
               fmt::format("TGS-REP for {} ({}) decrypts neither with the subkey (key usage 9) nor with the "
                           "session key of {} (key usage 8)",
                           name_of(server_), enctype_name(rep.enc_part.etype), name_of(tgt_.server))};
}

// The client the reply must name: the S4U2Self user (as the KDC signed it,
// when it did), the evidence ticket's client, or the TGT's.
Result<void> TgsExchange::check_client(const KdcRep& rep, const EncKdcRepPart& enc, bool& s4u_signed) {
  Principal expected_client = request_.for_user          ? *request_.for_user
                              : request_.evidence_client ? *request_.evidence_client
                                                         : tgt_.client;
  if (s4u_sent_) {
    const Key& key = subkey_ ? *subkey_ : tgt_.session_key;
    KRBKIT_TRY(signed_user,
               check_s4u_x509_reply(*s4u_sent_, s4u_checksum_, key, rep.padata, enc.encrypted_pa_data));
    if (signed_user) {
      trace_("KDC signed the S4U2Self user name {} (PA-S4U-X509-USER)", name_of(*signed_user));
      expected_client = std::move(*signed_user);
      s4u_signed = true;
    } else {
      trace_("KDC sent no PA-S4U-X509-USER (it does not support it); the client must be the requested user");
    }
  }
  if (!(rep.client() == expected_client))
    return mismatch(fmt::format("TGS-REP client {} is not the expected {}", name_of(rep.client()),
                                name_of(expected_client)));
  return success();
}

// The server must be the one asked for, or under canonicalize a referral TGT
// to another realm, or the same kind of principal renamed in its realm.
Result<void> TgsExchange::check_server(const KdcRep& rep, const EncKdcRepPart& enc, TgsResult& result) const {
  const Principal server = enc.server();
  const Principal ticket_server = to_principal(rep.ticket.sname, rep.ticket.realm);
  if (!(server == ticket_server))
    return mismatch(fmt::format("TGS-REP ticket is for {} but its encrypted part names {}",
                                name_of(ticket_server), name_of(server)));
  if (server == server_) return success();
  const bool canon = (body_.kdc_options & kdc_options::canonicalize) != 0;
  const bool referral = canon && is_krbtgt(server) && !is_krbtgt(server_) && server.realm == kdc_realm_ &&
                        server.components[1] != kdc_realm_;
  const bool renamed = canon && server.realm == server_.realm && is_krbtgt(server) == is_krbtgt(server_);
  if (referral) {
    result.referral = true;
    result.referral_realm = server.components[1];
    trace_("Received referral TGT {} for {}", name_of(server), name_of(server_));
  } else if (!renamed) {
    return mismatch(
        fmt::format("TGS-REP server {} is not the requested {}", name_of(server), name_of(server_)));
  }
  return success();
}

Result<void> TgsExchange::check_key_and_times(const EncKdcRepPart& enc) const {
  if (!contains(enctypes_, enc.key.enctype)) {
    auto permitted =
        defaults_.permitted_enctypes.empty() ? default_enctype_list() : defaults_.permitted_enctypes;
    if (!contains(permitted, enc.key.enctype))
      return mismatch(fmt::format("TGS-REP session key enctype {} was not requested ({})",
                                  enctype_name(enc.key.enctype), enctype_list(enctypes_)));
  }
  if (enc.endtime > body_.till && !(body_.kdc_options & (kdc_options::renew | kdc_options::validate)))
    return mismatch(
        fmt::format("TGS-REP end time {:%Y-%m-%d %H:%M:%S} is after the requested {:%Y-%m-%d %H:%M:%S}",
                    enc.endtime, body_.till));
  if (enc.renew_till && body_.rtime && *enc.renew_till > *body_.rtime)
    return mismatch("TGS-REP renew-till is after the requested renew-till");
  if (body_.from && enc.starttime && *enc.starttime != *body_.from)
    return mismatch("TGS-REP start time differs from the requested postdated start");
  return success();
}

Result<TgsStep> TgsExchange::on_tgs_rep(KdcRep rep) {
  bool armored = false;
  KRBKIT_TRY(strengthen, open_fast(rep, armored));
  KRBKIT_TRY(opened, open_reply(rep, strengthen));
  KRBKIT_TRY(enc, decode_enc_kdc_rep_part(opened.plain.view()));
  trace_("TGS reply decrypted with the {} (key usage {}); session key {}",
         opened.usage == KeyUsage::tgs_rep_enc_part_subkey ? "subkey" : "session key",
         fmt::underlying(opened.usage), enctype_name(enc.key.enctype));
  // RFC 4120 3.3.4.
  if (enc.nonce != body_.nonce)
    return mismatch(fmt::format("TGS-REP nonce {} does not match the request's {}", enc.nonce, body_.nonce));
  TgsResult result;
  KRBKIT_CHECK(check_client(rep, enc, result.s4u_user_signed));
  KRBKIT_CHECK(check_server(rep, enc, result));
  KRBKIT_CHECK(check_key_and_times(enc));

  // No caddr in the reply means the ticket has what was asked (MIT's KDC
  // copies the TGT's addresses into the ticket and leaves them out of the
  // reply); keep them in the credential, as MIT's kdcrep2creds does.
  const bool reply_addresses = !enc.caddr.empty();
  result.creds = credentials_from_reply(rep, std::move(enc));
  Credentials& c = result.creds;
  if (!reply_addresses) c.addresses = body_.addresses;
  if (body_.kdc_options & kdc_options::enc_tkt_in_skey) {
    c.is_skey = true;
    c.second_ticket = request_.additional_tickets.front();
  }
  result.reply_key_usage = opened.usage;
  result.fast_armored = armored;
  trace_("TGS reply checked: {} for {}, flags {}", name_of(c.server), name_of(c.client),
         ticket_flag_letters(c.flags));
  return TgsStep{std::move(result)};
}

}  // namespace krbkit::exchange
