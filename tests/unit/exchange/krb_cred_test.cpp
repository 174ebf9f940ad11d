// KRB-CRED (.kirbi) export and import, and the ticket filters of kcc.
#include "krbkit/exchange/krb_cred.hpp"

#include <doctest/doctest.h>

#include <chrono>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/proto/constants.hpp"
#include "krbkit/proto/messages.hpp"
#include "krbkit/proto/principal.hpp"

using namespace krbkit;
using namespace krbkit::exchange;
using namespace std::chrono;

namespace {

const std::string kRealm = "TEST.REALM";
const KerberosTime kNow = KerberosTime{seconds{1800000000}};

// A ticket whose enc-part is opaque bytes: KRB-CRED carries tickets unread.
Credentials make_cred(const std::string& server, Enctype session_enctype, KerberosTime end) {
  Credentials c;
  c.client = parse_principal("alice", kRealm).value();
  c.server = parse_principal(server, kRealm).value();
  c.session_key = random_key(session_enctype);
  c.authtime = kNow - hours(1);
  c.endtime = end;
  c.flags = ticket_flags::forwardable | ticket_flags::initial;
  c.addresses = {HostAddress{2, Bytes{192, 0, 2, 1}}};
  Ticket t;
  t.realm = kRealm;
  t.sname = to_principal_name(c.server);
  t.enc_part = EncryptedData{Enctype::aes256_cts_hmac_sha1_96, 3, Bytes(40, 0xab)};
  c.ticket = encode(t);
  return c;
}

std::vector<Credentials> sample() {
  std::vector<Credentials> v;
  v.push_back(make_cred("krbtgt/TEST.REALM", Enctype::aes256_cts_hmac_sha1_96, kNow + hours(9)));
  v.back().starttime = kNow - hours(1);
  v.back().renew_till = kNow + hours(48);
  v.back().flags |= ticket_flags::renewable;
  v.push_back(make_cred("HTTP/web.test.realm", Enctype::aes128_cts_hmac_sha1_96, kNow + hours(9)));
  v.push_back(make_cred("host/old.test.realm", Enctype::aes256_cts_hmac_sha1_96, kNow - minutes(5)));
  return v;
}

void check_same(const Credentials& a, const Credentials& b) {
  CHECK(a.client == b.client);
  CHECK(a.server == b.server);
  CHECK(a.session_key == b.session_key);
  CHECK(a.authtime == b.authtime);
  CHECK(a.starttime == b.starttime);
  CHECK(a.endtime == b.endtime);
  CHECK(a.renew_till == b.renew_till);
  CHECK(a.flags == b.flags);
  CHECK(a.addresses == b.addresses);
  CHECK(a.ticket == b.ticket);
}

keytab::KeytabEntry entry(Enctype e, std::uint32_t kvno) {
  return keytab::KeytabEntry{parse_principal("svc/kcc", kRealm).value(), kNow, kvno, random_key(e)};
}

}  // namespace

TEST_CASE("an unencrypted KRB-CRED holds the EncKrbCredPart's DER as the cipher, as .kirbi files do") {
  const auto creds = sample();
  auto der = make_krb_cred(creds);
  REQUIRE(der.ok());
  auto message = decode_krb_cred(*der);
  REQUIRE(message.ok());
  CHECK(message->enc_part.etype == Enctype::null);
  CHECK(message->tickets.size() == 3);
  auto part = decode_enc_krb_cred_part(message->enc_part.cipher);
  REQUIRE(part.ok());
  REQUIRE(part->ticket_info.size() == 3);
  CHECK(part->ticket_info[0].pname->name_string == std::vector<std::string>{"alice"});
  CHECK(part->ticket_info[1].sname->name_string == std::vector<std::string>{"HTTP", "web.test.realm"});
  CHECK(part->ticket_info[1].starttime == KerberosTime{});  // zero in the cache: written, for impacket
}

TEST_CASE("export then import gives the credentials back, and exporting those gives the same bytes") {
  const auto creds = sample();
  auto der = make_krb_cred(creds).value();
  auto read = read_krb_cred(der, "t.kirbi");
  REQUIRE(read.ok());
  CHECK(read->enc_etype == Enctype::null);
  REQUIRE(read->creds.size() == creds.size());
  for (std::size_t i = 0; i < creds.size(); ++i) check_same(read->creds[i], creds[i]);
  CHECK(make_krb_cred(read->creds).value() == der);
}

