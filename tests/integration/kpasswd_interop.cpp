// kpasswd against the real password services of the test realms: MIT's
// kadmind (RFC 3244 over TCP and UDP) and Heimdal's kpasswdd (UDP). Every
// new password is proven with MIT's own kinit, so a change that only krbkit
// believes in fails here.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <regex>

#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/kpasswd_client.hpp"
#include "krbkit/proto/principal.hpp"
#include "realm/realm.hpp"

using namespace krbkit;
using namespace krbkit::test;

namespace {

// kpasswd changes passwords, so it gets a realm of its own rather than the shared one.
Realm& mit_realm() {
  static Realm realm;
  return realm;
}

RunResult kpasswd(const Realm& realm, const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv{krbkit_tool("kpasswd")};
  argv.insert(argv.end(), args.begin(), args.end());
  return realm.run(argv, {}, input);
}

std::string lines(std::initializer_list<std::string> l) {
  std::string out;
  for (const auto& s : l) out += s + "\n";
  return out;
}

// Whether MIT's kinit (or Heimdal's, in a Heimdal realm) accepts the password.
bool password_works(Realm& realm, const std::string& user, const std::string& password) {
  const std::string cc = realm.fresh_ccache();
  if (realm.kind() == RealmKind::heimdal)
    return realm
        .sh("$HEIMDAL_BIN/kinit --password-file=STDIN -c " + cc + " " + realm.principal(user), {},
            password + "\n")
        .ok();
  return realm.run({"kinit", "-c", cc, realm.principal(user)}, {}, password + "\n").ok();
}

void add_user(Realm& realm, const std::string& user, const std::string& password) {
  auto r = realm.kind() == RealmKind::heimdal
               ? realm.kadmin_local("add --password=" + password + " --use-defaults " + user + "\n")
               : realm.kadmin_local("addprinc -policy default -pw " + password + " " + user + "\n");
  REQUIRE_MESSAGE(r.ok(), r.err);
}

config::Profile profile_of(const Realm& realm) {
  return config::load_profile(Environment::from_map({{"KRB5_CONFIG", realm.config()}})).value();
}

}  // namespace

TEST_CASE("MIT kadmind: carol changes her password, the new one works, and back") {
  Realm& realm = mit_realm();
  const std::string old_pw = realm.password("carol"), new_pw = "carol-new-pw-2";
  auto r = kpasswd(realm, {"carol"}, lines({old_pw, new_pw, new_pw}));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out == "Password changed.\n");  // prompts only on a terminal, as kinit's
  CHECK(r.out.find("Password changed.") != std::string::npos);
  CHECK(password_works(realm, "carol", new_pw));
  CHECK_FALSE(password_works(realm, "carol", old_pw));

  // And back, read from --password-file this time.
  const std::string file = realm.fresh_path("pwfile");
  std::ofstream(file) << lines({new_pw, old_pw, old_pw});
  r = kpasswd(realm, {"--password-file", file, "carol"}, "");
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(password_works(realm, "carol", old_pw));
}

TEST_CASE("MIT kadmind: the policy's reason for a too-short password") {
  Realm& realm = mit_realm();
  add_user(realm, "kp-short", "short-pw-1");
  auto r = kpasswd(realm, {"kp-short"}, lines({"short-pw-1", "abc", "abc"}));
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.out.find("Password change rejected: New password is too short.") != std::string::npos,
                r.out);
  CHECK(r.out.find("at least 8 characters") != std::string::npos);
  CHECK(password_works(realm, "kp-short", "short-pw-1"));

  {  // as JSON
    r = kpasswd(realm, {"--json", "kp-short"}, lines({"short-pw-1", "abc", "abc"}));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("\"changed\": false") != std::string::npos);
    CHECK(r.out.find("\"result_code\": 4") != std::string::npos);
    CHECK(r.out.find("\"result_name\": \"KRB5_KPASSWD_SOFTERROR\"") != std::string::npos);
    CHECK(r.out.find("\"message\": \"New password is too short.") != std::string::npos);
  }
}

