// krbkit's kinit against real KDCs: MIT's (the shared test realm) and
// Heimdal's, by password and from keytabs, every enctype of the realm, the
// ticket options, the error messages and exit codes, and the transport
// faults (a closed or silent first KDC, TCP only, a KDC answering garbage or
// nothing). MIT's klist and kvno read and use the caches kinit writes.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "krbkit/ccache/cache.hpp"
#include "krbkit/proto/constants.hpp"
#include "realm/fake_kdc.hpp"
#include "realm/realm.hpp"

using krbkit::test::FakeKdc;
using krbkit::test::free_port;
using krbkit::test::Realm;
using krbkit::test::RunResult;
using namespace std::chrono;

namespace {

std::string show(const RunResult& r) {
  return fmt::format("exit {}\nstdout: {}\nstderr: {}", r.exit_code, r.out, r.err);
}

std::string kinit() { return krbkit::test::krbkit_tool("kinit"); }

// kinit as `user` (alice, bob, ...) by password on standard input.
RunResult kinit_pw(Realm& realm, const std::string& cache, const std::string& user,
                   std::vector<std::string> extra = {}, const krbkit::test::EnvChanges& env = {}) {
  std::vector<std::string> argv{kinit(), "-c", cache};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(realm.principal(user));
  return realm.run(argv, env, realm.password(user) + "\n");
}

krbkit::ccache::CacheContents read_cache(const std::string& name) {
  auto cache = krbkit::ccache::open(name);
  REQUIRE_MESSAGE(cache.ok(), cache.error().message());
  auto contents = (*cache)->read();
  REQUIRE_MESSAGE(contents.ok(), contents.error().message());
  REQUIRE(!contents->creds.empty());  // the TGT first (MIT kvno may have added more)
  return std::move(contents).value();
}

// MIT klist's "Flags: FRIA" letters for the first ticket.
std::string mit_flags(Realm& realm, const std::string& cache) {
  RunResult r = realm.run({"klist", "-f", "-c", cache});
  REQUIRE_MESSAGE(r.ok(), show(r));
  std::smatch m;
  REQUIRE_MESSAGE(std::regex_search(r.out, m, std::regex(R"(Flags: ([A-Za-z]*))")), r.out);
  return m[1];
}

std::string write_config(Realm& realm, const std::vector<std::string>& kdcs,
                         const std::string& libdefaults = {}) {
  return krbkit::test::write_kdc_config(realm, kdcs, libdefaults);
}

int count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("alice (pre-authentication) and bob (none) get TGTs by password; MIT klist and kvno use them") {
  Realm& realm = Realm::shared();
  for (std::string user : {"alice", "bob"}) {
    CAPTURE(user);
    std::string cc = realm.fresh_ccache();
    RunResult r = kinit_pw(realm, cc, user, {}, {{"KRB5_TRACE", "/dev/stderr"}});
    REQUIRE_MESSAGE(r.ok(), show(r));
    CHECK(r.out.empty());
    CHECK((count(r.err, "Sending unauthenticated request") == 1));
    CHECK((count(r.err, "Produced preauth for next request") == (user == "alice" ? 1 : 0)));

    RunResult list = realm.run({"klist", "-c", cc});
    REQUIRE_MESSAGE(list.ok(), show(list));
    CHECK(list.out.find("Default principal: " + realm.principal(user)) != std::string::npos);
    CHECK(list.out.find("krbtgt/" + realm.name() + "@" + realm.name()) != std::string::npos);
    RunResult kvno = realm.run({"kvno", "-c", cc, realm.host_principal()});
    CHECK_MESSAGE(kvno.ok(), show(kvno));
    CHECK(kvno.out.find("kvno = 1") != std::string::npos);

    auto contents = read_cache(cc);
    CHECK(contents.default_principal.components == std::vector<std::string>{user});
    CHECK(contents.kdc_offset.has_value());  // learned from the reply, as MIT writes it
    bool pre = (contents.creds[0].flags & krbkit::ticket_flags::pre_authent) != 0;
    CHECK(pre == (user == "alice"));
  }
}

TEST_CASE("the etype-info kept in the cache saves a round trip the next time") {
  Realm& realm = Realm::shared();
  std::string cc = realm.fresh_ccache();
  RunResult first = kinit_pw(realm, cc, "alice", {}, {{"KRB5_TRACE", "/dev/stderr"}});
  REQUIRE_MESSAGE(first.ok(), show(first));
  CHECK(count(first.err, "Sending request (") == 2);
  RunResult second = kinit_pw(realm, cc, "alice", {}, {{"KRB5_TRACE", "/dev/stderr"}});
  REQUIRE_MESSAGE(second.ok(), show(second));
  CHECK(count(second.err, "Sending request (") == 1);
  CHECK(second.err.find("Using cached etype-info for alice@") != std::string::npos);
  RunResult list = realm.run({"klist", "-C", "-c", cc});
  CHECK(list.out.find("config: pa_type(krbtgt/") != std::string::npos);
}

TEST_CASE("alice and bob from a keytab") {
  Realm& realm = Realm::shared();
  std::string keytab = realm.fresh_path("users.keytab");
  RunResult add = realm.kadmin_local("ktadd -k " + keytab + " -norandkey alice\nktadd -k " + keytab +
                                     " -norandkey bob\n");
  REQUIRE_MESSAGE(add.ok(), show(add));
  for (std::string user : {"alice", "bob"}) {
    CAPTURE(user);
    std::string cc = realm.fresh_ccache();
    RunResult r = realm.run({kinit(), "-k", "-t", keytab, "-c", cc, realm.principal(user)});
    REQUIRE_MESSAGE(r.ok(), show(r));
    RunResult list = realm.run({"klist", "-c", cc});
    CHECK(list.out.find("Default principal: " + realm.principal(user)) != std::string::npos);
  }
  RunResult none =
      realm.run({kinit(), "-k", "-t", keytab, "-c", realm.fresh_ccache(), realm.principal("carol")});
  CHECK(none.exit_code == 1);
  CHECK(none.err.find("no key for carol@" + realm.name() + " in keytab " + keytab) != std::string::npos);
  CHECK(none.err.find(") while getting initial credentials\n") != std::string::npos);  // as MIT's line ends

  // -k without a principal: host/<this host>, as MIT's kinit, even when the
  // cache holds someone else's TGT (neither keytab has the host's key here).
  const std::string alices = realm.fresh_ccache();
  REQUIRE(kinit_pw(realm, alices, "alice").ok());
  for (const std::string& tool : {std::string("kinit"), kinit()}) {
    RunResult r = realm.run({tool, "-k", "-t", keytab, "-c", alices});
    CHECK(r.exit_code == 1);
    const bool names_host = r.err.find("keys for host/") != std::string::npos ||  // MIT's words
                            r.err.find("no key for host/") != std::string::npos;  // ours
    CHECK_MESSAGE(names_host, tool << ": " << r.err);
  }

  // A keytab that is not there: MIT's words, without its "Pre-authentication
  // failed: " (nothing was sent), and our exit status for a keytab not found.
  const std::string missing = realm.fresh_path("no.keytab");
  for (const krbkit::test::EnvChanges& env :
       {krbkit::test::EnvChanges{}, krbkit::test::EnvChanges{{"KRB5_KTNAME", missing}}}) {
    std::vector<std::string> args{"-k", "-c", realm.fresh_ccache(), realm.principal("alice")};
    if (env.empty()) args.insert(args.begin() + 1, {"-t", missing});
    std::vector<std::string> mit_argv{"kinit"}, our_argv{kinit()};
    mit_argv.insert(mit_argv.end(), args.begin(), args.end());
    our_argv.insert(our_argv.end(), args.begin(), args.end());
    RunResult mit = realm.run(mit_argv, env);
    RunResult ours = realm.run(our_argv, env);
    const std::string words =
        "Key table file '" + missing + "' not found while getting initial credentials\n";
    CHECK(mit.err == "kinit: Pre-authentication failed: " + words);
    CHECK(ours.err == "kinit: " + words);
    CHECK(ours.exit_code == 9);
  }
}

TEST_CASE("every enctype of the realm works when forced with default_tkt_enctypes") {
  Realm& realm = Realm::shared();
  for (const auto& enctype : realm.service_enctypes()) {
    CAPTURE(enctype);
    std::string conf = realm.fresh_path("enctype.conf");
    std::ofstream(conf) << "[libdefaults]\n  default_tkt_enctypes = " << enctype << "\n";
    krbkit::test::EnvChanges env{{"KRB5_CONFIG", conf + ":" + realm.config()}};
    std::string cc = realm.fresh_ccache();
    RunResult r = kinit_pw(realm, cc, "alice", {}, env);
    REQUIRE_MESSAGE(r.ok(), show(r));
    RunResult list = realm.run({"klist", "-e", "-c", cc});
    REQUIRE_MESSAGE(list.ok(), show(list));
    // MIT's KDC picks the session key from our (one-enctype) list.
    CHECK_MESSAGE(
        std::regex_search(list.out, std::regex("Etype \\(skey, tkt\\): (DEPRECATED:)?" + enctype + ",")),
        list.out);
  }
}

TEST_CASE("a password that expires soon: MIT's warning, word for word") {
  // The KDC sends the password's expiry (key-expiration); MIT's kinit warns
  // when it is less than a week away, in hours below two days, "less than
  // one hour" below one.
  Realm& realm = Realm::shared();
  struct Case {
    std::string user, expires, warning;  // warning: the start of our line, "" for none
  };
  const std::vector<Case> cases{
      // 60 hours: whole days are counted down, so 2 days whether or not a
      // second passed since addprinc ("+3 days" read 3 days in the same second).
      {"kinit-pwexp-days", "+60 hours", "Warning: Your password will expire in 2 days on "},
      // 5.5 hours, so MIT's kinit and ours (a second later) both count 5.
      {"kinit-pwexp-hours", "+330 minutes", "Warning: Your password will expire in 5 hours on "},
      {"kinit-pwexp-soon", "+30 minutes", "Warning: Your password will expire in less than one hour on "},
      {"kinit-pwexp-later", "+10 days", ""}};
  std::string add;
  for (const auto& c : cases)
    add += "addprinc -pw " + c.user + "-pw -pwexpire \"" + c.expires + "\" " + c.user + "\n";
  RunResult added = realm.kadmin_local(add);
  REQUIRE_MESSAGE(added.ok(), show(added));
  auto warning = [](const std::string& out) {
    const auto at = out.find("Warning: ");
    return at == std::string::npos ? std::string() : out.substr(at, out.find('\n', at) - at + 1);
  };
  const krbkit::test::EnvChanges fixed{{"LC_ALL", "C"}, {"TZ", "UTC"}, {"LANG", std::nullopt}};
  for (const auto& c : cases) {
    CAPTURE(c.user);
    RunResult mit = realm.run({"kinit", "-c", realm.fresh_ccache(), c.user}, fixed, c.user + "-pw\n");
    RunResult ours = realm.run({kinit(), "-c", realm.fresh_ccache(), c.user}, fixed, c.user + "-pw\n");
    REQUIRE_MESSAGE(mit.ok(), show(mit));
    REQUIRE_MESSAGE(ours.ok(), show(ours));
    CHECK(warning(ours.out) == warning(mit.out));
    CHECK(ours.out == warning(mit.out));  // our only output without a terminal
    CHECK_MESSAGE(ours.out.find(c.warning) == 0, ours.out);
    CHECK(c.warning.empty() == ours.out.empty());
  }
}

TEST_CASE("-V says what MIT's kinit -V says, on standard error") {
  // The same commands, one after the other on the same caches, for MIT's
  // kinit and ours: the password, a keytab, -R, and a DIR collection
  // (default, new and existing cache). The cache names of a collection are
  // random: the test compares the lines with the name's random part cut.
  Realm& realm = Realm::shared();
  const std::string file = realm.fresh_ccache(), dir = realm.fresh_path("collection");
  std::filesystem::create_directory(dir);
  const std::string alice = realm.password("alice") + "\n", bob = realm.password("bob") + "\n";
  struct Step {
    std::vector<std::string> args;
    std::string input;
    krbkit::test::EnvChanges env;
  };
  const krbkit::test::EnvChanges in_file{{"KRB5CCNAME", file}}, in_dir{{"KRB5CCNAME", "DIR:" + dir}};
  const std::vector<Step> steps{
      {{"-V", "alice"}, alice, in_file},
      {{"-V", "-r", "1d", "alice"}, alice, in_file},
      {{"-V", "-R"}, "", in_file},
      {{"-V", "-c", file, "-k", "-t", realm.host_keytab(), realm.host_principal()}, "", {}},
      {{"-V", "alice"}, alice, in_dir},
      {{"-V", "bob"}, bob, in_dir},
      {{"-V", "alice"}, alice, in_dir},
      {{"-V", "-R", "-c", realm.fresh_ccache()}, "", {}}};
  auto cut = [](std::string text) {
    return std::regex_replace(text, std::regex("/tkt[A-Za-z0-9]+"), "/tkt*");
  };
  std::vector<std::string> lines[2];
  int i = 0;
  for (const std::string& tool : {std::string("kinit"), kinit()}) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directory(dir);
    std::filesystem::remove(file.substr(5));
    for (const auto& step : steps) {
      std::vector<std::string> argv{tool};
      argv.insert(argv.end(), step.args.begin(), step.args.end());
      RunResult r = realm.run(argv, step.env, step.input);
      lines[i].push_back(cut(r.err.substr(0, r.err.find("kinit: "))));  // the -V lines, not the error's words
      CHECK(r.out.find("Using ") == std::string::npos);
    }
    ++i;
  }
  for (std::size_t n = 0; n < steps.size(); ++n) {
    CAPTURE(n);
    CHECK(lines[1][n] == lines[0][n]);
  }
  CHECK(lines[1][0] == "Using default cache: " + file.substr(5) + "\nUsing principal: " +
                           realm.principal("alice") + "\nAuthenticated to Kerberos v5\n");
  CHECK(lines[1][6] == "Using existing cache: :" + dir + "/tkt\nUsing principal: " +
                           realm.principal("alice") + "\nAuthenticated to Kerberos v5\n");
}

