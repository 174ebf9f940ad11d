// The RFC 4120 building blocks: names, keys, encrypted data, checksums,
// addresses, authorization data, PA-DATA, tickets and pre-auth values.
// The ASN.1 of each type is quoted in krbkit/proto/messages.hpp.

#include <fmt/format.h>

#include "proto/codec.hpp"

namespace krbkit {
namespace codec {

void FieldReader::pvno(unsigned n, const char* name, std::int32_t& out) {
  auto f = seq.field(n, name);
  out = f.int32();
  if (f.ok() && out != kPvno) f.fail(fmt::format("protocol version {} is not 5", out));
}

void FieldReader::msg_type(unsigned n, MsgType expected) {
  auto f = seq.field(n, "msg-type");
  auto got = f.int32();
  if (f.ok() && got != static_cast<std::int32_t>(expected))
    f.fail(fmt::format("{} does not match the message's tag ({})", got, static_cast<int>(expected)));
}

// PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString }
void fields(auto& io, PrincipalName& v) {
  io.req(0, "name-type", v.name_type);
  io.req(1, "name-string", v.name_string);
}
void read(Reader& r, PrincipalName& v) { read_fields(r, v); }
void write(Writer& w, const PrincipalName& v) { write_fields(w, v); }

// EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING }
void fields(auto& io, EncryptedData& v) {
  io.req(0, "etype", v.etype);
  io.opt_u32(1, "kvno", v.kvno);  // MIT writes kvno as a signed 32-bit number
  io.req(2, "cipher", v.cipher);
}
void read(Reader& r, EncryptedData& v) { read_fields(r, v); }
void write(Writer& w, const EncryptedData& v) { write_fields(w, v); }

// Checksum ::= SEQUENCE { cksumtype [0] Int32, checksum [1] OCTET STRING }
void fields(auto& io, Checksum& v) {
  io.req(0, "cksumtype", v.cksumtype);
  io.req(1, "checksum", v.checksum);
}
void read(Reader& r, Checksum& v) { read_fields(r, v); }
void write(Writer& w, const Checksum& v) { write_fields(w, v); }

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
void fields(auto& io, HostAddress& v) {
  io.req(0, "addr-type", v.type);
  io.req(1, "address", v.address);
}
void read(Reader& r, HostAddress& v) { read_fields(r, v); }
void write(Writer& w, const HostAddress& v) { write_fields(w, v); }

// AuthorizationData ::= SEQUENCE OF SEQUENCE { ad-type [0] Int32, ad-data [1] OCTET STRING }
void fields(auto& io, AuthDataEntry& v) {
  io.req(0, "ad-type", v.type);
  io.req(1, "ad-data", v.data);
}
void read(Reader& r, AuthDataEntry& v) { read_fields(r, v); }
void write(Writer& w, const AuthDataEntry& v) { write_fields(w, v); }

// PA-DATA ::= SEQUENCE { padata-type [1] Int32, padata-value [2] OCTET STRING }
void fields(auto& io, PaData& v) {
  io.req(1, "padata-type", v.padata_type);
  io.req(2, "padata-value", v.padata_value);
}
void read(Reader& r, PaData& v) { read_fields(r, v); }
void write(Writer& w, const PaData& v) { write_fields(w, v); }

// TYPED-DATA entry: SEQUENCE { data-type [0] Int32, data-value [1] OCTET STRING OPTIONAL }
void fields(auto& io, TypedDataEntry& v) {
  io.req(0, "data-type", v.data_type);
  io.opt(1, "data-value", v.data_value);
}
void read(Reader& r, TypedDataEntry& v) { read_fields(r, v); }
void write(Writer& w, const TypedDataEntry& v) { write_fields(w, v); }

// LastReq entry: SEQUENCE { lr-type [0] Int32, lr-value [1] KerberosTime }
void fields(auto& io, LastReqEntry& v) {
  io.req(0, "lr-type", v.lr_type);
  io.req(1, "lr-value", v.lr_value);
}
void read(Reader& r, LastReqEntry& v) { read_fields(r, v); }
void write(Writer& w, const LastReqEntry& v) { write_fields(w, v); }

// TransitedEncoding ::= SEQUENCE { tr-type [0] Int32, contents [1] OCTET STRING }
void fields(auto& io, TransitedEncoding& v) {
  io.req(0, "tr-type", v.tr_type);
  io.req(1, "contents", v.contents);
}
void read(Reader& r, TransitedEncoding& v) { read_fields(r, v); }
void write(Writer& w, const TransitedEncoding& v) { write_fields(w, v); }

// Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0], realm [1], sname [2], enc-part [3] }
void fields(auto& io, Ticket& v) {
  io.pvno(0, "tkt-vno", v.tkt_vno);
  io.req(1, "realm", v.realm);
  io.req(2, "sname", v.sname);
  io.req(3, "enc-part", v.enc_part);
}
void read(Reader& r, Ticket& v) {
  BytesView raw = r.peek_element();
  read_fields(r, 1, v);
  v.der.assign(raw.begin(), raw.end());
}
void write(Writer& w, const Ticket& v) {
  if (!v.der.empty()) return w.raw(v.der);
  write_fields(w, 1, v);
}

// EncTicketPart ::= [APPLICATION 3] SEQUENCE { flags [0] ... authorization-data [10] }
void fields(auto& io, EncTicketPart& v) {
  io.flags(0, "flags", v.flags);
  io.req(1, "key", v.key);
  io.req(2, "crealm", v.crealm);
  io.req(3, "cname", v.cname);
  io.req(4, "transited", v.transited);
  io.req(5, "authtime", v.authtime);
  io.opt(6, "starttime", v.starttime);
  io.req(7, "endtime", v.endtime);
  io.opt(8, "renew-till", v.renew_till);
  io.opt(9, "caddr", v.caddr);
  io.opt(10, "authorization-data", v.authorization_data);
}
void read(Reader& r, EncTicketPart& v) { read_fields(r, 3, v); }
void write(Writer& w, const EncTicketPart& v) { write_fields(w, 3, v); }

// PA-ENC-TS-ENC ::= SEQUENCE { patimestamp [0] KerberosTime, pausec [1] Microseconds OPTIONAL }
void fields(auto& io, PaEncTsEnc& v) {
  io.req(0, "patimestamp", v.patimestamp);
  io.opt_usec(1, "pausec", v.pausec);
}
void read(Reader& r, PaEncTsEnc& v) { read_fields(r, v); }
void write(Writer& w, const PaEncTsEnc& v) { write_fields(w, v); }

// ETYPE-INFO-ENTRY ::= SEQUENCE { etype [0] Int32, salt [1] OCTET STRING OPTIONAL }
void fields(auto& io, EtypeInfoEntry& v) {
  io.req(0, "etype", v.etype);
  io.opt(1, "salt", v.salt);
}
void read(Reader& r, EtypeInfoEntry& v) { read_fields(r, v); }
void write(Writer& w, const EtypeInfoEntry& v) { write_fields(w, v); }

// ETYPE-INFO2-ENTRY ::= SEQUENCE { etype [0] Int32, salt [1] KerberosString OPTIONAL,
//                                  s2kparams [2] OCTET STRING OPTIONAL }
void fields(auto& io, EtypeInfo2Entry& v) {
  io.req(0, "etype", v.etype);
  io.opt(1, "salt", v.salt);
  io.opt(2, "s2kparams", v.s2kparams);
}
void read(Reader& r, EtypeInfo2Entry& v) { read_fields(r, v); }
void write(Writer& w, const EtypeInfo2Entry& v) { write_fields(w, v); }

// KERB-PA-PAC-REQUEST ::= SEQUENCE { include-pac [0] BOOLEAN }
void fields(auto& io, PaPacRequest& v) { io.req(0, "include-pac", v.include_pac); }
void read(Reader& r, PaPacRequest& v) { read_fields(r, v); }
void write(Writer& w, const PaPacRequest& v) { write_fields(w, v); }

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
