// krbkit's ktutil against MIT's: the same script gives the same listing for
// MIT-written keytabs, and a keytab built by our ktutil from a password works
// for MIT's kinit -k.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "realm/realm.hpp"

using namespace krbkit::test;

namespace {
const std::string kMitKtutil = "/usr/bin/ktutil";

// Feeds `script` to MIT's ktutil and to ours (TZ=UTC) and checks that both
// print the same on stdout and stderr; returns ours.
RunResult same_as_mit_ktutil(Realm& realm, const std::string& script) {
  auto mit = realm.run({kMitKtutil}, {{"TZ", "UTC"}}, script);
  auto ours = realm.run({krbkit_tool("ktutil")}, {{"TZ", "UTC"}}, script);
  REQUIRE_MESSAGE(mit.ok(), mit.err);
  REQUIRE_MESSAGE(ours.ok(), ours.err);
  CHECK(ours.out == mit.out);
  CHECK(ours.err == mit.err);
  return ours;
}
}  // namespace

TEST_CASE("ktutil: MIT-written keytabs are listed exactly as MIT's ktutil lists them") {
  Realm& realm = Realm::shared();
  const std::string script = "rkt " + realm.host_keytab() + "\nl\nlist -e\nl -k\nl -t\nl -t -k -e\nrkt " +
                             realm.get("SERVICES_KEYTAB") + "\ndelent 2\nl -e\nclear\nl\nbogus\nquit\n";
  const RunResult ours = same_as_mit_ktutil(realm, script);
  CHECK(ours.out.find("host/server.krbkit.test@" + realm.name() + " (aes256-cts-hmac-sha1-96)") !=
        std::string::npos);
}

TEST_CASE("ktutil: a keytab from a password works for MIT's kinit -k, and MIT's ktutil reads it alike") {
  Realm& realm = Realm::shared();
  std::string alice = realm.principal("alice");
  for (bool fetch : {false, true}) {
    CAPTURE(fetch);
    std::string kt = realm.fresh_path("alice.keytab");
    std::string script = "addent -password -p " + alice + " -k 1 -e aes256-cts-hmac-sha1-96" +
                         (fetch ? " -f" : "") + "\n" + realm.password("alice") + "\naddent -password -p " +
                         alice + " -k 1 -e aes128-cts-hmac-sha256-128\n" + realm.password("alice") +
                         "\nwkt " + kt + "\nq\n";
    auto made = realm.run({krbkit_tool("ktutil")}, {}, script);
    REQUIRE_MESSAGE(made.ok(), made.err);
    CHECK(made.err.empty());
    std::string cc = realm.fresh_ccache();
    auto kinit = realm.run({"/usr/bin/kinit", "-k", "-t", kt, "-c", cc, alice});
    CHECK_MESSAGE(kinit.ok(), kinit.err);
    auto klist = realm.run({"/usr/bin/klist", "-c", cc});
    CHECK(klist.out.find("Default principal: " + alice) != std::string::npos);

    const std::string list = "rkt " + kt + "\nl -k -e\nq\n";
    auto mit = realm.run({kMitKtutil}, {{"TZ", "UTC"}}, list);
    auto ours = realm.run({krbkit_tool("ktutil")}, {{"TZ", "UTC"}}, list);
    CHECK(ours.out == mit.out);
  }
  // A wrong password gives a keytab the KDC does not accept.
  std::string bad = realm.fresh_path("bad.keytab");
  REQUIRE(realm
              .run({krbkit_tool("ktutil")}, {},
                   "addent -password -p " + alice + " -k 1 -e aes256-cts-hmac-sha1-96\nwrong-pw\nwkt " + bad +
                       "\nq\n")
              .ok());
  CHECK_FALSE(realm.run({"/usr/bin/kinit", "-k", "-t", bad, "-c", realm.fresh_ccache(), alice}).ok());
}