TEST_CASE("-l, -r and -s values: the same accepted and refused as MIT's kinit") {
  // MIT's kinit refuses zero (and nothing) as a usage error (exit 2:
  // "Bad lifetime value 0"); both take d/h/m/s and h:m[:s] forms.
  Realm& realm = Realm::shared();
  struct Case {
    std::string option, value;
    bool ok;
  };
  for (const auto& c : std::vector<Case>{{"-l", "0", false},
                                         {"-l", "", false},
                                         {"-r", "0", false},
                                         {"-s", "0", false},
                                         {"-l", "1h 30m", true},
                                         {"-l", "1:30:00", true},
                                         {"-l", "01:02", true},
                                         {"-r", "2d", true}}) {
    CAPTURE(c.option);
    CAPTURE(c.value);
    std::string mit_cc = realm.fresh_ccache(), our_cc = realm.fresh_ccache();
    RunResult mit = realm.run({"kinit", c.option, c.value, "-c", mit_cc, realm.principal("alice")}, {},
                              realm.password("alice") + "\n");
    RunResult ours = kinit_pw(realm, our_cc, "alice", {c.option, c.value});
    CHECK(mit.exit_code == (c.ok ? 0 : 2));
    CHECK_MESSAGE(ours.exit_code == mit.exit_code, show(ours));
    if (!c.ok) {
      CHECK(ours.err.find("'" + c.value + "'") != std::string::npos);
      CHECK(realm.run({"klist", "-s", "-c", our_cc}).exit_code == 1);  // nothing stored
    }
  }
}