TEST_CASE("MIT kadmind: wrong old password, mismatched new ones") {
  Realm& realm = mit_realm();
  add_user(realm, "kp-wrong", "wrong-pw-1");
  auto r = kpasswd(realm, {"kp-wrong"}, lines({"not-the-password", "whatever-1", "whatever-1"}));
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("kpasswd: Password incorrect for '") == 0);
  CHECK(r.err.find("while getting initial ticket\n") != std::string::npos);
  CHECK(r.out.find("Enter new password") == std::string::npos);  // never asked

  r = kpasswd(realm, {"kp-wrong"}, lines({"wrong-pw-1", "new-pw-aaaa", "new-pw-bbbb"}));
  CHECK(r.exit_code == 1);
  CHECK(r.err == "kpasswd: Password mismatch while reading password\n");
  CHECK(password_works(realm, "kp-wrong", "wrong-pw-1"));

  // The input ends before the new password: MIT's context, "while reading password".
  for (const auto& input : {lines({"wrong-pw-1"}), lines({"wrong-pw-1", "new-pw-aaaa"})}) {
    r = kpasswd(realm, {"kp-wrong"}, input);
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.rfind("kpasswd: ", 0) == 0, r.err);
    CHECK_MESSAGE(r.err.find(" while reading password\n") != std::string::npos, r.err);
    auto mit = realm.run({"/usr/bin/kpasswd", "kp-wrong"}, {}, input);
    CHECK(mit.exit_code == 1);
    CHECK_MESSAGE(mit.err.find(" while reading password\n") != std::string::npos, mit.err);
  }
  CHECK(password_works(realm, "kp-wrong", "wrong-pw-1"));
}

TEST_CASE("MIT kadmind: without an argument, the default cache's principal; a damaged cache is an error") {
  Realm& realm = mit_realm();
  add_user(realm, "kp-cached", "cached-pw-1");
  const std::string cc = realm.fresh_ccache();
  REQUIRE(realm.run({"kinit", "-c", cc, realm.principal("kp-cached")}, {}, "cached-pw-1\n").ok());
  auto r = realm.run({krbkit_tool("kpasswd"), "--json"}, {{"KRB5CCNAME", cc}},
                     lines({"cached-pw-1", "cached-pw-2", "cached-pw-2"}));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.find("\"principal\": \"" + realm.principal("kp-cached") + "\"") != std::string::npos);
  CHECK(password_works(realm, "kp-cached", "cached-pw-2"));

  // A cache that is there but not a cache: MIT's kpasswd stops ("getting
  // principal from ccache"); so does krbkit's, rather than change the login
  // name's password instead.
  const std::string damaged = realm.fresh_path("damaged-cache");
  std::ofstream(damaged) << "not a credential cache\n";
  for (const auto& tool : {krbkit_tool("kpasswd"), std::string("/usr/bin/kpasswd")}) {
    CAPTURE(tool);
    r = realm.run({tool}, {{"KRB5CCNAME", "FILE:" + damaged}}, lines({"cached-pw-2", "x-pw-3", "x-pw-3"}));
    CHECK(r.exit_code != 0);
    CHECK_MESSAGE(r.err.find("getting principal from ccache") != std::string::npos, r.err);
    CHECK(r.err.find("initial ticket") == std::string::npos);
  }
  r = realm.run({krbkit_tool("kpasswd")}, {{"KRB5CCNAME", "FILE:" + damaged}}, "");
  CHECK(r.exit_code == 9);
  CHECK_MESSAGE(r.err.find("FILE:" + damaged) != std::string::npos, r.err);
}

