// The ccache byte format: golden bytes for every version, round trips, config
// entries, and every damage rule.

#include "krbkit/ccache/format.hpp"

#include <doctest/doctest.h>

#include <cstring>

#include "krbkit/proto/messages.hpp"
#include "krbkit/proto/principal.hpp"

using namespace krbkit;
using namespace krbkit::ccache;

namespace {

// Builds expected bytes by hand, independent of the code under test.
struct B {
  bool host = false;  // versions 1 and 2: host (here little-endian) order
  Bytes out;
  B& u8(std::uint8_t v) {
    out.push_back(v);
    return *this;
  }
  B& u16(std::uint16_t v) {
    if (host) {
      std::uint8_t b[2];
      std::memcpy(b, &v, 2);
      out.insert(out.end(), b, b + 2);
    } else
      put_u16be(out, v);
    return *this;
  }
  B& u32(std::uint32_t v) {
    if (host) {
      std::uint8_t b[4];
      std::memcpy(b, &v, 4);
      out.insert(out.end(), b, b + 4);
    } else
      put_u32be(out, v);
    return *this;
  }
  B& data(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    for (char c : s) out.push_back(static_cast<std::uint8_t>(c));
    return *this;
  }
  B& princ(int version, std::int32_t type, std::string_view realm,
           std::initializer_list<std::string_view> comps) {
    if (version != 1) u32(static_cast<std::uint32_t>(type));
    u32(static_cast<std::uint32_t>(comps.size() + (version == 1 ? 1 : 0)));
    data(realm);
    for (auto c : comps) data(c);
    return *this;
  }
};

Principal princ(std::string realm, std::vector<std::string> comps, NameType t = NameType::principal) {
  Principal p;
  p.type = t;
  p.realm = std::move(realm);
  p.components = std::move(comps);
  return p;
}

Credentials sample_cred() {
  Credentials c;
  c.client = princ("EXAMPLE.ORG", {"alice"});
  c.server = princ("EXAMPLE.ORG", {"krbtgt", "EXAMPLE.ORG"}, NameType::srv_inst);
  c.session_key =
      Key(Enctype::aes256_cts_hmac_sha1_96, SecretBytes(as_bytes("0123456789abcdef0123456789abcdef")));
  c.authtime = KerberosTime(std::chrono::seconds(1700000000));
  c.starttime = KerberosTime(std::chrono::seconds(1700000001));
  c.endtime = KerberosTime(std::chrono::seconds(1700036000));
  c.renew_till = KerberosTime(std::chrono::seconds(4000000000u));  // past 2038: unsigned
  c.is_skey = false;
  c.flags = 0x50e10000;
  c.addresses = {HostAddress{2, {127, 0, 0, 1}}};
  c.authdata = {AuthDataEntry{-1, {1, 2}}, AuthDataEntry{1, {0x30, 0x00}}};
  c.ticket = to_bytes("TICKET-DER");
  c.second_ticket = {};
  return c;
}

// The expected bytes of sample_cred() in `version`.
Bytes sample_cred_bytes(int version) {
  B b;
  b.host = version < 3;
  b.princ(version, 1, "EXAMPLE.ORG", {"alice"});
  b.princ(version, 2, "EXAMPLE.ORG", {"krbtgt", "EXAMPLE.ORG"});
  b.u16(18);
  if (version == 3) b.u16(18);
  b.data("0123456789abcdef0123456789abcdef");
  b.u32(1700000000).u32(1700000001).u32(1700036000).u32(4000000000u);
  b.u8(0).u32(0x50e10000);
  b.u32(1).u16(2).u32(4).u8(127).u8(0).u8(0).u8(1);
  b.u32(2).u16(0xffff).u32(2).u8(1).u8(2).u16(1).u32(2).u8(0x30).u8(0);
  b.data("TICKET-DER").data("");
  return b.out;
}

Bytes file_bytes(int version, bool with_offset = false) {
  B b;
  b.u8(5).u8(static_cast<std::uint8_t>(version));
  if (version == 4) {
    if (with_offset)
      b.u16(12).u16(1).u16(8).u32(static_cast<std::uint32_t>(-5)).u32(250000);
    else
      b.u16(0);
  }
  b.host = version < 3;
  b.princ(version, 1, "EXAMPLE.ORG", {"alice"});
  Bytes out = b.out;
  Bytes cred = sample_cred_bytes(version);
  out.insert(out.end(), cred.begin(), cred.end());
  return out;
}

void check_sample(const Credentials& c, int version) {
  const Credentials want = sample_cred();
  CHECK(c.client == want.client);
  CHECK(c.server == want.server);
  CHECK(c.server.type == (version == 1 ? NameType::unknown : NameType::srv_inst));
  CHECK(c.session_key == want.session_key);
  CHECK(c.authtime == want.authtime);
  CHECK(c.starttime == want.starttime);
  CHECK(c.endtime == want.endtime);
  CHECK(c.renew_till == want.renew_till);
  CHECK(c.is_skey == want.is_skey);
  CHECK(c.flags == want.flags);
  CHECK(c.addresses == want.addresses);
  CHECK(c.authdata == want.authdata);
  CHECK(c.ticket == want.ticket);
  CHECK(c.second_ticket == want.second_ticket);
}

CacheContents sample_contents() {
  CacheContents c;
  c.default_principal = princ("EXAMPLE.ORG", {"alice"});
  c.creds.push_back(sample_cred());
  return c;
}

std::string error_of(BytesView data) {
  auto r = parse(data, "/tmp/krb5cc_test");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(Errc::ccache_format));
  return r.error().detail;
}

}  // namespace

