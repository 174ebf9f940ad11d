// KEYRING caches: the key payloads MIT writes, and the cache operations on
// real kernel keyrings (each test case in a session keyring of its own).

#include <doctest/doctest.h>
#include <keyutils.h>

#include <algorithm>
#include <chrono>

#include "krbkit/ccache/cache.hpp"
#include "krbkit/ccache/cache_choice.hpp"
#include "krbkit/ccache/keyring_payload.hpp"
#include "krbkit/proto/principal.hpp"

using namespace krbkit;
using namespace krbkit::ccache;

namespace {

// "alice" -> alice@R, "svc/h" -> svc/h@R.
Principal princ(std::string_view name) { return *parse_principal(name, "R"); }

// A ticket for <service>/h@R that ends in 2096, so the kernel keeps its key.
Credentials cred(std::string_view service, std::string_view ticket = "T") {
  Credentials c;
  c.client = princ("alice");
  c.server = princ(std::string(service) + "/h");
  c.session_key = Key(Enctype::aes128_cts_hmac_sha1_96, SecretBytes(as_bytes("0123456789abcdef")));
  c.endtime = KerberosTime(std::chrono::seconds(4000000000U));
  c.ticket = to_bytes(ticket);
  return c;
}

std::vector<Credentials> one_tgt() {
  std::vector<Credentials> out;
  out.push_back(cred("krbtgt"));
  return out;
}

void fresh_session() { REQUIRE(::keyctl_join_session_keyring(nullptr) >= 0); }

std::unique_ptr<Cache> must_open(std::string_view name) {
  auto r = open(name);
  if (!r.ok()) FAIL(r.error().message());
  return std::move(*r);
}

}  // namespace

TEST_CASE("keyring payloads: the primary key, the time offsets, lone records, as MIT writes them") {
  // cc_keyring.c set_primary_name: version 1, length, name; big-endian.
  const Bytes primary = keyring::serialize_primary("krb_ccache_AbC");
  CHECK(primary ==
        Bytes{0, 0, 0, 1, 0, 0, 0, 14, 'k', 'r', 'b', '_', 'c', 'c', 'a', 'c', 'h', 'e', '_', 'A', 'b', 'C'});
  CHECK(*keyring::parse_primary(primary) == "krb_ccache_AbC");
  CHECK(keyring::parse_primary(Bytes{0, 0, 0, 1, 0, 0}).error().is(Errc::ccache_format));
  CHECK(keyring::parse_primary(Bytes{0, 0, 0, 2, 0, 0, 0, 0})
            .error()
            .detail.find("unknown collection version 2") != std::string::npos);
  CHECK(keyring::parse_primary(Bytes{0, 0, 0, 1, 0, 0, 0, 9, 'x'}).error().detail.find("runs past the end") !=
        std::string::npos);
  const KdcOffset offset{-3, 250000};
  CHECK(keyring::serialize_time_offsets(offset) == Bytes{0xff, 0xff, 0xff, 0xfd, 0, 3, 0xd0, 0x90});
  CHECK(*keyring::parse_time_offsets(keyring::serialize_time_offsets(offset)) == offset);
  CHECK_FALSE(keyring::parse_time_offsets(Bytes{1, 2, 3}).ok());

  Credentials c = cred("svc");
  Bytes record = *serialize_credential(c, 4);
  auto back = parse_credential_record(record, "key 7");
  REQUIRE(back.ok());
  CHECK(back->server == c.server);
  CHECK(back->ticket == c.ticket);
  record.push_back(0);
  auto trailing = parse_credential_record(record, "key 7");
  REQUIRE_FALSE(trailing.ok());
  CHECK(trailing.error().detail.find("key 7: byte") == 0);
  CHECK(trailing.error().detail.find("1 bytes after its end") != std::string::npos);
  record.resize(record.size() - 5);
  CHECK(parse_credential_record(record, "key 7").error().is(Errc::ccache_format));
  const Bytes p = *serialize_principal_record(c.client);
  CHECK(*parse_principal_record(p, "__krb5_princ__") == c.client);
}

TEST_CASE("KEYRING: write, read, store, rewrite, destroy; the name MIT gives the primary") {
  fresh_session();
  auto cache = must_open("KEYRING:session:unit");
  CHECK(cache->name() == "KEYRING:session:unit:unit");
  CHECK(cache->type() == "KEYRING");
  CHECK_FALSE(cache->exists());
  CHECK(cache->read().error().is(Errc::ccache_not_found));
  CHECK(cache->destroy().error().is(Errc::ccache_not_found));
  CacheContents contents;
  contents.default_principal = princ("alice");
  contents.kdc_offset = KdcOffset{5, 7};
  contents.creds.push_back(cred("krbtgt"));
  REQUIRE(cache->write(contents).ok());
  CHECK(cache->exists());
  auto read = cache->read();
  REQUIRE(read.ok());
  CHECK(read->default_principal == contents.default_principal);
  CHECK(read->kdc_offset == contents.kdc_offset);
  REQUIRE(read->creds.size() == 1);
  REQUIRE(cache->store(cred("http", "T2")).ok());
  REQUIRE(cache->replace(cred("http", "T3")).ok());
  REQUIRE(cache->set_config("pa_type", "", as_bytes("2")).ok());
  read = cache->read();
  REQUIRE(read->creds.size() == 2);
  CHECK(find_config(*read, "pa_type") == to_bytes("2"));
  CHECK(*cache->remove(princ("http/h")) == 1);
  CHECK(cache->read()->creds.size() == 1);
  // The same name opened again reaches the same keyring.
  CHECK(must_open("KEYRING:session:unit:unit")->read()->creds.size() == 1);
  REQUIRE(cache->destroy().ok());
  CHECK_FALSE(cache->exists());
  CHECK(must_open("KEYRING:legacyname")->name() == "KEYRING:legacy:legacyname:legacyname");
  CHECK(must_open("KEYRING:persistent:")->name() == "KEYRING:persistent::tkt");
  CHECK(open("KEYRING:nosuchanchor:x").error().is(Errc::invalid_argument));
}