TEST_CASE("MIT kadmind: set-password by an admin, refused for others") {
  Realm& realm = mit_realm();
  add_user(realm, "kp-erin", "erin-pw-1");
  auto r = kpasswd(realm, {"--admin-principal", "admin/admin", "kp-erin"},
                   lines({realm.password("admin"), "erin-set-pw-2", "erin-set-pw-2"}));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out == "Password changed.\n");
  CHECK(password_works(realm, "kp-erin", "erin-set-pw-2"));

  add_user(realm, "kp-mallory", "mallory-pw-1");
  r = kpasswd(realm, {"--admin-principal", "kp-mallory", "kp-erin"},
              lines({"mallory-pw-1", "erin-evil-pw", "erin-evil-pw"}));
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.out.find("Access denied") != std::string::npos, r.out);
  CHECK(password_works(realm, "kp-erin", "erin-set-pw-2"));
}

TEST_CASE("MIT kadmind: the expired-password user changes it") {
  Realm& realm = mit_realm();
  CHECK_FALSE(password_works(realm, "dave", realm.password("dave")));  // KEY_EXPIRED
  auto r = kpasswd(realm, {"dave"}, lines({realm.password("dave"), "dave-new-pw-2", "dave-new-pw-2"}));
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(password_works(realm, "dave", "dave-new-pw-2"));
}

// A KRB5_CONFIG list: a file with these [libdefaults] relations first (its
// values win, for MIT's profile library as for ours), then the realm's krb5.conf.
std::string conf_with(Realm& realm, const std::string& libdefaults) {
  const std::string path = realm.fresh_path("addr.conf");
  std::ofstream(path) << "[libdefaults]\n" << libdefaults;
  return path + ":" + realm.config();
}

// The "Addresses:" line of `service` in MIT's `klist -a -n` of `cache`.
std::string listed_addresses(const Realm& realm, const std::string& cache, const std::string& service) {
  auto r = realm.run({"/usr/bin/klist", "-a", "-n", "-c", cache});
  REQUIRE_MESSAGE(r.ok(), r.err);
  std::smatch m;
  const std::regex entry(
      R"(\d\S* \S+\s+\S+ \S+\s+(\S+)\n(?:\s+renew until [^\n]*\n)?\s+Addresses: ([^\n]*))");
  for (std::sregex_iterator it(r.out.begin(), r.out.end(), entry), done; it != done; ++it)
    if ((*it)[1] == service) return (*it)[2];
  FAIL("no " << service << " in " << r.out);
  return {};
}

TEST_CASE(
    "the changepw ticket follows noaddresses and extra_addresses, as MIT's (kadmin/changepw by MIT's "
    "kinit)") {
  // MIT's kpasswd (and kinit's expired-password path, gic_pwd.c
  // make_chpw_options) set no address list: the library default applies, as
  // for MIT's kinit -S kadmin/changepw. noaddresses = maybe reads as false.
  Realm& realm = mit_realm();
  add_user(realm, "kp-addr", "addr-pw-1");
  const auto client = parse_principal("kp-addr", realm.name()).value();
  const std::string changepw = "kadmin/changepw@" + realm.name();
  const std::string loopback = "    extra_addresses = 127.0.0.1\n";
  for (const std::string& libdefaults :
       {loopback, "    noaddresses = false\n" + loopback, "    noaddresses = maybe\n" + loopback,
        "    noaddresses = true\n" + loopback}) {
    CAPTURE(libdefaults);
    const std::string conf = conf_with(realm, libdefaults);
    const auto profile = config::load_profile(Environment::from_map({{"KRB5_CONFIG", conf}}));
    REQUIRE_MESSAGE(profile.ok(), profile.error().message());
    exchange::PasswordKeySource keys(client, SecretBytes(std::string_view("addr-pw-1")));
    auto creds = exchange::get_changepw_credentials(*profile, client, keys);
    REQUIRE_MESSAGE(creds.ok(), creds.error().message());
    const std::string ours = realm.fresh_ccache();
    auto cache = ccache::open(ours);
    REQUIRE(cache.ok());
    std::vector<Credentials> stored;
    stored.push_back(std::move(creds).value());
    REQUIRE((*cache)->initialize_and_store(client, stored).ok());
    const std::string mits = realm.fresh_ccache();
    auto k = realm.run({"/usr/bin/kinit", "-S", changepw, "-c", mits, realm.principal("kp-addr")},
                       {{"KRB5_CONFIG", conf}}, "addr-pw-1\n");
    REQUIRE_MESSAGE(k.ok(), k.err);
    const std::string expected = listed_addresses(realm, mits, changepw);
    CHECK(listed_addresses(realm, ours, changepw) == expected);
    const bool bound = libdefaults.find("noaddresses = true") == std::string::npos &&
                       libdefaults.find("noaddresses") != std::string::npos;
    CHECK_MESSAGE((expected.find("127.0.0.1") != std::string::npos) == bound, expected);
  }
}