TEST_CASE("every version parses from golden bytes and serializes back to them") {
  for (int version = 1; version <= 4; ++version) {
    CAPTURE(version);
    const Bytes golden = file_bytes(version);
    auto parsed = parse(golden, "golden");
    REQUIRE(parsed.ok());
    CHECK(parsed->version == version);
    CHECK(parsed->default_principal == princ("EXAMPLE.ORG", {"alice"}));
    CHECK_FALSE(parsed->kdc_offset.has_value());
    REQUIRE(parsed->creds.size() == 1);
    CHECK(parsed->config_entries.empty());
    check_sample(parsed->creds[0], version);

    auto written = serialize(sample_contents(), version);
    REQUIRE(written.ok());
    if (version == 1) {
      // Version 1 has no name types: the sample's types are not stored, so
      // compare after a read instead of byte for byte.
      auto again = parse(*written, "v1");
      REQUIRE(again.ok());
      check_sample(again->creds[0], 1);
    } else {
      CHECK(to_hex(*written) == to_hex(golden));
    }
  }
}

TEST_CASE("v1 and v2 are host byte order, v3 and v4 big-endian") {
  const Bytes v2 = file_bytes(2), v3 = file_bytes(3);
  // The default principal's name type (1) right after the version bytes.
  CHECK(to_hex(BytesView(v2).subspan(2, 4)) == "01000000");
  CHECK(to_hex(BytesView(v3).subspan(2, 4)) == "00000001");
}

TEST_CASE("v4 header: KDC time offset tag read, written, and unknown tags kept") {
  const Bytes golden = file_bytes(4, true);
  auto parsed = parse(golden, "golden");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->kdc_offset.has_value());
  CHECK(parsed->kdc_offset->seconds == -5);
  CHECK(parsed->kdc_offset->microseconds == 250000);
  auto written = serialize(*parsed, 4);
  REQUIRE(written.ok());
  CHECK(*written == golden);

  CacheContents c = sample_contents();
  c.other_header_tags.push_back(HeaderTag{7, {1, 2, 3}});
  auto w = serialize(c, 4);
  REQUIRE(w.ok());
  auto back = parse(*w, "x");
  REQUIRE(back.ok());
  REQUIRE(back->other_header_tags.size() == 1);
  CHECK(back->other_header_tags[0] == HeaderTag{7, {1, 2, 3}});
  // v3 has no header: the offset is not written.
  auto v3 = serialize(*parsed, 3);
  REQUIRE(v3.ok());
  CHECK_FALSE(parse(*v3, "x")->kdc_offset.has_value());
}

