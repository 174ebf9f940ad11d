// The kadm5 client library against the realm's MIT kadmind: RPCSEC_GSS
// session, version negotiation, each RPC checked independently with MIT's
// kadmin.local on the server side.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "krbkit/ccache/cache.hpp"
#include "krbkit/kadm5/auth.hpp"
#include "krbkit/kadm5/client.hpp"
#include "realm/realm.hpp"

using krbkit::test::Realm;
using krbkit::test::RunResult;
namespace kadm5 = krbkit::kadm5;

namespace {

std::string show(const RunResult& r) { return "exit " + std::to_string(r.exit_code) + "\n" + r.out + r.err; }

// A kadmin/admin ticket from MIT's kinit, read back with krbkit's ccache module.
krbkit::Credentials mit_kadmin_ticket(Realm& realm, const std::string& who = "admin/admin",
                                      const std::string& password = "admin-pw-1") {
  std::string cc = realm.fresh_ccache();
  RunResult kinit =
      realm.run({"kinit", "-c", cc, "-S", "kadmin/admin", realm.principal(who)}, {}, password + "\n");
  REQUIRE_MESSAGE(kinit.ok(), show(kinit));
  auto cache = krbkit::ccache::open(cc);
  REQUIRE(cache.ok());
  auto contents = (*cache)->read();
  REQUIRE_MESSAGE(contents.ok(), contents.error().message());
  for (auto& c : contents->creds)
    if (c.server.components.size() == 2 && c.server.components[0] == "kadmin") return c.clone();
  FAIL("no kadmin/admin ticket in " << cc);
  return {};
}

kadm5::Client connect(Realm& realm, krbkit::rpc::GssService service = krbkit::rpc::GssService::privacy) {
  auto ticket = mit_kadmin_ticket(realm);
  kadm5::ConnectOptions opt;
  opt.service = service;
  auto c =
      kadm5::Client::connect(ticket, {"127.0.0.1", static_cast<std::uint16_t>(realm.kadmin_port())}, opt);
  REQUIRE_MESSAGE(c.ok(), c.error().message());
  return std::move(c).value();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  return all.str();
}

// The service of the last ticket the KDC issued to admin/admin
// ("kadmin/...") in its log after byte `from`; "" when none.
std::string admin_service_issued(const Realm& realm, std::size_t from) {
  const std::string log = read_text(realm.get("KDC_LOG"));
  const std::string tail = from < log.size() ? log.substr(from) : std::string();
  const std::regex issue("ISSUE: .* admin/admin@" + realm.name() + " for (kadmin/[^@ ]*)@");
  std::string last;
  for (std::sregex_iterator it(tail.begin(), tail.end(), issue), end; it != end; ++it) last = (*it)[1];
  return last;
}

}  // namespace

TEST_CASE(
    "without kadmin/admin, kadmin falls back to kadmin/<admin server host> named as MIT's kadmin names it") {
  // A realm whose KDC does not know kadmin/admin but every kadmin/<host> the
  // settings below can make; kadmind takes any kadmin/* ticket. MIT's
  // kadmin and ours run on the same krb5.conf, and the KDC's log says which
  // service each asked for.
  Realm realm;
  RunResult setup = realm.kadmin_local(
      "renprinc -force kadmin/admin kadmin/renamed\n"
      "addprinc -randkey kadmin/127.0.0.1\naddprinc -randkey kadmin/localhost\n"
      "addprinc -randkey kadmin/localhost.krbkit.test\n");
  REQUIRE_MESSAGE(setup.ok(), show(setup));
  const std::string base = read_text(realm.config());
  const std::string server = "admin_server = 127.0.0.1:";
  REQUIRE(base.find(server) != std::string::npos);
  REQUIRE(base.find("rdns = false") != std::string::npos);
  struct Case {
    std::string what, host, libdefaults, expected;  // expected: "" when it depends on the hosts file
  };
  for (const auto& c : std::vector<Case>{
           {"an address, dns_canonicalize_hostname = true, rdns = false", "127.0.0.1", "rdns = false",
            "kadmin/127.0.0.1"},
           {"an address, rdns = true: its name", "127.0.0.1", "rdns = true", ""},
           {"a name in capitals, DNS", "LocalHost", "rdns = false", "kadmin/localhost"},
           {"fallback: no DNS, lower case", "LOCALHOST",
            "rdns = false\n  dns_canonicalize_hostname = fallback", "kadmin/localhost"},
           {"false and qualify_shortname", "localhost",
            "rdns = false\n  dns_canonicalize_hostname = false\n  qualify_shortname = krbkit.test",
            "kadmin/localhost.krbkit.test"}}) {
    CAPTURE(c.what);
    std::string conf = std::regex_replace(base, std::regex("admin_server = 127\\.0\\.0\\.1:"),
                                          "admin_server = " + c.host + ":");
    conf = std::regex_replace(conf, std::regex("rdns = false"), c.libdefaults);
    const std::string path = realm.fresh_path("krb5.conf");
    std::ofstream(path) << conf;
    std::string services[2];
    int i = 0;
    for (const std::string& tool : {std::string("kadmin"), krbkit::test::krbkit_tool("kadmin")}) {
      const std::size_t from = read_text(realm.get("KDC_LOG")).size();
      RunResult r =
          realm.run({tool, "-p", "admin/admin", "-w", realm.password("admin"), "-q", "getprinc alice"},
                    {{"KRB5_CONFIG", path}});
      CHECK_MESSAGE(r.ok(), tool << ": " << show(r));
      CHECK(r.out.find("Principal: " + realm.principal("alice")) != std::string::npos);
      services[i++] = admin_service_issued(realm, from);
    }
    CHECK(!services[0].empty());
    CHECK(services[1] == services[0]);
    if (!c.expected.empty()) CHECK(services[0] == c.expected);
    // The same name from the library call.
    auto profile = krbkit::config::Profile::load_files({path});
    REQUIRE(profile.ok());
    CHECK("kadmin/" + kadm5::admin_service_host(*profile, c.host) == services[0]);
  }
}