TEST_CASE(
    "MIT kadmind: kpasswd works with address-bound changepw tickets (noaddresses = false, extra_addresses)") {
  // kadmind takes the ticket whatever its addresses (schpw.c sets no remote
  // address before krb5_rd_req); both kpasswds work, the new password too.
  Realm& realm = mit_realm();
  const std::string conf = conf_with(realm, "    noaddresses = false\n    extra_addresses = 127.0.0.1\n");
  int n = 0;
  for (const std::string& tool : {std::string("/usr/bin/kpasswd"), krbkit_tool("kpasswd")}) {
    CAPTURE(tool);
    const std::string user = "kp-bound-" + std::to_string(++n);
    add_user(realm, user, "bound-pw-1");
    auto r =
        realm.run({tool, user}, {{"KRB5_CONFIG", conf}}, lines({"bound-pw-1", "bound-pw-2", "bound-pw-2"}));
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out.find("Password changed.") != std::string::npos);
    CHECK(password_works(realm, user, "bound-pw-2"));
  }
}

TEST_CASE("library: UDP only, and a closed server before the real one") {
  Realm& realm = mit_realm();
  add_user(realm, "kp-udp", "udp-pw-1");
  const auto profile = profile_of(realm);
  const auto client = parse_principal("kp-udp", realm.name()).value();
  exchange::PasswordKeySource keys(client, SecretBytes(std::string_view("udp-pw-1")));
  auto creds = exchange::get_changepw_credentials(profile, client, keys);
  REQUIRE_MESSAGE(creds.ok(), creds.error().message());
  const auto port = static_cast<std::uint16_t>(realm.kpasswd_port());

  exchange::KpasswdSendOptions udp;
  udp.servers = {net::KdcTarget{"127.0.0.1", port, net::Transport::udp}};
  auto result =
      exchange::change_password(profile, *creds, SecretBytes(std::string_view("udp-pw-2")), {}, udp);
  REQUIRE_MESSAGE(result.ok(), result.error().message());
  CHECK(result->ok());
  CHECK(password_works(realm, "kp-udp", "udp-pw-2"));

  // Port 1 on loopback refuses at once; the real server answers next.
  exchange::KpasswdSendOptions two;
  two.servers = {net::KdcTarget{"127.0.0.1", 1, net::Transport::any},
                 net::KdcTarget{"127.0.0.1", port, net::Transport::any}};
  exchange::PasswordKeySource keys2(client, SecretBytes(std::string_view("udp-pw-2")));
  auto creds2 = exchange::get_changepw_credentials(profile, client, keys2);
  REQUIRE(creds2.ok());
  result = exchange::change_password(profile, *creds2, SecretBytes(std::string_view("udp-pw-3")), {}, two);
  REQUIRE_MESSAGE(result.ok(), result.error().message());
  CHECK(result->ok());
  CHECK(password_works(realm, "kp-udp", "udp-pw-3"));

  {  // RFC 3244 set-password for oneself
    exchange::PasswordKeySource keys3(client, SecretBytes(std::string_view("udp-pw-3")));
    auto creds3 = exchange::get_changepw_credentials(profile, client, keys3);
    REQUIRE(creds3.ok());
    exchange::KpasswdSendOptions self;
    self.force_set_password = true;
    result = exchange::change_password(profile, *creds3, SecretBytes(std::string_view("udp-pw-4")), {}, self);
    REQUIRE(result.ok());
    CHECK_MESSAGE(result->ok(), result->describe());
    CHECK(password_works(realm, "kp-udp", "udp-pw-4"));
  }

  {  // nobody answers
    exchange::KpasswdSendOptions none;
    none.servers = {net::KdcTarget{"127.0.0.1", 1, net::Transport::tcp}};
    auto r = exchange::change_password(profile, *creds2, SecretBytes(std::string_view("udp-pw-9")), {}, none);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::no_kdc));
    CHECK(r.error().message() == "Cannot contact any password server for realm '" + realm.name() +
                                     "' (tried: tcp 127.0.0.1:1 (Connection refused))");
  }
}