TEST_CASE("is_skey, second ticket, empty principal and many fields round trip") {
  CacheContents c = sample_contents();
  Credentials u2u = sample_cred();
  u2u.server = princ("EXAMPLE.ORG", {"bob"});
  u2u.is_skey = true;
  u2u.second_ticket = to_bytes("SECOND");
  u2u.addresses.clear();
  u2u.authdata.clear();
  c.creds.push_back(std::move(u2u));
  Credentials anon = sample_cred();
  anon.client = princ("", {});
  c.creds.push_back(std::move(anon));
  for (int version : {2, 3, 4}) {
    CAPTURE(version);
    auto w = serialize(c, version);
    REQUIRE(w.ok());
    auto back = parse(*w, "x");
    REQUIRE(back.ok());
    REQUIRE(back->creds.size() == 3);
    CHECK(back->creds[1].is_skey);
    CHECK(back->creds[1].second_ticket == to_bytes("SECOND"));
    CHECK(back->creds[1].addresses.empty());
    CHECK(back->creds[2].client.components.empty());
    CHECK(back->creds[2].client.realm.empty());
    auto again = serialize(*back, version);
    REQUIRE(again.ok());
    CHECK(*again == *w);
  }
}

TEST_CASE("config entries are separated from tickets and kept on rewrite") {
  CacheContents c = sample_contents();
  set_config(c, "pa_type", "krbtgt/EXAMPLE.ORG@EXAMPLE.ORG", as_bytes("2"));
  set_config(c, "fast_avail", "krbtgt/EXAMPLE.ORG@EXAMPLE.ORG", as_bytes("yes"));
  set_config(c, "refresh_time", "", as_bytes("1700018000"));
  set_config(c, "start_realm", "", as_bytes("EXAMPLE.ORG"));
  set_config(c, "pa_type", "krbtgt/EXAMPLE.ORG@EXAMPLE.ORG", as_bytes("138"));  // replaces
  CHECK(c.config_entries.size() == 4);

  auto w = serialize(c, 4);
  REQUIRE(w.ok());
  auto back = parse(*w, "x");
  REQUIRE(back.ok());
  CHECK(back->creds.size() == 1);
  REQUIRE(back->config_entries.size() == 4);
  CHECK(find_config(*back, "pa_type", "krbtgt/EXAMPLE.ORG@EXAMPLE.ORG") == to_bytes("138"));
  CHECK(find_config(*back, "fast_avail", "krbtgt/EXAMPLE.ORG@EXAMPLE.ORG") == to_bytes("yes"));
  CHECK(find_config(*back, "refresh_time") == to_bytes("1700018000"));
  CHECK(find_config(*back, "start_realm") == to_bytes("EXAMPLE.ORG"));
  CHECK_FALSE(find_config(*back, "pa_type").has_value());

  const Credentials& e = back->config_entries[0];
  CHECK(e.client == c.default_principal);
  CHECK(e.server.realm == "X-CACHECONF:");
  auto view = config_entry_view(e);
  REQUIRE(view.has_value());
  CHECK(view->key == "fast_avail");
  CHECK(view->principal == "krbtgt/EXAMPLE.ORG@EXAMPLE.ORG");
  CHECK_FALSE(config_entry_view(back->creds[0]).has_value());
  CHECK_FALSE(is_config_principal(princ("X-CACHECONF:", {"other", "x"})));
}