TEST_CASE("ktutil: -key takes a hex key; usage errors as MIT words them") {
  Realm& realm = Realm::shared();
  std::string svc = realm.service_for("aes128-cts-hmac-sha1-96");
  // The service's real key, read back from the MIT keytab by our ktutil's list -k.
  auto listed =
      realm.run({krbkit_tool("ktutil")}, {}, "rkt " + realm.get("SERVICES_KEYTAB") + "\nl -k -e\nq\n");
  auto line_at = listed.out.find(svc + " (aes128-cts-hmac-sha1-96)  (0x");
  REQUIRE(line_at != std::string::npos);
  auto hex_at = listed.out.find("(0x", line_at) + 3;
  std::string hex = listed.out.substr(hex_at, listed.out.find(')', hex_at) - hex_at);
  std::string kt = realm.fresh_path("svc.keytab");
  auto made = realm.run(
      {krbkit_tool("ktutil")}, {},
      "addent -key -p " + svc + " -k 1 -e aes128-cts-hmac-sha1-96\n" + hex + "\nwkt " + kt + "\nq\n");
  REQUIRE_MESSAGE(made.ok(), made.err);
  std::string cc = realm.fresh_ccache();
  REQUIRE(
      realm.run({"/usr/bin/kinit", "-c", cc, realm.principal("bob")}, {}, realm.password("bob") + "\n").ok());
  auto kvno = realm.run({krbkit_tool("kvno"), "-c", cc, "-k", kt, svc});
  CHECK_MESSAGE(kvno.out == svc + ": kvno = 1, keytab entry valid\n", kvno.err);

  auto usage = realm.run({krbkit_tool("ktutil")}, {}, "addent -p x\nq\n");
  CHECK(usage.err.find("usage: addent") != std::string::npos);
}

TEST_CASE("ktutil: addent -f without -e takes the KDC's enctype and salt, output as MIT's, keys work") {
  Realm& realm = Realm::shared();
  // alice needs pre-authentication (etype-info in the error), bob not (in the AS-REP).
  const std::string alice = realm.principal("alice"), bob = realm.principal("bob");
  auto script = [&](const std::string& kt) {
    return "addent -password -p " + alice + " -k 1 -f\n" + realm.password("alice") +
           "\naddent -password -p " + bob + " -k 2 -f\n" + realm.password("bob") + "\naddent -password -p " +
           alice + " -k 1\nl -e -k\nwkt " + kt + "\nq\n";
  };
  std::string ours_kt = realm.fresh_path("fetched.keytab"), mit_kt = realm.fresh_path("mit-fetched.keytab");
  auto ours = realm.run({krbkit_tool("ktutil")}, {{"TZ", "UTC"}}, script(ours_kt));
  auto mit = realm.run({kMitKtutil}, {{"TZ", "UTC"}}, script(mit_kt));
  REQUIRE_MESSAGE(ours.ok(), ours.err);
  REQUIRE_MESSAGE(mit.ok(), mit.err);
  // Same listing, prompts (each followed by a line end) and keys; the same refusal without -e or -f.
  CHECK(ours.out.find("Password for " + alice + ": \n") != std::string::npos);
  CHECK(ours.out.find(alice + " (aes256-cts-hmac-sha1-96)") != std::string::npos);
  std::string mit_out = mit.out;
  mit_out.replace(mit_out.find(mit_kt), mit_kt.size(), ours_kt);  // "wkt <its own file>"
  CHECK(ours.out == mit_out);
  CHECK(ours.err == "enctype must be specified if not using -f\n");
  CHECK(ours.err == mit.err);
  for (const std::string& who : {alice, bob}) {
    CAPTURE(who);
    auto kinit = realm.run({"/usr/bin/kinit", "-k", "-t", ours_kt, "-c", realm.fresh_ccache(), who});
    CHECK_MESSAGE(kinit.ok(), kinit.err);
  }
}

TEST_CASE("ktutil: delent takes its slot as MIT's atoi does and words a bad one as MIT's ktutil") {
  Realm& realm = Realm::shared();
  // "3x" deletes slot 3 (atoi), "abc" is slot 0; out of range and missing slots fail alike.
  const std::string script = "rkt " + realm.get("SERVICES_KEYTAB") +
                             "\ndelent\ndelent 1 2\ndelent 0\ndelent abc\ndelent -1\ndelent 999\n"
                             "delete_entry 99\ndelent 3x\ndelent 1\nl -e\nclear\ndelent 1\nq\n";
  const RunResult ours = same_as_mit_ktutil(realm, script);
  CHECK(ours.err.find("delent: Invalid argument while deleting entry 999\n") != std::string::npos);
  CHECK(ours.err.find("delent: must specify entry to delete\n") != std::string::npos);

  // An empty list written makes no file, as with MIT's ktutil.
  for (const std::string& tool : {kMitKtutil, krbkit_tool("ktutil")}) {
    CAPTURE(tool);
    const std::string kt = realm.fresh_path("empty.keytab");
    auto r = realm.run({tool}, {}, "wkt " + kt + "\nq\n");
    CHECK(r.ok());
    CHECK(r.err.empty());
    CHECK(::access(kt.c_str(), F_OK) != 0);
  }
}

