// Forged PACs in real tickets: a ticket MIT's KDC issued is opened with the
// service's real key, its PAC given a LOGON_INFO (the forger's groups) and
// signed again with a checksum anyone can compute (crc32, rsa-md5, sha1),
// another enctype's, or an unknown type, then encrypted with the real
// service key and put back in a cache. klist --decode and kvno --decode
// must report it FAILED and exit 1 (MIT: KRB_AP_ERR_INAPP_CKSUM). With
// krbtgt's keys, an unkeyed KDC signature fails too. And the other way
// round: the PACs of an MIT realm whose krbtgt has aes-sha2 or camellia
// keys verify, KDC and ticket signatures included.
#include <doctest/doctest.h>

#include "krbkit/ccache/cache.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/pac/pac.hpp"
#include "krbkit/proto/constants.hpp"
#include "krbkit/proto/principal.hpp"
#include "realm/realm.hpp"
#include "support/pac_build.hpp"

using namespace krbkit;
using namespace krbkit::test;
using namespace krbkit::test_pac;

namespace {

constexpr KeyUsage kPacUsage = KeyUsage::app_data_cksum;  // KERB_NON_KERB_CKSUM_SALT

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// A service ticket MIT's KDC issued to alice, opened with the service's key.
struct Issued {
  std::string cache;
  ccache::CacheContents contents;
  std::size_t index = 0;  // of the ticket in contents.creds
  Ticket ticket;
  Key key;
  EncTicketPart part;
  pac::Pac pac;
};

Issued issue(Realm& realm, const std::string& service, const std::string& keytab) {
  Issued is;
  is.cache = realm.fresh_ccache();
  auto k = realm.run({"/usr/bin/kinit", "-c", is.cache, realm.principal("alice")}, {},
                     realm.password("alice") + "\n");
  REQUIRE_MESSAGE(k.ok(), k.err);
  auto v = realm.run({"/usr/bin/kvno", "-c", is.cache, service});
  REQUIRE_MESSAGE(v.ok(), v.err);
  auto cache = ccache::open(is.cache);
  REQUIRE(cache);
  auto contents = (*cache)->read();
  REQUIRE(contents);
  is.contents = std::move(contents).value();
  const Principal wanted = parse_principal(service).value();
  for (; is.index < is.contents.creds.size(); ++is.index)
    if (is.contents.creds[is.index].server == wanted) break;
  REQUIRE(is.index < is.contents.creds.size());
  is.ticket = decode_ticket(is.contents.creds[is.index].ticket).value();
  auto kt = keytab::read_keytab(keytab);
  REQUIRE(kt);
  for (auto& e : kt->entries)
    if (e.principal == wanted && e.key.enctype == is.ticket.enc_part.etype) is.key = e.key.clone();
  REQUIRE(is.key.enctype == is.ticket.enc_part.etype);
  auto plain =
      decrypt(is.key, KeyUsage::kdc_rep_ticket, is.ticket.enc_part.cipher);
  REQUIRE(plain);
  is.part = decode_enc_ticket_part(plain->view()).value();
  auto found = pac::find_pac(is.part.authorization_data);
  REQUIRE((found && *found));
  is.pac = pac::decode(**found).value();
  return is;
}

// How the forger signs: a checksum type and, for a keyed one, the key.
struct Sig {
  Cksumtype type;
  const Key* key = nullptr;  // null: unkeyed, or filler bytes for an unknown type
};

Bytes sign(const Sig& s, BytesView data) {
  if (!cksumtype_info(s.type)) return Bytes(16, 0x5a);
  auto sum = make_checksum(s.type, s.key, kPacUsage, data);
  REQUIRE_MESSAGE(sum, sum.error().message());
  return *sum;
}

// The issued PAC with a LOGON_INFO added, the server signature made as
// `server`, the KDC signature as `kdc` (nullopt: the KDC's bytes kept); the
// ticket is encrypted again with the service key and stored in a new cache.
std::string forge(Realm& realm, const Issued& is, const Sig& server, std::optional<Sig> kdc) {
  std::vector<std::pair<std::uint32_t, Bytes>> buffers{{1, read_hex("logon_info_samba_ndr.hex")}};
  for (const auto& b : is.pac.buffers) {
    if (b.type == 6)
      buffers.emplace_back(6, signature_buffer(server.type, sign(server, {}).size()));
    else if (b.type == 7 && kdc)
      buffers.emplace_back(7, signature_buffer(kdc->type, sign(*kdc, {}).size()));
    else if (b.type != 1)
      buffers.emplace_back(b.type, b.data);
  }
  Bytes forged = make_pac(buffers);
  auto layout = pac::decode(forged).value();
  Bytes zeroed = forged;
  std::fill_n(zeroed.begin() + static_cast<std::ptrdiff_t>(layout.kdc_signature->signature_offset),
              layout.kdc_signature->signature.size(), 0);
  Bytes server_sig = sign(server, zeroed);
  std::copy(server_sig.begin(), server_sig.end(),
            forged.begin() + static_cast<std::ptrdiff_t>(layout.server_signature->signature_offset));
  if (kdc) {
    Bytes kdc_sig = sign(*kdc, server_sig);
    std::copy(kdc_sig.begin(), kdc_sig.end(),
              forged.begin() + static_cast<std::ptrdiff_t>(layout.kdc_signature->signature_offset));
  }

  EncTicketPart part{is.part.flags,
                     is.part.key.clone(),
                     is.part.crealm,
                     is.part.cname,
                     is.part.transited,
                     is.part.authtime,
                     is.part.starttime,
                     is.part.endtime,
                     is.part.renew_till,
                     is.part.caddr,
                     {}};
  AuthorizationData inner{AuthDataEntry{ad_type::win2k_pac, forged}};
  part.authorization_data.push_back(AuthDataEntry{ad_type::if_relevant, encode_authorization_data(inner)});
  Ticket t = is.ticket;
  auto cipher = encrypt(is.key, KeyUsage::kdc_rep_ticket, encode(part));
  REQUIRE(cipher);
  t.enc_part.cipher = *cipher;
  t.der.clear();  // else encode() writes the ticket as the KDC sent it
  ccache::CacheContents contents = is.contents.clone();
  contents.creds[is.index].ticket = encode(t);
  std::string name = realm.fresh_ccache();
  auto cache = ccache::open(name);
  REQUIRE(cache);
  REQUIRE((*cache)->write(contents));
  return name;
}

}  // namespace