TEST_CASE("damage: every truncation is reported with file and offset, never accepted") {
  const Bytes good = file_bytes(4, true);
  // Cutting the file anywhere except right after the default principal (an
  // empty cache, which is valid) or at the end must fail.
  const std::size_t header_and_principal = 2 + 2 + 12 + 4 + 4 + 4 + 11 + 4 + 5;
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    CAPTURE(cut);
    auto r = parse(BytesView(good).first(cut), "/tmp/krb5cc_test");
    if (cut == header_and_principal) {
      CHECK(r.ok());
      continue;
    }
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::ccache_format));
    CHECK(r.error().detail.find("/tmp/krb5cc_test: byte ") == 0);
  }
  CHECK(error_of(BytesView(good).first(0)) == "/tmp/krb5cc_test: byte 0: version: empty file");
}

TEST_CASE("damage: unknown version, garbage, impossible lengths and counts") {
  CHECK(error_of(to_bytes("\x05\x05xxxx")).find("byte 0: version: unknown format version 0x0505") !=
        std::string::npos);
  CHECK(error_of(to_bytes("garbage!")).find("unknown format version") != std::string::npos);

  // Trailing garbage after the last credential reads as a truncated credential.
  Bytes trailing = file_bytes(4);
  trailing.push_back(0x00);
  CHECK(error_of(trailing).find("credential 2 client name type: truncated") != std::string::npos);

  // A huge component count right after the default principal's name type.
  Bytes count = file_bytes(3);
  put_u32be(count, 0);  // nothing
  count.resize(file_bytes(3).size());
  count[6] = 0xff, count[7] = 0xff, count[8] = 0xff, count[9] = 0xff;
  const std::string e = error_of(count);
  CHECK(e.find("byte 6: default principal component count: count 4294967295 is impossible") !=
        std::string::npos);

  // A ticket length far past the end: offset of the length field.
  Bytes len = file_bytes(3);
  const std::size_t ticket_len_at = len.size() - 4 - 10 - 4;  // second_ticket(4) ticket(10) len(4)
  len[ticket_len_at] = 0x7f;
  CHECK(error_of(len).find("byte " + std::to_string(ticket_len_at) + ": credential 1 ticket: length") !=
        std::string::npos);

  // An address count bigger than the rest of the file could hold.
  Bytes addr = file_bytes(4);
  const Bytes cred = sample_cred_bytes(4);
  const std::size_t addr_at = addr.size() - cred.size() + (4 + 4 + 4 + 11 + 4 + 5) +
                              (4 + 4 + 4 + 11 + 4 + 6 + 4 + 11) + 2 + 4 + 32 + 16 + 1 + 4;
  CHECK(get_u32be(&addr[addr_at]) == 1);
  addr[addr_at] = 0x10;
  CHECK(error_of(addr).find("credential 1 address count: count 268435457 is impossible") !=
        std::string::npos);

  // A cut inside a principal names the principal and the component (the
  // offset is that of the length field).
  Bytes comp = file_bytes(4);
  const std::size_t server_at = comp.size() - cred.size() + (4 + 4 + 4 + 11 + 4 + 5);
  comp.resize(server_at + 4 + 4 + 4 + 11 + 4 + 6 + 4 + 3);
  CHECK(error_of(comp).find("byte " + std::to_string(server_at + 33) +
                            ": credential 1 server component 2: ") != std::string::npos);
  comp.resize(server_at + 4 + 4 + 4 + 5);
  CHECK(error_of(comp).find(": credential 1 server realm: ") != std::string::npos);

  // is_skey must be 0 or 1.
  Bytes skey = file_bytes(4);
  skey[addr_at - 5] = 7;
  CHECK(error_of(skey).find("is_skey: value 7 is not 0 or 1") != std::string::npos);

  // v1 counts the realm: a count of 0 is impossible.
  Bytes v1 = file_bytes(1);
  std::memset(&v1[2], 0, 4);
  CHECK(error_of(v1).find("0, but version 1 counts the realm") != std::string::npos);

  // A DELTATIME tag of the wrong length, and a tag running past the header.
  Bytes tag = file_bytes(4, true);
  tag[7] = 4;
  CHECK(error_of(tag).find("KDC time offset tag: length 4 instead of 8") != std::string::npos);
  Bytes tag2 = file_bytes(4, true);
  tag2[7] = 20;
  CHECK(error_of(tag2).find("header tag value: length 20 runs past the end") != std::string::npos);
}