TEST_CASE("-l -r -f -F -p -P -a change the ticket") {
  Realm& realm = Realm::shared();
  auto get = [&](std::vector<std::string> flags) {
    std::string cc = realm.fresh_ccache();
    RunResult r = kinit_pw(realm, cc, "alice", flags);
    REQUIRE_MESSAGE(r.ok(), show(r));
    return cc;
  };
  {
    auto c = read_cache(get({"-l", "1h"})).creds[0].clone();
    // kinit asks for now + 1h by its clock and the KDC starts the ticket at its
    // own now, which may be the next second already.
    auto life = duration_cast<seconds>(c.endtime - c.starttime).count();
    CHECK_MESSAGE((life == 3600 || life == 3599), life);
    CHECK((c.flags & krbkit::ticket_flags::renewable) == 0);
  }
  {
    std::string cc = get({"-r", "2d"});
    auto c = read_cache(cc).creds[0].clone();
    CHECK((c.flags & krbkit::ticket_flags::renewable) != 0);
    auto renew_life = duration_cast<seconds>(c.renew_till - c.starttime).count();  // one clock tick, as above
    CHECK_MESSAGE((renew_life == 2 * 86400 || renew_life == 2 * 86400 - 1), renew_life);
    CHECK(mit_flags(realm, cc).find('R') != std::string::npos);
  }
  CHECK(mit_flags(realm, get({"-f"})).find('F') != std::string::npos);
  CHECK(mit_flags(realm, get({"-F"})).find('F') == std::string::npos);
  CHECK(mit_flags(realm, get({"-p"})).find('P') != std::string::npos);
  CHECK(mit_flags(realm, get({"-P"})).find('P') == std::string::npos);
  {
    std::string cc = get({"-a"});
    auto c = read_cache(cc).creds[0].clone();
    RunResult list = realm.run({"klist", "-a", "-c", cc});
    if (c.addresses.empty()) {
      MESSAGE("this host has no non-loopback address; -a sent none");
    } else {
      CHECK(list.out.find("Addresses: (none)") == std::string::npos);
      CHECK(list.out.find("Addresses: ") != std::string::npos);
    }
    CHECK(read_cache(get({"-A"})).creds[0].addresses.empty());
  }
}

