// Credential caches shared with MIT's tools, in a loopback MIT realm:
// caches MIT kinit/kvno wrote (v4 and v3, with config entries) are read with
// every field intact; caches krbkit wrote are listed by MIT klist and used by
// MIT kvno; DIR collections written by krbkit are switched and listed by MIT.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "krbkit/ccache/cache.hpp"
#include "realm/realm.hpp"

using namespace krbkit;
using namespace krbkit::ccache;
using namespace krbkit::test;

namespace {

Bytes slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

std::string path_of(const std::string& name) { return name.substr(name.find(':') + 1); }

std::string unparse(const Principal& p) {
  std::string out;
  for (std::size_t i = 0; i < p.components.size(); ++i) out += (i ? "/" : "") + p.components[i];
  return out + "@" + p.realm;
}

// kinit as alice with MIT's tool, then kvno for the host service.
std::string mit_kinit_kvno(Realm& realm, const EnvChanges& env = {}) {
  const std::string cc = realm.fresh_ccache();
  auto r = realm.run({"kinit", "-c", cc, realm.principal("alice")}, env, realm.password("alice") + "\n");
  REQUIRE_MESSAGE(r.ok(), r.err);
  r = realm.run({"kvno", "-c", cc, realm.host_principal()}, env);
  REQUIRE_MESSAGE(r.ok(), r.err);
  return cc;
}

CacheContents read_cache(const std::string& name) {
  auto cache = open(name);
  REQUIRE(cache.ok());
  auto contents = (*cache)->read();
  if (!contents.ok()) FAIL(contents.error().message());
  return std::move(contents).value();
}

// MIT's own view of one ticket, from `klist -e -f -C`: "Flags: RIA" and the enctypes.
struct KlistTicket {
  std::string server, flags, skey_etype;
};
std::vector<KlistTicket> klist_tickets(Realm& realm, const std::string& cc) {
  auto r = realm.run({"klist", "-e", "-f", "-c", cc});
  REQUIRE_MESSAGE(r.ok(), r.err);
  std::vector<KlistTicket> out;
  std::regex ticket(R"(^\S+ \S+\s+\S+ \S+\s+(\S+@\S+)$)"), flags(R"(Flags: (\w+))"),
      etype(R"(Etype \(skey, tkt\): ([\w-]+),)");
  std::istringstream lines(r.out);
  std::string line;
  std::smatch m;
  while (std::getline(lines, line)) {
    if (std::regex_search(line, m, ticket))
      out.push_back({m[1], "", ""});
    else if (!out.empty() && std::regex_search(line, m, flags))
      out.back().flags = m[1];
    if (!out.empty() && std::regex_search(line, m, etype)) out.back().skey_etype = m[1];
  }
  return out;
}

// MIT klist's flag letters from the ticket flags word (klist.c flags_string).
std::string flag_letters(std::uint32_t f) {
  std::string s;
  const std::pair<int, char> bits[] = {{1, 'F'},  {2, 'f'},  {3, 'P'},  {4, 'p'}, {5, 'D'},
                                       {6, 'd'},  {7, 'i'},  {8, 'R'},  {9, 'I'}, {10, 'A'},
                                       {11, 'H'}, {12, 'T'}, {13, 'O'}, {14, 'a'}};
  for (auto [bit, letter] : bits)
    if (f & (0x80000000u >> bit)) s += letter;
  return s;
}

void check_matches_klist(Realm& realm, const std::string& cc, const CacheContents& c) {
  auto mit = klist_tickets(realm, cc);
  REQUIRE(mit.size() == c.creds.size());
  for (std::size_t i = 0; i < mit.size(); ++i) {
    CAPTURE(i);
    CHECK(mit[i].server == unparse(c.creds[i].server));
    CHECK(mit[i].flags == flag_letters(c.creds[i].flags));
    CHECK(mit[i].skey_etype == (c.creds[i].session_key.enctype == Enctype::aes256_cts_hmac_sha1_96
                                    ? "aes256-cts-hmac-sha1-96"
                                    : mit[i].skey_etype));
  }
}

void check_mit_cache(Realm& realm, const std::string& cc, int version) {
  const CacheContents c = read_cache(cc);
  CHECK(c.version == version);
  CHECK(unparse(c.default_principal) == realm.principal("alice"));
  REQUIRE(c.creds.size() == 2);
  const Credentials& tgt = c.creds[0];
  CHECK(unparse(tgt.server) == "krbtgt/" + realm.name() + "@" + realm.name());
  CHECK(unparse(tgt.client) == realm.principal("alice"));
  CHECK(tgt.session_key.bytes.size() == 32);
  CHECK(tgt.endtime > tgt.authtime);
  CHECK(tgt.renew_till >= tgt.endtime);
  CHECK(tgt.ticket.size() > 100);
  CHECK(tgt.ticket[0] == 0x61);  // [APPLICATION 1] Ticket
  CHECK_FALSE(tgt.is_skey);
  CHECK(tgt.second_ticket.empty());
  CHECK(unparse(c.creds[1].server) == realm.host_principal());
  // MIT's kinit leaves config entries: fast_avail and pa_type (2 = encrypted timestamp).
  const std::string tgs = "krbtgt/" + realm.name() + "@" + realm.name();
  CHECK(find_config(c, "pa_type", tgs) == to_bytes("2"));
  CHECK(find_config(c, "fast_avail", tgs) == to_bytes("yes"));
  check_matches_klist(realm, cc, c);
  // Every field kept: writing it again in the same version gives MIT's bytes.
  auto again = serialize(c, version);
  REQUIRE(again.ok());
  CHECK(*again == slurp(path_of(cc)));
}

}  // namespace

