// Every message type: encode, decode, compare; golden bytes for the small ones
// (from MIT's src/tests/asn.1/reference_encode.out where it has them).

#include <doctest/doctest.h>

#include <chrono>
#include <typeinfo>

#include "krbkit/proto/messages.hpp"

using namespace krbkit;
using namespace std::chrono;

namespace {

const KerberosTime kTime = sys_days{1994y / June / 10} + 6h + 3min + 17s;  // MIT's test time
const PrincipalName kName{NameType::principal, {"hftsai", "extra"}};
const EncryptedData kEnc{Enctype::des_cbc_crc, 5, to_bytes("krbASN.1 test message")};
const Checksum kCksum{Cksumtype::crc32, to_bytes("1234")};
const HostAddress kAddr{address_type::ipv4, {0x12, 0xd0, 0x00, 0x23}};
Key key() { return Key{Enctype::des_cbc_crc, SecretBytes(std::string_view("12345678"))}; }
Ticket ticket() { return Ticket{kPvno, "ATHENA.MIT.EDU", kName, kEnc, {}}; }

// decode(encode(v)) == v, and re-encoding gives the same bytes.
template <class T, class Decode, class Encode>
void round_trip(const T& v, Decode decode, Encode enc) {
  Bytes der = enc(v);
  auto back = decode(der);
  REQUIRE_MESSAGE(back.ok(), back.error().message());
  CHECK_MESSAGE(*back == v, typeid(T).name(), " ", to_hex(der));
  CHECK(enc(*back) == der);
}
#define ROUND_TRIP(v, decode) round_trip(v, decode, [](const auto& x) { return encode(x); })

}  // namespace

TEST_CASE("golden encodings match MIT's reference_encode.out") {
  // encode_krb5_authenticator(optionals empty)
  Authenticator auth;
  auth.crealm = "ATHENA.MIT.EDU";
  auth.cname = kName;
  auth.cusec = 123456;
  auth.ctime = kTime;
  const Bytes golden = hex(
      "624f304da003020105a1101b0e415448454e412e4d49542e454455a21a3018a003020101a111300f1b066866747361691b05"
      "6578747261a405020301e240a511180f31393934303631303036303331375a");
  CHECK(encode(auth) == golden);
  CHECK(*decode_authenticator(golden) == auth);
  // encode_krb5_enc_data(kvno=-1) and (MSB-set kvno): MIT writes kvno as a
  // signed 32-bit number; such bytes decode to the same 32-bit value.
  auto neg = decode_encrypted_data(
      hex("3023a003020100a1030201ffa21704156b726241534e2e312074657374206d657373616765"));
  REQUIRE(neg.ok());
  CHECK(neg->kvno == 0xffffffffu);
  CHECK(neg->cipher == to_bytes("krbASN.1 test message"));
  auto msb = decode_encrypted_data(
      hex("3026a003020100a1060204ff000000a21704156b726241534e2e312074657374206d657373616765"));
  REQUIRE(msb.ok());
  CHECK(msb->kvno == 0xff000000u);
}

TEST_CASE("round trips: building blocks") {
  ROUND_TRIP(kName, decode_principal_name);
  ROUND_TRIP(kEnc, decode_encrypted_data);
  ROUND_TRIP((EncryptedData{Enctype::aes256_cts_hmac_sha1_96, std::nullopt, Bytes(300, 7)}),
             decode_encrypted_data);
  ROUND_TRIP(kCksum, decode_checksum);
  ROUND_TRIP(key(), decode_encryption_key);
  CHECK(to_hex(encode(kAddr)) == "300da003020102a106040412d00023");
  round_trip(std::vector<HostAddress>{kAddr, {address_type::ipv6, Bytes(16, 1)}}, decode_host_addresses,
             encode_host_addresses);
  AuthorizationData ad{{ad_type::if_relevant, to_bytes("inner")}, {ad_type::win2k_pac, Bytes(40, 2)}};
  round_trip(
      ad, [](BytesView d) { return decode_authorization_data(d); }, encode_authorization_data);
  ROUND_TRIP((PaData{PaType::pac_request, encode(PaPacRequest{false})}), decode_pa_data);
  round_trip(
      std::vector<PaData>{{PaType::fx_cookie, to_bytes("cookie")}, {PaType::enc_timestamp, {}}},
      [](BytesView d) { return decode_method_data(d); }, encode_method_data);
  round_trip(
      std::vector<TypedDataEntry>{{1, to_bytes("x")}, {2, std::nullopt}},
      [](BytesView d) { return decode_typed_data(d); }, encode_typed_data);
  round_trip(std::vector<LastReqEntry>{{0, kTime}, {-1, kTime + 1s}}, decode_last_req, encode_last_req);
  ROUND_TRIP((TransitedEncoding{1, to_bytes("EDU,MIT.,ATHENA.,WASHINGTON.EDU,CS.")}),
             decode_transited_encoding);
  ROUND_TRIP(ticket(), decode_ticket);
}