TEST_CASE("a real ticket whose PAC was re-signed with an unkeyed, foreign or unknown checksum is FAILED") {
  Realm& realm = Realm::shared();
  const std::string host = realm.host_principal(), keytab = realm.host_keytab();
  Issued is = issue(realm, host, keytab);
  CAPTURE(enctype_name(is.key.enctype));
  // The untouched ticket verifies.
  auto ok = realm.run({krbkit_tool("klist"), "--decode", "-k", keytab, host}, {{"KRB5CCNAME", is.cache}});
  REQUIRE_MESSAGE(ok.ok(), ok.err);

  const std::vector<std::pair<std::string, Sig>> forgeries{
      {"crc32", {Cksumtype::crc32}},
      {"rsa-md5", {Cksumtype::rsa_md5}},
      {"sha1", {Cksumtype::sha1}},
      {"hmac-md5-rc4 with the service key's bytes", {Cksumtype::hmac_md5_rc4, &is.key}},
      {"unknown type 30583", {static_cast<Cksumtype>(0x7777)}},
  };
  for (const auto& forgery : forgeries) {
    const Sig& sig = forgery.second;
    CAPTURE(forgery.first);
    std::string cc = forge(realm, is, sig, std::nullopt);
    auto k = realm.run({krbkit_tool("klist"), "--decode", "-k", keytab, host}, {{"KRB5CCNAME", cc}});
    CHECK(k.exit_code == 1);
    CHECK_MESSAGE(has(k.err, "klist: ticket for " + host + ": PAC server signature FAILED: "), k.err);
    CHECK(has(k.out, "Server signature:"));
    auto v = realm.run({krbkit_tool("kvno"), "-c", cc, "--decode", "-k", keytab, host});
    CHECK(v.exit_code == 1);
    CHECK_MESSAGE(has(v.err, "PAC server signature FAILED"), v.err);
  }
}

