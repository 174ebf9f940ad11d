#include "krbkit/proto/principal.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "krbkit/proto/constants.hpp"
#include "krbkit/proto/messages.hpp"

using namespace krbkit;

TEST_CASE("parse: components, realm, default realm") {
  auto p = parse_principal("host/server.example.com@EXAMPLE.COM", "DEF");
  REQUIRE(p.ok());
  CHECK(p->components == std::vector<std::string>{"host", "server.example.com"});
  CHECK(p->realm == "EXAMPLE.COM");
  CHECK(p->type == NameType::principal);
  CHECK(parse_principal("alice", "DEF")->realm == "DEF");
  CHECK(parse_principal("alice@", "DEF")->realm.empty());  // MIT: an explicit empty realm
  CHECK(parse_principal("", "DEF")->components == std::vector<std::string>{""});
  auto none = parse_principal("alice");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().is(Errc::config));
  CHECK(none.error().detail == "no default realm for principal name \"alice\"");
}

TEST_CASE("parse: MIT escapes") {
  auto p = parse_principal(R"(a\/b\@c\\d\n\t\b\0\x@R)", "");
  REQUIRE(p.ok());
  CHECK(p->components.size() == 1);
  CHECK(p->components[0] == std::string("a/b@c\\d\n\t\b\0x", 12));
  CHECK(unparse_principal(*p) == R"(a\/b\@c\\d\n\t\b\0x@R)");
}

TEST_CASE("parse: malformed names") {
  for (const char* bad : {"a@B@C", "a@B/C", "trailing\\", "x@R\\"}) {
    CAPTURE(bad);
    auto r = parse_principal(bad, "DEF");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::invalid_argument));
    CHECK(r.error().detail.find(std::string("malformed principal name \"") + bad + "\"") == 0);
  }
}

TEST_CASE("parse flags") {
  CHECK_FALSE(parse_principal("a@R", "D", {.no_realm = true}).ok());
  auto nr = parse_principal("a", "D", {.no_realm = true});
  REQUIRE(nr.ok());
  CHECK(nr->realm.empty());
  CHECK_FALSE(parse_principal("a", "D", {.require_realm = true}).ok());
  CHECK(parse_principal("a@R", "D", {.ignore_realm = true})->realm.empty());

  auto e = parse_principal("user@upn.suffix@WIN.EXAMPLE", "D", {.enterprise = true});
  REQUIRE(e.ok());
  CHECK(e->type == NameType::enterprise);
  CHECK(e->components == std::vector<std::string>{"user@upn.suffix"});
  CHECK(e->realm == "WIN.EXAMPLE");
  CHECK(unparse_principal(*e) == R"(user\@upn.suffix@WIN.EXAMPLE)");
  auto e2 = parse_principal("user@upn.suffix", "D", {.enterprise = true});
  CHECK(e2->components == std::vector<std::string>{"user@upn.suffix"});
  CHECK(e2->realm == "D");
  // '/' is an ordinary character in an enterprise name.
  CHECK(parse_principal("a/b@c@R", "D", {.enterprise = true})->components ==
        std::vector<std::string>{"a/b@c"});
}

TEST_CASE("unparse flags as MIT's") {
  Principal p{NameType::principal, {"a@b", "c"}, "R"};
  CHECK(unparse_principal(p) == R"(a\@b/c@R)");
  CHECK(unparse_principal(p, {.no_realm = true}) == "a@b/c");
  CHECK(unparse_principal(p, {.short_form = true}, "R") == R"(a\@b/c)");
  CHECK(unparse_principal(p, {.short_form = true}, "OTHER") == R"(a\@b/c@R)");
  CHECK(unparse_principal(p, {.display = true}) == "a@b/c@R");
  Principal realm_escape{NameType::principal, {"x"}, "A/B"};
  CHECK(unparse_principal(realm_escape) == R"(x@A\/B)");
  Principal empty{NameType::principal, {}, "R"};
  CHECK(unparse_principal(empty) == "@R");
}

TEST_CASE("parse and unparse are inverses") {
  for (const char* text :
       {"alice@R", R"(we\/ird\@na\\me/x@R)", "krbtgt/A.COM@B.COM", R"(nul\0byte@R)", "@R"}) {
    CAPTURE(text);
    auto p = parse_principal(text, "D");
    REQUIRE(p.ok());
    CHECK(unparse_principal(*p) == text);
  }
}

TEST_CASE("host-based and krbtgt principals") {
  auto h = host_service_principal("HTTP", "WWW.Example.COM", "EXAMPLE.COM");
  CHECK(h.type == NameType::srv_hst);
  CHECK(unparse_principal(h) == "HTTP/www.example.com@EXAMPLE.COM");
  CHECK(unparse_principal(host_service_principal("", "h", "R")) == "host/h@R");
  auto t = krbtgt_principal("A.COM", "B.COM");
  CHECK(unparse_principal(t) == "krbtgt/A.COM@B.COM");
  CHECK(is_krbtgt(t));
  CHECK_FALSE(is_krbtgt(h));
}

