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

// KDC-REQ ::= SEQUENCE { pvno [1], msg-type [2], padata [3] OPTIONAL, req-body [4] }
// wrapped in [APPLICATION msg-type].
void read_kdc_req(Reader& r, KdcReq& v, MsgType type) {
  v.msg_type = type;
  auto app = r.application(static_cast<unsigned>(type), "");
  auto s = app.sequence();
  get_pvno(s, 1, "pvno", v.pvno);
  expect_msg_type(s, 2, type);
  opt(s, 3, "padata", v.padata);
  get(s, 4, "req-body", v.req_body);
}

// KDC-REP ::= SEQUENCE { pvno [0], msg-type [1], padata [2] OPTIONAL, crealm [3], cname [4],
//                        ticket [5], enc-part [6] }  wrapped in [APPLICATION msg-type].
void read_kdc_rep(Reader& r, KdcRep& v, MsgType type) {
  v.msg_type = type;
  auto app = r.application(static_cast<unsigned>(type), "");
  auto s = app.sequence();
  get_pvno(s, 0, "pvno", v.pvno);
  expect_msg_type(s, 1, type);
  opt(s, 2, "padata", v.padata);
  get(s, 3, "crealm", v.crealm);
  get(s, 4, "cname", v.cname);
  get(s, 5, "ticket", v.ticket);
  get(s, 6, "enc-part", v.enc_part);
}

template <class T>
Result<T> decode_typed(BytesView der, MsgType type, void (*fn)(Reader&, T&, MsgType)) {
  Reader in(der, msg_name(type));
  T v;
  fn(in, v, type);
  return in.finish(std::move(v));
}

// KRB-SAFE-BODY and EncKrbPrivPart share their six fields.
void read_safe_fields(Reader& s, KrbSafeBody& v) {
  get(s, 0, "user-data", v.user_data);
  opt(s, 1, "timestamp", v.timestamp);
  opt_usec(s, 2, "usec", v.usec);
  opt_u32_lenient(s, 3, "seq-number", v.seq_number);
  get(s, 4, "s-address", v.s_address);
  opt(s, 5, "r-address", v.r_address);
}

}  // namespace

void write_safe_fields(Writer& w, const KrbSafeBody& v) {
  put(w, 0, v.user_data);
  put_opt(w, 1, v.timestamp);
  put_opt(w, 2, v.usec);
  put_opt(w, 3, v.seq_number);
  put(w, 4, v.s_address);
  put_opt(w, 5, v.r_address);
}

// KDC-REQ-BODY: see messages.hpp.
void read(Reader& r, KdcReqBody& v) {
  auto s = r.sequence();
  get_flags(s, 0, "kdc-options", v.kdc_options);
  opt(s, 1, "cname", v.cname);
  get(s, 2, "realm", v.realm);
  opt(s, 3, "sname", v.sname);
  opt(s, 4, "from", v.from);
  get(s, 5, "till", v.till);
  opt(s, 6, "rtime", v.rtime);
  get_u32_lenient(s, 7, "nonce", v.nonce);
  get(s, 8, "etype", v.etype);
  opt(s, 9, "addresses", v.addresses);
  opt(s, 10, "enc-authorization-data", v.enc_authorization_data);
  opt(s, 11, "additional-tickets", v.additional_tickets);
}
void write(Writer& w, const KdcReqBody& v) {
  w.sequence([&] {
    put_flags(w, 0, v.kdc_options);
    put_opt(w, 1, v.cname);
    put(w, 2, v.realm);
    put_opt(w, 3, v.sname);
    put_opt(w, 4, v.from);
    put(w, 5, v.till);
    put_opt(w, 6, v.rtime);
    put(w, 7, v.nonce);
    put(w, 8, v.etype);
    put_opt(w, 9, v.addresses);
    put_opt(w, 10, v.enc_authorization_data);
    put_opt(w, 11, v.additional_tickets);
  });
}

void write(Writer& w, const KdcReq& v) {
  w.application(static_cast<unsigned>(v.msg_type), [&] {
    w.sequence([&] {
      put(w, 1, v.pvno);
      put_msg_type(w, 2, v.msg_type);
      put_opt(w, 3, v.padata);
      put(w, 4, v.req_body);
    });
  });
}

void write(Writer& w, const KdcRep& v) {
  w.application(static_cast<unsigned>(v.msg_type), [&] {
    w.sequence([&] {
      put(w, 0, v.pvno);
      put_msg_type(w, 1, v.msg_type);
      put_opt(w, 2, v.padata);
      put(w, 3, v.crealm);
      put(w, 4, v.cname);
      put(w, 5, v.ticket);
      put(w, 6, v.enc_part);
    });
  });
}