TEST_CASE("a decoded Ticket keeps its bytes and is re-encoded verbatim") {
  Bytes der = encode(ticket());
  auto t = decode_ticket(der);
  REQUIRE(t.ok());
  CHECK(t->der == der);
  // Fields changed without clearing `der` do not change the encoding...
  Ticket changed = *t;
  changed.realm = "OTHER";
  CHECK(encode(changed) == der);
  // ...and clearing it re-encodes from the fields.
  changed.der.clear();
  CHECK(decode_ticket(encode(changed))->realm == "OTHER");
}

TEST_CASE("round trips: tickets and KDC exchanges") {
  EncTicketPart etp;
  etp.flags = ticket_flags::forwardable | ticket_flags::renewable | ticket_flags::initial;
  etp.key = key();
  etp.crealm = "ATHENA.MIT.EDU";
  etp.cname = kName;
  etp.transited = {1, to_bytes("EDU")};
  etp.authtime = kTime;
  etp.starttime = kTime;
  etp.endtime = kTime + 10h;
  etp.renew_till = kTime + 48h;
  etp.caddr = {kAddr};
  etp.authorization_data = {{ad_type::if_relevant, to_bytes("x")}};
  ROUND_TRIP(etp, decode_enc_ticket_part);

  KdcReq req;
  req.msg_type = MsgType::tgs_req;
  req.padata = {{PaType::tgs_req, Bytes(10, 3)}};
  req.req_body.kdc_options = kdc_options::forwardable | kdc_options::canonicalize;
  req.req_body.cname = kName;
  req.req_body.realm = "ATHENA.MIT.EDU";
  req.req_body.sname = PrincipalName{NameType::srv_inst, {"krbtgt", "ATHENA.MIT.EDU"}};
  req.req_body.from = kTime;
  req.req_body.till = kTime + 1h;
  req.req_body.rtime = kTime + 2h;
  req.req_body.nonce = 0x7fffffff;
  req.req_body.etype = {Enctype::aes256_cts_hmac_sha1_96, Enctype::aes128_cts_hmac_sha256_128};
  req.req_body.addresses = {kAddr};
  req.req_body.enc_authorization_data = kEnc;
  Bytes tdr = encode(ticket());
  req.req_body.additional_tickets = {*decode_ticket(tdr)};
  ROUND_TRIP(req, decode_tgs_req);
  ROUND_TRIP(req.req_body, decode_kdc_req_body);
  req.msg_type = MsgType::as_req;
  ROUND_TRIP(req, decode_as_req);

  KdcRep rep;
  rep.msg_type = MsgType::tgs_rep;
  rep.padata = {{PaType::etype_info2, to_bytes("x")}};
  rep.crealm = "ATHENA.MIT.EDU";
  rep.cname = kName;
  rep.ticket = *decode_ticket(tdr);
  rep.enc_part = kEnc;
  ROUND_TRIP(rep, decode_tgs_rep);

  for (unsigned app : {25u, 26u}) {
    CAPTURE(app);
    EncKdcRepPart part;
    part.application_tag = app;
    part.key = key();
    part.last_req = {{0, kTime}};
    part.nonce = 4000000000u;
    part.key_expiration = kTime + 24h;
    part.flags = ticket_flags::initial | ticket_flags::pre_authent;
    part.authtime = kTime;
    part.starttime = kTime;
    part.endtime = kTime + 1h;
    part.renew_till = kTime + 2h;
    part.srealm = "ATHENA.MIT.EDU";
    part.sname = kName;
    part.caddr = {kAddr};
    part.encrypted_pa_data = {{PaType::req_enc_pa_rep, to_bytes("ck")}};
    ROUND_TRIP(part, decode_enc_kdc_rep_part);
    CHECK(encode(part)[0] == (app == 25 ? 0x79 : 0x7a));
  }
}

