// Our klist against MIT's, on caches and keytabs MIT's own tools wrote in the
// test realm: the same text line for line (C locale, TZ=UTC), the same -s
// status; plus --json (checked with python3's parser and by value),
// --valid-for and a damaged cache.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "krbkit/ccache/format.hpp"
#include "krbkit/proto/principal.hpp"
#include "realm/realm.hpp"

using namespace krbkit;
using namespace krbkit::test;

namespace {

const EnvChanges kFixedFormat = {{"LC_ALL", "C"}, {"TZ", "UTC"}, {"LANG", std::nullopt}};

std::string path_of(const std::string& cache) { return cache.substr(cache.find(':') + 1); }

// A cache with alice's forwardable, renewable TGT (MIT kinit) and a service
// ticket for the aes128-sha1 service (MIT kvno): config entries included.
std::string mit_cache(Realm& realm) {
  const std::string cc = realm.fresh_ccache();
  auto r = realm.run({"kinit", "-f", "-r", "2d", "-c", cc, realm.principal("alice")}, {},
                     realm.password("alice") + "\n");
  REQUIRE_MESSAGE(r.ok(), r.err);
  r = realm.run({"kvno", "-c", cc, realm.service_for("aes128-cts-hmac-sha1-96")});
  REQUIRE_MESSAGE(r.ok(), r.err);
  return cc;
}

void same_as_mit(Realm& realm, std::vector<std::string> args) {
  std::vector<std::string> mit = {"klist"}, ours = {krbkit_tool("klist")};
  mit.insert(mit.end(), args.begin(), args.end());
  ours.insert(ours.end(), args.begin(), args.end());
  const auto expected = realm.run(mit, kFixedFormat);
  const auto actual = realm.run(ours, kFixedFormat);
  std::string joined;
  for (const auto& a : args) joined += a + " ";
  CAPTURE(joined);
  REQUIRE_MESSAGE(expected.ok(), expected.err);
  CHECK_MESSAGE(actual.exit_code == expected.exit_code, actual.err);
  std::istringstream want(expected.out), got(actual.out);
  std::string w, g;
  int line = 0;
  while (std::getline(want, w)) {
    ++line;
    CAPTURE(line);
    REQUIRE_MESSAGE(std::getline(got, g), "our output ends early");
    CHECK(g == w);
  }
  CHECK_MESSAGE(!std::getline(got, g), "extra line: " << g);
  CHECK(actual.out == expected.out);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("klist prints an MIT-written cache exactly as MIT klist does") {
  Realm& realm = Realm::shared();
  const std::string cc = mit_cache(realm);
  for (const auto& opts : std::vector<std::vector<std::string>>{
           {}, {"-f"}, {"-e"}, {"-a", "-n"}, {"-C"}, {"-f", "-e", "-a", "-n", "-C"}, {"-fe"}, {"-d"}}) {
    auto args = opts;
    args.push_back("-c");
    args.push_back(cc);
    same_as_mit(realm, args);
  }
  // The default cache from KRB5CCNAME, and a bare path as the argument.
  auto with_env = realm.run({krbkit_tool("klist")}, {{"KRB5CCNAME", cc}, {"LC_ALL", "C"}, {"TZ", "UTC"}});
  auto mit_env = realm.run({"klist"}, {{"KRB5CCNAME", cc}, {"LC_ALL", "C"}, {"TZ", "UTC"}});
  CHECK(with_env.out == mit_env.out);
  same_as_mit(realm, {path_of(cc)});
  // Another time zone moves every time the same way in both.
  auto ny = realm.run({krbkit_tool("klist"), "-c", cc}, {{"LC_ALL", "C"}, {"TZ", "America/New_York"}});
  auto mit_ny = realm.run({"klist", "-c", cc}, {{"LC_ALL", "C"}, {"TZ", "America/New_York"}});
  CHECK(ny.out == mit_ny.out);
}

TEST_CASE("klist -C shows config entries where they sit in the file, as MIT klist -C") {
  // MIT's kinit writes its config entries (fast_avail, pa_type) before the
  // TGT; one set on an existing cache (krb5_cc_set_config) is appended after
  // the tickets. The same records MIT wrote, with the config entries moved
  // between and after the tickets.
  Realm& realm = Realm::shared();
  const std::string cc = mit_cache(realm);
  const std::string data = read_file(path_of(cc));
  auto contents = ccache::parse(as_bytes(data), cc);
  auto header = ccache::parse_header(as_bytes(data), cc);
  REQUIRE(contents.ok());
  REQUIRE(header.ok());
  REQUIRE(contents->creds.size() == 2);
  REQUIRE_MESSAGE(contents->config_entries.size() >= 2, "MIT's kinit wrote fast_avail and pa_type");
  std::string mixed = data.substr(0, header->end_of_header);
  auto append = [&](const Credentials& c) {
    auto record = ccache::serialize_credential(c, contents->version);
    REQUIRE(record.ok());
    mixed.append(reinterpret_cast<const char*>(record->data()), record->size());
  };
  append(contents->creds[0]);
  append(contents->config_entries[0]);
  append(contents->creds[1]);
  for (std::size_t i = 1; i < contents->config_entries.size(); ++i) append(contents->config_entries[i]);
  const std::string moved = "FILE:" + realm.fresh_path("config-moved");
  std::ofstream(path_of(moved), std::ios::binary) << mixed;
  for (const auto& opts : std::vector<std::vector<std::string>>{{"-C"}, {"-C", "-f", "-e", "-a", "-n"}, {}}) {
    auto args = opts;
    args.push_back("-c");
    args.push_back(moved);
    same_as_mit(realm, args);
  }
  // Our listing really differs from "config first" here.
  auto ours = realm.run({krbkit_tool("klist"), "-C", "-c", moved}, kFixedFormat);
  REQUIRE_MESSAGE(ours.ok(), ours.err);
  const auto tgt_line = ours.out.find("krbtgt/KRBKIT.TEST@KRBKIT.TEST\n");
  const auto first_config = ours.out.find("config: ");
  CHECK(tgt_line != std::string::npos);
  CHECK(first_config > tgt_line);
}

TEST_CASE("klist -k lists a keytab exactly as MIT klist -k") {
  Realm& realm = Realm::shared();
  for (const auto& opts :
       std::vector<std::vector<std::string>>{{"-k"}, {"-k", "-t"}, {"-k", "-e"}, {"-k", "-t", "-K", "-e"}}) {
    auto args = opts;
    args.push_back(realm.host_keytab());
    same_as_mit(realm, args);
  }
  auto fileprefixed = realm.get("SERVICES_KEYTAB");
  same_as_mit(realm, {"-k", "-K", "FILE:" + fileprefixed});
}

TEST_CASE("klist on a missing keytab or cache: MIT's stdout and stderr, our exit status") {
  // MIT's klist names the keytab on stdout, then fails scanning it; a
  // missing cache is one line on stderr. krbkit exits with its documented
  // statuses (9: keytab not found, 8: no cache) where MIT exits 1.
  Realm& realm = Realm::shared();
  const std::string missing = realm.fresh_path("no-keytab");
  const std::string no_cache = realm.fresh_ccache();
  struct Case {
    std::vector<std::string> args;
    int exit_code;
  };
  for (const auto& c : std::vector<Case>{{{"-k", "FILE:" + missing}, 9},
                                         {{"-k", missing}, 9},
                                         {{"-k", "-t", "-K", "-e", missing}, 9},
                                         {{"-k"}, 9},  // the default keytab (there is none in the realm)
                                         {{"-c", no_cache}, 8},
                                         {{"-c", path_of(no_cache)}, 8},
                                         {{"-f", "-e", no_cache}, 8}}) {
    std::vector<std::string> mit = {"klist"}, ours = {krbkit_tool("klist")};
    mit.insert(mit.end(), c.args.begin(), c.args.end());
    ours.insert(ours.end(), c.args.begin(), c.args.end());
    const auto expected = realm.run(mit, kFixedFormat);
    const auto actual = realm.run(ours, kFixedFormat);
    CAPTURE(ours);
    CHECK(expected.exit_code == 1);
    CHECK(actual.exit_code == c.exit_code);
    CHECK(actual.out == expected.out);
    CHECK(actual.err == expected.err);
  }
  // -l and -A over a collection without caches: MIT's klist prints the
  // header (-l) or nothing, and no error line; both exit non-zero.
  const std::string empty_dir = realm.fresh_path("empty-collection");
  std::filesystem::create_directory(empty_dir);
  for (const std::string& collection : {"DIR:" + empty_dir, no_cache})
    for (const char* option : {"-l", "-A"}) {
      CAPTURE(collection);
      CAPTURE(option);
      EnvChanges env = kFixedFormat;
      env["KRB5CCNAME"] = collection;
      const auto expected = realm.run({"klist", option}, env);
      const auto actual = realm.run({krbkit_tool("klist"), option}, env);
      CHECK(expected.exit_code == 1);
      CHECK(actual.exit_code == 8);
      CHECK(actual.out == expected.out);
      CHECK(actual.err == expected.err);
    }
  // Same words for the keytab, and a JSON listing stays JSON only.
  auto r = realm.run({krbkit_tool("klist"), "-k", missing}, kFixedFormat);
  CHECK(r.out == "Keytab name: FILE:" + missing + "\n");
  CHECK(r.err == "klist: Key table file '" + missing + "' not found while starting keytab scan\n");
  r = realm.run({krbkit_tool("klist"), "--json", "-k", missing}, kFixedFormat);
  CHECK(r.exit_code == 9);
  CHECK(r.out.empty());
}

TEST_CASE("klist -s and --valid-for exit statuses") {
  Realm& realm = Realm::shared();
  const std::string cc = mit_cache(realm);
  for (const auto& tool : {std::string("klist"), krbkit_tool("klist")}) {
    CAPTURE(tool);
    auto r = realm.run({tool, "-s", "-c", cc});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    r = realm.run({tool, "-s", "-c", realm.fresh_ccache()});  // no such cache
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.empty());
  }
  // An expired copy: same tickets with end times in the past.
  auto contents = ccache::parse(as_bytes(read_file(path_of(cc))), cc);
  REQUIRE(contents.ok());
  for (auto& c : contents->creds) c.endtime = KerberosTime{std::chrono::seconds{1000000000}};
  const std::string expired = realm.fresh_path("expired");
  {
    auto bytes = ccache::serialize(*contents);
    REQUIRE(bytes.ok());
    std::ofstream(expired, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  }
  CHECK(realm.run({"klist", "-s", "-c", expired}).exit_code == 1);
  CHECK(realm.run({krbkit_tool("klist"), "-s", "-c", expired}).exit_code == 1);

  // Tickets last 10 h in the test realm.
  auto r = realm.run({krbkit_tool("klist"), "--valid-for", "1h", "-c", cc});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.empty());
  r = realm.run({krbkit_tool("klist"), "--valid-for", "11h", "-c", cc});
  CHECK(r.exit_code == 8);
  CHECK(r.err.find("krbtgt/KRBKIT.TEST@KRBKIT.TEST") != std::string::npos);
  CHECK(r.err.find("expires at") != std::string::npos);
  r = realm.run({krbkit_tool("klist"), "--valid-for", "1m", "-c", expired});
  CHECK(r.exit_code == 8);
  CHECK(r.err.find("expired at 2001-09-09T01:46:40Z") != std::string::npos);
  r = realm.run({krbkit_tool("klist"), "--valid-for", "soon", "-c", cc});
  CHECK(r.exit_code == 2);
}

TEST_CASE("klist --json: valid JSON with the cache's values") {
  Realm& realm = Realm::shared();
  const std::string cc = mit_cache(realm);
  auto r = realm.run({krbkit_tool("klist"), "--json", "-C", "-c", cc});
  REQUIRE_MESSAGE(r.ok(), r.err);
  auto check = run_process({"python3", "-m", "json.tool"}, {}, r.out);
  CHECK_MESSAGE(check.ok(), check.err);

  auto contents = ccache::parse(as_bytes(read_file(path_of(cc))), cc);
  REQUIRE(contents.ok());
  const auto doc = nlohmann::json::parse(r.out);
  CHECK(doc.at("cache").get<std::string>() == cc);
  CHECK(doc.at("type").get<std::string>() == "FILE");
  CHECK(doc.at("default_principal").get<std::string>() == realm.principal("alice"));
  const auto& creds = doc.at("credentials").get_ref<const nlohmann::json::array_t&>();
  REQUIRE(creds.size() == 2);
  CHECK(creds[0].at("server").get<std::string>() == "krbtgt/KRBKIT.TEST@KRBKIT.TEST");
  CHECK(creds[0].at("end_epoch").get<std::int64_t>() ==
        contents->creds[0].endtime.time_since_epoch().count());
  CHECK(creds[0].at("renew_till_epoch").get<std::int64_t>() ==
        contents->creds[0].renew_till.time_since_epoch().count());
  const auto& flags = creds[0].at("flags").get_ref<const nlohmann::json::array_t&>();
  std::vector<std::string> names;
  for (const auto& f : flags) names.push_back(f.get<std::string>());
  CAPTURE(r.out);
  for (const auto* want : {"forwardable", "renewable", "initial", "pre-authent"})
    CHECK(std::find(names.begin(), names.end(), want) != names.end());
  CHECK(creds[0].at("flag_letters").get<std::string>() == "FRIA");
  CHECK(creds[1].at("server").get<std::string>() == realm.service_for("aes128-cts-hmac-sha1-96"));
  CHECK(creds[1].at("session_enctype").get<std::string>() == "aes256-cts-hmac-sha1-96");
  CHECK(creds[1].at("ticket_enctype").get<std::string>() ==
        "aes128-cts-hmac-sha1-96");  // the service's only key
  CHECK(creds[1].at("ticket_kvno").get<std::int64_t>() == 1);
  CHECK_FALSE(creds[1].at("expired").get<bool>());
  bool saw_pa_type = false;
  for (const auto& e : doc.at("config").get_ref<const nlohmann::json::array_t&>())
    if (e.at("key").get<std::string>() == "pa_type")
      saw_pa_type = e.at("value").get<std::string>() == "2";  // encrypted timestamp
  CHECK(saw_pa_type);

  r = realm.run({krbkit_tool("klist"), "--json", "-k", "-K", realm.host_keytab()});
  REQUIRE_MESSAGE(r.ok(), r.err);
  const auto kt = nlohmann::json::parse(r.out);
  CHECK(kt.at("keytab").get<std::string>() == "FILE:" + realm.host_keytab());
  REQUIRE_FALSE(kt.at("entries").get_ref<const nlohmann::json::array_t&>().empty());
  CHECK(kt.at("entries").get_ref<const nlohmann::json::array_t&>()[0].at("principal").get<std::string>() ==
        realm.host_principal());
  CHECK(kt.at("entries").get_ref<const nlohmann::json::array_t&>()[0].at("key").get<std::string>().size() >=
        32);
}

TEST_CASE("klist on a damaged cache: one line naming the file and offset, exit 9") {
  Realm& realm = Realm::shared();
  const std::string cc = mit_cache(realm);
  const std::string data = read_file(path_of(cc));
  const std::string damaged = realm.fresh_path("damaged");
  std::ofstream(damaged, std::ios::binary) << data.substr(0, data.size() - 7);
  auto r = realm.run({krbkit_tool("klist"), "-c", damaged});
  CHECK(r.exit_code == 9);
  CHECK(r.err.find(damaged) != std::string::npos);
  CHECK(r.err.find("byte ") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);

  r = realm.run({krbkit_tool("klist"), "-c", realm.fresh_ccache()});
  CHECK(r.exit_code == 8);
  CHECK(r.err.find("klist: ") == 0);
}

TEST_CASE(
    "klist -A: an empty (uninitialized) cache file of the collection is 'Bad format', as MIT's klist -A") {
  Realm& realm = Realm::shared();
  const std::string dir = realm.fresh_path("collection-with-empty");
  auto k = realm.run({"kinit", realm.principal("alice")}, {{"KRB5CCNAME", "DIR:" + dir}},
                     realm.password("alice") + "\n");
  REQUIRE_MESSAGE(k.ok(), k.err);
  // What an interrupted kinit leaves: a reserved, empty member.
  const std::string empty = dir + "/tktEMPTY";
  std::ofstream(empty).flush();
  std::filesystem::permissions(empty,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const std::string bad_format = "klist: Bad format in credentials cache (filename: " + empty + ")\n";
  auto run_both = [&](const std::vector<std::string>& args) {
    std::vector<std::string> mit = {"klist"}, ours = {krbkit_tool("klist")};
    mit.insert(mit.end(), args.begin(), args.end());
    ours.insert(ours.end(), args.begin(), args.end());
    return std::make_pair(realm.run(mit, kFixedFormat), realm.run(ours, kFixedFormat));
  };
  {
    const auto both = run_both({"-A", "DIR:" + dir});
    const RunResult& expected = both.first;
    const RunResult& actual = both.second;
    CHECK(expected.exit_code == 0);
    CHECK(actual.exit_code == 0);
    CHECK(expected.err == bad_format);
    CHECK(actual.err == expected.err);
    CHECK_MESSAGE(expected.out.find("Default principal: " + realm.principal("alice")) != std::string::npos,
                  expected.out);
    CHECK(actual.out == expected.out);
    // -s: silent, and the listed cache is enough.
    const auto status = run_both({"-A", "-s", "DIR:" + dir});
    const RunResult& mit_status = status.first;
    const RunResult& our_status = status.second;
    CHECK(mit_status.exit_code == 0);
    CHECK(our_status.exit_code == 0);
    CHECK(our_status.err.empty());
  }
  // Only the empty member left: the same line, and a non-zero status (8,
  // "no cache in the collection could be listed"; MIT's klist exits 1).
  auto d = realm.run({"kdestroy", "-c", "DIR::" + dir + "/tkt"});
  REQUIRE_MESSAGE(d.ok(), d.err);
  const auto both = run_both({"-A", "DIR:" + dir});
  const RunResult& expected = both.first;
  const RunResult& actual = both.second;
  CHECK(expected.exit_code == 1);
  CHECK(actual.exit_code == 8);
  CHECK(expected.err == bad_format);
  CHECK(actual.err == expected.err);
  CHECK(actual.out == expected.out);
}

TEST_CASE("kinit with forwardable/proxiable = maybe: the same ticket flags as MIT's kinit (klist -f)") {
  // MIT reads forwardable and proxiable with krb5int_libdefault_boolean: the
  // realm's subsection first, and a word _krb5_conf_boolean does not know is
  // false (not the default, not an error).
  Realm& realm = Realm::shared();
  const std::string R = realm.name();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"forwardable = maybe", "  forwardable = maybe\n"},
      {"forwardable = yes, proxiable = maybe", "  forwardable = yes\n  proxiable = maybe\n"},
      {"forwardable = ON, proxiable = 1", "  forwardable = ON\n  proxiable = 1\n"},
      {"forwardable = true, the realm's forwardable = maybe",
       "  forwardable = true\n  " + R + " = {\n    forwardable = maybe\n  }\n"},
      {"forwardable = maybe, the realm's forwardable = t",
       "  forwardable = maybe\n  " + R + " = {\n    forwardable = t\n  }\n"},
  };
  auto flags = [&](const std::vector<std::string>& klist, const std::string& cc) {
    std::vector<std::string> args = klist;
    args.insert(args.end(), {"-f", "-c", cc});
    const auto r = realm.run(args, kFixedFormat);
    REQUIRE_MESSAGE(r.ok(), r.err);
    const auto at = r.out.find("Flags: ");
    REQUIRE_MESSAGE(at != std::string::npos, r.out);
    return r.out.substr(at + 7, r.out.find('\n', at) - at - 7);
  };
  std::set<std::string> seen;
  for (const auto& c : cases) {
    const std::string& name = c.first;
    const std::string& libdefaults = c.second;
    CAPTURE(name);
    const std::string conf = realm.fresh_path("booleans.conf");
    std::ofstream(conf) << "[libdefaults]\n" << libdefaults;
    const EnvChanges env = {{"KRB5_CONFIG", conf + ":" + realm.config()}};
    const std::string mit_cc = realm.fresh_ccache(), our_cc = realm.fresh_ccache();
    const auto mit =
        realm.run({"kinit", "-c", mit_cc, realm.principal("alice")}, env, realm.password("alice") + "\n");
    REQUIRE_MESSAGE(mit.ok(), mit.err);
    const auto ours = realm.run({krbkit_tool("kinit"), "-c", our_cc, realm.principal("alice")}, env,
                                realm.password("alice") + "\n");
    REQUIRE_MESSAGE(ours.ok(), ours.err);
    const std::string want = flags({"klist"}, mit_cc);
    CHECK(flags({"klist"}, our_cc) == want);
    CHECK(flags({krbkit_tool("klist")}, our_cc) == want);
    seen.insert(want);
  }
  // The cases tell F, P and neither apart: MIT's flags differ among them.
  CHECK(seen.size() >= 3);
}

