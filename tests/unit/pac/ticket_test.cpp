// pac::open_ticket and its rendering on tickets built and encrypted here as
// a KDC would: with a signed PAC, without one, with a changed PAC, and with
// keytabs that do not fit.
#include "krbkit/pac/ticket.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/proto/constants.hpp"
#include "pac_fixture.hpp"

using namespace krbkit;
using namespace krbkit::test_pac;

TEST_CASE("a ticket with a signed PAC opens, every check passes, text and JSON show it") {
  Signed s = make_signed();
  EncTicketPart part = make_part(s.pac);
  Bytes ticket = make_ticket(part, s.service, 3);
  auto o = options(s.service, 3);
  o.expected_client = Principal{NameType::principal, {"alice"}, "AD.KRBKIT.TEST"};
  o.expected_session_key = part.key.clone();
  auto t = pac::open_ticket(ticket, o);
  REQUIRE_MESSAGE(t, t.error().message());
  CHECK(t->kvno == 3);
  REQUIRE(t->pac);
  CHECK(t->checks.server.state == pac::Check::State::verified);
  CHECK(t->checks.client.state == pac::Check::State::verified);
  CHECK(t->checks.kdc.state == pac::Check::State::not_checked);
  CHECK(t->checks.kdc.detail == "needs the KDC's key");
  CHECK(t->verified());

  std::string text = pac::ticket_text(*t);
  CHECK(text.find("Ticket for HTTP/web.ad.krbkit.test@AD.KRBKIT.TEST\n"
                  "  Encrypted with:            aes256-cts-hmac-sha1-96, kvno 3\n"
                  "  Decrypted with:            FILE:/tmp/web.keytab (kvno 3)\n"
                  "  Client:                    alice@AD.KRBKIT.TEST\n"
                  "  Flags:                     forwardable, pre-authent (FA)\n") == 0);
  CHECK(text.find("  Auth time:                 2025-11-22T03:23:52Z\n") != std::string::npos);
  CHECK(text.find("  Authorization data:        AD-IF-RELEVANT (") != std::string::npos);
  CHECK(
      text.find("      User SID:              S-1-5-21-539438071-1224501385-2992420459-1102 (RID 1102)\n") !=
      std::string::npos);
  CHECK(text.find("      Extra SIDs:            S-1-18-1 (Authentication authority asserted identity) [0x7: "
                  "mandatory, enabled by default, enabled]\n") != std::string::npos);
  CHECK(text.find("      Check:                 verified (matches the ticket's client and authtime)\n") !=
        std::string::npos);
  CHECK(text.find("    Server signature:        hmac-sha1-96-aes256: verified (with the service key)\n"
                  "    KDC signature:           hmac-md5-rc4: not checked (needs the KDC's key)\n") !=
        std::string::npos);

  json::Writer w(0);
  pac::ticket_json(w, *t);
  std::string js = w.finish();
  CHECK(
      js.find(
          R"({"server":"HTTP/web.ad.krbkit.test@AD.KRBKIT.TEST","kvno":3,"enctype":"aes256-cts-hmac-sha1-96",)"
          R"("keytab":"FILE:/tmp/web.keytab","key_kvno":3,"client":"alice@AD.KRBKIT.TEST",)"
          R"("flags":["forwardable","pre-authent"],"flag_letters":"FA",)") == 0);
  CHECK(
      js.find(
          R"("groups":[{"rid":513,"sid":"S-1-5-21-539438071-1224501385-2992420459-513","name":"Domain Users",)"
          R"("attributes":7,"attribute_names":["mandatory","enabled by default","enabled"]})") !=
      std::string::npos);
  CHECK(js.find(R"("client_info":{"name":"alice","client_id":"2025-11-22T03:23:52Z","state":"verified",)") !=
        std::string::npos);
  CHECK(
      js.find(R"("kdc_signature":{"checksum_type":-138,"checksum_name":"hmac-md5-rc4","state":"not_checked",)"
              R"("detail":"needs the KDC's key"})") != std::string::npos);
  CHECK(js.find(R"("verified":true,"problems":[]})") != std::string::npos);
}

TEST_CASE("the KDC signature is checked with krbtgt's keys when given") {
  Signed s = make_signed();
  Bytes ticket = make_ticket(make_part(s.pac), s.service, 3);
  auto o = options(s.service, 3);
  o.krbtgt_keytab_name = "krbtgt.keytab";
  o.krbtgt_keys.push_back({Principal{NameType::principal, {"krbtgt"}, "AD.KRBKIT.TEST"}, 1,
                           random_key(Enctype::aes256_cts_hmac_sha1_96)});
  auto t = pac::open_ticket(ticket, o);
  REQUIRE(t);
  CHECK(t->checks.kdc.state == pac::Check::State::not_checked);
  CHECK(t->checks.kdc.detail == "krbtgt.keytab has no arcfour-hmac key");
  o.krbtgt_keys.push_back(
      {Principal{NameType::principal, {"krbtgt"}, "AD.KRBKIT.TEST"}, 1, random_key(Enctype::rc4_hmac)});
  t = pac::open_ticket(ticket, o);
  REQUIRE(t);
  CHECK(t->checks.kdc.state == pac::Check::State::failed);
  CHECK(t->checks.kdc.detail == "does not verify with the 1 arcfour-hmac key in krbtgt.keytab");
  CHECK_FALSE(t->verified());
  o.krbtgt_keys.push_back(
      {Principal{NameType::principal, {"krbtgt"}, "AD.KRBKIT.TEST"}, 2, s.krbtgt.clone()});
  t = pac::open_ticket(ticket, o);
  REQUIRE(t);
  CHECK(t->checks.kdc.state == pac::Check::State::verified);
  CHECK(t->verified());
}

TEST_CASE("the full signature (CVE-2022-37967) is checked with krbtgt's keys, and catches a changed byte") {
  Signed s = make_signed(true);
  auto o = options(s.service, 3);
  auto t = pac::open_ticket(make_ticket(make_part(s.pac), s.service, 3), o);
  REQUIRE(t);
  CHECK(t->checks.full.state == pac::Check::State::not_checked);
  CHECK(pac::ticket_text(*t).find(
            "    Full signature:          hmac-md5-rc4: not checked (needs the KDC's key)\n") !=
        std::string::npos);
  o.krbtgt_keytab_name = "krbtgt.keytab";
  o.krbtgt_keys.push_back(
      {Principal{NameType::principal, {"krbtgt"}, "AD.KRBKIT.TEST"}, 1, s.krbtgt.clone()});
  t = pac::open_ticket(make_ticket(make_part(s.pac), s.service, 3), o);
  REQUIRE(t);
  CHECK(t->checks.server.state == pac::Check::State::verified);
  CHECK(t->checks.kdc.state == pac::Check::State::verified);
  CHECK(t->checks.full.state == pac::Check::State::verified);
  CHECK(t->verified());
  // A PAC re-signed with the service key only (a forger who has it, not
  // krbtgt's): the server signature verifies, the full signature does not.
  Bytes forged = s.pac;
  const Bytes name = utf16("alice");
  auto at = std::search(forged.begin(), forged.end(), name.begin(), name.end());
  REQUIRE(at != forged.end());
  *at ^= 0x02;  // the account "alice" becomes "clice"
  auto p = pac::decode(forged);
  REQUIRE(p);
  Bytes zeroed = forged;
  for (const auto* sig : {&p->server_signature, &p->kdc_signature})
    std::fill_n(zeroed.begin() + static_cast<std::ptrdiff_t>((*sig)->signature_offset),
                (*sig)->signature.size(), 0);
  auto server_sig = make_checksum(Cksumtype::hmac_sha1_96_aes256, &s.service, KeyUsage::app_data_cksum, zeroed);
  REQUIRE(server_sig);
  std::copy(server_sig->begin(), server_sig->end(),
            forged.begin() + static_cast<std::ptrdiff_t>(p->server_signature->signature_offset));
  t = pac::open_ticket(make_ticket(make_part(forged), s.service, 3), o);
  REQUIRE(t);
  CHECK(t->checks.server.state == pac::Check::State::verified);
  CHECK(t->checks.full.state == pac::Check::State::failed);
  CHECK_FALSE(t->verified());
}

TEST_CASE("a PAC changed by one byte inside a validly encrypted ticket fails the server signature") {
  Signed s = make_signed();
  Bytes changed = s.pac;
  // The first byte of LOGON_INFO's user RID area: somewhere in the middle of the PAC.
  changed[changed.size() / 2] ^= 0x01;
  Bytes ticket = make_ticket(make_part(changed), s.service, 3);
  auto t = pac::open_ticket(ticket, options(s.service, 3));
  REQUIRE(t);
  CHECK(t->checks.server.state == pac::Check::State::failed);
  CHECK_FALSE(t->verified());
  REQUIRE(t->problems().size() == 1);
  CHECK(t->problems()[0] ==
        "ticket for HTTP/web.ad.krbkit.test@AD.KRBKIT.TEST: PAC server signature FAILED: does not verify "
        "with the "
        "service's aes256-cts-hmac-sha1-96 key: the PAC was changed");
  CHECK(pac::ticket_text(*t).find("    Server signature:        hmac-sha1-96-aes256: FAILED (") !=
        std::string::npos);
}

TEST_CASE("CLIENT_INFO that names another client or time fails the client check") {
  Signed s = make_signed();
  EncTicketPart part = make_part(s.pac);
  part.cname = PrincipalName{NameType::principal, {"mallory"}};
  part.authtime += std::chrono::seconds(1);
  auto t = pac::open_ticket(make_ticket(part, s.service, 3), options(s.service, 3));
  REQUIRE(t);
  CHECK(t->checks.server.state == pac::Check::State::verified);
  CHECK(t->checks.client.state == pac::Check::State::failed);
  CHECK(t->checks.client.detail ==
        "names 'alice', the ticket's client is 'mallory'; client ID 2025-11-22T03:23:52Z is not the ticket's "
        "authtime");
  CHECK_FALSE(t->verified());
}

TEST_CASE("a ticket without a PAC (an MIT realm) shows its EncTicketPart and says so") {
  Key key = random_key(Enctype::aes128_cts_hmac_sha1_96);
  auto t = pac::open_ticket(make_ticket(make_part(std::nullopt), key, 1), options(key, 1));
  REQUIRE(t);
  CHECK_FALSE(t->pac);
  CHECK(t->verified());
  std::string text = pac::ticket_text(*t);
  CHECK(text.find("  Authorization data:        none\n") != std::string::npos);
  CHECK(text.find("  PAC:                       no PAC (the KDC put none in this ticket)\n") !=
        std::string::npos);
  json::Writer w(0);
  pac::ticket_json(w, *t);
  CHECK(w.finish().find(R"("authorization_data":[],"pac":null,"verified":true,"problems":[]})") !=
        std::string::npos);
}

TEST_CASE("keytabs that do not fit: one message naming keytab, principal, kvno and enctype") {
  Signed s = make_signed();
  Bytes ticket = make_ticket(make_part(s.pac), s.service, 3);
  // Only an older kvno.
  auto old_kvno = pac::open_ticket(ticket, options(s.service, 2));
  REQUIRE_FALSE(old_kvno);
  CHECK(old_kvno.error().code == make_error_code(Errc::keytab_no_key));
  CHECK(old_kvno.error().detail ==
        "FILE:/tmp/web.keytab has no key for HTTP/web.ad.krbkit.test@AD.KRBKIT.TEST with kvno 3 and enctype "
        "aes256-cts-hmac-sha1-96; it has kvno 2 aes256-cts-hmac-sha1-96");
  // The right kvno and enctype, another key (the password changed, or a wrong keytab).
  auto wrong = pac::open_ticket(ticket, options(random_key(Enctype::aes256_cts_hmac_sha1_96), 3));
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == make_error_code(Errc::integrity));
  CHECK(wrong.error().detail ==
        "the ticket for HTTP/web.ad.krbkit.test@AD.KRBKIT.TEST (kvno 3, aes256-cts-hmac-sha1-96) does not "
        "decrypt "
        "with the key in FILE:/tmp/web.keytab: the keytab's key is not the service's current key, or the "
        "ticket "
        "was modified");
  // Another principal only; names compare without case (AD).
  pac::DecodeOptions other;
  other.keytab_name = "k";
  other.service_keys.push_back(
      {Principal{NameType::srv_hst, {"HTTP", "other"}, "AD.KRBKIT.TEST"}, 3, s.service.clone()});
  auto none = pac::open_ticket(ticket, other);
  REQUIRE_FALSE(none);
  CHECK(none.error().detail.find("; it has no entry for that principal") != std::string::npos);
  other.service_keys.push_back(
      {Principal{NameType::srv_hst, {"http", "WEB.ad.krbkit.test"}, "ad.krbkit.test"}, 3, s.service.clone()});
  CHECK(pac::open_ticket(ticket, other));
}

TEST_CASE("names for the numbers an admin sees") {
  CHECK(pac::well_known_rid_name(512) == "Domain Admins");
  CHECK(pac::well_known_rid_name(1105).empty());
  pac::Sid domain_admins{1, 5, {21, 1, 2, 3, 512}};
  CHECK(pac::well_known_sid_name(domain_admins) == "Domain Admins");
  CHECK(pac::well_known_sid_name(pac::Sid{1, 5, {32, 544}}) == "BUILTIN\\Administrators");
  CHECK(pac::group_attribute_names(0x20000007) ==
        std::vector<std::string>{"mandatory", "enabled by default", "enabled", "resource"});
  CHECK(pac::group_attribute_names(0x100) == std::vector<std::string>{"0x100"});
  CHECK(pac::user_flag_names(0x220) == std::vector<std::string>{"extra SIDs", "resource groups"});
  CHECK(pac::account_control_names(0x210) ==
        std::vector<std::string>{"normal account", "password never expires"});
}

TEST_CASE("ATTRIBUTES_INFO and REQUESTOR buffers are shown when present") {
  Bytes attributes;
  put32(attributes, 2);                     // FlagsLength in bits
  put32(attributes, 1);                     // PAC_WAS_REQUESTED
  Bytes requestor{1, 5, 0, 0, 0, 0, 0, 5};  // S-1-5-21-1-2-3-1105
  for (std::uint32_t v : {21u, 1u, 2u, 3u, 1105u}) put32(requestor, v);
  auto p = pac::decode(make_pac({{17, attributes}, {18, requestor}}));
  REQUIRE(p);
  std::string text = pac::to_text(*p, {});
  CHECK(text.find("\n  Attributes:                0x1 (PAC requested)\n") != std::string::npos);
  CHECK(text.find("\n  Requestor SID:             S-1-5-21-1-2-3-1105\n") != std::string::npos);
  json::Writer w(0);
  w.begin_object();
  pac::to_json(w, *p, {});
  w.end_object();
  CHECK(w.finish().find(R"("attributes":1,"requestor_sid":"S-1-5-21-1-2-3-1105",)") != std::string::npos);
}