TEST_CASE("MIT realm, password server down: the kpasswd tool names it and every attempt") {
  Realm& realm = mit_realm();
  add_user(realm, "kp-down", "down-pw-1");
  // The realm's krb5.conf, with kpasswd_server at a closed port.
  std::ifstream in(realm.config());
  std::string conf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto at = conf.find("kpasswd_server = ");
  REQUIRE(at != std::string::npos);
  conf.replace(at, conf.find('\n', at) - at, "kpasswd_server = 127.0.0.1:1");
  const std::string path = realm.fresh_path("krb5.conf");
  std::ofstream(path) << conf;

  auto r = realm.run({krbkit_tool("kpasswd"), "kp-down"}, {{"KRB5_CONFIG", path}},
                     lines({"down-pw-1", "down-pw-2", "down-pw-2"}));
  // MIT's kpasswd says "Cannot contact any KDC for requested realm changing password".
  auto mit =
      realm.run({"kpasswd", "kp-down"}, {{"KRB5_CONFIG", path}}, lines({"down-pw-1", "x-pw-2", "x-pw-2"}));
  MESSAGE("ours: " << r.err << "MIT:  " << mit.err);
  CHECK(r.exit_code == 5);  // KDC (here: password server) unreachable
  CHECK(r.err.find("kpasswd: Cannot contact any password server for realm '" + realm.name() +
                   "' (tried: tcp 127.0.0.1:1 (Connection refused), udp 127.0.0.1:1 (") == 0);
  CHECK(r.err.find(")) while changing password\n") != std::string::npos);
  CHECK(mit.err.find("Cannot contact any KDC for requested realm") != std::string::npos);
  CHECK(password_works(realm, "kp-down", "down-pw-1"));
}

TEST_CASE("Heimdal kpasswdd: change, the new one works, too short is refused") {
  Realm* realm = Realm::shared_heimdal();
  if (realm == nullptr) {
    MESSAGE(*heimdal_unavailable());
    return;
  }
  add_user(*realm, "kp-hcarol", "hcarol-pw-1");
  auto r = kpasswd(*realm, {"kp-hcarol"}, lines({"hcarol-pw-1", "hcarol-pw-2", "hcarol-pw-2"}));
  CHECK_MESSAGE(r.exit_code == 0, (r.err + r.out));
  CHECK(r.out.find("Password changed.") != std::string::npos);
  CHECK(password_works(*realm, "kp-hcarol", "hcarol-pw-2"));

  r = kpasswd(*realm, {"kp-hcarol"}, lines({"hcarol-pw-2", "abc", "abc"}));
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.out.find("Password change rejected: ") != std::string::npos, (r.out + r.err));
  CHECK(password_works(*realm, "kp-hcarol", "hcarol-pw-2"));

  r = kpasswd(*realm, {"kp-hcarol"}, lines({"wrong-old-pw", "hcarol-pw-3", "hcarol-pw-3"}));
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("kpasswd: Password incorrect for '") == 0);
  CHECK(r.err.find("while getting initial ticket\n") != std::string::npos);
}
