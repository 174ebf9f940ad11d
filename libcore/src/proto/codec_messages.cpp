// RFC 4120 messages: KDC-REQ, KDC-REP, EncKDCRepPart, AP-REQ, Authenticator,
// AP-REP, EncAPRepPart, KRB-ERROR, KRB-SAFE, KRB-PRIV, EncKrbPrivPart,
// KRB-CRED, EncKrbCredPart. The ASN.1 is quoted in krbkit/proto/messages.hpp.

#include <fmt/format.h>

#include "krbkit/der/tag.hpp"
#include "proto/codec.hpp"

namespace krbkit {
namespace codec {
namespace {

// The top-level name of a message in error paths.
const char* msg_name(MsgType t) {
  switch (t) {
    case MsgType::as_req: return "AS-REQ";
    case MsgType::as_rep: return "AS-REP";
    case MsgType::tgs_req: return "TGS-REQ";
    case MsgType::tgs_rep: return "TGS-REP";
    default: return "KDC message";
  }
}

}  // namespace

// KDC-REQ ::= SEQUENCE { pvno [1], msg-type [2], padata [3] OPTIONAL, req-body [4] }
// wrapped in [APPLICATION msg-type].
void fields(auto& io, KdcReq& v) {
  io.pvno(1, "pvno", v.pvno);
  io.msg_type(2, v.msg_type);
  io.opt(3, "padata", v.padata);
  io.req(4, "req-body", v.req_body);
}
void write(Writer& w, const KdcReq& v) { write_fields(w, static_cast<unsigned>(v.msg_type), v); }

// KDC-REP ::= SEQUENCE { pvno [0], msg-type [1], padata [2] OPTIONAL, crealm [3], cname [4],
//                        ticket [5], enc-part [6] }  wrapped in [APPLICATION msg-type].
void fields(auto& io, KdcRep& v) {
  io.pvno(0, "pvno", v.pvno);
  io.msg_type(1, v.msg_type);
  io.opt(2, "padata", v.padata);
  io.req(3, "crealm", v.crealm);
  io.req(4, "cname", v.cname);
  io.req(5, "ticket", v.ticket);
  io.req(6, "enc-part", v.enc_part);
}
void write(Writer& w, const KdcRep& v) { write_fields(w, static_cast<unsigned>(v.msg_type), v); }

namespace {

// An AS/TGS message: the APPLICATION tag and msg-type are `type`.
template <class T>
Result<T> decode_typed(BytesView der, MsgType type) {
  Reader in(der, msg_name(type));
  T v;
  v.msg_type = type;
  read_fields(in, static_cast<unsigned>(type), v);
  return in.finish(std::move(v));
}

}  // namespace

// KRB-SAFE-BODY and EncKrbPrivPart share their six fields.
void fields(auto& io, KrbSafeBody& v) {
  io.req(0, "user-data", v.user_data);
  io.opt(1, "timestamp", v.timestamp);
  io.opt_usec(2, "usec", v.usec);
  io.opt_u32(3, "seq-number", v.seq_number);
  io.req(4, "s-address", v.s_address);
  io.opt(5, "r-address", v.r_address);
}
void read(Reader& r, KrbSafeBody& v) { read_fields(r, v); }
void write(Writer& w, const KrbSafeBody& v) { write_fields(w, v); }

// KDC-REQ-BODY: see messages.hpp.
void fields(auto& io, KdcReqBody& v) {
  io.flags(0, "kdc-options", v.kdc_options);
  io.opt(1, "cname", v.cname);
  io.req(2, "realm", v.realm);
  io.opt(3, "sname", v.sname);
  io.opt(4, "from", v.from);
  io.req(5, "till", v.till);
  io.opt(6, "rtime", v.rtime);
  io.u32(7, "nonce", v.nonce);
  io.req(8, "etype", v.etype);
  io.opt(9, "addresses", v.addresses);
  io.opt(10, "enc-authorization-data", v.enc_authorization_data);
  io.opt(11, "additional-tickets", v.additional_tickets);
}
void read(Reader& r, KdcReqBody& v) { read_fields(r, v); }
void write(Writer& w, const KdcReqBody& v) { write_fields(w, v); }

// EncASRepPart ::= [APPLICATION 25] EncKDCRepPart; EncTGSRepPart ::= [APPLICATION 26] EncKDCRepPart
void fields(auto& io, EncKdcRepPart& v) {
  io.req(0, "key", v.key);
  io.req(1, "last-req", v.last_req);
  io.u32(2, "nonce", v.nonce);
  io.opt(3, "key-expiration", v.key_expiration);
  io.flags(4, "flags", v.flags);
  io.req(5, "authtime", v.authtime);
  io.opt(6, "starttime", v.starttime);
  io.req(7, "endtime", v.endtime);
  io.opt(8, "renew-till", v.renew_till);
  io.req(9, "srealm", v.srealm);
  io.req(10, "sname", v.sname);
  io.opt(11, "caddr", v.caddr);
  io.opt(12, "encrypted-pa-data", v.encrypted_pa_data);
}
void read(Reader& r, EncKdcRepPart& v) {
  v.application_tag = r.next_is(der::tag::application(26)) ? 26 : 25;
  read_fields(r, v.application_tag, v);
}
void write(Writer& w, const EncKdcRepPart& v) { write_fields(w, v.application_tag == 26 ? 26 : 25, v); }

// AP-REQ ::= [APPLICATION 14] SEQUENCE { pvno [0], msg-type [1], ap-options [2], ticket [3],
//                                        authenticator [4] }
void fields(auto& io, ApReq& v) {
  io.pvno(0, "pvno", v.pvno);
  io.msg_type(1, MsgType::ap_req);
  io.flags(2, "ap-options", v.ap_options);
  io.req(3, "ticket", v.ticket);
  io.req(4, "authenticator", v.authenticator);
}
void read(Reader& r, ApReq& v) { read_fields(r, 14, v); }
void write(Writer& w, const ApReq& v) { write_fields(w, 14, v); }

// Authenticator ::= [APPLICATION 2] SEQUENCE { authenticator-vno [0] ... authorization-data [8] }
void fields(auto& io, Authenticator& v) {
  io.pvno(0, "authenticator-vno", v.authenticator_vno);
  io.req(1, "crealm", v.crealm);
  io.req(2, "cname", v.cname);
  io.opt(3, "cksum", v.cksum);
  io.usec(4, "cusec", v.cusec);
  io.req(5, "ctime", v.ctime);
  io.opt(6, "subkey", v.subkey);
  io.opt_u32(7, "seq-number", v.seq_number);
  io.opt(8, "authorization-data", v.authorization_data);
}
void read(Reader& r, Authenticator& v) { read_fields(r, 2, v); }
void write(Writer& w, const Authenticator& v) { write_fields(w, 2, v); }

// AP-REP ::= [APPLICATION 15] SEQUENCE { pvno [0], msg-type [1], enc-part [2] }
void fields(auto& io, ApRep& v) {
  io.pvno(0, "pvno", v.pvno);
  io.msg_type(1, MsgType::ap_rep);
  io.req(2, "enc-part", v.enc_part);
}
void read(Reader& r, ApRep& v) { read_fields(r, 15, v); }
void write(Writer& w, const ApRep& v) { write_fields(w, 15, v); }

// EncAPRepPart ::= [APPLICATION 27] SEQUENCE { ctime [0], cusec [1], subkey [2] OPTIONAL,
//                                              seq-number [3] OPTIONAL }
void fields(auto& io, EncApRepPart& v) {
  io.req(0, "ctime", v.ctime);
  io.usec(1, "cusec", v.cusec);
  io.opt(2, "subkey", v.subkey);
  io.opt_u32(3, "seq-number", v.seq_number);
}
void read(Reader& r, EncApRepPart& v) { read_fields(r, 27, v); }
void write(Writer& w, const EncApRepPart& v) { write_fields(w, 27, v); }

// KRB-ERROR ::= [APPLICATION 30] SEQUENCE { pvno [0] ... e-data [12] }
void fields(auto& io, KrbError& v) {
  io.pvno(0, "pvno", v.pvno);
  io.msg_type(1, MsgType::krb_error);
  io.opt(2, "ctime", v.ctime);
  io.opt_usec(3, "cusec", v.cusec);
  io.req(4, "stime", v.stime);
  io.usec(5, "susec", v.susec);
  io.req(6, "error-code", v.error_code);
  io.opt(7, "crealm", v.crealm);
  io.opt(8, "cname", v.cname);
  io.req(9, "realm", v.realm);
  io.req(10, "sname", v.sname);
  io.opt(11, "e-text", v.e_text);
  io.opt(12, "e-data", v.e_data);
}
void read(Reader& r, KrbError& v) { read_fields(r, 30, v); }
void write(Writer& w, const KrbError& v) { write_fields(w, 30, v); }

// KRB-SAFE ::= [APPLICATION 20] SEQUENCE { pvno [0], msg-type [1], safe-body [2], cksum [3] }
void fields(auto& io, KrbSafe& v) {
  io.pvno(0, "pvno", v.pvno);
  io.msg_type(1, MsgType::krb_safe);
  io.req(2, "safe-body", v.safe_body);
  io.req(3, "cksum", v.cksum);
}
void read(Reader& r, KrbSafe& v) { read_fields(r, 20, v); }
void write(Writer& w, const KrbSafe& v) { write_fields(w, 20, v); }

// KRB-PRIV ::= [APPLICATION 21] SEQUENCE { pvno [0], msg-type [1], enc-part [3] }
void fields(auto& io, KrbPriv& v) {
  io.pvno(0, "pvno", v.pvno);
  io.msg_type(1, MsgType::krb_priv);
  io.req(3, "enc-part", v.enc_part);
}
void read(Reader& r, KrbPriv& v) { read_fields(r, 21, v); }
void write(Writer& w, const KrbPriv& v) { write_fields(w, 21, v); }

// KRB-CRED ::= [APPLICATION 22] SEQUENCE { pvno [0], msg-type [1], tickets [2], enc-part [3] }
void fields(auto& io, KrbCred& v) {
  io.pvno(0, "pvno", v.pvno);
  io.msg_type(1, MsgType::krb_cred);
  io.req(2, "tickets", v.tickets);
  io.req(3, "enc-part", v.enc_part);
}
void read(Reader& r, KrbCred& v) { read_fields(r, 22, v); }
void write(Writer& w, const KrbCred& v) { write_fields(w, 22, v); }

// KrbCredInfo ::= SEQUENCE { key [0], prealm [1] OPTIONAL ... caddr [10] OPTIONAL }
void fields(auto& io, KrbCredInfo& v) {
  io.req(0, "key", v.key);
  io.opt(1, "prealm", v.prealm);
  io.opt(2, "pname", v.pname);
  io.opt_flags(3, "flags", v.flags);
  io.opt(4, "authtime", v.authtime);
  io.opt(5, "starttime", v.starttime);
  io.opt(6, "endtime", v.endtime);
  io.opt(7, "renew-till", v.renew_till);
  io.opt(8, "srealm", v.srealm);
  io.opt(9, "sname", v.sname);
  io.opt(10, "caddr", v.caddr);
}
void read(Reader& r, KrbCredInfo& v) { read_fields(r, v); }
void write(Writer& w, const KrbCredInfo& v) { write_fields(w, v); }

// EncKrbCredPart ::= [APPLICATION 29] SEQUENCE { ticket-info [0], nonce [1] OPTIONAL,
//     timestamp [2] OPTIONAL, usec [3] OPTIONAL, s-address [4] OPTIONAL, r-address [5] OPTIONAL }
void fields(auto& io, EncKrbCredPart& v) {
  io.req(0, "ticket-info", v.ticket_info);
  io.opt_u32(1, "nonce", v.nonce);
  io.opt(2, "timestamp", v.timestamp);
  io.opt_usec(3, "usec", v.usec);
  io.opt(4, "s-address", v.s_address);
  io.opt(5, "r-address", v.r_address);
}
void read(Reader& r, EncKrbCredPart& v) { read_fields(r, 29, v); }
void write(Writer& w, const EncKrbCredPart& v) { write_fields(w, 29, v); }

}  // namespace codec

using codec::decode_as;
using codec::encode_as;

Error KrbError::to_error() const {
  return Error{kdc_error(error_code), is(KdcErr::err_generic) ? e_text.value_or("") : std::string()};
}

std::optional<MsgType> peek_msg_type(BytesView der) {
  if (der.empty() || (der[0] & 0xe0) != 0x60) return std::nullopt;
  return static_cast<MsgType>(der[0] & 0x1f);
}

Bytes encode(const KdcReqBody& v) { return encode_as(v); }
Bytes encode(const KdcReq& v) { return encode_as(v); }
Bytes encode(const KdcRep& v) { return encode_as(v); }
Bytes encode(const EncKdcRepPart& v) { return encode_as(v); }
Bytes encode(const ApReq& v) { return encode_as(v); }
Bytes encode(const Authenticator& v) { return encode_as(v); }
Bytes encode(const ApRep& v) { return encode_as(v); }
Bytes encode(const EncApRepPart& v) { return encode_as(v); }
Bytes encode(const KrbError& v) { return encode_as(v); }
Bytes encode(const KrbSafe& v) { return encode_as(v); }
Bytes encode(const KrbPriv& v) { return encode_as(v); }
Bytes encode_enc_krb_priv_part(const EncKrbPrivPart& v) {
  der::Writer w;
  codec::write_fields(w, 28, v);
  return w.take();
}
Bytes encode(const KrbCred& v) { return encode_as(v); }
Bytes encode(const EncKrbCredPart& v) { return encode_as(v); }

Result<KdcReqBody> decode_kdc_req_body(BytesView d) { return decode_as<KdcReqBody>(d, "KDC-REQ-BODY"); }
Result<KdcReq> decode_as_req(BytesView d) { return codec::decode_typed<KdcReq>(d, MsgType::as_req); }
Result<KdcReq> decode_tgs_req(BytesView d) { return codec::decode_typed<KdcReq>(d, MsgType::tgs_req); }
Result<KdcReq> decode_kdc_req(BytesView d) {
  if (peek_msg_type(d) == MsgType::tgs_req) return decode_tgs_req(d);
  return decode_as_req(d);
}
Result<KdcRep> decode_as_rep(BytesView d) { return codec::decode_typed<KdcRep>(d, MsgType::as_rep); }
Result<KdcRep> decode_tgs_rep(BytesView d) { return codec::decode_typed<KdcRep>(d, MsgType::tgs_rep); }
Result<KdcReply> decode_kdc_reply(BytesView d) {
  auto type = peek_msg_type(d);
  if (type == MsgType::krb_error) {
    KRBKIT_TRY(err, decode_krb_error(d));
    return KdcReply{std::move(err)};
  }
  if (type == MsgType::as_rep || type == MsgType::tgs_rep) {
    KRBKIT_TRY(rep, type == MsgType::as_rep ? decode_as_rep(d) : decode_tgs_rep(d));
    return KdcReply{std::move(rep)};
  }
  return Error{Errc::parse, fmt::format("KDC reply: expected AS-REP, TGS-REP or KRB-ERROR, found {}",
                                        d.empty() ? std::string("nothing") : der::tag::describe(d[0]))};
}
Result<EncKdcRepPart> decode_enc_kdc_rep_part(BytesView d) {
  return decode_as<EncKdcRepPart>(d, "EncKDCRepPart");
}
Result<ApReq> decode_ap_req(BytesView d) { return decode_as<ApReq>(d, "AP-REQ"); }
Result<Authenticator> decode_authenticator(BytesView d) {
  return decode_as<Authenticator>(d, "Authenticator");
}
Result<ApRep> decode_ap_rep(BytesView d) { return decode_as<ApRep>(d, "AP-REP"); }
Result<EncApRepPart> decode_enc_ap_rep_part(BytesView d) {
  return decode_as<EncApRepPart>(d, "EncAPRepPart");
}
Result<KrbError> decode_krb_error(BytesView d) { return decode_as<KrbError>(d, "KRB-ERROR"); }
Result<KrbSafe> decode_krb_safe(BytesView d) { return decode_as<KrbSafe>(d, "KRB-SAFE"); }
Result<KrbPriv> decode_krb_priv(BytesView d) { return decode_as<KrbPriv>(d, "KRB-PRIV"); }
Result<EncKrbPrivPart> decode_enc_krb_priv_part(BytesView d) {
  der::Reader in(d, "EncKrbPrivPart");
  EncKrbPrivPart v;
  codec::read_fields(in, 28, v);
  return in.finish(std::move(v));
}
Result<KrbCred> decode_krb_cred(BytesView d) { return decode_as<KrbCred>(d, "KRB-CRED"); }
Result<EncKrbCredPart> decode_enc_krb_cred_part(BytesView d) {
  return decode_as<EncKrbCredPart>(d, "EncKrbCredPart");
}

}  // namespace krbkit
