// The RFC 4120 building blocks: names, keys, encrypted data, checksums,
// addresses, authorization data, PA-DATA, tickets and pre-auth values.
// The ASN.1 of each type is quoted in krbkit/proto/messages.hpp.

#include <fmt/format.h>

#include "proto/codec.hpp"

namespace krbkit {
namespace codec {

void get_pvno(Reader& seq, unsigned n, const char* name, std::int32_t& out) {
  auto f = seq.field(n, name);
  out = f.int32();
  if (f.ok() && out != kPvno) f.fail(fmt::format("protocol version {} is not 5", out));
}

void expect_msg_type(Reader& seq, unsigned n, MsgType expected) {
  auto f = seq.field(n, "msg-type");
  auto got = f.int32();
  if (f.ok() && got != static_cast<std::int32_t>(expected))
    f.fail(fmt::format("{} does not match the message's tag ({})", got, static_cast<int>(expected)));
}

// PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString }
void read(Reader& r, PrincipalName& v) {
  auto s = r.sequence();
  get(s, 0, "name-type", v.name_type);
  get(s, 1, "name-string", v.name_string);
}
void write(Writer& w, const PrincipalName& v) {
  w.sequence([&] {
    put(w, 0, v.name_type);
    put(w, 1, v.name_string);
  });
}

// EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING }
void read(Reader& r, EncryptedData& v) {
  auto s = r.sequence();
  get(s, 0, "etype", v.etype);
  opt_u32_lenient(s, 1, "kvno", v.kvno);  // MIT writes kvno as a signed 32-bit number
  get(s, 2, "cipher", v.cipher);
}
void write(Writer& w, const EncryptedData& v) {
  w.sequence([&] {
    put(w, 0, v.etype);
    put_opt(w, 1, v.kvno);
    put(w, 2, v.cipher);
  });
}

// Checksum ::= SEQUENCE { cksumtype [0] Int32, checksum [1] OCTET STRING }
void read(Reader& r, Checksum& v) {
  auto s = r.sequence();
  get(s, 0, "cksumtype", v.cksumtype);
  get(s, 1, "checksum", v.checksum);
}
void write(Writer& w, const Checksum& v) {
  w.sequence([&] {
    put(w, 0, v.cksumtype);
    put(w, 1, v.checksum);
  });
}

// EncryptionKey ::= SEQUENCE { keytype [0] Int32, keyvalue [1] OCTET STRING }
void read(Reader& r, Key& v) {
  auto s = r.sequence();
  get(s, 0, "keytype", v.enctype);
  Bytes value = s.field(1, "keyvalue").octet_string();
  v.bytes = SecretBytes(BytesView(value));
  if (!value.empty()) secure_wipe(value.data(), value.size());
}
void write(Writer& w, const Key& v) {
  w.sequence([&] {
    put(w, 0, v.enctype);
    w.field(1, [&] { w.octet_string(v.bytes.view()); });
  });
}

// HostAddress ::= SEQUENCE { addr-type [0] Int32, address [1] OCTET STRING }
void read(Reader& r, HostAddress& v) {
  auto s = r.sequence();
  get(s, 0, "addr-type", v.type);
  get(s, 1, "address", v.address);
}
void write(Writer& w, const HostAddress& v) {
  w.sequence([&] {
    put(w, 0, v.type);
    put(w, 1, v.address);
  });
}

// AuthorizationData ::= SEQUENCE OF SEQUENCE { ad-type [0] Int32, ad-data [1] OCTET STRING }
void read(Reader& r, AuthDataEntry& v) {
  auto s = r.sequence();
  get(s, 0, "ad-type", v.type);
  get(s, 1, "ad-data", v.data);
}
void write(Writer& w, const AuthDataEntry& v) {
  w.sequence([&] {
    put(w, 0, v.type);
    put(w, 1, v.data);
  });
}

// PA-DATA ::= SEQUENCE { padata-type [1] Int32, padata-value [2] OCTET STRING }
void read(Reader& r, PaData& v) {
  auto s = r.sequence();
  get(s, 1, "padata-type", v.padata_type);
  get(s, 2, "padata-value", v.padata_value);
}
void write(Writer& w, const PaData& v) {
  w.sequence([&] {
    put(w, 1, v.padata_type);
    put(w, 2, v.padata_value);
  });
}

// TYPED-DATA entry: SEQUENCE { data-type [0] Int32, data-value [1] OCTET STRING OPTIONAL }
void read(Reader& r, TypedDataEntry& v) {
  auto s = r.sequence();
  get(s, 0, "data-type", v.data_type);
  opt(s, 1, "data-value", v.data_value);
}
void write(Writer& w, const TypedDataEntry& v) {
  w.sequence([&] {
    put(w, 0, v.data_type);
    put_opt(w, 1, v.data_value);
  });
}

// LastReq entry: SEQUENCE { lr-type [0] Int32, lr-value [1] KerberosTime }
void read(Reader& r, LastReqEntry& v) {
  auto s = r.sequence();
  get(s, 0, "lr-type", v.lr_type);
  get(s, 1, "lr-value", v.lr_value);
}
void write(Writer& w, const LastReqEntry& v) {
  w.sequence([&] {
    put(w, 0, v.lr_type);
    put(w, 1, v.lr_value);
  });
}

// TransitedEncoding ::= SEQUENCE { tr-type [0] Int32, contents [1] OCTET STRING }
void read(Reader& r, TransitedEncoding& v) {
  auto s = r.sequence();
  get(s, 0, "tr-type", v.tr_type);
  get(s, 1, "contents", v.contents);
}
void write(Writer& w, const TransitedEncoding& v) {
  w.sequence([&] {
    put(w, 0, v.tr_type);
    put(w, 1, v.contents);
  });
}

// Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0], realm [1], sname [2], enc-part [3] }
void read(Reader& r, Ticket& v) {
  BytesView raw = r.peek_element();
  auto app = r.application(1, "");
  auto s = app.sequence();
  get_pvno(s, 0, "tkt-vno", v.tkt_vno);
  get(s, 1, "realm", v.realm);
  get(s, 2, "sname", v.sname);
  get(s, 3, "enc-part", v.enc_part);
  v.der.assign(raw.begin(), raw.end());
}
void write(Writer& w, const Ticket& v) {
  if (!v.der.empty()) return w.raw(v.der);
  w.application(1, [&] {
    w.sequence([&] {
      put(w, 0, v.tkt_vno);
      put(w, 1, v.realm);
      put(w, 2, v.sname);
      put(w, 3, v.enc_part);
    });
  });
}

// EncTicketPart ::= [APPLICATION 3] SEQUENCE { flags [0] ... authorization-data [10] }
void read(Reader& r, EncTicketPart& v) {
  auto app = r.application(3, "");
  auto s = app.sequence();
  get_flags(s, 0, "flags", v.flags);
  get(s, 1, "key", v.key);
  get(s, 2, "crealm", v.crealm);
  get(s, 3, "cname", v.cname);
  get(s, 4, "transited", v.transited);
  get(s, 5, "authtime", v.authtime);
  opt(s, 6, "starttime", v.starttime);
  get(s, 7, "endtime", v.endtime);
  opt(s, 8, "renew-till", v.renew_till);
  opt(s, 9, "caddr", v.caddr);
  opt(s, 10, "authorization-data", v.authorization_data);
}
void write(Writer& w, const EncTicketPart& v) {
  w.application(3, [&] {
    w.sequence([&] {
      put_flags(w, 0, v.flags);
      put(w, 1, v.key);
      put(w, 2, v.crealm);
      put(w, 3, v.cname);
      put(w, 4, v.transited);
      put(w, 5, v.authtime);
      put_opt(w, 6, v.starttime);
      put(w, 7, v.endtime);
      put_opt(w, 8, v.renew_till);
      put_opt(w, 9, v.caddr);
      put_opt(w, 10, v.authorization_data);
    });
  });
}

// PA-ENC-TS-ENC ::= SEQUENCE { patimestamp [0] KerberosTime, pausec [1] Microseconds OPTIONAL }
void read(Reader& r, PaEncTsEnc& v) {
  auto s = r.sequence();
  get(s, 0, "patimestamp", v.patimestamp);
  opt_usec(s, 1, "pausec", v.pausec);
}
void write(Writer& w, const PaEncTsEnc& v) {
  w.sequence([&] {
    put(w, 0, v.patimestamp);
    put_opt(w, 1, v.pausec);
  });
}

// ETYPE-INFO-ENTRY ::= SEQUENCE { etype [0] Int32, salt [1] OCTET STRING OPTIONAL }
void read(Reader& r, EtypeInfoEntry& v) {
  auto s = r.sequence();
  get(s, 0, "etype", v.etype);
  opt(s, 1, "salt", v.salt);
}
void write(Writer& w, const EtypeInfoEntry& v) {
  w.sequence([&] {
    put(w, 0, v.etype);
    put_opt(w, 1, v.salt);
  });
}

// ETYPE-INFO2-ENTRY ::= SEQUENCE { etype [0] Int32, salt [1] KerberosString OPTIONAL,
//                                  s2kparams [2] OCTET STRING OPTIONAL }
void read(Reader& r, EtypeInfo2Entry& v) {
  auto s = r.sequence();
  get(s, 0, "etype", v.etype);
  opt(s, 1, "salt", v.salt);
  opt(s, 2, "s2kparams", v.s2kparams);
}
void write(Writer& w, const EtypeInfo2Entry& v) {
  w.sequence([&] {
    put(w, 0, v.etype);
    put_opt(w, 1, v.salt);
    put_opt(w, 2, v.s2kparams);
  });
}

// KERB-PA-PAC-REQUEST ::= SEQUENCE { include-pac [0] BOOLEAN }
void read(Reader& r, PaPacRequest& v) {
  auto s = r.sequence();
  get(s, 0, "include-pac", v.include_pac);
}
void write(Writer& w, const PaPacRequest& v) {
  w.sequence([&] { put(w, 0, v.include_pac); });
}

}  // namespace codec

using codec::decode_as;
using codec::encode_as;

const PaData* find_padata(const std::vector<PaData>& list, PaType type) {
  for (const auto& p : list)
    if (p.padata_type == type) return &p;
  return nullptr;
}

Bytes encode(const PrincipalName& v) { return encode_as(v); }
Bytes encode(const EncryptedData& v) { return encode_as(v); }
Bytes encode(const Checksum& v) { return encode_as(v); }
Bytes encode(const Key& v) { return encode_as(v); }
Bytes encode(const HostAddress& v) { return encode_as(v); }
Bytes encode_host_addresses(const std::vector<HostAddress>& v) { return encode_as(v); }
Bytes encode_authorization_data(const AuthorizationData& v) { return encode_as(v); }
Bytes encode(const PaData& v) { return encode_as(v); }
Bytes encode_method_data(const std::vector<PaData>& v) { return encode_as(v); }
Bytes encode_typed_data(const std::vector<TypedDataEntry>& v) { return encode_as(v); }
Bytes encode_last_req(const std::vector<LastReqEntry>& v) { return encode_as(v); }
Bytes encode(const TransitedEncoding& v) { return encode_as(v); }
Bytes encode(const Ticket& v) { return encode_as(v); }
Bytes encode(const EncTicketPart& v) { return encode_as(v); }
Bytes encode(const PaEncTsEnc& v) { return encode_as(v); }
Bytes encode_etype_info(const std::vector<EtypeInfoEntry>& v) { return encode_as(v); }
Bytes encode_etype_info2(const std::vector<EtypeInfo2Entry>& v) { return encode_as(v); }
Bytes encode(const PaPacRequest& v) { return encode_as(v); }

Result<PrincipalName> decode_principal_name(BytesView d) {
  return decode_as<PrincipalName>(d, "PrincipalName");
}
Result<EncryptedData> decode_encrypted_data(BytesView d) {
  return decode_as<EncryptedData>(d, "EncryptedData");
}
Result<Checksum> decode_checksum(BytesView d) { return decode_as<Checksum>(d, "Checksum"); }
Result<Key> decode_encryption_key(BytesView d) { return decode_as<Key>(d, "EncryptionKey"); }
Result<std::vector<HostAddress>> decode_host_addresses(BytesView d) {
  return decode_as<std::vector<HostAddress>>(d, "HostAddresses");
}
Result<AuthorizationData> decode_authorization_data(BytesView d, std::string what) {
  return decode_as<AuthorizationData>(d, std::move(what));
}
Result<PaData> decode_pa_data(BytesView d) { return decode_as<PaData>(d, "PA-DATA"); }
Result<std::vector<PaData>> decode_method_data(BytesView d, std::string what) {
  return decode_as<std::vector<PaData>>(d, std::move(what));
}
Result<std::vector<TypedDataEntry>> decode_typed_data(BytesView d, std::string what) {
  return decode_as<std::vector<TypedDataEntry>>(d, std::move(what));
}
Result<std::vector<LastReqEntry>> decode_last_req(BytesView d) {
  return decode_as<std::vector<LastReqEntry>>(d, "LastReq");
}
Result<TransitedEncoding> decode_transited_encoding(BytesView d) {
  return decode_as<TransitedEncoding>(d, "TransitedEncoding");
}
Result<Ticket> decode_ticket(BytesView d) { return decode_as<Ticket>(d, "Ticket"); }
Result<EncTicketPart> decode_enc_ticket_part(BytesView d) {
  return decode_as<EncTicketPart>(d, "EncTicketPart");
}
Result<PaEncTsEnc> decode_pa_enc_ts_enc(BytesView d) { return decode_as<PaEncTsEnc>(d, "PA-ENC-TS-ENC"); }
Result<std::vector<EtypeInfoEntry>> decode_etype_info(BytesView d) {
  return decode_as<std::vector<EtypeInfoEntry>>(d, "ETYPE-INFO");
}
Result<std::vector<EtypeInfo2Entry>> decode_etype_info2(BytesView d) {
  return decode_as<std::vector<EtypeInfo2Entry>>(d, "ETYPE-INFO2");
}
Result<PaPacRequest> decode_pa_pac_request(BytesView d) {
  return decode_as<PaPacRequest>(d, "PA-PAC-REQUEST");
}

}  // namespace krbkit
