#include "krbkit/pac/pac.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "krbkit/crypto/crypto.hpp"
#include "pac_fixture.hpp"

using namespace krbkit;
using namespace krbkit::test_pac;

TEST_CASE("LOGON_INFO marshalled by Samba's NDR decodes field for field") {
  auto info = pac::decode_logon_info(read_hex("logon_info_samba_ndr.hex"));
  REQUIRE(info);
  CHECK(info->effective_name == "alice");
  CHECK(info->full_name ==
        "Alice \xC3\x9Cn\xC3\xAF"
        "code");
  CHECK(info->logon_domain_name == "KRBKIT");
  CHECK(info->logon_server == "DC1");
  REQUIRE(info->logon_domain_id);
  CHECK(info->logon_domain_id->to_string() == "S-1-5-21-539438071-1224501385-2992420459");
  CHECK(info->user_sid()->to_string() == "S-1-5-21-539438071-1224501385-2992420459-1102");
  CHECK(info->primary_group_id == 513);
  REQUIRE(info->groups.size() == 2);
  CHECK(info->groups[0].rid == 513);
  CHECK(info->groups[1].rid == 1110);
  CHECK(info->groups[1].attributes == 7);
  REQUIRE(info->extra_sids.size() == 1);
  CHECK(info->extra_sids[0].sid.to_string() == "S-1-18-1");
  CHECK(info->logon_count == 3);
  CHECK(info->bad_password_count == 1);
  CHECK(info->user_flags == 0x20);
  CHECK(info->user_account_control == 0x10);
  CHECK(info->logon_time.value == 134080000000000000ULL);
  CHECK(info->logoff_time.is_never());
  CHECK(info->logon_time.to_string() == "2025-11-19T04:26:40Z");
}

TEST_CASE("a signed PAC decodes and both signatures verify") {
  Signed s = make_signed();
  auto p = pac::decode(s.pac);
  REQUIRE(p);
  CHECK(p->buffers.size() == 5);
  REQUIRE(p->upn_dns_info);
  CHECK(p->upn_dns_info->upn == "alice@ad.krbkit.test");
  CHECK(p->upn_dns_info->dns_domain == "AD.KRBKIT.TEST");
  REQUIRE(p->client_info);
  CHECK(p->client_info->name == "alice");
  CHECK(pac::verify_server_signature(*p, s.service));
  CHECK(pac::verify_kdc_signature(*p, s.krbtgt));

  pac::Checks checks{{pac::Check::State::verified, ""}, {pac::Check::State::verified, ""}, {}, {}};
  std::string text = pac::to_text(*p, checks);
  CHECK(text.find("User SID:") != std::string::npos);
  CHECK(text.find("S-1-5-21-539438071-1224501385-2992420459-1102") != std::string::npos);
  CHECK(text.find(
            "\n    Groups:                  513 Domain Users [0x7: mandatory, enabled by default, enabled]\n"
            "                             1110 [0x7: mandatory, enabled by default, enabled]\n") !=
        std::string::npos);
  CHECK(text.find("\n  Server signature:          hmac-sha1-96-aes256: verified\n"
                  "  KDC signature:             hmac-md5-rc4: verified\n") != std::string::npos);
  CHECK(text.find("\n  Logon info:\n    Account:                 alice\n") != std::string::npos);
  json::Writer w(0);
  w.begin_object();
  pac::to_json(w, *p, checks);
  w.end_object();
  std::string js = w.finish();
  CHECK(js.find(R"("user_sid":"S-1-5-21-539438071-1224501385-2992420459-1102")") != std::string::npos);
  CHECK(
      js.find(
          R"("server_signature":{"checksum_type":16,"checksum_name":"hmac-sha1-96-aes256","state":"verified"})") !=
      std::string::npos);
}

TEST_CASE("one changed byte anywhere in the PAC fails the server signature") {
  Signed s = make_signed();
  auto original = pac::decode(s.pac);
  REQUIRE(original);
  // A byte of the user RID in LOGON_INFO, of the UPN, and of the header.
  for (std::size_t at :
       {std::size_t{8 + 16 * 5 + 16 + 4 + 6 * 8 + 6 * 8 + 4}, s.pac.size() / 2, std::size_t{4}}) {
    CAPTURE(at);
    Bytes bad = s.pac;
    bad[at] ^= 0x01;
    auto p = pac::decode(bad);
    if (!p) continue;  // a header byte may make it undecodable, which is also a failure
    auto r = pac::verify_server_signature(*p, s.service);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == make_error_code(Errc::integrity));
  }
  // The wrong key fails too.
  CHECK_FALSE(pac::verify_server_signature(*original, random_key(Enctype::aes256_cts_hmac_sha1_96)));
  CHECK_FALSE(pac::verify_kdc_signature(*original, random_key(Enctype::rc4_hmac)));
}

