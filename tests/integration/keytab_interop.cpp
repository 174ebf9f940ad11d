// Keytabs shared with MIT's (and Heimdal's) tools: keytabs written by MIT
// kadmin ktadd and ktutil are read with the keys MIT itself shows; a keytab
// written by krbkit is listed by MIT klist -k and works for MIT kinit -k.

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "krbkit/keytab/keytab.hpp"
#include "realm/realm.hpp"

using namespace krbkit;
using namespace krbkit::keytab;
using namespace krbkit::test;

namespace {

std::string unparse(const Principal& p) {
  std::string out;
  for (std::size_t i = 0; i < p.components.size(); ++i) out += (i ? "/" : "") + p.components[i];
  return out + "@" + p.realm;
}

// "kvno principal (enctype)  (0xkey)" lines of `klist -k -K -e`.
struct Listed {
  std::uint32_t kvno;
  std::string principal, enctype, key_hex;
};
std::vector<Listed> mit_klist_k(Realm& realm, const std::string& keytab) {
  auto r = realm.run({"klist", "-k", "-K", "-e", keytab});
  REQUIRE_MESSAGE(r.ok(), r.err);
  std::vector<Listed> out;
  std::regex row(R"(^\s*(\d+) (\S+) \(([^)]+)\)\s+\(0x([0-9a-f]+)\))");
  std::istringstream lines(r.out);
  std::string line;
  std::smatch m;
  while (std::getline(lines, line))
    if (std::regex_search(line, m, row))
      out.push_back({static_cast<std::uint32_t>(std::stoul(m[1])), m[2], m[3], m[4]});
  return out;
}

Keytab must_read(const std::string& name) {
  auto kt = read_keytab(name);
  if (!kt.ok()) FAIL(kt.error().message());
  return std::move(kt).value();
}

// Our entries against MIT's listing of the same file: principal, kvno, key.
void check_same_as_mit(Realm& realm, const std::string& path, const Keytab& kt) {
  const auto mit = mit_klist_k(realm, path);
  REQUIRE(mit.size() == kt.entries.size());
  for (std::size_t i = 0; i < mit.size(); ++i) {
    CAPTURE(i);
    CHECK(mit[i].principal == unparse(kt.entries[i].principal));
    CHECK(mit[i].kvno == kt.entries[i].kvno);
    CHECK(mit[i].key_hex == to_hex(kt.entries[i].key.bytes.view()));
  }
}

std::string ktutil_addent(Realm& realm, const std::string& principal, const std::string& password, int kvno,
                          const std::string& enctype) {
  const std::string path = realm.fresh_path("ktutil.keytab");
  const std::string script = "addent -password -p " + principal + " -k " + std::to_string(kvno) + " -e " +
                             enctype + "\n" + password + "\nwkt " + path + "\nquit\n";
  auto r = realm.run({"ktutil"}, {}, script);
  REQUIRE_MESSAGE(r.ok(), r.err);
  return path;
}

// `klist -k [-i]` by `klist` (MIT's or krbkit's) with KRB5_CONFIG=conf and
// no keytab variables: what it printed, and the keytab it named ("Keytab
// name: FILE:..." on stdout; krbkit names a missing keytab only on stderr).
struct KeytabListing {
  RunResult run;
  std::string name;
};
KeytabListing list_default_keytab(const std::string& klist, bool client, const std::string& conf) {
  std::vector<std::string> argv{klist, "-k"};
  if (client) argv.push_back("-i");
  KeytabListing out{
      run_process(argv, {{"KRB5_CONFIG", conf}, {"KRB5_KTNAME", {}}, {"KRB5_CLIENT_KTNAME", {}}}), ""};
  std::smatch m;
  if (std::regex_search(out.run.out, m, std::regex("^Keytab name: (\\S+)"))) out.name = m[1];
  return out;
}

}  // namespace

