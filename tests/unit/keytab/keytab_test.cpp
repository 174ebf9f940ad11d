// Keytab format and files: golden bytes, versions, the 32-bit kvno, holes,
// damage rules, append/remove under the lock, default names.

#include "krbkit/keytab/keytab.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

using namespace krbkit;
using namespace krbkit::keytab;
namespace fs = std::filesystem;

namespace {

struct B {
  bool host = false;
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
  B& s16(std::string_view s) {
    u16(static_cast<std::uint16_t>(s.size()));
    for (char c : s) out.push_back(static_cast<std::uint8_t>(c));
    return *this;
  }
  B& raw(const Bytes& b) {
    out.insert(out.end(), b.begin(), b.end());
    return *this;
  }
};

// host/web.example.org@EXAMPLE.ORG, kvno, aes128 key "0123456789abcdef".
Bytes entry_body(int version, std::uint32_t kvno, bool with_kvno32 = true) {
  B b;
  b.host = version == 1;
  b.u16(version == 1 ? 3 : 2).s16("EXAMPLE.ORG").s16("host").s16("web.example.org");
  if (version == 2) b.u32(3);
  b.u32(1700000000).u8(static_cast<std::uint8_t>(kvno & 0xff)).u16(17).s16("0123456789abcdef");
  if (with_kvno32) b.u32(kvno);
  return b.out;
}

Bytes file_with(int version, std::initializer_list<Bytes> records) {
  B b;
  b.u8(5).u8(static_cast<std::uint8_t>(version));
  b.host = version == 1;
  for (const auto& r : records) b.u32(static_cast<std::uint32_t>(r.size())).raw(r);
  return b.out;
}

KeytabEntry sample(std::uint32_t kvno = 3, std::string host = "web.example.org") {
  KeytabEntry e;
  e.principal.type = NameType::srv_hst;
  e.principal.realm = "EXAMPLE.ORG";
  e.principal.components = {"host", std::move(host)};
  e.timestamp = KerberosTime(std::chrono::seconds(1700000000));
  e.kvno = kvno;
  e.key = Key(Enctype::aes128_cts_hmac_sha1_96, SecretBytes(as_bytes("0123456789abcdef")));
  return e;
}

std::string error_of(const Bytes& data) {
  auto r = parse(data, "/etc/krb5.keytab");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(Errc::keytab_format));
  return r.error().detail;
}

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "krbkit-kt-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(std::string_view n) const { return path + "/" + std::string(n); }
};

Bytes slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void must(const Result<void>& r) {
  if (!r.ok()) FAIL(r.error().message());
}

}  // namespace

TEST_CASE("version 2 golden bytes parse and serialize back") {
  const Bytes golden = file_with(2, {entry_body(2, 3)});
  auto kt = parse(golden, "golden");
  REQUIRE(kt.ok());
  CHECK(kt->version == 2);
  REQUIRE(kt->entries.size() == 1);
  const KeytabEntry& e = kt->entries[0];
  CHECK(e.principal.realm == "EXAMPLE.ORG");
  CHECK(e.principal.components == std::vector<std::string>{"host", "web.example.org"});
  CHECK(e.principal.type == NameType::srv_hst);
  CHECK(e.timestamp == KerberosTime(std::chrono::seconds(1700000000)));
  CHECK(e.kvno == 3);
  CHECK(e.key == sample().key);

  Keytab k;
  k.entries.push_back(sample());
  CHECK(to_hex(*serialize(k)) == to_hex(golden));
}

TEST_CASE("version 1: host byte order, realm counted, no name type") {
  const Bytes golden = file_with(1, {entry_body(1, 3)});
  CHECK(golden[1] == 1);
  CHECK(to_hex(BytesView(golden).subspan(2, 4)) == "43000000");  // record size 67, little-endian
  auto kt = parse(golden, "v1");
  REQUIRE(kt.ok());
  REQUIRE(kt->entries.size() == 1);
  CHECK(kt->entries[0].principal.components.size() == 2);
  CHECK(kt->entries[0].principal.type == NameType::unknown);
  Keytab k;
  k.version = 1;
  k.entries.push_back(sample());
  CHECK(to_hex(*serialize(k)) == to_hex(golden));
}