TEST_CASE("wrong password, unknown principal and an expired password: message and exit code") {
  Realm& realm = Realm::shared();
  for (std::string user : {"alice", "bob"}) {
    CAPTURE(user);
    RunResult r =
        realm.run({kinit(), "-c", realm.fresh_ccache(), realm.principal(user)}, {}, "not-the-password\n");
    CHECK(r.exit_code == 3);
    // alice's KDC refused her pre-authentication (the KDC is named); bob's
    // reply did not decrypt (the key is named).
    CHECK(r.err.find("kinit: Password incorrect for '" + realm.principal(user) + "' (") == 0);
    CHECK(r.err.find(user == "alice" ? "(KDC 127.0.0.1:" : "did not decrypt with the") != std::string::npos);
    CHECK(r.err.find(") while getting initial credentials\n") != std::string::npos);
  }
  RunResult unknown = realm.run({kinit(), "-c", realm.fresh_ccache(), "nosuchuser"}, {}, "x\n");
  CHECK(unknown.exit_code == 4);
  CHECK(unknown.err.find("kinit: Client 'nosuchuser@" + realm.name() + "' not found in Kerberos database") ==
        0);
  CHECK(unknown.err.find("while getting initial credentials") != std::string::npos);
}

TEST_CASE("input ends before a password could be read: MIT's exit status, one line naming the principal") {
  // dave's password has expired: kinit reads the old one, then finds no new
  // one; alice (pre-authentication) and bob (none) find no password at all.
  // MIT's kinit says "Cannot read password while getting initial
  // credentials" and exits 1 in each case.
  Realm& realm = Realm::shared();
  struct Case {
    std::string user, input;
    bool expired;
  };
  for (const auto& c : {Case{"dave", realm.password("dave") + "\n", true}, Case{"dave", "", true},
                        Case{"alice", "", false}, Case{"bob", "", false}}) {
    CAPTURE(c.user);
    CAPTURE(c.input);
    RunResult mit = realm.run({"kinit", "-c", realm.fresh_ccache(), realm.principal(c.user)}, {}, c.input);
    RunResult ours = realm.run({kinit(), "-c", realm.fresh_ccache(), realm.principal(c.user)}, {}, c.input);
    CHECK(mit.err.find("Cannot read password while getting initial credentials") != std::string::npos);
    CHECK_MESSAGE(ours.exit_code == mit.exit_code, show(ours));
    CHECK(ours.exit_code == 1);
    CHECK(ours.err.find("kinit: Cannot read password for '" + realm.principal(c.user) + "' (") == 0);
    CHECK(ours.err.find("standard input") != std::string::npos);
    CHECK((ours.err.find("password expired") != std::string::npos) == c.expired);
    CHECK(ours.err.find(") while getting initial credentials\n") != std::string::npos);
    CHECK(std::count(ours.err.begin(), ours.err.end(), '\n') == 1);
    // The banner of the change comes only after the old password was read.
    CHECK((ours.out.find("Password expired.  You must change it now.") != std::string::npos) ==
          !c.input.empty());
  }
}

