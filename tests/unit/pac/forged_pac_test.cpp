// Forged PACs inside tickets validly encrypted with the service key: a
// forger who changes the PAC and signs it again with a checksum anyone can
// compute (crc32, rsa-md5, sha1), with a checksum of another enctype, or with
// a type nobody knows must fail, as MIT fails them (KRB_AP_ERR_INAPP_CKSUM).
// The ticket signature (MS-PAC 2.8.3) and krbtgt keys of every family.
#include <doctest/doctest.h>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/pac/ticket.hpp"
#include "pac_fixture.hpp"

using namespace krbkit;
using namespace krbkit::test_pac;

namespace {

const Principal kKrbtgt{NameType::principal, {"krbtgt", "AD.KRBKIT.TEST"}, "AD.KRBKIT.TEST"};

Result<pac::DecodedTicket> open(const Signed& s, bool with_krbtgt) {
  auto o = options(s.service, 3);
  if (with_krbtgt) {
    o.krbtgt_keytab_name = "krbtgt.keytab";
    o.krbtgt_keys.push_back({kKrbtgt, 1, s.krbtgt.clone()});
  }
  return pac::open_ticket(make_ticket(make_part(s.pac), s.service, 3), o);
}

bool has_problem(const pac::DecodedTicket& t, const std::string& what) {
  for (const auto& p : t.problems())
    if (p.find(what) != std::string::npos) return true;
  return false;
}

// A ticket whose PAC carries a ticket signature made over this very
// EncTicketPart (with the PAC as one zero byte), as MIT 1.20 and AD sign it.
struct SignedTicket {
  Signed s;
  EncTicketPart part;
};
SignedTicket with_ticket_signature(Signed keys, Cksumtype kdc_type) {
  EncTicketPart part = make_part(Bytes{0});
  SignSpec spec{.kdc_type = kdc_type, .ticket_signed_data = encode(part)};
  Signed s = make_signed(spec, std::move(keys));
  part.authorization_data = make_part(s.pac).authorization_data;
  return {std::move(s), std::move(part)};
}

}  // namespace

TEST_CASE("a PAC re-signed with an unkeyed checksum fails the server signature") {
  for (Cksumtype type : {Cksumtype::crc32, Cksumtype::rsa_md4, Cksumtype::rsa_md5, Cksumtype::sha1}) {
    CAPTURE(cksumtype_name(type));
    for (bool with_krbtgt : {false, true}) {
      auto t = open(make_signed(SignSpec{.server_type = type}), with_krbtgt);
      REQUIRE_MESSAGE(t, t.error().message());
      CHECK(t->checks.server.state == pac::Check::State::failed);
      CHECK(t->checks.server.detail == cksumtype_name(type) +
                                           " is not a keyed checksum: anyone can make it over changed data "
                                           "(KRB_AP_ERR_INAPP_CKSUM)");
      CHECK_FALSE(t->verified());
      CHECK(has_problem(*t, "PAC server signature FAILED"));
    }
  }
  // The library call refuses it too.
  Signed s = make_signed(SignSpec{.server_type = Cksumtype::crc32});
  auto p = pac::decode(s.pac);
  REQUIRE(p);
  auto r = pac::verify_server_signature(*p, s.service);
  REQUIRE_FALSE(r);
  CHECK(r.error().is(KdcErr::ap_err_inapp_cksum));
}

TEST_CASE("a PAC signed with another enctype's checksum or an unknown type fails") {
  // hmac-md5-rc4 made with the aes256 service key's bytes.
  auto t = open(make_signed(SignSpec{.server_type = Cksumtype::hmac_md5_rc4}), false);
  REQUIRE(t);
  CHECK(t->checks.server.state == pac::Check::State::failed);
  CHECK(t->checks.server.detail ==
        "hmac-md5-rc4 is not the checksum of the service's aes256-cts-hmac-sha1-96 key, hmac-sha1-96-aes256 "
        "(KRB_AP_ERR_INAPP_CKSUM)");
  CHECK_FALSE(t->verified());

  const auto unknown = static_cast<Cksumtype>(0x7777);
  t = open(make_signed(SignSpec{.server_type = unknown}), false);
  REQUIRE(t);
  CHECK(t->checks.server.state == pac::Check::State::failed);
  CHECK_FALSE(t->verified());

  // The KDC signature: unkeyed, unknown, or another family's, with and
  // without krbtgt's keys.
  for (Cksumtype type : {Cksumtype::crc32, Cksumtype::rsa_md5, Cksumtype::sha1, unknown}) {
    CAPTURE(to_int(type));
    for (bool with_krbtgt : {false, true}) {
      t = open(make_signed(SignSpec{.kdc_type = type}), with_krbtgt);
      REQUIRE(t);
      CHECK(t->checks.server.state == pac::Check::State::verified);
      CHECK(t->checks.kdc.state == pac::Check::State::failed);
      CHECK(has_problem(*t, "PAC KDC signature FAILED"));
    }
  }
  // krbtgt's key is aes256; an hmac-md5-rc4 checksum made with its bytes is no proof.
  Signed aes_krbtgt;
  aes_krbtgt.krbtgt = random_key(Enctype::aes256_cts_hmac_sha1_96);
  t = open(make_signed(SignSpec{.kdc_type = Cksumtype::hmac_md5_rc4}, std::move(aes_krbtgt)), true);
  REQUIRE(t);
  CHECK(t->checks.kdc.state != pac::Check::State::verified);
  CHECK_FALSE(t->verified());
}