TEST_CASE("an RPCSEC_GSS session with MIT kadmind negotiates API version 4 and reads a principal") {
  Realm& realm = Realm::shared();
  for (auto service : {krbkit::rpc::GssService::privacy, krbkit::rpc::GssService::integrity,
                       krbkit::rpc::GssService::none}) {
    CAPTURE(static_cast<int>(service));
    kadm5::Client c = connect(realm, service);
    CHECK(c.api_version() == kadm5::kApiVersion4);
    auto alice = c.get_principal(realm.principal("alice"));
    REQUIRE_MESSAGE(alice.ok(), alice.error().message());
    CHECK(alice->principal == realm.principal("alice"));
    CHECK((alice->attributes & 0x80) != 0);  // REQUIRES_PRE_AUTH, as realm.sh made her
    CHECK(alice->max_life == 36000);
    CHECK(alice->n_key_data == 7);
    CHECK(alice->key_data.size() == 7);
    CHECK(c.close().ok());
  }
}

TEST_CASE("create, change password, rename and delete go through and kadmin.local sees each step") {
  Realm& realm = Realm::shared();
  kadm5::Client c = connect(realm);
  const std::string erin = realm.principal("kadm5-erin"), erin2 = realm.principal("kadm5-erin2");

  kadm5::PrincipalEntry e;
  e.principal = erin;
  e.max_life = 3600;
  auto created =
      c.create_principal(e, kadm5::princ_mask::principal | kadm5::princ_mask::max_life, "erin-pw-1");
  REQUIRE_MESSAGE(created.ok(), created.error().message());
  RunResult local = realm.kadmin_local("getprinc " + erin + "\n");
  CHECK_MESSAGE(local.out.find("Maximum ticket life: 0 days 01:00:00") != std::string::npos, show(local));
  CHECK(realm.run({"kinit", "-c", realm.fresh_ccache(), erin}, {}, "erin-pw-1\n").ok());

  auto dup = c.create_principal(e, kadm5::princ_mask::principal, "erin-pw-1");
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().code.message() == "Principal or policy already exists");

  REQUIRE(c.change_password(erin, "erin-pw-2").ok());
  CHECK(realm.run({"kinit", "-c", realm.fresh_ccache(), erin}, {}, "erin-pw-2\n").ok());
  CHECK_FALSE(realm.run({"kinit", "-c", realm.fresh_ccache(), erin}, {}, "erin-pw-1\n").ok());

  auto keys = c.randomize_key(erin);
  REQUIRE_MESSAGE(keys.ok(), keys.error().message());
  CHECK(!keys->empty());
  local = realm.kadmin_local("getprinc " + erin + "\n");
  CHECK_MESSAGE(local.out.find("Key: vno 3,") != std::string::npos, show(local));

  REQUIRE(c.rename_principal(erin, erin2).ok());
  CHECK(realm.kadmin_local("getprinc " + erin2 + "\n").out.find("Principal: " + erin2) != std::string::npos);

  REQUIRE(c.delete_principal(erin2).ok());
  local = realm.kadmin_local("getprinc " + erin2 + "\n");
  CHECK_MESSAGE(local.err.find("Principal does not exist") != std::string::npos, show(local));

  auto missing = c.get_principal(erin2);
  REQUIRE_FALSE(missing.ok());
  CHECK(kadm5::is(missing.error(), kadm5::Code::unk_princ));
  CHECK(missing.error().code.message() == "Principal does not exist");
}

TEST_CASE("listing, privileges, policies and string attributes") {
  Realm& realm = Realm::shared();
  kadm5::Client c = connect(realm);
  auto names = c.list_principals("a*");
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{realm.principal("admin/admin"), realm.principal("alice")});
  auto privs = c.get_privileges();
  REQUIRE(privs.ok());
  CHECK((*privs & 0xf) == 0xf);

  kadm5::PolicyEntry pol;
  pol.name = "kadm5-pol";
  pol.pw_min_length = 9;
  REQUIRE(c.create_policy(pol, kadm5::policy_mask::pw_min_length).ok());
  auto got = c.get_policy("kadm5-pol");
  REQUIRE(got.ok());
  CHECK(got->pw_min_length == 9);
  CHECK(realm.kadmin_local("getpol kadm5-pol\n").out.find("Minimum password length: 9") != std::string::npos);
  REQUIRE(c.delete_policy("kadm5-pol").ok());

  REQUIRE(c.set_string(realm.principal("bob"), "kadm5-key", "v1").ok());
  auto strings = c.get_strings(realm.principal("bob"));
  REQUIRE(strings.ok());
  CHECK(strings->size() == 1);
  CHECK(realm.kadmin_local("getstrs bob\n").out.find("kadm5-key: v1") != std::string::npos);
  REQUIRE(c.set_string(realm.principal("bob"), "kadm5-key", std::nullopt).ok());
  CHECK(c.get_strings(realm.principal("bob"))->empty());
}