// EncASRepPart ::= [APPLICATION 25] EncKDCRepPart; EncTGSRepPart ::= [APPLICATION 26] EncKDCRepPart
void read(Reader& r, EncKdcRepPart& v) {
  v.application_tag = r.next_is(der::tag::application(26)) ? 26 : 25;
  auto app = r.application(v.application_tag, "");
  auto s = app.sequence();
  get(s, 0, "key", v.key);
  get(s, 1, "last-req", v.last_req);
  get_u32_lenient(s, 2, "nonce", v.nonce);
  opt(s, 3, "key-expiration", v.key_expiration);
  get_flags(s, 4, "flags", v.flags);
  get(s, 5, "authtime", v.authtime);
  opt(s, 6, "starttime", v.starttime);
  get(s, 7, "endtime", v.endtime);
  opt(s, 8, "renew-till", v.renew_till);
  get(s, 9, "srealm", v.srealm);
  get(s, 10, "sname", v.sname);
  opt(s, 11, "caddr", v.caddr);
  opt(s, 12, "encrypted-pa-data", v.encrypted_pa_data);
}
void write(Writer& w, const EncKdcRepPart& v) {
  w.application(v.application_tag == 26 ? 26 : 25, [&] {
    w.sequence([&] {
      put(w, 0, v.key);
      put(w, 1, v.last_req);
      put(w, 2, v.nonce);
      put_opt(w, 3, v.key_expiration);
      put_flags(w, 4, v.flags);
      put(w, 5, v.authtime);
      put_opt(w, 6, v.starttime);
      put(w, 7, v.endtime);
      put_opt(w, 8, v.renew_till);
      put(w, 9, v.srealm);
      put(w, 10, v.sname);
      put_opt(w, 11, v.caddr);
      put_opt(w, 12, v.encrypted_pa_data);
    });
  });
}

// AP-REQ ::= [APPLICATION 14] SEQUENCE { pvno [0], msg-type [1], ap-options [2], ticket [3],
//                                        authenticator [4] }
void read(Reader& r, ApReq& v) {
  auto app = r.application(14, "");
  auto s = app.sequence();
  get_pvno(s, 0, "pvno", v.pvno);
  expect_msg_type(s, 1, MsgType::ap_req);
  get_flags(s, 2, "ap-options", v.ap_options);
  get(s, 3, "ticket", v.ticket);
  get(s, 4, "authenticator", v.authenticator);
}
void write(Writer& w, const ApReq& v) {
  w.application(14, [&] {
    w.sequence([&] {
      put(w, 0, v.pvno);
      put_msg_type(w, 1, MsgType::ap_req);
      put_flags(w, 2, v.ap_options);
      put(w, 3, v.ticket);
      put(w, 4, v.authenticator);
    });
  });
}

// Authenticator ::= [APPLICATION 2] SEQUENCE { authenticator-vno [0] ... authorization-data [8] }
void read(Reader& r, Authenticator& v) {
  auto app = r.application(2, "");
  auto s = app.sequence();
  get_pvno(s, 0, "authenticator-vno", v.authenticator_vno);
  get(s, 1, "crealm", v.crealm);
  get(s, 2, "cname", v.cname);
  opt(s, 3, "cksum", v.cksum);
  get_usec(s, 4, "cusec", v.cusec);
  get(s, 5, "ctime", v.ctime);
  opt(s, 6, "subkey", v.subkey);
  opt_u32_lenient(s, 7, "seq-number", v.seq_number);
  opt(s, 8, "authorization-data", v.authorization_data);
}
void write(Writer& w, const Authenticator& v) {
  w.application(2, [&] {
    w.sequence([&] {
      put(w, 0, v.authenticator_vno);
      put(w, 1, v.crealm);
      put(w, 2, v.cname);
      put_opt(w, 3, v.cksum);
      put(w, 4, v.cusec);
      put(w, 5, v.ctime);
      put_opt(w, 6, v.subkey);
      put_opt(w, 7, v.seq_number);
      put_opt(w, 8, v.authorization_data);
    });
  });
}

// AP-REP ::= [APPLICATION 15] SEQUENCE { pvno [0], msg-type [1], enc-part [2] }
void read(Reader& r, ApRep& v) {
  auto app = r.application(15, "");
  auto s = app.sequence();
  get_pvno(s, 0, "pvno", v.pvno);
  expect_msg_type(s, 1, MsgType::ap_rep);
  get(s, 2, "enc-part", v.enc_part);
}
void write(Writer& w, const ApRep& v) {
  w.application(15, [&] {
    w.sequence([&] {
      put(w, 0, v.pvno);
      put_msg_type(w, 1, MsgType::ap_rep);
      put(w, 2, v.enc_part);
    });
  });
}