TEST_CASE("an expired password: kinit asks for a new one twice, changes it, and gets the TGT") {
  Realm& realm = Realm::shared();
  const std::string user = "kinit-expired";
  RunResult add = realm.kadmin_local("addprinc +needchange -pw old-pw-1 " + user + "\n");
  REQUIRE_MESSAGE(add.ok(), show(add));
  const std::string principal = user + "@" + realm.name();

  {  // the two new passwords differ: nothing changes
    RunResult r =
        realm.run({kinit(), "-c", realm.fresh_ccache(), user}, {}, "old-pw-1\nnew-pw-a\nnew-pw-b\n");
    // As MIT's kinit: the banner asks again; stdin has run out, so no
    // password can be read (exit 1, as MIT's), and it is still expired.
    CHECK(r.out.find("Password mismatch.  Please try again.") != std::string::npos);
    CHECK_MESSAGE(r.exit_code == 1, show(r));
    CHECK(r.err.find("kinit: Cannot read password for '" + principal + "' (password expired; ") == 0);
    RunResult still = realm.run({"kinit", "-c", realm.fresh_ccache(), user}, {}, "old-pw-1\n");
    CHECK(still.out.find("Password expired") != std::string::npos);  // MIT's kinit: still expired
  }
  {  // the change
    const std::string cc = realm.fresh_ccache();
    RunResult r = realm.run({kinit(), "-c", cc, user}, {}, "old-pw-1\nnew-pw-2\nnew-pw-2\n");
    REQUIRE_MESSAGE(r.ok(), show(r));
    CHECK(r.out.find("Password expired.  You must change it now.") != std::string::npos);
    CHECK(r.out == "Password expired.  You must change it now.\n");  // prompts only on a terminal
    RunResult list = realm.run({"klist", "-c", cc});                 // MIT's klist reads the TGT we stored
    CHECK(list.out.find("Default principal: " + principal) != std::string::npos);
    CHECK(list.out.find("krbtgt/" + realm.name() + "@" + realm.name()) != std::string::npos);
    // MIT's kinit takes the new password, and the old one is gone.
    CHECK(realm.run({"kinit", "-c", realm.fresh_ccache(), user}, {}, "new-pw-2\n").ok());
    CHECK_FALSE(realm.run({"kinit", "-c", realm.fresh_ccache(), user}, {}, "old-pw-1\n").ok());
  }
}