TEST_CASE("with krbtgt's keys given, a signature they cannot check is a problem, not a pass") {
  Signed s = make_signed(true);
  auto o = options(s.service, 3);
  o.krbtgt_keytab_name = "aes-only.keytab";
  o.krbtgt_keys.push_back({kKrbtgt, 1, random_key(Enctype::aes256_cts_hmac_sha1_96)});
  auto t = pac::open_ticket(make_ticket(make_part(s.pac), s.service, 3), o);
  REQUIRE(t);
  CHECK(t->checks.kdc.state == pac::Check::State::not_checked);
  CHECK_FALSE(t->verified());
  CHECK(has_problem(*t, "PAC KDC signature NOT CHECKED: aes-only.keytab has no arcfour-hmac key"));
  CHECK(has_problem(*t, "PAC full signature NOT CHECKED"));
  // Without krbtgt's keys nobody asked: the service's own checks decide.
  CHECK(open(s, false)->verified());
}

TEST_CASE("the ticket signature verifies with krbtgt's key and catches a changed EncTicketPart") {
  SignedTicket st = with_ticket_signature(Signed{}, Cksumtype::hmac_md5_rc4);
  auto o = options(st.s.service, 3);
  auto t = pac::open_ticket(make_ticket(st.part, st.s.service, 3), o);
  REQUIRE(t);
  CHECK(t->checks.ticket.state == pac::Check::State::not_checked);
  CHECK(t->checks.ticket.detail == "needs the KDC's key");
  CHECK(t->verified());
  o.krbtgt_keytab_name = "krbtgt.keytab";
  o.krbtgt_keys.push_back({kKrbtgt, 1, st.s.krbtgt.clone()});
  t = pac::open_ticket(make_ticket(st.part, st.s.service, 3), o);
  REQUIRE(t);
  CHECK(t->checks.ticket.state == pac::Check::State::verified);
  CHECK(t->checks.kdc.state == pac::Check::State::verified);
  CHECK(t->verified());
  CHECK(pac::ticket_text(*t).find(
            "    Ticket signature:        hmac-md5-rc4: verified (with krbtgt's key)\n") !=
        std::string::npos);

  // A bronze-bit style forgery: a service that holds its own key marks its
  // ticket ok-as-delegate. Server and KDC signatures still verify; the ticket
  // signature does not.
  st.part.flags |= ticket_flags::ok_as_delegate;
  t = pac::open_ticket(make_ticket(st.part, st.s.service, 3), o);
  REQUIRE(t);
  CHECK(t->checks.server.state == pac::Check::State::verified);
  CHECK(t->checks.kdc.state == pac::Check::State::verified);
  CHECK(t->checks.ticket.state == pac::Check::State::failed);
  CHECK(has_problem(*t, "PAC ticket signature FAILED"));
}

TEST_CASE("krbtgt keys of every family check the KDC and ticket signatures") {
  for (Enctype e : {Enctype::aes256_cts_hmac_sha384_192, Enctype::aes128_cts_hmac_sha256_128,
                    Enctype::camellia256_cts_cmac, Enctype::camellia128_cts_cmac,
                    Enctype::aes128_cts_hmac_sha1_96, Enctype::aes256_cts_hmac_sha1_96, Enctype::rc4_hmac}) {
    CAPTURE(enctype_name(e));
    Signed keys;
    keys.krbtgt = random_key(e);
    SignedTicket st = with_ticket_signature(std::move(keys), mandatory_checksum(e));
    auto o = options(st.s.service, 3);
    o.krbtgt_keytab_name = "krbtgt.keytab";
    o.krbtgt_keys.push_back({kKrbtgt, 1, random_key(Enctype::rc4_hmac)});
    o.krbtgt_keys.push_back({kKrbtgt, 2, st.s.krbtgt.clone()});
    auto t = pac::open_ticket(make_ticket(st.part, st.s.service, 3), o);
    REQUIRE(t);
    CHECK(t->checks.kdc.state == pac::Check::State::verified);
    CHECK(t->checks.ticket.state == pac::Check::State::verified);
    CHECK(t->verified());
  }
}
