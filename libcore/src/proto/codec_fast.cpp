// RFC 6113 FAST types and RFC 3244 ChangePasswdData. The ASN.1 is quoted in
// krbkit/proto/messages.hpp.

#include "proto/codec.hpp"

namespace krbkit {
namespace codec {

// KrbFastArmor ::= SEQUENCE { armor-type [0] Int32, armor-value [1] OCTET STRING }
void fields(auto& io, KrbFastArmor& v) {
  io.req(0, "armor-type", v.armor_type);
  io.req(1, "armor-value", v.armor_value);
}
void read(Reader& r, KrbFastArmor& v) { read_fields(r, v); }
void write(Writer& w, const KrbFastArmor& v) { write_fields(w, v); }

// PA-FX-FAST-REQUEST ::= CHOICE { armored-data [0] KrbFastArmoredReq }
// KrbFastArmoredReq ::= SEQUENCE { armor [0] OPTIONAL, req-checksum [1], enc-fast-req [2] }
void fields(auto& io, KrbFastArmoredReq& v) {
  io.opt(0, "armor", v.armor);
  io.req(1, "req-checksum", v.req_checksum);
  io.req(2, "enc-fast-req", v.enc_fast_req);
}
void read(Reader& r, KrbFastArmoredReq& v) {
  auto choice = r.field(0, "armored-data");
  read_fields(choice, v);
}
void write(Writer& w, const KrbFastArmoredReq& v) {
  w.field(0, [&] { write_fields(w, v); });
}

// KrbFastReq ::= SEQUENCE { fast-options [0] FastOptions, padata [1] SEQUENCE OF PA-DATA,
//                           req-body [2] KDC-REQ-BODY }
void fields(auto& io, KrbFastReq& v) {
  io.flags(0, "fast-options", v.fast_options);
  io.req(1, "padata", v.padata);
  io.req(2, "req-body", v.req_body);
}
void read(Reader& r, KrbFastReq& v) { read_fields(r, v); }
void write(Writer& w, const KrbFastReq& v) { write_fields(w, v); }

// PA-FX-FAST-REPLY ::= CHOICE { armored-data [0] KrbFastArmoredRep }
// KrbFastArmoredRep ::= SEQUENCE { enc-fast-rep [0] EncryptedData }
void fields(auto& io, KrbFastArmoredRep& v) { io.req(0, "enc-fast-rep", v.enc_fast_rep); }
void read(Reader& r, KrbFastArmoredRep& v) {
  auto choice = r.field(0, "armored-data");
  read_fields(choice, v);
}
void write(Writer& w, const KrbFastArmoredRep& v) {
  w.field(0, [&] { write_fields(w, v); });
}

// KrbFastFinished ::= SEQUENCE { timestamp [0], usec [1], crealm [2], cname [3], ticket-checksum [4] }
void fields(auto& io, KrbFastFinished& v) {
  io.req(0, "timestamp", v.timestamp);
  io.usec(1, "usec", v.usec);
  io.req(2, "crealm", v.crealm);
  io.req(3, "cname", v.cname);
  io.req(4, "ticket-checksum", v.ticket_checksum);
}
void read(Reader& r, KrbFastFinished& v) { read_fields(r, v); }
void write(Writer& w, const KrbFastFinished& v) { write_fields(w, v); }

// KrbFastResponse ::= SEQUENCE { padata [0], strengthen-key [1] OPTIONAL, finished [2] OPTIONAL,
//                                nonce [3] UInt32 }
void fields(auto& io, KrbFastResponse& v) {
  io.req(0, "padata", v.padata);
  io.opt(1, "strengthen-key", v.strengthen_key);
  io.opt(2, "finished", v.finished);
  io.u32(3, "nonce", v.nonce);
}
void read(Reader& r, KrbFastResponse& v) { read_fields(r, v); }
void write(Writer& w, const KrbFastResponse& v) { write_fields(w, v); }

// ChangePasswdData ::= SEQUENCE { newpasswd [0] OCTET STRING, targname [1] PrincipalName OPTIONAL,
//                                 targrealm [2] Realm OPTIONAL }
void read(Reader& r, ChangePasswdData& v) {
  auto s = r.sequence();
  Bytes pw = s.field(0, "newpasswd").octet_string();
  v.newpasswd = SecretBytes(BytesView(pw));
  if (!pw.empty()) secure_wipe(pw.data(), pw.size());
  opt(s, 1, "targname", v.targname);
  opt(s, 2, "targrealm", v.targrealm);
}
void write(Writer& w, const ChangePasswdData& v) {
  w.sequence([&] {
    w.field(0, [&] { w.octet_string(v.newpasswd.view()); });
    put_opt(w, 1, v.targname);
    put_opt(w, 2, v.targrealm);
  });
}

}  // namespace codec

using codec::decode_as;
using codec::encode_as;

Bytes encode(const KrbFastArmor& v) { return encode_as(v); }
Bytes encode_pa_fx_fast_request(const KrbFastArmoredReq& v) { return encode_as(v); }
Bytes encode(const KrbFastReq& v) { return encode_as(v); }
Bytes encode_pa_fx_fast_reply(const KrbFastArmoredRep& v) { return encode_as(v); }
Bytes encode(const KrbFastResponse& v) { return encode_as(v); }
Bytes encode(const KrbFastFinished& v) { return encode_as(v); }
Bytes encode(const ChangePasswdData& v) { return encode_as(v); }

Result<KrbFastArmor> decode_krb_fast_armor(BytesView d) { return decode_as<KrbFastArmor>(d, "KrbFastArmor"); }
Result<KrbFastArmoredReq> decode_pa_fx_fast_request(BytesView d) {
  return decode_as<KrbFastArmoredReq>(d, "PA-FX-FAST-REQUEST");
}
Result<KrbFastReq> decode_krb_fast_req(BytesView d) { return decode_as<KrbFastReq>(d, "KrbFastReq"); }
Result<KrbFastArmoredRep> decode_pa_fx_fast_reply(BytesView d) {
  return decode_as<KrbFastArmoredRep>(d, "PA-FX-FAST-REPLY");
}
Result<KrbFastResponse> decode_krb_fast_response(BytesView d) {
  return decode_as<KrbFastResponse>(d, "KrbFastResponse");
}
Result<KrbFastFinished> decode_krb_fast_finished(BytesView d) {
  return decode_as<KrbFastFinished>(d, "KrbFastFinished");
}
Result<ChangePasswdData> decode_change_passwd_data(BytesView d) {
  return decode_as<ChangePasswdData>(d, "ChangePasswdData");
}

}  // namespace krbkit