TEST_CASE("kinit -R without a cache: no credentials (exit 8), naming the cache") {
  Realm& realm = Realm::shared();
  const std::string cc = realm.fresh_ccache();
  RunResult renew = realm.run({kinit(), "-R", "-c", cc});
  CHECK(renew.exit_code == 8);
  CHECK_MESSAGE(renew.err.find(cc.substr(cc.find(':') + 1)) != std::string::npos, show(renew));
}

TEST_CASE("--password-file and --password-fd") {
  Realm& realm = Realm::shared();
  std::string file = realm.fresh_path("pw");
  std::ofstream(file) << realm.password("alice") << "\n";
  std::string cc = realm.fresh_ccache();
  RunResult r = realm.run({kinit(), "--password-file", file, "-c", cc, realm.principal("alice")});
  CHECK_MESSAGE(r.ok(), show(r));
  RunResult fd = realm.sh(kinit() + " --password-fd 3 -c " + realm.fresh_ccache() + " alice 3<" + file);
  CHECK_MESSAGE(fd.ok(), show(fd));
}

TEST_CASE("faults: a closed or silent first KDC, then the real one") {
  Realm& realm = Realm::shared();
  std::string real = "127.0.0.1:" + std::to_string(realm.kdc_port());
  FakeKdc silent;  // bound first, so that the closed port below is another one
  std::string closed = "127.0.0.1:" + std::to_string(free_port());
  struct Case {
    std::string what;
    std::string first;
  };
  for (const Case& c :
       {Case{"closed port", closed}, Case{"silent host", "127.0.0.1:" + std::to_string(silent.port())}}) {
    CAPTURE(c.what);
    std::string conf = write_config(realm, {c.first, real});
    std::string cc = realm.fresh_ccache();
    auto start = steady_clock::now();
    RunResult r = kinit_pw(realm, cc, "alice", {}, {{"KRB5_CONFIG", conf}, {"KRB5_TRACE", "/dev/stderr"}});
    auto ms = duration_cast<milliseconds>(steady_clock::now() - start).count();
    REQUIRE_MESSAGE(r.ok(), show(r));
    MESSAGE("kinit alice with a " << c.what << " as first KDC: " << ms << " ms");
    // The pre-authenticated request goes straight to the KDC that answered.
    CHECK(r.err.find("Sending the next request to the KDC that answered: " + real) != std::string::npos);
  }
  CHECK(silent.requests() == 1);  // only the first request went to the silent KDC
}

TEST_CASE("no -r: renewable-ok as MIT's kinit (kdc_default_options), so the TGT is renewable as MIT's is") {
  Realm& realm = Realm::shared();
  // The realm's max_life (10 h) is shorter than the requested lifetime (24 h):
  // with renewable-ok the KDC makes the ticket renewable until then.
  std::string ours = realm.fresh_ccache(), mits = realm.fresh_ccache();
  REQUIRE(kinit_pw(realm, ours, "alice").ok());
  REQUIRE(
      realm.run({"kinit", "-c", mits, realm.principal("alice")}, {}, realm.password("alice") + "\n").ok());
  auto a = read_cache(ours).creds[0].clone(), b = read_cache(mits).creds[0].clone();
  CHECK((b.flags & krbkit::ticket_flags::renewable) != 0);  // what MIT's kinit gets
  CHECK((a.flags & krbkit::ticket_flags::renewable) != 0);
  // The till is the client's clock plus 24 h, the start the KDC's: a second
  // boundary between the two may cost either ticket one second.
  const auto renewable_ours = duration_cast<seconds>(a.renew_till - a.starttime).count();
  const auto renewable_mits = duration_cast<seconds>(b.renew_till - b.starttime).count();
  CHECK_MESSAGE(std::abs(renewable_ours - renewable_mits) <= 1, renewable_ours << " vs " << renewable_mits);
  CHECK(mit_flags(realm, ours).find('R') != std::string::npos);

  std::string conf =
      write_config(realm, {"127.0.0.1:" + std::to_string(realm.kdc_port())}, "  kdc_default_options = 0\n");
  std::string plain = realm.fresh_ccache();
  REQUIRE(kinit_pw(realm, plain, "alice", {}, {{"KRB5_CONFIG", conf}}).ok());
  CHECK((read_cache(plain).creds[0].flags & krbkit::ticket_flags::renewable) == 0);
  std::string bad = write_config(realm, {"127.0.0.1:" + std::to_string(realm.kdc_port())},
                                 "  kdc_default_options = sixteen\n");
  RunResult r = kinit_pw(realm, realm.fresh_ccache(), "alice", {}, {{"KRB5_CONFIG", bad}});
  CHECK(r.exit_code != 0);
  CHECK_MESSAGE(r.err.find("kdc_default_options") != std::string::npos, show(r));
}

