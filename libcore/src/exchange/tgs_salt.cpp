// Asking the KDC for a principal's salt (ktutil addent -f): one AS-REQ
// without pre-authentication, and the etype-info of the answer.

#include <fmt/format.h>
#include <openssl/rand.h>

#include "krbkit/config/libdefaults.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

namespace {

// The entry for `e` (without `e`: the first one, the KDC's choice) in
// ETYPE-INFO2, else ETYPE-INFO, else PW-SALT (which names no enctype:
// `fallback` then), in `padata`.
Result<std::optional<EtypeInfo2Entry>> find_info(const std::vector<PaData>& padata, std::optional<Enctype> e,
                                                 Enctype fallback) {
  if (const PaData* p = find_padata(padata, PaType::etype_info2)) {
    KRBKIT_TRY(list, decode_etype_info2(p->padata_value));
    for (auto& i : list)
      if (!e || i.etype == *e) return std::optional<EtypeInfo2Entry>(std::move(i));
  }
  if (const PaData* p = find_padata(padata, PaType::etype_info)) {
    KRBKIT_TRY(list, decode_etype_info(p->padata_value));
    for (auto& i : list)
      if (!e || i.etype == *e) {
        std::optional<std::string> salt;
        if (i.salt) salt = std::string(as_chars(*i.salt));
        return std::optional<EtypeInfo2Entry>(EtypeInfo2Entry{i.etype, salt, std::nullopt});
      }
  }
  if (const PaData* p = find_padata(padata, PaType::pw_salt))
    return std::optional<EtypeInfo2Entry>(
        EtypeInfo2Entry{e.value_or(fallback), std::string(as_chars(p->padata_value)), std::nullopt});
  return std::optional<EtypeInfo2Entry>();
}

}  // namespace

Result<EtypeInfo2Entry> fetch_etype_info(const config::Profile& profile, const Principal& principal,
                                         std::optional<Enctype> e, Tracer tracer) {
  KdcReq req;
  req.msg_type = MsgType::as_req;
  auto& body = req.req_body;
  body.cname = to_principal_name(principal);
  body.realm = principal.realm;
  body.sname = to_principal_name(krbtgt_principal(principal.realm, principal.realm));
  body.till =
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + std::chrono::hours(1);
  RAND_bytes(reinterpret_cast<unsigned char*>(&body.nonce), sizeof body.nonce);
  body.nonce &= 0x7fffffffu;
  if (e) {
    body.etype = {*e};
  } else {
    KRBKIT_TRY(defaults, config::LibDefaults::from(profile, principal.realm));
    body.etype = defaults.default_tkt_enctypes;
    if (body.etype.empty())
      return Error{Errc::unsupported_enctype, "no enctypes configured to ask the KDC for"};
  }
  tracer("Asking the KDC for the salt of {} ({})", unparse_principal(principal),
         e ? enctype_name(*e) : std::string("its choice"));
  net::KdcClient kdcs(profile, tracer);
  net::SendOptions options;
  options.accept = [](BytesView data) {
    auto type = peek_msg_type(data);
    return type && (*type == MsgType::as_rep || *type == MsgType::krb_error);
  };
  KRBKIT_TRY(reply, kdcs.send(principal.realm, encode(req), options));
  KRBKIT_TRY(decoded, decode_kdc_reply(reply.data));
  std::vector<PaData> padata;
  Enctype fallback = body.etype.front();
  if (auto* err = std::get_if<KrbError>(&decoded)) {
    if (!err->is(KdcErr::preauth_required)) return err->to_error();
    if (err->e_data) {
      KRBKIT_TRY(md, decode_method_data(*err->e_data, "KRB-ERROR.e-data METHOD-DATA"));
      padata = std::move(md);
    }
  } else {
    padata = std::get<KdcRep>(decoded).padata;
    fallback = std::get<KdcRep>(decoded).enc_part.etype;  // the reply key's enctype: the KDC's choice
  }
  KRBKIT_TRY(found, find_info(padata, e, fallback));
  if (found) return std::move(*found);
  return EtypeInfo2Entry{e.value_or(fallback), std::nullopt, std::nullopt};
}

}  // namespace krbkit::exchange