TEST_CASE("the 32-bit kvno extension: used when present and non-zero") {
  auto big = parse(file_with(2, {entry_body(2, 300)}), "x");
  REQUIRE(big.ok());
  CHECK(big->entries[0].kvno == 300);
  // Without the extension the 8-bit kvno is all there is.
  auto old = parse(file_with(2, {entry_body(2, 300, false)}), "x");
  REQUIRE(old.ok());
  CHECK(old->entries[0].kvno == 44);
  // A zero extension is zero-fill: keep the 8-bit kvno.
  Bytes zero = entry_body(2, 5);
  std::memset(zero.data() + zero.size() - 4, 0, 4);
  CHECK(parse(file_with(2, {zero}), "x")->entries[0].kvno == 5);
  // Padding after the entry (a reused hole) is ignored.
  Bytes padded = entry_body(2, 7);
  padded.resize(padded.size() + 10, 0);
  CHECK(parse(file_with(2, {padded}), "x")->entries[0].kvno == 7);
}

TEST_CASE("holes are skipped, an end marker ends the file") {
  B b;
  b.u8(5).u8(2);
  b.u32(static_cast<std::uint32_t>(-20)).raw(Bytes(20, 0));
  const Bytes e = entry_body(2, 9);
  b.u32(static_cast<std::uint32_t>(e.size())).raw(e);
  b.u32(0).raw(Bytes(8, 0));
  auto layout = parse_layout(b.out, "x");
  REQUIRE(layout.ok());
  REQUIRE(layout->keytab.entries.size() == 1);
  CHECK(layout->keytab.entries[0].kvno == 9);
  REQUIRE(layout->holes.size() == 1);
  CHECK(layout->holes[0].offset == 2);
  CHECK(layout->holes[0].size == 20);
  CHECK(layout->end == 2 + 24 + 4 + e.size());
  CHECK(parse(Bytes{}, "empty")->entries.empty());
}

TEST_CASE("damage: truncations, unknown version, impossible sizes and counts") {
  const Bytes good = file_with(2, {entry_body(2, 3), entry_body(2, 4)});
  for (std::size_t cut = 1; cut < good.size(); ++cut) {
    CAPTURE(cut);
    const bool boundary = cut == 2 || cut == 2 + 4 + entry_body(2, 3).size();
    auto r = parse(BytesView(good).first(cut), "/etc/krb5.keytab");
    CHECK(r.ok() == boundary);
    if (!r.ok()) CHECK(r.error().detail.rfind("/etc/krb5.keytab: byte ", 0) == 0);
  }
  CHECK(error_of(to_bytes("\x05\x03")).find("byte 0: version: unknown keytab version 0x0503") !=
        std::string::npos);
  CHECK(error_of(to_bytes("hello")).find("not a keytab") != std::string::npos);

  Bytes huge = file_with(2, {entry_body(2, 3)});
  huge[2] = 0x7f;
  CHECK(error_of(huge).find("byte 2: entry 1 size: 2130706503 runs past the end") != std::string::npos);

  Bytes intmin = file_with(2, {});
  put_u32be(intmin, 0x80000000u);
  CHECK(error_of(intmin).find("impossible size") != std::string::npos);

  Bytes count = file_with(2, {entry_body(2, 3)});
  count[6] = 0x7f;
  CHECK(error_of(count).find("byte 6: entry 1 component count: count 32514 is impossible") !=
        std::string::npos);

  Bytes keylen = entry_body(2, 3);
  const std::size_t key_len_at = keylen.size() - 4 - 16 - 2;
  keylen[key_len_at] = 0x01;
  CHECK(error_of(file_with(2, {keylen}))
            .find("byte " + std::to_string(6 + key_len_at) + ": entry 1 key: length 272") !=
        std::string::npos);

  Bytes junk = file_with(2, {entry_body(2, 3)});
  put_u32be(junk, 0);
  junk.push_back(1);
  CHECK(error_of(junk).find("end marker: followed by non-zero bytes") != std::string::npos);
}