TEST_CASE("ticket flags as MIT klist -f prints them") {
  using namespace ticket_flags;
  CHECK(ticket_flag_letters(forwardable | renewable | initial | pre_authent) == "FRIA");
  CHECK(ticket_flag_letters(forwardable | renewable | pre_authent | transited_policy_checked) == "FRAT");
  CHECK(ticket_flag_letters(0xffffffffu) == "FfPpDdiRIHATOa");
  CHECK(ticket_flag_letters(0) == "");
  CHECK(ticket_flag_names(forwardable | pre_authent | ok_as_delegate | flag_bit(20)) ==
        std::vector<std::string>{"forwardable", "pre-authent", "ok-as-delegate", "bit-20"});
  CHECK(forwardable == 0x40000000u);
  CHECK(anonymous == 0x00008000u);
  CHECK(kdc_option_names(kdc_options::renewable_ok | kdc_options::canonicalize) ==
        std::vector<std::string>{"canonicalize", "renewable-ok"});
}

TEST_CASE("names of enumerations") {
  CHECK(msg_type_name(MsgType::krb_error) == "KRB-ERROR");
  CHECK(msg_type_name(static_cast<MsgType>(99)).empty());
  CHECK(pa_type_display(PaType::etype_info2) == "PA-ETYPE-INFO2 (19)");
  CHECK(pa_type_display(static_cast<PaType>(1234)) == "(1234)");
  CHECK(pa_type_name(PaType::fx_fast) == "PA-FX-FAST");
  CHECK(address_type_name(address_type::ipv6) == "IPv6");
  CHECK(peek_msg_type(hex("7e00")) == MsgType::krb_error);
  CHECK_FALSE(peek_msg_type(hex("3000")).has_value());
}

TEST_CASE("KDC error codes carry MIT's messages") {
  struct Row {
    int code;
    const char* message;
  };
  for (const Row& row :
       {Row{6, "Client not found in Kerberos database"}, Row{24, "Preauthentication failed"},
        Row{25, "Additional pre-authentication required"}, Row{37, "Clock skew too great"},
        Row{18, "Client's credentials have been revoked"}, Row{85, "The IAKERB proxy could not find a KDC"},
        Row{100, "No acceptable KDF offered"}, Row{53, "KRB5 error code 53"}}) {
    CAPTURE(row.code);  // not a structured binding: clang 14 cannot capture those
    CHECK(kdc_error(row.code).message() == row.message);
  }
  CHECK(std::string(kdc_error_name(68)) == "KDC_ERR_WRONG_REALM");
}

TEST_CASE("message rejections name the field") {
  // KRB-ERROR whose e-data length runs past the end of the message.
  KrbError e;
  e.stime = std::chrono::sys_seconds{};
  e.realm = std::string("R");  // not = "R": a GCC 12 -Wrestrict false positive in the ASan build
  e.e_data = Bytes(4, 1);
  Bytes der = encode(e);
  der.resize(der.size() - 2);
  // Fix up the outer lengths so that only e-data is inconsistent.
  der[1] = static_cast<std::uint8_t>(der[1] - 2);
  der[3] = static_cast<std::uint8_t>(der[3] - 2);
  CHECK(decode_krb_error(der).error().detail == "KRB-ERROR.e-data: length runs past the end");

  // Wrong msg-type inside an AP-REP.
  Bytes aprep = encode(ApRep{kPvno, EncryptedData{Enctype::aes128_cts_hmac_sha1_96, std::nullopt, {}}});
  const Bytes msg_type = hex("a10302010f");
  auto pos = std::search(aprep.begin(), aprep.end(), msg_type.begin(), msg_type.end());
  REQUIRE(pos != aprep.end());
  pos[4] = 0x0e;
  CHECK(decode_ap_rep(aprep).error().detail == "AP-REP.msg-type: 14 does not match the message's tag (15)");

  // pvno 4.
  Bytes v4 = encode(ApRep{});
  v4[8] = 4;
  CHECK(decode_ap_rep(v4).error().detail == "AP-REP.pvno: protocol version 4 is not 5");

  // Microseconds out of range in an EncAPRepPart.
  EncApRepPart part;
  part.cusec = 1000000;
  CHECK(decode_enc_ap_rep_part(encode(part)).error().detail ==
        "EncAPRepPart.cusec: INTEGER 1000000 out of range 0..999999");

  // Not a KDC reply at all.
  CHECK(decode_kdc_reply(hex("3000")).error().detail ==
        "KDC reply: expected AS-REP, TGS-REP or KRB-ERROR, found SEQUENCE");
  CHECK(decode_enc_kdc_rep_part(hex("7b00")).error().detail ==
        "EncKDCRepPart: expected [APPLICATION 25], found [APPLICATION 27]");
  // A bad item in a SEQUENCE OF is numbered.
  KdcReqBody body;
  body.etype = {Enctype::aes256_cts_hmac_sha1_96, Enctype::aes128_cts_hmac_sha1_96};
  Bytes b = encode(body);
  const Bytes aes128 = hex("020111");
  auto it = std::search(b.begin(), b.end(), aes128.begin(), aes128.end());
  REQUIRE(it != b.end());
  it[0] = 0x04;
  CHECK(decode_kdc_req_body(b).error().detail ==
        "KDC-REQ-BODY.etype[1]: expected INTEGER, found OCTET STRING");
}