// EncAPRepPart ::= [APPLICATION 27] SEQUENCE { ctime [0], cusec [1], subkey [2] OPTIONAL,
//                                              seq-number [3] OPTIONAL }
void read(Reader& r, EncApRepPart& v) {
  auto app = r.application(27, "");
  auto s = app.sequence();
  get(s, 0, "ctime", v.ctime);
  get_usec(s, 1, "cusec", v.cusec);
  opt(s, 2, "subkey", v.subkey);
  opt_u32_lenient(s, 3, "seq-number", v.seq_number);
}
void write(Writer& w, const EncApRepPart& v) {
  w.application(27, [&] {
    w.sequence([&] {
      put(w, 0, v.ctime);
      put(w, 1, v.cusec);
      put_opt(w, 2, v.subkey);
      put_opt(w, 3, v.seq_number);
    });
  });
}

// KRB-ERROR ::= [APPLICATION 30] SEQUENCE { pvno [0] ... e-data [12] }
void read(Reader& r, KrbError& v) {
  auto app = r.application(30, "");
  auto s = app.sequence();
  get_pvno(s, 0, "pvno", v.pvno);
  expect_msg_type(s, 1, MsgType::krb_error);
  opt(s, 2, "ctime", v.ctime);
  opt_usec(s, 3, "cusec", v.cusec);
  get(s, 4, "stime", v.stime);
  get_usec(s, 5, "susec", v.susec);
  get(s, 6, "error-code", v.error_code);
  opt(s, 7, "crealm", v.crealm);
  opt(s, 8, "cname", v.cname);
  get(s, 9, "realm", v.realm);
  get(s, 10, "sname", v.sname);
  opt(s, 11, "e-text", v.e_text);
  opt(s, 12, "e-data", v.e_data);
}
void write(Writer& w, const KrbError& v) {
  w.application(30, [&] {
    w.sequence([&] {
      put(w, 0, v.pvno);
      put_msg_type(w, 1, MsgType::krb_error);
      put_opt(w, 2, v.ctime);
      put_opt(w, 3, v.cusec);
      put(w, 4, v.stime);
      put(w, 5, v.susec);
      put(w, 6, v.error_code);
      put_opt(w, 7, v.crealm);
      put_opt(w, 8, v.cname);
      put(w, 9, v.realm);
      put(w, 10, v.sname);
      put_opt(w, 11, v.e_text);
      put_opt(w, 12, v.e_data);
    });
  });
}

// KRB-SAFE ::= [APPLICATION 20] SEQUENCE { pvno [0], msg-type [1], safe-body [2], cksum [3] }
void read(Reader& r, KrbSafe& v) {
  auto app = r.application(20, "");
  auto s = app.sequence();
  get_pvno(s, 0, "pvno", v.pvno);
  expect_msg_type(s, 1, MsgType::krb_safe);
  {
    auto body = s.field(2, "safe-body");
    auto bs = body.sequence();
    read_safe_fields(bs, v.safe_body);
  }
  get(s, 3, "cksum", v.cksum);
}
void write(Writer& w, const KrbSafe& v) {
  w.application(20, [&] {
    w.sequence([&] {
      put(w, 0, v.pvno);
      put_msg_type(w, 1, MsgType::krb_safe);
      w.field(2, [&] { w.sequence([&] { write_safe_fields(w, v.safe_body); }); });
      put(w, 3, v.cksum);
    });
  });
}

// KRB-PRIV ::= [APPLICATION 21] SEQUENCE { pvno [0], msg-type [1], enc-part [3] }
void read(Reader& r, KrbPriv& v) {
  auto app = r.application(21, "");
  auto s = app.sequence();
  get_pvno(s, 0, "pvno", v.pvno);
  expect_msg_type(s, 1, MsgType::krb_priv);
  get(s, 3, "enc-part", v.enc_part);
}
void write(Writer& w, const KrbPriv& v) {
  w.application(21, [&] {
    w.sequence([&] {
      put(w, 0, v.pvno);
      put_msg_type(w, 1, MsgType::krb_priv);
      put(w, 3, v.enc_part);
    });
  });
}

// EncKrbPrivPart ::= [APPLICATION 28] SEQUENCE { user-data [0] ... r-address [5] }
void read_enc_krb_priv_part(Reader& r, EncKrbPrivPart& v) {
  auto app = r.application(28, "");
  auto s = app.sequence();
  read_safe_fields(s, v);
}

// KRB-CRED ::= [APPLICATION 22] SEQUENCE { pvno [0], msg-type [1], tickets [2], enc-part [3] }
void read(Reader& r, KrbCred& v) {
  auto app = r.application(22, "");
  auto s = app.sequence();
  get_pvno(s, 0, "pvno", v.pvno);
  expect_msg_type(s, 1, MsgType::krb_cred);
  get(s, 2, "tickets", v.tickets);
  get(s, 3, "enc-part", v.enc_part);
}
void write(Writer& w, const KrbCred& v) {
  w.application(22, [&] {
    w.sequence([&] {
      put(w, 0, v.pvno);
      put_msg_type(w, 1, MsgType::krb_cred);
      put(w, 2, v.tickets);
      put(w, 3, v.enc_part);
    });
  });
}

