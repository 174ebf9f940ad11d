// RFC 6113 FAST types and RFC 3244 ChangePasswdData. The ASN.1 is quoted in
// krbkit/proto/messages.hpp.

#include "proto/codec.hpp"

namespace krbkit {
namespace codec {

// KrbFastArmor ::= SEQUENCE { armor-type [0] Int32, armor-value [1] OCTET STRING }
void read(Reader& r, KrbFastArmor& v) {
  auto s = r.sequence();
  get(s, 0, "armor-type", v.armor_type);
  get(s, 1, "armor-value", v.armor_value);
}
void write(Writer& w, const KrbFastArmor& v) {
  w.sequence([&] {
    put(w, 0, v.armor_type);
    put(w, 1, v.armor_value);
  });
}

// PA-FX-FAST-REQUEST ::= CHOICE { armored-data [0] KrbFastArmoredReq }
// KrbFastArmoredReq ::= SEQUENCE { armor [0] OPTIONAL, req-checksum [1], enc-fast-req [2] }
void read(Reader& r, KrbFastArmoredReq& v) {
  auto choice = r.field(0, "armored-data");
  auto s = choice.sequence();
  opt(s, 0, "armor", v.armor);
  get(s, 1, "req-checksum", v.req_checksum);
  get(s, 2, "enc-fast-req", v.enc_fast_req);
}
void write(Writer& w, const KrbFastArmoredReq& v) {
  w.field(0, [&] {
    w.sequence([&] {
      put_opt(w, 0, v.armor);
      put(w, 1, v.req_checksum);
      put(w, 2, v.enc_fast_req);
    });
  });
}

// KrbFastReq ::= SEQUENCE { fast-options [0] FastOptions, padata [1] SEQUENCE OF PA-DATA,
//                           req-body [2] KDC-REQ-BODY }
void read(Reader& r, KrbFastReq& v) {
  auto s = r.sequence();
  get_flags(s, 0, "fast-options", v.fast_options);
  get(s, 1, "padata", v.padata);
  get(s, 2, "req-body", v.req_body);
}
void write(Writer& w, const KrbFastReq& v) {
  w.sequence([&] {
    put_flags(w, 0, v.fast_options);
    put(w, 1, v.padata);
    put(w, 2, v.req_body);
  });
}

// PA-FX-FAST-REPLY ::= CHOICE { armored-data [0] KrbFastArmoredRep }
// KrbFastArmoredRep ::= SEQUENCE { enc-fast-rep [0] EncryptedData }
void read(Reader& r, KrbFastArmoredRep& v) {
  auto choice = r.field(0, "armored-data");
  auto s = choice.sequence();
  get(s, 0, "enc-fast-rep", v.enc_fast_rep);
}
void write(Writer& w, const KrbFastArmoredRep& v) {
  w.field(0, [&] { w.sequence([&] { put(w, 0, v.enc_fast_rep); }); });
}

// KrbFastFinished ::= SEQUENCE { timestamp [0], usec [1], crealm [2], cname [3], ticket-checksum [4] }
void read(Reader& r, KrbFastFinished& v) {
  auto s = r.sequence();
  get(s, 0, "timestamp", v.timestamp);
  get_usec(s, 1, "usec", v.usec);
  get(s, 2, "crealm", v.crealm);
  get(s, 3, "cname", v.cname);
  get(s, 4, "ticket-checksum", v.ticket_checksum);
}
void write(Writer& w, const KrbFastFinished& v) {
  w.sequence([&] {
    put(w, 0, v.timestamp);
    put(w, 1, v.usec);
    put(w, 2, v.crealm);
    put(w, 3, v.cname);
    put(w, 4, v.ticket_checksum);
  });
}

// KrbFastResponse ::= SEQUENCE { padata [0], strengthen-key [1] OPTIONAL, finished [2] OPTIONAL,
//                                nonce [3] UInt32 }
void read(Reader& r, KrbFastResponse& v) {
  auto s = r.sequence();
  get(s, 0, "padata", v.padata);
  opt(s, 1, "strengthen-key", v.strengthen_key);
  opt(s, 2, "finished", v.finished);
  get_u32_lenient(s, 3, "nonce", v.nonce);
}
void write(Writer& w, const KrbFastResponse& v) {
  w.sequence([&] {
    put(w, 0, v.padata);
    put_opt(w, 1, v.strengthen_key);
    put_opt(w, 2, v.finished);
    put(w, 3, v.nonce);
  });
}

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