TEST_CASE("a v4 cache written by MIT kinit + kvno is read with every field") {
  Realm& realm = Realm::shared();
  const std::string cc = mit_kinit_kvno(realm);
  check_mit_cache(realm, cc, 4);
}

TEST_CASE("a v3 cache (ccache_type = 3) written by MIT is read with every field") {
  Realm& realm = Realm::shared();
  const std::string extra = realm.fresh_path("ccache3.conf");
  std::ofstream(extra) << "[libdefaults]\n ccache_type = 3\n";
  const std::string cc = mit_kinit_kvno(realm, {{"KRB5_CONFIG", extra + ":" + realm.config()}});
  check_mit_cache(realm, cc, 3);
}

TEST_CASE("caches written by krbkit are listed by MIT klist and used by MIT kvno") {
  Realm& realm = Realm::shared();
  // A TGT from MIT, moved into caches krbkit writes (v4 and v3) without the
  // service ticket, so MIT's kvno has to use the TGT from our file.
  const std::string source = mit_kinit_kvno(realm);
  CacheContents c = read_cache(source);
  c.creds.pop_back();
  for (int version : {4, 3}) {
    CAPTURE(version);
    const std::string cc = realm.fresh_ccache();
    auto cache = open(cc);
    REQUIRE(cache.ok());
    auto w = (*cache)->write(c, version);
    REQUIRE_MESSAGE(w.ok(), w.error().message());
    CHECK(slurp(path_of(cc))[1] == version);

    auto list = realm.run({"klist", "-c", cc});
    REQUIRE_MESSAGE(list.ok(), list.err);
    CHECK(list.out.find("Default principal: " + realm.principal("alice")) != std::string::npos);
    CHECK(list.out.find("krbtgt/" + realm.name() + "@" + realm.name()) != std::string::npos);
    auto conf = realm.run({"klist", "-C", "-c", cc});
    CHECK(conf.out.find("config: pa_type(krbtgt/" + realm.name()) != std::string::npos);

    auto kvno = realm.run({"kvno", "-c", cc, realm.host_principal()});
    REQUIRE_MESSAGE(kvno.ok(), kvno.err);
    CHECK(kvno.out.find("kvno = 1") != std::string::npos);
    // MIT appended its service ticket to our file, in our file's version.
    const CacheContents after = read_cache(cc);
    CHECK(after.version == version);
    REQUIRE(after.creds.size() == 2);
    CHECK(unparse(after.creds[1].server) == realm.host_principal());

    // And krbkit appends to a file MIT appended to; MIT still reads it.
    Credentials dup = after.creds[1].clone();
    REQUIRE((*cache)->replace(dup).ok());
    CHECK(read_cache(cc).creds.size() == 2);
    CHECK(realm.run({"klist", "-s", "-c", cc}).ok());

    REQUIRE((*cache)->destroy().ok());
    auto gone = realm.run({"klist", "-c", cc});
    CHECK_FALSE(gone.ok());
    CHECK(gone.err.find("No credentials cache found") != std::string::npos);
  }
}

