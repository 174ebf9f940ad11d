// Caches captured from MIT's and Heimdal's own tools (tests/data/ccache, with
// each tool's listing of the same file next to it): krbkit reads every field,
// and rewrites MIT's and Heimdal's files byte for byte.

#include <doctest/doctest.h>

#include <fstream>

#include "krbkit/ccache/format.hpp"

using namespace krbkit;
using namespace krbkit::ccache;

namespace {

Bytes data_file(const std::string& name) {
  std::ifstream in(std::string(KRBKIT_TEST_DATA_DIR) + "/ccache/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), name);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

std::string unparse(const Principal& p) {
  std::string out;
  for (std::size_t i = 0; i < p.components.size(); ++i) out += (i ? "/" : "") + p.components[i];
  return out + "@" + p.realm;
}

CacheContents must_parse(const Bytes& data) {
  auto r = parse(data, "captured");
  if (!r.ok()) FAIL(r.error().message());
  return std::move(r).value();
}

// Ticket flags as MIT klist letters (klist.c), to compare with the captured listing.
std::string flag_letters(std::uint32_t f) {
  std::string s;
  const std::pair<int, char> bits[] = {{1, 'F'},  {2, 'f'},  {3, 'P'},  {4, 'p'}, {5, 'D'},
                                       {6, 'd'},  {7, 'i'},  {8, 'R'},  {9, 'I'}, {10, 'A'},
                                       {11, 'H'}, {12, 'T'}, {13, 'O'}, {14, 'a'}};
  for (auto [bit, letter] : bits)
    if (f & (0x80000000u >> bit)) s += letter;
  return s;
}

}  // namespace

TEST_CASE("MIT kinit + kvno caches, v4 and v3 (see the .klist listings)") {
  for (const auto& row :
       {std::pair{"mit_v4_kinit_kvno.ccache", 4}, std::pair{"mit_v3_kinit_kvno.ccache", 3}}) {
    const auto [file, version] = row;  // a structured binding cannot be CAPTUREd (clang 14)
    CAPTURE(row.first);
    const Bytes data = data_file(file);
    const CacheContents c = must_parse(data);
    CHECK(c.version == version);
    CHECK(unparse(c.default_principal) == "alice@KRBKIT.TEST");
    if (version == 4) {
      REQUIRE(c.kdc_offset.has_value());  // MIT writes the tag even for a zero offset
      CHECK(c.kdc_offset == KdcOffset{0, 0});
    }
    REQUIRE(c.creds.size() == 2);
    CHECK(unparse(c.creds[0].server) == "krbtgt/KRBKIT.TEST@KRBKIT.TEST");
    CHECK(unparse(c.creds[1].server) == "host/server.krbkit.test@KRBKIT.TEST");
    CHECK(flag_letters(c.creds[0].flags) == "RIA");
    CHECK(flag_letters(c.creds[1].flags) == "RAT");
    for (const auto& cr : c.creds) {
      CHECK(cr.session_key.enctype == Enctype::aes256_cts_hmac_sha1_96);
      CHECK(cr.session_key.bytes.size() == 32);
      CHECK(cr.renew_till - cr.authtime == std::chrono::hours(24));
      CHECK(cr.endtime - cr.authtime == std::chrono::hours(10));
      CHECK(cr.addresses.empty());
      CHECK(cr.ticket.front() == 0x61);
    }
    CHECK(c.creds[0].starttime == c.creds[0].authtime);
    REQUIRE(c.config_entries.size() == 2);
    CHECK(find_config(c, "fast_avail", "krbtgt/KRBKIT.TEST@KRBKIT.TEST") == to_bytes("yes"));
    CHECK(find_config(c, "pa_type", "krbtgt/KRBKIT.TEST@KRBKIT.TEST") == to_bytes("2"));
    CHECK(c.config_entries[0].server.type == NameType::principal);
    // Rewritten in the same version: MIT's exact bytes.
    CHECK(*serialize(c, version) == data);
  }
}

TEST_CASE("Heimdal kinit + kgetcred cache (see heimdal_kinit_kgetcred.klist)") {
  const Bytes data = data_file("heimdal_kinit_kgetcred.ccache");
  const CacheContents c = must_parse(data);
  CHECK(c.version == 4);
  CHECK(unparse(c.default_principal) == "alice@HKRBKIT.TEST");
  REQUIRE(c.creds.size() == 2);
  CHECK(unparse(c.creds[0].server) == "krbtgt/HKRBKIT.TEST@HKRBKIT.TEST");
  CHECK(unparse(c.creds[1].server) == "host/server.krbkit.test@HKRBKIT.TEST");
  CHECK(c.creds[0].ticket.size() == 322);  // "Ticket length: 322"
  CHECK(c.creds[1].ticket.size() == 348);
  CHECK(c.creds[0].endtime - c.creds[0].authtime == std::chrono::hours(10));
  CHECK(find_config(c, "start_realm") == to_bytes("HKRBKIT.TEST"));
  // Heimdal writes its config entries after the TGT, not first as MIT does.
  CHECK(c.config_after == std::vector<std::size_t>(c.config_entries.size(), 1));
  // Everything survives a rewrite, in Heimdal's order: the same bytes.
  const CacheContents again = must_parse(*serialize(c, 4));
  CHECK(again.config_entries.size() == c.config_entries.size());
  CHECK(*serialize(again, 4) == *serialize(c, 4));
  CHECK(*serialize(c, 4) == data);
}