TEST_CASE("round trips: AP, errors, SAFE/PRIV/CRED") {
  ApReq ap;
  ap.ap_options = ap_options::mutual_required;
  ap.ticket = ticket();
  ap.authenticator = kEnc;
  ROUND_TRIP(ap, decode_ap_req);

  Authenticator auth;
  auth.crealm = "ATHENA.MIT.EDU";
  auth.cname = kName;
  auth.cksum = kCksum;
  auth.cusec = 123456;
  auth.ctime = kTime;
  auth.subkey = key();
  auth.seq_number = 17;
  auth.authorization_data = {{1, to_bytes("ad")}};
  ROUND_TRIP(auth, decode_authenticator);

  ROUND_TRIP((ApRep{kPvno, kEnc}), decode_ap_rep);
  EncApRepPart aprep{kTime, 999999, key(), 0xffffffffu};
  ROUND_TRIP(aprep, decode_enc_ap_rep_part);

  KrbError err;
  err.ctime = kTime;
  err.cusec = 1;
  err.stime = kTime;
  err.susec = 2;
  err.error_code = 37;
  err.crealm = "A";
  err.cname = kName;
  err.realm = "B";
  err.sname = PrincipalName{NameType::srv_inst, {"krbtgt", "B"}};
  err.e_text = "skew";
  err.e_data = to_bytes("data");
  ROUND_TRIP(err, decode_krb_error);
  CHECK(err.to_error().message() == "Clock skew too great");
  err.error_code = 60;
  CHECK(err.to_error().message() == "Generic error (see e-text) (skew)");
  KrbError minimal;
  minimal.stime = kTime;
  minimal.realm = "R";
  ROUND_TRIP(minimal, decode_krb_error);

  KrbSafe safe;
  safe.safe_body = {to_bytes("hello"), kTime, 10, 5, kAddr, kAddr};
  safe.cksum = kCksum;
  ROUND_TRIP(safe, decode_krb_safe);
  ROUND_TRIP((KrbPriv{kPvno, kEnc}), decode_krb_priv);
  EncKrbPrivPart priv{to_bytes("secret"), std::nullopt, std::nullopt, 1, kAddr, std::nullopt};
  round_trip(priv, decode_enc_krb_priv_part, encode_enc_krb_priv_part);

  KrbCred cred;
  cred.tickets = {ticket(), ticket()};
  cred.enc_part = kEnc;
  ROUND_TRIP(cred, decode_krb_cred);
  EncKrbCredPart ecp;
  KrbCredInfo info;
  info.key = key();
  info.prealm = "ATHENA.MIT.EDU";
  info.pname = kName;
  info.flags = ticket_flags::forwarded;
  info.authtime = kTime;
  info.endtime = kTime + 1h;
  info.srealm = "ATHENA.MIT.EDU";
  info.sname = kName;
  info.caddr = {kAddr};
  ecp.ticket_info.push_back(std::move(info));
  ecp.ticket_info.emplace_back().key = key();
  ecp.nonce = 42;
  ecp.timestamp = kTime;
  ecp.usec = 5;
  ecp.s_address = kAddr;
  ROUND_TRIP(ecp, decode_enc_krb_cred_part);
}

TEST_CASE("round trips: pre-authentication, FAST, kpasswd") {
  ROUND_TRIP((PaEncTsEnc{kTime, 123}), decode_pa_enc_ts_enc);
  ROUND_TRIP((PaEncTsEnc{kTime, std::nullopt}), decode_pa_enc_ts_enc);
  round_trip(std::vector<EtypeInfoEntry>{{Enctype::des_cbc_crc, to_bytes("salt")}, {Enctype::rc4_hmac, {}}},
             decode_etype_info, encode_etype_info);
  round_trip(
      std::vector<EtypeInfo2Entry>{{Enctype::aes256_cts_hmac_sha1_96, "EXAMPLE.COMuser", hex("00001000")},
                                   {Enctype::rc4_hmac, std::nullopt, std::nullopt}},
      decode_etype_info2, encode_etype_info2);
  ROUND_TRIP(PaPacRequest{true}, decode_pa_pac_request);
  CHECK(to_hex(encode(PaPacRequest{false})) ==
        "3005a0030101"
        "00");

  KrbFastArmor armor{1, to_bytes("ap-req")};
  ROUND_TRIP(armor, decode_krb_fast_armor);
  KrbFastArmoredReq areq{armor, kCksum, kEnc};
  round_trip(areq, decode_pa_fx_fast_request, encode_pa_fx_fast_request);
  KrbFastReq freq;
  freq.fast_options = fast_options::hide_client_names;
  freq.req_body.realm = "R";
  freq.req_body.till = kTime;
  freq.req_body.etype = {Enctype::aes256_cts_hmac_sha1_96};
  ROUND_TRIP(freq, decode_krb_fast_req);
  round_trip(KrbFastArmoredRep{kEnc}, decode_pa_fx_fast_reply, encode_pa_fx_fast_reply);
  KrbFastFinished fin{kTime, 7, "R", kName, kCksum};
  ROUND_TRIP(fin, decode_krb_fast_finished);
  KrbFastResponse fresp;
  fresp.padata = {{PaType::fx_cookie, to_bytes("c")}};
  fresp.strengthen_key = key();
  fresp.finished = fin;
  fresp.nonce = 99;
  ROUND_TRIP(fresp, decode_krb_fast_response);
  KrbFastResponse empty;
  ROUND_TRIP(empty, decode_krb_fast_response);

  ChangePasswdData cp;
  cp.newpasswd = SecretBytes(std::string_view("n3w pass"));
  cp.targname = kName;
  cp.targrealm = "ATHENA.MIT.EDU";
  ROUND_TRIP(cp, decode_change_passwd_data);
}