TEST_CASE("a DIR collection written by krbkit is listed and switched by MIT") {
  Realm& realm = Realm::shared();
  CacheContents alice = read_cache(mit_kinit_kvno(realm));
  const std::string dir = realm.fresh_path("ccdir");
  const std::string coll = "DIR:" + dir;
  auto first = open(coll);
  REQUIRE(first.ok());
  REQUIRE((*first)->write(alice).ok());
  auto second = new_unique(coll);
  REQUIRE(second.ok());
  CacheContents other = alice.clone();
  REQUIRE((*second)->write(other).ok());

  auto list = realm.run({"klist", "-l"}, {{"KRB5CCNAME", coll}});
  REQUIRE_MESSAGE(list.ok(), list.err);
  CHECK(list.out.find((*first)->name()) != std::string::npos);
  CHECK(list.out.find((*second)->name()) != std::string::npos);

  // MIT kswitch writes the primary file; krbkit follows it.
  auto sw = realm.run({"kswitch", "-c", (*second)->name()}, {{"KRB5CCNAME", coll}});
  REQUIRE_MESSAGE(sw.ok(), sw.err);
  CHECK((*open(coll))->name() == (*second)->name());
  CHECK((*list_collection(coll))[0] == (*second)->name());
  // krbkit's switch is followed by MIT.
  REQUIRE(switch_to((*first)->name()).ok());
  auto klist = realm.run({"klist"}, {{"KRB5CCNAME", coll}});
  CHECK(klist.out.find("Ticket cache: " + (*first)->name()) != std::string::npos);
}

TEST_CASE("a cache written by Heimdal kinit is read, and Heimdal lists krbkit's copy") {
  Realm* heimdal = Realm::shared_heimdal();
  if (heimdal == nullptr) {
    MESSAGE("skipped: " << heimdal_unavailable().value_or("Heimdal unavailable"));
    return;
  }
  const std::string bin = heimdal->get("HEIMDAL_BIN");
  const std::string cc = heimdal->fresh_ccache();
  auto r = heimdal->run({bin + "/kinit", "--password-file=STDIN", "-c", cc, heimdal->principal("alice")}, {},
                        heimdal->password("alice") + "\n");
  REQUIRE_MESSAGE(r.ok(), r.err);
  const CacheContents c = read_cache(cc);
  CHECK(unparse(c.default_principal) == heimdal->principal("alice"));
  REQUIRE_FALSE(c.creds.empty());
  CHECK(unparse(c.creds[0].server) == "krbtgt/" + heimdal->name() + "@" + heimdal->name());
  CHECK(c.creds[0].ticket.size() > 100);
  // Heimdal records the realm it started in.
  CHECK(find_config(c, "start_realm") == to_bytes(heimdal->name()));

  const std::string copy = heimdal->fresh_ccache();
  REQUIRE((*open(copy))->write(c).ok());
  auto list = heimdal->run({bin + "/klist", "-c", copy});
  REQUIRE_MESSAGE(list.ok(), list.err);
  CHECK(list.out.find("krbtgt/" + heimdal->name() + "@" + heimdal->name()) != std::string::npos);
}