TEST_CASE("a torn last record (a killed append): the records before it are read, any version, any cut") {
  for (int version = 1; version <= 4; ++version) {
    CAPTURE(version);
    Bytes whole = file_bytes(version);
    const std::size_t second_at = whole.size();
    const Bytes record = sample_cred_bytes(version);
    whole.insert(whole.end(), record.begin(), record.end());
    for (std::size_t cut = second_at + 1; cut < whole.size(); ++cut) {
      CAPTURE(cut);
      const BytesView torn = BytesView(whole).first(cut);
      auto r = parse_to_torn_record(torn, "/tmp/krb5cc_test");
      REQUIRE(r.ok());
      REQUIRE(r->creds.size() == 1);
      check_sample(r->creds[0], version);
      REQUIRE(r->torn_record.has_value());
      CHECK(r->torn_record->offset == second_at);
      // The detail is what the strict parse says about the same bytes.
      CHECK(r->torn_record->detail == error_of(torn));
      CHECK(r->torn_record->detail.find(": credential 2 ") != std::string::npos);
    }
    auto full = parse_to_torn_record(whole, "x");
    REQUIRE(full.ok());
    CHECK(full->creds.size() == 2);
    CHECK_FALSE(full->torn_record.has_value());
  }
  // Cut inside the first record: no record before it, still the header's principal.
  const Bytes one = file_bytes(4);
  auto first = parse_to_torn_record(BytesView(one).first(one.size() - 3), "x");
  REQUIRE(first.ok());
  CHECK(first->creds.empty());
  CHECK(first->default_principal == princ("EXAMPLE.ORG", {"alice"}));
  REQUIRE(first->torn_record.has_value());
  CHECK(first->torn_record->offset == one.size() - sample_cred_bytes(4).size());
}

TEST_CASE("a torn record is only a cut: bad values and a damaged header still fail") {
  // is_skey 7 in a record the file then ends inside: the value is the damage.
  Bytes skey = file_bytes(4);
  const std::size_t skey_at = skey.size() - sample_cred_bytes(4).size() + (4 + 4 + 4 + 11 + 4 + 5) +
                              (4 + 4 + 4 + 11 + 4 + 6 + 4 + 11) + 2 + 4 + 32 + 16;
  skey[skey_at] = 7;
  skey.resize(skey.size() - 3);
  auto bad_value = parse_to_torn_record(skey, "x");
  REQUIRE_FALSE(bad_value.ok());
  CHECK(bad_value.error().detail.find("is_skey: value 7") != std::string::npos);
  // The default principal cut short: no cache to keep.
  const Bytes header = file_bytes(4);
  auto cut_header = parse_to_torn_record(BytesView(header).first(10), "x");
  REQUIRE_FALSE(cut_header.ok());
  CHECK(cut_header.error().is(Errc::ccache_format));
  CHECK(parse_to_torn_record(to_bytes("\x05\x05xxxx"), "x").error().is(Errc::ccache_format));
}

TEST_CASE("serialize refuses a version it cannot write") {
  auto r = serialize(sample_contents(), 5);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(Errc::invalid_argument));
}

TEST_CASE("parse_header gives the version and where credentials start") {
  const Bytes v4 = file_bytes(4, true);
  auto h = parse_header(v4, "x");
  REQUIRE(h.ok());
  CHECK(h->version == 4);
  CHECK(h->end_of_header == v4.size() - sample_cred_bytes(4).size());
}

TEST_CASE("damage: a v1 component count too big for the file does not wrap around (fuzzer find)") {
  // 05 01, then a count of 0x365 components with a few bytes left.
  const Bytes data = hex("0501650300000000000b4b520000");
  const std::string e = error_of(data);
  CHECK(e.find("default principal component count: count 869 is impossible") != std::string::npos);
}