TEST_CASE("default and default client keytab names are the ones MIT's tools use") {
  const std::string mit_klist = "/usr/bin/klist";
  REQUIRE_MESSAGE(::access(mit_klist.c_str(), X_OK) == 0, "MIT's klist is missing (scripts/bootstrap)");
  const std::string euid = std::to_string(::geteuid());

  // Built in (an empty krb5.conf): MIT names the keytab even when it is missing.
  const KeytabListing mit_default = list_default_keytab(mit_klist, false, "/dev/null");
  const KeytabListing mit_client = list_default_keytab(mit_klist, true, "/dev/null");
  REQUIRE_MESSAGE(!mit_default.name.empty(), mit_default.run.out << mit_default.run.err);
  REQUIRE_MESSAGE(!mit_client.name.empty(), mit_client.run.out << mit_client.run.err);
  CHECK(default_keytab_name().value() == mit_default.name);
  CHECK(default_client_keytab_name().value() == mit_client.name);
  // krbkit's klist looks in the same place (the path is in its error when the file is missing).
  const KeytabListing ours = list_default_keytab(krbkit_tool("klist"), true, "/dev/null");
  if (!std::filesystem::exists(mit_client.name.substr(5))) {
    CHECK(ours.run.exit_code != 0);
    CHECK_MESSAGE(ours.run.err.find("'" + mit_client.name.substr(5) + "'") != std::string::npos,
                  ours.run.err);
  } else {
    CHECK(ours.name == mit_client.name);
  }

  // From krb5.conf, with %{} tokens: both tools list the same (empty) keytabs.
  const std::string dir =
      std::filesystem::temp_directory_path() / ("krbkit-ktnames-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir + "/" + euid);
  for (const std::string& file :
       {dir + "/k-" + std::to_string(::getuid()) + ".keytab", dir + "/" + euid + "/c.keytab"})
    std::ofstream(file, std::ios::binary) << std::string("\x05\x02", 2);
  const std::string conf = dir + "/krb5.conf";
  std::ofstream(conf) << "[libdefaults]\n"
                      << "  default_keytab_name = FILE:" << dir << "/k-%{uid}.keytab\n"
                      << "  default_client_keytab_name = FILE:" << dir << "/%{euid}/c.keytab\n";
  for (bool client : {false, true}) {
    CAPTURE(client);
    const KeytabListing mit = list_default_keytab(mit_klist, client, conf);
    const KeytabListing krbkit = list_default_keytab(krbkit_tool("klist"), client, conf);
    REQUIRE_MESSAGE(mit.run.ok(), mit.run.err);
    CHECK_MESSAGE(krbkit.run.ok(), krbkit.run.err);
    CHECK(mit.name ==
          "FILE:" + dir +
              (client ? "/" + euid + "/c.keytab" : "/k-" + std::to_string(::getuid()) + ".keytab"));
    CHECK(krbkit.run.out == mit.run.out);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("the host keytab MIT kadmin ktadd wrote is read with MIT's keys") {
  Realm& realm = Realm::shared();
  const Keytab kt = must_read("FILE:" + realm.host_keytab());
  CHECK(kt.version == 2);
  REQUIRE(kt.entries.size() >= 3);
  for (const auto& e : kt.entries) CHECK(unparse(e.principal) == realm.host_principal());
  check_same_as_mit(realm, realm.host_keytab(), kt);
}

TEST_CASE("MIT ktutil keytab with a kvno above 255 (the 32-bit kvno)") {
  Realm& realm = Realm::shared();
  const std::string path =
      ktutil_addent(realm, realm.principal("alice"), realm.password("alice"), 300, "aes256-cts-hmac-sha1-96");
  const Keytab kt = must_read(path);
  REQUIRE(kt.entries.size() == 1);
  CHECK(kt.entries[0].kvno == 300);
  CHECK(kt.entries[0].key.enctype == Enctype::aes256_cts_hmac_sha1_96);
  check_same_as_mit(realm, path, kt);
}

TEST_CASE("a keytab written by krbkit is listed by MIT klist -k and works for MIT kinit -k") {
  Realm& realm = Realm::shared();
  // alice's real key, derived by MIT ktutil; krbkit writes it to a new keytab.
  const Keytab source = must_read(
      ktutil_addent(realm, realm.principal("alice"), realm.password("alice"), 1, "aes256-cts-hmac-sha1-96"));
  const std::string path = realm.fresh_path("krbkit.keytab");
  KeytabEntry e = source.entries[0].clone();
  e.timestamp = KerberosTime(std::chrono::seconds(1700000000));
  REQUIRE(append("WRFILE:" + path, e).ok());
  // Plus the host keys, appended in a second call.
  const Keytab host = must_read(realm.host_keytab());
  std::vector<KeytabEntry> host_entries;
  for (const auto& h : host.entries) host_entries.push_back(h.clone());
  REQUIRE(append(path, host_entries).ok());

  const Keytab written = must_read(path);
  REQUIRE(written.entries.size() == 1 + host.entries.size());
  check_same_as_mit(realm, path, written);

  const std::string cc = realm.fresh_ccache();
  auto kinit = realm.run({"kinit", "-k", "-t", path, "-c", cc, realm.principal("alice")});
  CHECK_MESSAGE(kinit.ok(), kinit.err);
  auto kinit_host = realm.run({"kinit", "-k", "-t", path, "-c", cc, realm.host_principal()});
  CHECK_MESSAGE(kinit_host.ok(), kinit_host.err);

  // After krbkit removes alice's entry, MIT no longer finds her key.
  auto removed =
      remove(path, [&](const KeytabEntry& x) { return unparse(x.principal) == realm.principal("alice"); });
  REQUIRE(removed.ok());
  CHECK(*removed == 1);
  CHECK(mit_klist_k(realm, path).size() == host.entries.size());
  auto again = realm.run({"kinit", "-k", "-t", path, "-c", cc, realm.principal("alice")});
  CHECK_FALSE(again.ok());
  // MIT's ktutil adds to the hole-bearing file and krbkit still reads it.
  auto r = realm.run({"ktutil"}, {},
                     "rkt " + path + "\naddent -password -p " + realm.principal("bob") +
                         " -k 2 -e aes128-cts-hmac-sha1-96\n" + realm.password("bob") + "\nwkt " + path +
                         "\nquit\n");
  REQUIRE_MESSAGE(r.ok(), r.err);
  check_same_as_mit(realm, path, must_read(path));
}

TEST_CASE("Heimdal ktutil keytab and Heimdal kinit cache are read") {
  Realm* heimdal = Realm::shared_heimdal();
  if (heimdal == nullptr) {
    MESSAGE("skipped: " << heimdal_unavailable().value_or("Heimdal unavailable"));
    return;
  }
  const std::string bin = heimdal->get("HEIMDAL_BIN");
  const std::string path = heimdal->fresh_path("heimdal.keytab");
  auto r = heimdal->run({bin + "/ktutil", "-k", path, "add", "-p", heimdal->principal("alice"), "-V", "5",
                         "-e", "aes256-cts-hmac-sha1-96", "-w", heimdal->password("alice")});
  REQUIRE_MESSAGE(r.ok(), r.err);
  const Keytab kt = must_read(path);
  REQUIRE(kt.entries.size() == 1);
  CHECK(kt.entries[0].kvno == 5);
  CHECK(unparse(kt.entries[0].principal) == heimdal->principal("alice"));
  // The key works: Heimdal's kinit gets a TGT with it.
  const std::string cc = heimdal->fresh_ccache();
  auto kinit = heimdal->run({bin + "/kinit", "-k", "-t", path, "-c", cc, heimdal->principal("alice")});
  REQUIRE_MESSAGE(kinit.ok(), kinit.err);
}