TEST_CASE("with krbtgt's keys, a real ticket whose KDC signature was forged is FAILED") {
  Realm& realm = Realm::shared();
  const std::string host = realm.host_principal(), keytab = realm.host_keytab();
  std::string krbtgt_keytab = realm.fresh_path("krbtgt.keytab");
  auto x = realm.kadmin_local("ktadd -k " + krbtgt_keytab + " -norandkey krbtgt/" + realm.name());
  REQUIRE_MESSAGE(x.ok(), x.err);
  Issued is = issue(realm, host, keytab);
  // The forger holds the service key: the server signature is right.
  const Sig server{mandatory_checksum(is.key.enctype), &is.key};
  for (Cksumtype kdc :
       {Cksumtype::crc32, Cksumtype::rsa_md5, Cksumtype::sha1, static_cast<Cksumtype>(0x7777)}) {
    CAPTURE(to_int(kdc));
    std::string cc = forge(realm, is, server, Sig{kdc});
    auto k =
        realm.run({krbkit_tool("klist"), "--decode", "-k", keytab, "--krbtgt-keytab", krbtgt_keytab, host},
                  {{"KRB5CCNAME", cc}});
    CHECK(k.exit_code == 1);
    CHECK_MESSAGE(has(k.err, "PAC KDC signature FAILED"), k.err);
    CHECK_FALSE(has(k.err, "PAC server signature"));
    auto v = realm.run(
        {krbkit_tool("kvno"), "-c", cc, "--decode", "-k", keytab, "--krbtgt-keytab", krbtgt_keytab, host});
    CHECK(v.exit_code == 1);
    CHECK_MESSAGE(has(v.err, "PAC KDC signature FAILED"), v.err);
  }
}

TEST_CASE("MIT realms whose krbtgt has aes-sha2 or camellia keys: KDC and ticket signatures verify") {
  Realm realm(RealmKind::mit, "PACSIG.TEST");
  const std::string host = realm.host_principal(), keytab = realm.host_keytab();
  for (const std::string e :
       {"aes256-cts-hmac-sha384-192", "aes128-cts-hmac-sha256-128", "camellia256-cts-cmac"}) {
    CAPTURE(e);
    auto c = realm.kadmin_local("cpw -randkey -e " + e + ":normal krbtgt/" + realm.name());
    REQUIRE_MESSAGE(c.ok(), c.err);
    std::string krbtgt_keytab = realm.fresh_path("krbtgt.keytab");
    auto x = realm.kadmin_local("ktadd -k " + krbtgt_keytab + " -norandkey krbtgt/" + realm.name());
    REQUIRE_MESSAGE(x.ok(), x.err);
    Issued is = issue(realm, host, keytab);
    auto r =
        realm.run({krbkit_tool("klist"), "--decode", "-k", keytab, "--krbtgt-keytab", krbtgt_keytab, host},
                  {{"KRB5CCNAME", is.cache}});
    CHECK_MESSAGE(r.ok(), r.err);
    const std::string cksum = cksumtype_name(mandatory_checksum(enctype_from_name(e).value()));
    CHECK_MESSAGE(has(r.out, "    KDC signature:           " + cksum + ": verified (with krbtgt's key)\n"),
                  r.out);
    CHECK_MESSAGE(has(r.out, "    Ticket signature:        " + cksum + ": verified (with krbtgt's key)\n"),
                  r.out);
    // The same PAC with the KDC signature made by crc32 fails.
    std::string cc =
        forge(realm, is, Sig{mandatory_checksum(is.key.enctype), &is.key}, Sig{Cksumtype::crc32});
    auto f =
        realm.run({krbkit_tool("klist"), "--decode", "-k", keytab, "--krbtgt-keytab", krbtgt_keytab, host},
                  {{"KRB5CCNAME", cc}});
    CHECK(f.exit_code == 1);
    CHECK_MESSAGE(has(f.err, "PAC KDC signature FAILED"), f.err);
  }
}