// KrbCredInfo ::= SEQUENCE { key [0], prealm [1] OPTIONAL ... caddr [10] OPTIONAL }
void read(Reader& r, KrbCredInfo& v) {
  auto s = r.sequence();
  get(s, 0, "key", v.key);
  opt(s, 1, "prealm", v.prealm);
  opt(s, 2, "pname", v.pname);
  if (s.has_field(3)) get_flags(s, 3, "flags", v.flags.emplace());
  opt(s, 4, "authtime", v.authtime);
  opt(s, 5, "starttime", v.starttime);
  opt(s, 6, "endtime", v.endtime);
  opt(s, 7, "renew-till", v.renew_till);
  opt(s, 8, "srealm", v.srealm);
  opt(s, 9, "sname", v.sname);
  opt(s, 10, "caddr", v.caddr);
}
void write(Writer& w, const KrbCredInfo& v) {
  w.sequence([&] {
    put(w, 0, v.key);
    put_opt(w, 1, v.prealm);
    put_opt(w, 2, v.pname);
    if (v.flags) put_flags(w, 3, *v.flags);
    put_opt(w, 4, v.authtime);
    put_opt(w, 5, v.starttime);
    put_opt(w, 6, v.endtime);
    put_opt(w, 7, v.renew_till);
    put_opt(w, 8, v.srealm);
    put_opt(w, 9, v.sname);
    put_opt(w, 10, v.caddr);
  });
}

// EncKrbCredPart ::= [APPLICATION 29] SEQUENCE { ticket-info [0], nonce [1] OPTIONAL,
//     timestamp [2] OPTIONAL, usec [3] OPTIONAL, s-address [4] OPTIONAL, r-address [5] OPTIONAL }
void read(Reader& r, EncKrbCredPart& v) {
  auto app = r.application(29, "");
  auto s = app.sequence();
  get(s, 0, "ticket-info", v.ticket_info);
  opt_u32_lenient(s, 1, "nonce", v.nonce);
  opt(s, 2, "timestamp", v.timestamp);
  opt_usec(s, 3, "usec", v.usec);
  opt(s, 4, "s-address", v.s_address);
  opt(s, 5, "r-address", v.r_address);
}
void write(Writer& w, const EncKrbCredPart& v) {
  w.application(29, [&] {
    w.sequence([&] {
      put(w, 0, v.ticket_info);
      put_opt(w, 1, v.nonce);
      put_opt(w, 2, v.timestamp);
      put_opt(w, 3, v.usec);
      put_opt(w, 4, v.s_address);
      put_opt(w, 5, v.r_address);
    });
  });
}

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
  w.application(28, [&] { w.sequence([&] { codec::write_safe_fields(w, v); }); });
  return w.take();
}
Bytes encode(const KrbCred& v) { return encode_as(v); }
Bytes encode(const EncKrbCredPart& v) { return encode_as(v); }

Result<KdcReqBody> decode_kdc_req_body(BytesView d) { return decode_as<KdcReqBody>(d, "KDC-REQ-BODY"); }
Result<KdcReq> decode_as_req(BytesView d) {
  return codec::decode_typed<KdcReq>(d, MsgType::as_req, codec::read_kdc_req);
}
Result<KdcReq> decode_tgs_req(BytesView d) {
  return codec::decode_typed<KdcReq>(d, MsgType::tgs_req, codec::read_kdc_req);
}
Result<KdcReq> decode_kdc_req(BytesView d) {
  if (peek_msg_type(d) == MsgType::tgs_req) return decode_tgs_req(d);
  return decode_as_req(d);
}
Result<KdcRep> decode_as_rep(BytesView d) {
  return codec::decode_typed<KdcRep>(d, MsgType::as_rep, codec::read_kdc_rep);
}
Result<KdcRep> decode_tgs_rep(BytesView d) {
  return codec::decode_typed<KdcRep>(d, MsgType::tgs_rep, codec::read_kdc_rep);
}
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
  codec::read_enc_krb_priv_part(in, v);
  return in.finish(std::move(v));
}
Result<KrbCred> decode_krb_cred(BytesView d) { return decode_as<KrbCred>(d, "KRB-CRED"); }
Result<EncKrbCredPart> decode_enc_krb_cred_part(BytesView d) {
  return decode_as<EncKrbCredPart>(d, "EncKrbCredPart");
}

}  // namespace krbkit
