// Keytabs captured from MIT kadmin ktadd, MIT ktutil and Heimdal ktutil
// (tests/data/keytab), checked against each tool's own listing of the same
// file (the .klist next to it): principal, kvno and key bytes.

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

#include "krbkit/keytab/keytab.hpp"

using namespace krbkit;
using namespace krbkit::keytab;

namespace {

std::string data_path(const std::string& name) {
  return std::string(KRBKIT_TEST_DATA_DIR) + "/keytab/" + name;
}

std::string slurp_text(const std::string& name) {
  std::ifstream in(data_path(name));
  REQUIRE_MESSAGE(in.good(), name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string unparse(const Principal& p) {
  std::string out;
  for (std::size_t i = 0; i < p.components.size(); ++i) out += (i ? "/" : "") + p.components[i];
  return out + "@" + p.realm;
}

struct Row {
  std::uint32_t kvno;
  std::string principal, key_hex;
};

// Rows of a listing: MIT "  1 <date> <time> princ (etype)  (0xKEY)" or
// Heimdal "  5  etype  princ  KEY".
std::vector<Row> rows(const std::string& listing, const std::regex& re) {
  std::vector<Row> out;
  std::istringstream lines(listing);
  std::string line;
  std::smatch m;
  while (std::getline(lines, line))
    if (std::regex_search(line, m, re))
      out.push_back({static_cast<std::uint32_t>(std::stoul(m[1])), m[2], m[3]});
  return out;
}

void check_against(const std::string& keytab_file, const std::vector<Row>& want) {
  auto kt = read_keytab("FILE:" + data_path(keytab_file));
  if (!kt.ok()) FAIL(kt.error().message());
  REQUIRE(kt->entries.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(unparse(kt->entries[i].principal) == want[i].principal);
    CHECK(kt->entries[i].kvno == want[i].kvno);
    CHECK(to_hex(kt->entries[i].key.bytes.view()) == want[i].key_hex);
  }
}

const std::regex kMitRow(R"(^\s*(\d+) (?:\S+ \S+ )?(\S+) \([^)]*\)\s+\(0x([0-9a-f]+)\))");

}  // namespace

TEST_CASE("MIT kadmin ktadd keytab: every enctype's key as MIT lists it") {
  const auto want = rows(slurp_text("mit_kadmin_ktadd.klist"), kMitRow);
  REQUIRE(want.size() >= 7);
  check_against("mit_kadmin_ktadd.keytab", want);
  auto kt = read_keytab(data_path("mit_kadmin_ktadd.keytab"));
  CHECK(kt->version == 2);
  CHECK(kt->entries[0].key.enctype == Enctype::aes256_cts_hmac_sha1_96);
  CHECK(kt->entries[0].principal.type == NameType::principal);
}

TEST_CASE("MIT ktutil keytab with kvno 300 (32-bit kvno extension)") {
  const auto want = rows(slurp_text("mit_ktutil_kvno300.klist"), kMitRow);
  REQUIRE(want.size() == 1);
  CHECK(want[0].kvno == 300);
  check_against("mit_ktutil_kvno300.keytab", want);
}

TEST_CASE("Heimdal ktutil keytab") {
  const auto want =
      rows(slurp_text("heimdal_ktutil.klist"), std::regex(R"(^\s*(\d+)\s+[\w-]+\s+(\S+@\S+)\s+([0-9a-f]+))"));
  REQUIRE(want.size() == 1);
  check_against("heimdal_ktutil.keytab", want);
}

TEST_CASE("a version 1 keytab (0x0501, native byte order): read as MIT's klist reads it") {
  // v1_native.keytab holds the records of the two MIT keytabs above in
  // version 1 (realm counted, no name type, integers in this machine's
  // order); v1_native.klist is MIT 1.20's klist -k -t -K -e of it.
  const Bytes data = [] {
    std::ifstream in(data_path("v1_native.keytab"), std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
  }();
  REQUIRE(data.size() > 6);
  CHECK(data[0] == 0x05);
  CHECK(data[1] == 0x01);
  const auto want = rows(slurp_text("v1_native.klist"), kMitRow);
  REQUIRE(want.size() == 8);
  CHECK(want.back().kvno == 300);  // the 32-bit kvno extension, in native order too
  check_against("v1_native.keytab", want);
  auto kt = read_keytab(data_path("v1_native.keytab"));
  REQUIRE(kt.ok());
  CHECK(kt->version == 1);
  CHECK(kt->entries[0].principal.type == NameType::unknown);  // version 1 has none (MIT: 0)
  CHECK(kt->entries[0].key.enctype == Enctype::aes256_cts_hmac_sha1_96);
  CHECK(kt->entries[6].key.enctype == Enctype::rc4_hmac);
  CHECK(kt->entries[0].timestamp == KerberosTime(std::chrono::seconds(0x6b0256ab)));
  // Written back, it stays version 1, byte for byte.
  auto bytes = serialize(*kt);
  REQUIRE(bytes.ok());
  CHECK(to_hex(*bytes) == to_hex(data));
}

TEST_CASE("captured keytabs rewrite to the same entries") {
  for (const char* f : {"mit_kadmin_ktadd.keytab", "mit_ktutil_kvno300.keytab", "heimdal_ktutil.keytab",
                        "v1_native.keytab"}) {
    CAPTURE(f);
    auto kt = read_keytab(data_path(f));
    REQUIRE(kt.ok());
    auto bytes = serialize(*kt);
    REQUIRE(bytes.ok());
    auto back = parse(*bytes, f);
    REQUIRE(back.ok());
    REQUIRE(back->entries.size() == kt->entries.size());
    for (std::size_t i = 0; i < kt->entries.size(); ++i) {
      CHECK(back->entries[i].key == kt->entries[i].key);
      CHECK(back->entries[i].kvno == kt->entries[i].kvno);
      CHECK(back->entries[i].timestamp == kt->entries[i].timestamp);
    }
  }
}
