// Decoding messages captured from a real MIT krb5 1.20 KDC (see
// tests/data/messages/README.md), and re-encoding them byte for byte.

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "krbkit/proto/messages.hpp"
#include "krbkit/proto/principal.hpp"

using namespace krbkit;

namespace {

Bytes load(const char* name) {
  std::ifstream f(std::string(KRBKIT_TEST_DATA_DIR) + "/messages/" + name, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "missing test data ", name);
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

const PrincipalName kAlice{NameType::principal, {"alice"}};
const PrincipalName kKrbtgt{NameType::srv_inst, {"krbtgt", "DER.TEST"}};

}  // namespace

TEST_CASE("captured KRB-ERROR: preauth required, with METHOD-DATA and ETYPE-INFO2") {
  const Bytes der = load("krb-error-preauth-required.bin");
  auto reply = decode_kdc_reply(der);
  REQUIRE(reply.ok());
  REQUIRE(std::holds_alternative<KrbError>(*reply));
  const auto& err = std::get<KrbError>(*reply);
  CHECK(err.error_code == 25);
  CHECK(err.to_error().message() == "Additional pre-authentication required");
  CHECK(err.realm == "DER.TEST");
  CHECK(err.sname == kKrbtgt);
  REQUIRE(err.e_data.has_value());

  auto methods = decode_method_data(*err.e_data, "KRB-ERROR.e-data");
  REQUIRE(methods.ok());
  const PaData* info2 = find_padata(*methods, PaType::etype_info2);
  REQUIRE(info2 != nullptr);
  CHECK(find_padata(*methods, PaType::enc_timestamp) != nullptr);
  auto entries = decode_etype_info2(info2->padata_value);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 1);
  CHECK((*entries)[0].etype == Enctype::aes256_cts_hmac_sha1_96);
  CHECK((*entries)[0].salt == "DER.TESTalice");
  CHECK_FALSE((*entries)[0].s2kparams.has_value());
  CHECK(err.e_text == "NEEDED_PREAUTH");

  CHECK(encode(err) == der);
  CHECK(encode_method_data(*methods) == *err.e_data);
}

TEST_CASE("captured KRB-ERRORs: unknown client and unknown server") {
  auto c = decode_krb_error(load("krb-error-client-unknown.bin"));
  REQUIRE(c.ok());
  CHECK(c->error_code == 6);
  CHECK(c->to_error().message() == "Client not found in Kerberos database");
  auto s = decode_krb_error(load("krb-error-server-unknown.bin"));
  REQUIRE(s.ok());
  CHECK(s->error_code == 7);
  CHECK(s->to_error().is(KdcErr::s_principal_unknown));
}

TEST_CASE("captured AS-REQs") {
  const Bytes first = load("as-req-no-preauth.bin");
  auto req = decode_as_req(first);
  REQUIRE(req.ok());
  CHECK(req->msg_type == MsgType::as_req);
  CHECK(req->req_body.cname == kAlice);
  CHECK(req->req_body.realm == "DER.TEST");
  CHECK(req->req_body.sname == kKrbtgt);
  CHECK((req->req_body.kdc_options & kdc_options::forwardable) != 0);
  CHECK((req->req_body.kdc_options & kdc_options::renewable) != 0);
  CHECK_FALSE(req->req_body.etype.empty());
  CHECK(encode(*req) == first);
  // The same bytes are not a TGS-REQ.
  CHECK(decode_tgs_req(first).error().detail == "TGS-REQ: expected [APPLICATION 12], found [APPLICATION 10]");

  const Bytes second = load("as-req-enc-timestamp.bin");
  auto req2 = decode_kdc_req(second);
  REQUIRE(req2.ok());
  const PaData* ts = find_padata(req2->padata, PaType::enc_timestamp);
  REQUIRE(ts != nullptr);
  auto enc = decode_encrypted_data(ts->padata_value);
  REQUIRE(enc.ok());
  CHECK(enc->etype == Enctype::aes256_cts_hmac_sha1_96);
  CHECK(encode(*req2) == second);
}

TEST_CASE("captured AS-REP") {
  const Bytes der = load("as-rep.bin");
  auto reply = decode_kdc_reply(der);
  REQUIRE(reply.ok());
  REQUIRE(std::holds_alternative<KdcRep>(*reply));
  const auto& rep = std::get<KdcRep>(*reply);
  CHECK(rep.msg_type == MsgType::as_rep);
  CHECK(unparse_principal(rep.client()) == "alice@DER.TEST");
  CHECK(rep.ticket.realm == "DER.TEST");
  CHECK(rep.ticket.sname == kKrbtgt);
  CHECK(rep.ticket.enc_part.etype == Enctype::aes256_cts_hmac_sha1_96);
  CHECK(rep.enc_part.etype == Enctype::aes256_cts_hmac_sha1_96);
  // The ticket keeps its DER, which is a substring of the reply.
  REQUIRE_FALSE(rep.ticket.der.empty());
  CHECK(std::search(der.begin(), der.end(), rep.ticket.der.begin(), rep.ticket.der.end()) != der.end());
  auto ticket = decode_ticket(rep.ticket.der);
  REQUIRE(ticket.ok());
  CHECK(*ticket == rep.ticket);
  CHECK(encode(rep) == der);
  CHECK(decode_as_rep(der).ok());
  CHECK(decode_tgs_rep(der).error().detail == "TGS-REP: expected [APPLICATION 13], found [APPLICATION 11]");
}

TEST_CASE("captured TGS-REQ carries an AP-REQ; TGS-REP") {
  const Bytes req_der = load("tgs-req.bin");
  auto req = decode_tgs_req(req_der);
  REQUIRE(req.ok());
  CHECK(req->req_body.sname == (PrincipalName{NameType::principal, {"host", "server.der.test"}}));
  const PaData* tgs = find_padata(req->padata, PaType::tgs_req);
  REQUIRE(tgs != nullptr);
  auto ap = decode_ap_req(tgs->padata_value);
  REQUIRE(ap.ok());
  CHECK(ap->ticket.sname == kKrbtgt);
  CHECK(ap->authenticator.etype == Enctype::aes256_cts_hmac_sha1_96);
  CHECK(encode(*ap) == tgs->padata_value);
  CHECK(encode(*req) == req_der);

  const Bytes rep_der = load("tgs-rep.bin");
  auto rep = decode_tgs_rep(rep_der);
  REQUIRE(rep.ok());
  CHECK(rep->ticket.sname == (PrincipalName{NameType::principal, {"host", "server.der.test"}}));
  CHECK(encode(*rep) == rep_der);
}

TEST_CASE("every captured message survives truncation and corruption without crashing") {
  for (const char* name : {"as-rep.bin", "tgs-rep.bin", "krb-error-preauth-required.bin", "tgs-req.bin"}) {
    CAPTURE(name);
    const Bytes der = load(name);
    for (std::size_t cut = 0; cut < der.size(); ++cut) {
      Bytes part(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(cut));
      CHECK_FALSE(decode_kdc_reply(part).ok());
    }
    Bytes extra = der;
    extra.push_back(0);
    auto res = decode_kdc_req(extra);
    if (name == std::string("tgs-req.bin")) {
      REQUIRE_FALSE(res.ok());
      CHECK(res.error().detail == "TGS-REQ: 1 unexpected byte(s) after the last element");
    }
  }
}