TEST_CASE("holds_ticket_for: referral entries (host/h@) are found by the ticket's own server too") {
  Ticket t;
  t.realm = "B.TEST";
  t.sname = to_principal_name(princ("B.TEST", {"host", "h.b.test"}, NameType::srv_hst));
  t.enc_part = EncryptedData{Enctype::aes256_cts_hmac_sha1_96, 1, Bytes(32, 0x11)};
  Credentials referral;
  referral.client = princ("A.TEST", {"alice"});
  referral.server = princ("", {"host", "h.b.test"}, NameType::srv_hst);
  referral.ticket = encode(t);
  CHECK(holds_ticket_for(referral, princ("", {"host", "h.b.test"})));
  CHECK(holds_ticket_for(referral, princ("B.TEST", {"host", "h.b.test"})));
  CHECK_FALSE(holds_ticket_for(referral, princ("C.TEST", {"host", "h.b.test"})));
  CHECK_FALSE(holds_ticket_for(referral, princ("B.TEST", {"host", "other.b.test"})));

  Credentials named = referral.clone();
  named.server = princ("B.TEST", {"host", "h.b.test"});
  CHECK(holds_ticket_for(named, princ("B.TEST", {"host", "h.b.test"})));
  CHECK(holds_ticket_for(named, princ("", {"host", "h.b.test"})));
  CHECK_FALSE(holds_ticket_for(named, princ("C.TEST", {"host", "h.b.test"})));
}

TEST_CASE("parse_each_to_torn_record hands over the records in file order, as parse keeps them") {
  CacheContents c = sample_contents();
  set_config(c, "pa_type", "krbtgt/EXAMPLE.ORG@EXAMPLE.ORG", as_bytes("2"));
  Credentials later = c.creds[0].clone();
  later.server = princ("EXAMPLE.ORG", {"host", "later.example.org"});
  c.creds.push_back(std::move(later));
  set_config(c, "refresh_time", "", as_bytes("1700018000"));
  c.config_after = {0, 2};  // one config entry before the tickets, one after both
  Bytes bytes = serialize(c, 4).value();

  // What a listing sees: (server, config?) in order, and the header with no records.
  std::vector<std::pair<std::string, bool>> seen;
  auto head =
      parse_each_to_torn_record(bytes, "x", [&](const CacheContents& h, const Credentials& r, bool config) {
        CHECK(h.default_principal == c.default_principal);
        seen.emplace_back(unparse_principal(r.server), config);
      });
  REQUIRE(head.ok());
  CHECK(head->creds.empty());
  CHECK(head->config_entries.empty());
  CHECK(head->default_principal == c.default_principal);
  CHECK_FALSE(head->torn_record.has_value());

  // The same order from the parsed contents.
  std::vector<std::pair<std::string, bool>> in_order;
  const CacheContents parsed = parse(bytes, "x").value();
  for_each_in_file_order(parsed, [&](const Credentials& r, bool config) {
    in_order.emplace_back(unparse_principal(r.server), config);
  });
  CHECK(seen == in_order);
  REQUIRE(seen.size() == 4);
  CHECK(seen[0].second);
  CHECK_FALSE(seen[1].second);
  CHECK_FALSE(seen[2].second);
  CHECK(seen[3].second);

  // A torn last record: the records before it, then torn_record as parse_to_torn_record says.
  const Bytes record = sample_cred_bytes(4);
  bytes.insert(bytes.end(), record.begin(), record.begin() + 10);
  seen.clear();
  auto torn =
      parse_each_to_torn_record(bytes, "x", [&](const CacheContents&, const Credentials& r, bool config) {
        seen.emplace_back(unparse_principal(r.server), config);
      });
  REQUIRE(torn.ok());
  CHECK(seen.size() == 4);
  REQUIRE(torn->torn_record.has_value());
  CHECK(torn->torn_record->detail == parse_to_torn_record(bytes, "x")->torn_record->detail);
  // Other damage fails as parse fails.
  bytes[0] = 0x04;
  CHECK(parse_each_to_torn_record(bytes, "x", [](const CacheContents&, const Credentials&, bool) {})
            .error()
            .is(Errc::ccache_format));
}