TEST_CASE("faults: udp_preference_limit = 1 forces TCP") {
  Realm& realm = Realm::shared();
  std::string conf =
      write_config(realm, {"127.0.0.1:" + std::to_string(realm.kdc_port())}, "  udp_preference_limit = 1\n");
  RunResult r = kinit_pw(realm, realm.fresh_ccache(), "alice", {},
                         {{"KRB5_CONFIG", conf}, {"KRB5_TRACE", "/dev/stderr"}});
  REQUIRE_MESSAGE(r.ok(), show(r));
  CHECK(count(r.err, "Sending TCP request") == 2);
  CHECK(r.err.find("Sending initial UDP request") == std::string::npos);
}

TEST_CASE("faults: a KDC that answers garbage, or nothing, gives a clear error within the deadline") {
  Realm& realm = Realm::shared();
  FakeKdc garbage(std::string("this is not a Kerberos reply"));
  FakeKdc silent;
  struct Case {
    std::string what;
    int port;
  };
  for (const Case& c : {Case{"garbage", garbage.port()}, Case{"nothing", silent.port()}}) {
    CAPTURE(c.what);
    std::string conf =
        write_config(realm, {"127.0.0.1:" + std::to_string(c.port)}, "  request_timeout = 3\n");
    auto start = steady_clock::now();
    RunResult r = kinit_pw(realm, realm.fresh_ccache(), "alice", {}, {{"KRB5_CONFIG", conf}});
    auto ms = duration_cast<milliseconds>(steady_clock::now() - start).count();
    MESSAGE("kinit against a KDC answering " << c.what << " (request_timeout = 3): " << ms << " ms, "
                                             << r.err);
    CHECK(r.exit_code == 5);
    // MIT's words first ("Cannot contact any KDC for realm 'R'"), then what was tried.
    CHECK(r.err.find("kinit: Cannot contact any KDC for realm '" + realm.name() + "' (tried: ") == 0);
    CHECK(r.err.find(") while getting initial credentials\n") != std::string::npos);
    CHECK(r.err.find("127.0.0.1:" + std::to_string(c.port)) != std::string::npos);
  }
  CHECK(garbage.requests() >= 1);
}

TEST_CASE("faults: a reply that does not decode, or answers another request, fails that KDC only") {
  Realm& realm = Realm::shared();
  std::ifstream captured(std::string(KRBKIT_TEST_DATA_DIR) + "/messages/tgs-rep.bin", std::ios::binary);
  std::string tgs_rep((std::istreambuf_iterator<char>(captured)), std::istreambuf_iterator<char>());
  REQUIRE(tgs_rep.size() > 100);
  // A KRB-ERROR tag whose length runs past the end (MIT's kinit stops at
  // it), and a TGS-REP: a whole message, but no answer to an AS-REQ.
  for (const std::string& answer : {std::string("\x7e\x30truncated KRB-ERROR"), tgs_rep}) {
    CAPTURE(answer.size());
    FakeKdc bad(answer), worse(answer);
    std::string first = "127.0.0.1:" + std::to_string(bad.port());
    std::string real = "127.0.0.1:" + std::to_string(realm.kdc_port());
    RunResult r = kinit_pw(realm, realm.fresh_ccache(), "alice", {},
                           {{"KRB5_CONFIG", write_config(realm, {first, real})}});
    CHECK_MESSAGE(r.ok(), show(r));
    CHECK(bad.requests() >= 1);

    std::string second = "127.0.0.1:" + std::to_string(worse.port());
    std::string conf = write_config(realm, {first, second}, "  request_timeout = 2\n");
    RunResult none = kinit_pw(realm, realm.fresh_ccache(), "alice", {}, {{"KRB5_CONFIG", conf}});
    CHECK(none.exit_code == 5);
    CHECK_MESSAGE(
        none.err.find("kinit: Cannot contact any KDC for realm '" + realm.name() + "' (tried: ") == 0,
        show(none));
    CHECK_MESSAGE(none.err.find("udp " + first + " (unparseable reply)") != std::string::npos, show(none));
    CHECK_MESSAGE(none.err.find("udp " + second + " (unparseable reply)") != std::string::npos, show(none));
  }
}

