#include "krbkit/pac/pac.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "krbkit/crypto/crypto.hpp"

using namespace krbkit;

namespace {

Bytes read_hex(const std::string& name) {
  std::ifstream in(std::string(KRBKIT_TEST_DATA_DIR) + "/pac/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  Bytes out;
  REQUIRE(from_hex(text, out));
  return out;
}

void put32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
Bytes utf16(std::string_view ascii) {
  Bytes b;
  for (char c : ascii) put16(b, static_cast<std::uint16_t>(c));
  return b;
}

// A PACTYPE around the given buffers (data 8-aligned, as AD lays it out).
Bytes make_pac(const std::vector<std::pair<std::uint32_t, Bytes>>& buffers) {
  Bytes out;
  put32(out, static_cast<std::uint32_t>(buffers.size()));
  put32(out, 0);
  std::size_t offset = 8 + 16 * buffers.size();
  std::vector<std::size_t> offsets;
  for (const auto& [type, data] : buffers) {
    offsets.push_back(offset);
    put32(out, type);
    put32(out, static_cast<std::uint32_t>(data.size()));
    put32(out, static_cast<std::uint32_t>(offset));
    put32(out, 0);
    offset += (data.size() + 7) / 8 * 8;
  }
  for (const auto& [type, data] : buffers) {
    out.insert(out.end(), data.begin(), data.end());
    out.resize((out.size() + 7) / 8 * 8, 0);
  }
  return out;
}

Bytes signature_buffer(Cksumtype type, std::size_t len) {
  Bytes b;
  put32(b, static_cast<std::uint32_t>(to_int(type)));
  b.resize(4 + len, 0);
  return b;
}

// A signed PAC: Samba's LOGON_INFO, UPN_DNS_INFO, CLIENT_INFO, an AES256
// server signature and an RC4 (HMAC-MD5) KDC signature.
struct Signed {
  Key service = random_key(Enctype::aes256_cts_hmac_sha1_96);
  Key krbtgt = random_key(Enctype::rc4_hmac);
  Bytes pac;
};

Signed make_signed() {
  Signed s;
  Bytes upn;
  Bytes upn_name = utf16("alice@ad.krbkit.test"), dns = utf16("AD.KRBKIT.TEST");
  put16(upn, static_cast<std::uint16_t>(upn_name.size()));
  put16(upn, 12);  // after the 12-byte header
  put16(upn, static_cast<std::uint16_t>(dns.size()));
  put16(upn, static_cast<std::uint16_t>(12 + upn_name.size()));
  put32(upn, 0);
  upn.insert(upn.end(), upn_name.begin(), upn_name.end());
  upn.insert(upn.end(), dns.begin(), dns.end());
  Bytes client;
  put32(client, 0x6d0a4000);
  put32(client, 0x01dc5b5f);
  Bytes name = utf16("alice");
  put16(client, static_cast<std::uint16_t>(name.size()));
  client.insert(client.end(), name.begin(), name.end());
  Bytes pac = make_pac({{1, read_hex("logon_info_samba_ndr.hex")},
                        {12, upn},
                        {10, client},
                        {6, signature_buffer(Cksumtype::hmac_sha1_96_aes256, 12)},
                        {7, signature_buffer(Cksumtype::hmac_md5_rc4, 16)}});
  // Sign as a KDC does: server signature over the zeroed PAC, then the KDC
  // signature over the server signature.
  auto unsigned_pac = pac::decode(pac);
  if (!unsigned_pac) FAIL(unsigned_pac.error().message());
  const auto& srv = *unsigned_pac->server_signature;
  auto server_sig = make_checksum(Cksumtype::hmac_sha1_96_aes256, &s.service, 17, pac);
  REQUIRE(server_sig);
  std::copy(server_sig->begin(), server_sig->end(),
            pac.begin() + static_cast<std::ptrdiff_t>(srv.signature_offset));
  auto kdc_sig = make_checksum(Cksumtype::hmac_md5_rc4, &s.krbtgt, 17, *server_sig);
  REQUIRE(kdc_sig);
  std::copy(kdc_sig->begin(), kdc_sig->end(),
            pac.begin() + static_cast<std::ptrdiff_t>(unsigned_pac->kdc_signature->signature_offset));
  s.pac = std::move(pac);
  return s;
}

}  // namespace

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

  pac::Checks checks{{pac::Check::State::verified, ""}, {pac::Check::State::verified, ""}};
  std::string text = pac::to_text(*p, checks);
  CHECK(text.find("User SID:") != std::string::npos);
  CHECK(text.find("S-1-5-21-539438071-1224501385-2992420459-1102") != std::string::npos);
  CHECK(text.find("\n    Group RIDs:          513, 1110\n") != std::string::npos);
  CHECK(text.find("\n  Server signature:      checksum type 16: verified\n  KDC signature:         checksum "
                  "type -138: verified\n") != std::string::npos);
  CHECK(text.find("\n  Logon info:\n    Account:             alice\n") != std::string::npos);
  json::Writer w(0);
  w.begin_object();
  pac::to_json(w, *p, checks);
  w.end_object();
  std::string js = w.finish();
  CHECK(js.find(R"("user_sid":"S-1-5-21-539438071-1224501385-2992420459-1102")") != std::string::npos);
  CHECK(js.find(R"("server_signature":{"checksum_type":16,"state":"verified"})") != std::string::npos);
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