TEST_CASE("KEYRING: a ticket larger than the first read (an AD ticket with a big PAC) reads back whole") {
  fresh_session();
  auto cache = must_open("KEYRING:session:big");
  CacheContents contents;
  contents.default_principal = princ("alice");
  std::string big(30000, 'p');
  big.front() = '<';
  big.back() = '>';
  contents.creds.push_back(cred("krbtgt", big));
  contents.creds.push_back(cred("http", "small"));
  REQUIRE(cache->write(contents).ok());
  auto read = cache->read();
  REQUIRE(read.ok());
  REQUIRE(read->creds.size() == 2);
  std::vector<std::size_t> sizes;
  for (const auto& c : read->creds) sizes.push_back(c.ticket.size());
  std::sort(sizes.begin(), sizes.end());
  CHECK(sizes == std::vector<std::size_t>{5, 30000});
  for (const auto& c : read->creds)
    if (c.ticket.size() == 30000) CHECK(c.ticket == to_bytes(big));
  REQUIRE(cache->destroy().ok());
}

TEST_CASE(
    "KEYRING: read_each hands over read()'s records, in read()'s order, large keys between small ones") {
  fresh_session();
  auto cache = must_open("KEYRING:session:each");
  CacheContents contents;
  contents.default_principal = princ("alice");
  contents.kdc_offset = KdcOffset{-2, 0};
  // One reader buffer serves every key: a large one, a larger one, a
  // smaller large one, and small ones after them must each read back whole.
  contents.creds.push_back(cred("krbtgt", std::string(20000, 'a')));
  contents.creds.push_back(cred("http", std::string(30000, 'b')));
  contents.creds.push_back(cred("ldap", std::string(9000, 'c')));
  contents.creds.push_back(cred("imap", "small"));
  set_config(contents, "pa_type", "", as_bytes("2"));
  REQUIRE(cache->write(contents).ok());
  auto whole = cache->read();
  REQUIRE(whole.ok());
  std::vector<std::pair<Principal, Bytes>> seen;
  std::size_t configs = 0;
  auto head = cache->read_each([&](const CacheContents& h, const Credentials& record, bool config) {
    CHECK(h.default_principal == princ("alice"));
    if (config) ++configs;
    if (!config) seen.emplace_back(record.server, record.ticket);
  });
  REQUIRE(head.ok());
  CHECK(head->creds.empty());
  CHECK(head->kdc_offset == contents.kdc_offset);
  CHECK(configs == 1);
  REQUIRE(seen.size() == whole->creds.size());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    CHECK(seen[i].first == whole->creds[i].server);
    CHECK(seen[i].second == whole->creds[i].ticket);
  }
  std::vector<std::size_t> sizes;
  for (const auto& [server, ticket] : seen) sizes.push_back(ticket.size());
  std::sort(sizes.begin(), sizes.end());
  CHECK(sizes == std::vector<std::size_t>{5, 9000, 20000, 30000});
  REQUIRE(cache->destroy().ok());
  CHECK(cache->read_each([](const CacheContents&, const Credentials&, bool) {})
            .error()
            .is(Errc::ccache_not_found));
}

TEST_CASE("KEYRING collections: new caches, the primary, listing, kinit's choice") {
  fresh_session();
  const std::string coll = "KEYRING:session:units";
  CHECK(list_collection(coll)->empty());
  REQUIRE(must_open(coll)->initialize_and_store(princ("alice"), one_tgt()).ok());
  auto fresh = new_unique(coll);
  REQUIRE(fresh.ok());
  const std::string bob_name = (*fresh)->name();
  CHECK(bob_name.rfind("KEYRING:session:units:krb_ccache_", 0) == 0);
  CHECK(bob_name.size() == std::string("KEYRING:session:units:krb_ccache_").size() + 7);  // as MIT's
  CHECK((*fresh)->read().error().is(Errc::ccache_not_found));
  // An uninitialized cache keyring is listed, as MIT's cursor yields it.
  CHECK(*list_collection(coll) == std::vector<std::string>{"KEYRING:session:units:units", bob_name});
  REQUIRE((*fresh)->initialize_and_store(princ("bob"), one_tgt()).ok());
  REQUIRE(switch_to(bob_name).ok());
  CHECK(must_open(coll)->name() == bob_name);
  CHECK(*list_collection(coll) == std::vector<std::string>{bob_name, "KEYRING:session:units:units"});
  CHECK(*find_in_collection(coll, princ("alice")) == "KEYRING:session:units:units");
  CHECK(*list_collection(bob_name) == std::vector<std::string>{bob_name});
  CHECK(new_unique(bob_name).error().is(Errc::unsupported));

  auto choice = choose_cache_for(must_open(coll), coll, princ("carol"), princ("bob"));
  REQUIRE(choice.ok());
  CHECK(choice->kind == "new");
  choice = choose_cache_for(must_open(coll), coll, princ("alice"), princ("bob"));
  REQUIRE(choice.ok());
  CHECK(choice->kind == "existing");
  CHECK(choice->cache->name() == "KEYRING:session:units:units");
}