TEST_CASE("klist -c on an empty (uninitialized) cache file: MIT's 'Bad format' line; exit 8, -s non-zero") {
  Realm& realm = Realm::shared();
  const std::string empty = realm.fresh_path("empty-cache");
  std::ofstream(empty).flush();
  std::filesystem::permissions(empty,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const std::string bad_format = "klist: Bad format in credentials cache (filename: " + empty + ")\n";
  for (const std::string& name : std::vector<std::string>{empty, "FILE:" + empty}) {
    CAPTURE(name);
    const auto expected = realm.run({"klist", "-c", name}, kFixedFormat);
    const auto actual = realm.run({krbkit_tool("klist"), "-c", name}, kFixedFormat);
    CHECK(expected.exit_code == 1);
    CHECK(expected.err == bad_format);
    CHECK(actual.err == expected.err);
    CHECK(actual.out == expected.out);
    CHECK(actual.exit_code == 8);  // as klist -A when only such a cache is there
    // Through KRB5CCNAME as well.
    EnvChanges env = kFixedFormat;
    env["KRB5CCNAME"] = name;
    const auto from_env = realm.run({krbkit_tool("klist")}, env);
    CHECK(from_env.err == bad_format);
    CHECK(from_env.exit_code == 8);
    // -s: silent and non-zero, as MIT's.
    const auto mit_status = realm.run({"klist", "-s", "-c", name});
    const auto our_status = realm.run({krbkit_tool("klist"), "-s", "-c", name});
    CHECK(mit_status.exit_code == 1);
    CHECK(our_status.exit_code == mit_status.exit_code);
    CHECK(our_status.out.empty());
    CHECK(our_status.err.empty());
  }
}