TEST_CASE("damaged PACs are refused naming the buffer") {
  Signed s = make_signed();
  Bytes cut(s.pac.begin(), s.pac.begin() + 40);
  auto p = pac::decode(cut);
  REQUIRE_FALSE(p);
  CHECK(p.error().detail == "PAC: 5 buffers do not fit in 40 bytes");
  Bytes li = read_hex("logon_info_samba_ndr.hex");
  li.resize(200);
  auto bad = pac::decode(make_pac({{1, li}}));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().detail.find("PAC LOGON_INFO") != std::string::npos);
}

TEST_CASE("NTSTATUS in a KRB-ERROR's e-data (Samba's disabled-account reply)") {
  // METHOD-DATA { PA-PW-SALT (3) = KERB-EXT-ERROR { 0xC0000072, 0, 1 } }
  Bytes ext = hex("720000c00000000001000000");
  std::vector<PaData> method{PaData{PaType::pw_salt, ext}};
  auto status = pac::ntstatus_from_edata(encode_method_data(method));
  REQUIRE(status);
  CHECK(*status == 0xC0000072u);
  CHECK(pac::ntstatus_message(*status) == std::optional<std::string>("Account disabled"));
  CHECK(pac::ntstatus_message(0xC0000234u) == std::optional<std::string>("Account locked out"));
  // A real salt in PA-PW-SALT is not a status.
  std::vector<PaData> salt{
      PaData{PaType::pw_salt, Bytes{'A', 'D', '.', 'K', 'R', 'B', 'K', 'I', 'T', '.', 'T', 'E'}}};
  CHECK_FALSE(pac::ntstatus_from_edata(encode_method_data(salt)));
  CHECK_FALSE(pac::ntstatus_message(0x12345678u));
}

TEST_CASE("the PAC is found inside AD-IF-RELEVANT, but not 100 levels deep") {
  // A deep nest used to be decoded level by level, each level a copy of the
  // rest: an EncTicketPart of 20000 levels (490 KB) took more than 2 GB in
  // fuzz_pac_ticket (a crafted input: the fuzz runs stay below 4 KB).
  const AuthorizationData pac{{ad_type::win2k_pac, Bytes(8, 0)}};
  auto nest = [&](int depth) {
    AuthorizationData ad = pac;
    for (int i = 0; i < depth; ++i) ad = {{ad_type::if_relevant, encode_authorization_data(ad)}};
    return ad;
  };
  auto one = pac::find_pac(nest(1));
  REQUIRE(one.ok());
  REQUIRE(one->has_value());
  CHECK(**one == Bytes(8, 0));
  CHECK(pac::find_pac(nest(8)).ok());
  auto deep = pac::find_pac(nest(100));
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().detail == "AD-IF-RELEVANT nested more than 8 deep");
}

TEST_CASE("PAC buffers: 8-aligned after the header, not sharing bytes (MS-PAC 2.4)") {
  Bytes li = read_hex("logon_info_samba_ndr.hex");
  Bytes good = make_pac({{1, li}, {10, Bytes(16, 0)}});
  REQUIRE(pac::decode(good).ok());
  auto set_offset = [](Bytes pac, std::size_t buffer, std::uint32_t offset) {
    for (std::size_t i = 0; i < 4; ++i)
      pac.at(8 + 16 * buffer + 8 + i) = static_cast<std::uint8_t>(offset >> (8 * i));
    return pac;
  };
  CHECK(pac::decode(set_offset(good, 1, 20)).error().detail ==
        "PAC: buffer 1 (CLIENT_INFO) at offset 20: not 8-aligned after the 40-byte header");
  CHECK(pac::decode(set_offset(good, 1, 44)).error().detail ==
        "PAC: buffer 1 (CLIENT_INFO) at offset 44: not 8-aligned after the 40-byte header");
  // Both buffers on the same 849 bytes: every such entry would be copied out
  // again (the amplification a PAC of thousands of entries would give).
  Bytes twice = set_offset(make_pac({{1, li}, {1, Bytes{}}}), 1, 40);
  for (std::size_t i = 0; i < 4; ++i)
    twice.at(8 + 16 + 4 + i) = static_cast<std::uint8_t>(li.size() >> (8 * i));
  CHECK(pac::decode(twice).error().detail.find("overlap") != std::string::npos);
}

TEST_CASE("the PACs Samba AD issued decode (tests/data/pac/samba)") {
  int n = 0;
  for (const auto& f :
       std::filesystem::directory_iterator(std::string(KRBKIT_TEST_DATA_DIR) + "/pac/samba")) {
    std::ifstream in(f.path(), std::ios::binary);
    Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto p = pac::decode(bytes);
    INFO(f.path().string());
    REQUIRE(p.ok());
    CHECK(p->logon_info);
    CHECK(p->upn_dns_info);
    CHECK(p->server_signature);
    CHECK(p->kdc_signature);
    ++n;
  }
  CHECK(n >= 9);
}