TEST_CASE("files: append creates 0600 v2, remove leaves a zeroed hole that append reuses") {
  TempDir dir;
  const std::string name = "WRFILE:" + dir / "kt";
  CHECK(read_keytab(name).error().is(Errc::keytab_not_found));

  must(append(name, sample(1, "a.example.org")));
  must(append(name, sample(2, "b.example.org")));
  struct stat st {};
  REQUIRE(::stat((dir / "kt").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto kt = read_keytab("FILE:" + dir / "kt");
  REQUIRE(kt.ok());
  REQUIRE(kt->entries.size() == 2);
  CHECK(kt->entries[1].kvno == 2);
  const auto size_before = fs::file_size(dir / "kt");

  auto removed =
      remove(name, [](const KeytabEntry& e) { return e.principal.components[1] == "a.example.org"; });
  REQUIRE(removed.ok());
  CHECK(*removed == 1);
  const Bytes after_remove = slurp(dir / "kt");
  auto layout = parse_layout(after_remove, "kt");
  REQUIRE(layout.ok());
  REQUIRE(layout->holes.size() == 1);
  CHECK(after_remove.size() == size_before);
  // The removed key is gone from the file, not just unlinked from the list.
  CHECK(std::search(after_remove.begin(), after_remove.end(), std::begin("a.example.org"),
                    std::end("a.example.org") - 1) == after_remove.end());
  CHECK(read_keytab(name)->entries.size() == 1);

  // Same size entry: goes into the hole, the file does not grow.
  must(append(name, sample(3, "c.example.org")));
  CHECK(fs::file_size(dir / "kt") == size_before);
  kt = read_keytab(dir / "kt");
  REQUIRE(kt->entries.size() == 2);
  CHECK(kt->entries[0].kvno == 3);

  // A bigger one goes at the end.
  must(append(name, sample(300, "a-much-longer-host-name.example.org")));
  kt = read_keytab(dir / "kt");
  REQUIRE(kt->entries.size() == 3);
  CHECK(kt->entries[2].kvno == 300);
  CHECK(*remove(name, [](const KeytabEntry&) { return false; }) == 0);
}

TEST_CASE("append to a version 1 keytab writes version 1 records") {
  TempDir dir;
  Keytab k;
  k.version = 1;
  k.entries.push_back(sample(1));
  must(write_keytab(dir / "kt1", k));
  must(append(dir / "kt1", sample(2)));
  auto kt = read_keytab(dir / "kt1");
  REQUIRE(kt.ok());
  CHECK(kt->version == 1);
  REQUIRE(kt->entries.size() == 2);
  CHECK(kt->entries[1].kvno == 2);
}

TEST_CASE("a damaged keytab is not appended to") {
  TempDir dir;
  std::ofstream(dir / "bad", std::ios::binary) << std::string("\x05\x02\x00\x00\x01\x00", 6);
  auto r = append(dir / "bad", sample());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(Errc::keytab_format));
  CHECK(fs::file_size(dir / "bad") == 6);
}

TEST_CASE("keytab names and defaults") {
  CHECK(*keytab_path("FILE:/etc/krb5.keytab") == "/etc/krb5.keytab");
  CHECK(*keytab_path("WRFILE:/x") == "/x");
  CHECK(*keytab_path("/x") == "/x");
  CHECK(keytab_path("MEMORY:x").error().is(Errc::unsupported));
  CHECK(keytab_path("KDB:").error().detail == "keytab type KDB not supported");

  const char* saved_kt = std::getenv("KRB5_KTNAME");
  const char* saved_ckt = std::getenv("KRB5_CLIENT_KTNAME");
  std::string kt_copy = saved_kt ? saved_kt : "", ckt_copy = saved_ckt ? saved_ckt : "";
  ::unsetenv("KRB5_KTNAME");
  ::unsetenv("KRB5_CLIENT_KTNAME");
  const std::string euid = std::to_string(::geteuid());
  CHECK(*default_keytab_name() == "FILE:/etc/krb5.keytab");
  CHECK(*default_keytab_name(std::string("FILE:/etc/%{uid}.keytab")) ==
        "FILE:/etc/" + std::to_string(::getuid()) + ".keytab");
  CHECK(*default_client_keytab_name() == "FILE:/etc/krb5/user/" + euid + "/client.keytab");
  CHECK(*default_client_keytab_name(std::string("FILE:/k/%{euid}")) == "FILE:/k/" + euid);
  ::setenv("KRB5_KTNAME", "FILE:/env.keytab", 1);
  ::setenv("KRB5_CLIENT_KTNAME", "FILE:/envc.keytab", 1);
  CHECK(*default_keytab_name(std::string("FILE:/conf")) == "FILE:/env.keytab");
  CHECK(*default_client_keytab_name(std::string("FILE:/conf")) == "FILE:/envc.keytab");
  if (saved_kt)
    ::setenv("KRB5_KTNAME", kt_copy.c_str(), 1);
  else
    ::unsetenv("KRB5_KTNAME");
  if (saved_ckt)
    ::setenv("KRB5_CLIENT_KTNAME", ckt_copy.c_str(), 1);
  else
    ::unsetenv("KRB5_CLIENT_KTNAME");
}

TEST_CASE("describe_error: a missing keytab in MIT's words, other errors as they are") {
  auto missing = read_keytab("FILE:/nonexistent/krbkit.keytab");
  REQUIRE_FALSE(missing.ok());
  Error e = missing.error();
  e.context.push_back("starting keytab scan");
  CHECK(describe_error(e) ==
        "Key table file '/nonexistent/krbkit.keytab' not found while starting keytab scan");
  const Error other{Errc::keytab_format, "bad version"};
  CHECK(describe_error(other) == other.message());
}