TEST_CASE("faults: no KDC answers, or none is known: MIT kinit's words first, then what was tried") {
  Realm& realm = Realm::shared();
  // The KDC's port closed: "Cannot contact any KDC for realm 'R'", exit 5 (KDC unreachable).
  std::string closed = write_config(realm, {"127.0.0.1:" + std::to_string(free_port())});
  RunResult ours = kinit_pw(realm, realm.fresh_ccache(), "alice", {}, {{"KRB5_CONFIG", closed}});
  RunResult mit = realm.run({"kinit", "-c", realm.fresh_ccache(), realm.principal("alice")},
                            {{"KRB5_CONFIG", closed}}, realm.password("alice") + "\n");
  CHECK(ours.exit_code == 5);
  CHECK_FALSE(mit.ok());
  CHECK(ours.err.find("kinit: Cannot contact any KDC for realm '" + realm.name() +
                      "' (tried: udp 127.0.0.1:") == 0);
  CHECK(ours.err.find("(Connection refused)) while getting initial credentials\n") != std::string::npos);
  // What MIT says before " while ..." is what we say first.
  auto mit_words = mit.err.substr(0, mit.err.find(" while "));
  CHECK(mit_words == "kinit: Cannot contact any KDC for realm '" + realm.name() + "'");
  CHECK(ours.err.find(mit_words + " (") == 0);

  // A realm nothing knows (no kdc, no DNS) and whose name is no host either.
  RunResult lost = realm.run({kinit(), "-c", realm.fresh_ccache(), "alice@NOWHERE.INVALID"}, {}, "nothing\n");
  RunResult mit_lost =
      realm.run({"kinit", "-c", realm.fresh_ccache(), "alice@NOWHERE.INVALID"}, {}, "nothing\n");
  CHECK(lost.exit_code == 5);
  CHECK(mit_lost.err ==
        "kinit: Cannot find KDC for realm \"NOWHERE.INVALID\" while getting initial credentials\n");
  CHECK(
      lost.err.find("kinit: Cannot find KDC for realm \"NOWHERE.INVALID\" (none configured or in DNS; tried "
                    "the realm name as a host: NOWHERE.INVALID:88 (") == 0);
  CHECK(lost.err.find(")) while getting initial credentials\n") != std::string::npos);
  MESSAGE("ours: " << ours.err << "MIT:  " << mit.err << "ours: " << lost.err << "MIT:  " << mit_lost.err);
}

TEST_CASE("Heimdal's KDC: kinit by password and from a keytab") {
  Realm* h = Realm::shared_heimdal();
  if (h == nullptr) {
    MESSAGE(*krbkit::test::heimdal_unavailable());
    return;
  }
  for (std::string user : {"alice", "bob"}) {
    CAPTURE(user);
    std::string cc = h->fresh_ccache();
    RunResult r = kinit_pw(*h, cc, user);
    REQUIRE_MESSAGE(r.ok(), show(r));
    auto contents = read_cache(cc);
    CHECK(contents.creds[0].client.components == std::vector<std::string>{user});
    RunResult wrong = h->run({kinit(), "-c", h->fresh_ccache(), h->principal(user)}, {}, "wrong\n");
    CHECK(wrong.exit_code == 3);
  }
  std::string keytab = h->fresh_path("alice.keytab");
  RunResult ext = h->kadmin_local("ext_keytab -k " + keytab + " alice\n");
  REQUIRE_MESSAGE(ext.ok(), show(ext));
  std::string cc = h->fresh_ccache();
  RunResult r = h->run({kinit(), "-k", "-t", keytab, "-c", cc, h->principal("alice")});
  REQUIRE_MESSAGE(r.ok(), show(r));
  CHECK(read_cache(cc).default_principal.components == std::vector<std::string>{"alice"});
}