TEST_CASE(
    "ktutil: list --json gives each slot's kvno, principal, enctype, key and timestamp as MIT lists them") {
  Realm& realm = Realm::shared();
  const std::string read = "rkt " + realm.host_keytab() + "\nrkt " + realm.get("SERVICES_KEYTAB") + "\n";
  auto mit = realm.run({kMitKtutil}, {{"TZ", "UTC"}}, read + "l -t -k -e\nq\n");
  REQUIRE_MESSAGE(mit.ok(), mit.err);
  for (const std::string option : {"--json", "-j"}) {
    CAPTURE(option);
    auto ours = realm.run({krbkit_tool("ktutil")}, {}, read + "l -k " + option + "\nq\n");
    REQUIRE_MESSAGE(ours.ok(), ours.err);
    const auto from = ours.out.find("{\n"), to = ours.out.rfind("}\n");
    REQUIRE(from != std::string::npos);
    auto check = run_process({"python3", "-m", "json.tool"}, {}, ours.out.substr(from, to + 2 - from));
    CHECK_MESSAGE(check.ok(), check.err);
    const auto doc = nlohmann::json::parse(ours.out.substr(from, to + 2 - from));
    const auto& entries = doc.at("entries").get_ref<const nlohmann::json::array_t&>();
    REQUIRE(entries.size() > 2);
    std::size_t lines_seen = 0;
    for (const auto& e : entries) {
      // MIT's line for the slot, rebuilt from the JSON values: "%4d %4d %s %40s (%s)  (0x%s)" in UTC.
      std::time_t t = static_cast<std::time_t>(e.at("timestamp_epoch").get<std::int64_t>());
      std::tm tm{};
      ::gmtime_r(&t, &tm);
      char when[32], iso[32], line[512];
      std::strftime(when, sizeof when, "%m/%d/%y %H:%M:%S", &tm);
      std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
      CHECK(e.at("timestamp").get<std::string>() == iso);
      std::snprintf(line, sizeof line, "%4d %4d %s %40s (%s)  (0x%s)\n",
                    static_cast<int>(e.at("slot").get<std::int64_t>()),
                    static_cast<int>(e.at("kvno").get<std::int64_t>()), when,
                    e.at("principal").get<std::string>().c_str(), e.at("enctype").get<std::string>().c_str(),
                    e.at("key").get<std::string>().c_str());
      CAPTURE(line);
      CHECK(mit.out.find(line) != std::string::npos);
      ++lines_seen;
    }
    CHECK(lines_seen == entries.size());
    // Without -k, no keys.
    auto plain = realm.run({krbkit_tool("ktutil")}, {}, read + "l " + option + "\nq\n");
    CHECK(plain.out.find("\"key\"") == std::string::npos);
    CHECK(plain.out.find("\"slot\": 1,") != std::string::npos);
  }
}

TEST_CASE(
    "ktutil: addent reads -k as MIT's atoi, so a bad kvno never turns the password line into a command") {
  Realm& realm = Realm::shared();
  const std::string alice = realm.principal("alice");
  // With a kvno of "x" the next line is still the password (kvno 0), as with MIT's ktutil; -f with -s is a
  // usage error naming the request as typed.
  const std::string script = "addent -password -p " + alice + " -k x -e aes256-cts-hmac-sha1-96\nclear\nl\n" +
                             "add_entry -password -p " + alice + " -k 1 -f -s salt\nl\nq\n";
  const RunResult ours = same_as_mit_ktutil(realm, script);
  CHECK(ours.out.find("   1    0 ") != std::string::npos);  // "clear" was the password, the entry is there
  CHECK(ours.err.find("usage: add_entry (-key | -password)") != std::string::npos);

  auto bad = realm.run({krbkit_tool("ktutil")}, {},
                       "addent -password -p a@B@C -k 1 -e aes256-cts-hmac-sha1-96\n"
                       "addent -password -p alice -k 1 -e no-such-enctype\nq\n");
  CHECK(bad.err.find("addent: ") == 0);
  CHECK(bad.err.find("while adding new entry\naddent: ") != std::string::npos);  // both, as MIT words them
}