TEST_CASE("an encrypted KRB-CRED needs the keytab key of its enctype and kvno") {
  const auto creds = sample();
  const auto key = entry(Enctype::aes256_cts_hmac_sha1_96, 7);
  auto der = make_krb_cred(creds, &key).value();
  auto message = decode_krb_cred(der).value();
  CHECK(message.enc_part.etype == Enctype::aes256_cts_hmac_sha1_96);
  CHECK(message.enc_part.kvno == 7u);
  CHECK_FALSE(decode_enc_krb_cred_part(message.enc_part.cipher).ok());  // not in the clear

  auto no_key = read_krb_cred(der, "enc.kirbi");
  REQUIRE_FALSE(no_key.ok());
  CHECK(no_key.error().is(Errc::keytab_no_key));
  CHECK(no_key.error().message().find("enc.kirbi") != std::string::npos);
  CHECK(no_key.error().message().find("aes256-cts-hmac-sha1-96 kvno 7") != std::string::npos);

  std::vector<keytab::KeytabEntry> wrong;
  wrong.push_back(entry(Enctype::aes256_cts_hmac_sha1_96, 7));
  auto bad = read_krb_cred(der, "enc.kirbi", wrong);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().is(Errc::integrity));

  std::vector<keytab::KeytabEntry> keys;
  keys.push_back(entry(Enctype::aes256_cts_hmac_sha1_96, 6));  // other kvno: skipped
  keys.push_back(key.clone());
  auto good = read_krb_cred(der, "enc.kirbi", keys);
  REQUIRE(good.ok());
  CHECK(good->enc_kvno == 7u);
  REQUIRE(good->creds.size() == creds.size());
  for (std::size_t i = 0; i < creds.size(); ++i) check_same(good->creds[i], creds[i]);
}

TEST_CASE("filters select by service glob, session enctype and validity") {
  const auto creds = sample();
  auto servers = [&](const TicketFilter& f) {
    std::vector<std::string> names;
    for (const auto& c : select_credentials(creds, f)) names.push_back(unparse_principal(c.server));
    return names;
  };
  TicketFilter f;
  CHECK(servers(f).size() == 3);
  f.service_glob = "HTTP/*";
  CHECK(servers(f) == std::vector<std::string>{"HTTP/web.test.realm@TEST.REALM"});
  f.service_glob = "*@OTHER";
  CHECK(servers(f).empty());
  f.service_glob = "krbtgt/*@TEST.REALM";
  CHECK(servers(f) == std::vector<std::string>{"krbtgt/TEST.REALM@TEST.REALM"});
  f.service_glob.clear();
  f.enctype = Enctype::aes128_cts_hmac_sha1_96;
  CHECK(servers(f) == std::vector<std::string>{"HTTP/web.test.realm@TEST.REALM"});
  f.enctype.reset();
  f.valid_only = true;
  f.now = kNow;
  CHECK(servers(f) ==
        std::vector<std::string>{"krbtgt/TEST.REALM@TEST.REALM", "HTTP/web.test.realm@TEST.REALM"});
}

TEST_CASE("bad KRB-CRED bytes are parse errors naming the file") {
  const auto der = make_krb_cred(sample()).value();
  auto expect_parse_error = [](BytesView bytes) {
    auto r = read_krb_cred(bytes, "bad.kirbi");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::parse));
    CHECK(r.error().message().find("bad.kirbi") != std::string::npos);
  };
  expect_parse_error(BytesView(der).first(der.size() / 2));  // truncated
  expect_parse_error(Bytes{});                               // empty
  Bytes wrong_tag = der;
  wrong_tag[0] = 0x6b;  // [APPLICATION 11], an AS-REP
  expect_parse_error(wrong_tag);
  expect_parse_error(Bytes{0x76, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x00});  // a 2 GiB length
  Bytes ccache{0x05, 0x04, 0x00, 0x0c};                                       // a ccache file, not a kirbi
  expect_parse_error(ccache);
}

TEST_CASE("a ticket-info without a client name, or a count that differs, is refused") {
  auto message = decode_krb_cred(make_krb_cred(sample()).value()).value();
  auto part = decode_enc_krb_cred_part(message.enc_part.cipher).value();
  part.ticket_info[1].pname.reset();
  message.enc_part.cipher = encode(part);
  auto no_client = read_krb_cred(encode(message), "x.kirbi");
  REQUIRE_FALSE(no_client.ok());
  CHECK(no_client.error().is(Errc::invalid_argument));

  message.tickets.pop_back();
  auto count = read_krb_cred(encode(message), "x.kirbi");
  REQUIRE_FALSE(count.ok());
  CHECK(count.error().is(Errc::parse));
  CHECK(make_krb_cred({}).error().is(Errc::invalid_argument));
}
