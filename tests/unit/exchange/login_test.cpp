// kinit's decisions that need no KDC: the password expiry warning, the
// keytab it names, the client it picks; and the --decode keys of a keytab.
#include "krbkit/exchange/login.hpp"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <chrono>

#include "krbkit/exchange/keytab_keys.hpp"
#include "krbkit/proto/principal.hpp"
#include "support/env_guard.hpp"

using namespace krbkit;
using namespace krbkit::exchange;
using namespace std::chrono;

namespace {

const KerberosTime kNow = sys_days{year{2026} / 12 / 1};
const std::string kKeytab = std::string(KRBKIT_TEST_DATA_DIR) + "/keytab/mit_kadmin_ktadd.keytab";

AsResult with_last_req(std::vector<LastReqEntry> last_req, std::optional<KerberosTime> key_expiration = {}) {
  AsResult r;
  r.last_req = std::move(last_req);
  r.key_expiration = key_expiration;
  return r;
}

}  // namespace

TEST_CASE("password expiry warning: last-req always, key-expiration within a week, never for changepw") {
  AsRequest req;
  req.client = parse_principal("alice@R").value();
  const auto in = [](auto d) { return KerberosTime(kNow + d); };

  // A last-req password expiry (either sign) is shown however far away.
  auto far = password_expiry_warning(with_last_req({{-6, in(days(30))}}), req, kNow);
  REQUIRE(far);
  CHECK(far->when == in(days(30)));
  CHECK(far->left == days(30));
  CHECK(password_expiry_warning(with_last_req({{6, in(hours(2))}}), req, kNow)->left == hours(2));

  // The reply's key-expiration: within a week only.
  CHECK(password_expiry_warning(with_last_req({}, in(days(6))), req, kNow)->left == days(6));
  CHECK_FALSE(password_expiry_warning(with_last_req({}, in(days(8))), req, kNow));
  CHECK_FALSE(password_expiry_warning(with_last_req({}, in(-hours(1))), req, kNow));
  // An account expiry in last-req stands for the last-req: no key-expiration fallback.
  CHECK_FALSE(password_expiry_warning(with_last_req({{7, in(days(1))}}, in(days(1))), req, kNow));
  // Zero means "never"; nothing at all means nothing.
  CHECK_FALSE(password_expiry_warning(with_last_req({{6, KerberosTime{}}}), req, kNow));
  CHECK_FALSE(password_expiry_warning(with_last_req({}), req, kNow));

  req.server = parse_principal("kadmin/changepw@R").value();
  CHECK_FALSE(password_expiry_warning(with_last_req({{6, in(days(1))}}), req, kNow));
}

TEST_CASE("kinit -k's keytab: -t, else -i's default client keytab, else the default keytab") {
  EnvGuard kt("KRB5_KTNAME", nullptr), client("KRB5_CLIENT_KTNAME", nullptr);
  config::LibDefaults d;
  d.default_keytab_name = "FILE:/etc/service.keytab";
  d.default_client_keytab_name = "FILE:/etc/client.keytab";
  CHECK(*kinit_keytab_name("FILE:/given", true, d) == "FILE:/given");
  CHECK(*kinit_keytab_name("", true, d) == "FILE:/etc/client.keytab");
  CHECK(*kinit_keytab_name("", false, d) == "FILE:/etc/service.keytab");
  EnvGuard env_client("KRB5_CLIENT_KTNAME", "FILE:/env/client");
  CHECK(*kinit_keytab_name("", true, d) == "FILE:/env/client");
}

TEST_CASE("kinit's client: the argument, the client keytab's first entry, host/, the cache's, the login") {
  config::LibDefaults d;
  d.default_realm = "KRBKIT.TEST";
  bool from_cache = true;
  CHECK(unparse_principal(*kinit_client({"bob"}, d, std::nullopt, from_cache)) == "bob@KRBKIT.TEST");
  CHECK_FALSE(from_cache);

  EnvGuard client("KRB5_CLIENT_KTNAME", kKeytab.c_str());
  ClientQuery keytab_query{"", false, true, true};
  CHECK(unparse_principal(*kinit_client(keytab_query, d, std::nullopt, from_cache)) ==
        "host/server.krbkit.test@KRBKIT.TEST");
  keytab_query.default_client_keytab = false;
  auto host = kinit_client(keytab_query, d, std::nullopt, from_cache);
  REQUIRE(host);
  CHECK(host->components.front() == "host");

  std::optional<ccache::CacheContents> old(std::in_place);
  old->default_principal = parse_principal("carol@KRBKIT.TEST").value();
  CHECK(unparse_principal(*kinit_client({}, d, old, from_cache)) == "carol@KRBKIT.TEST");
  CHECK(from_cache);
  auto login = kinit_client({}, d, std::nullopt, from_cache);
  REQUIRE(login);
  CHECK_FALSE(from_cache);
  CHECK(login->realm == "KRBKIT.TEST");
}

TEST_CASE("--decode's keys: every entry of the keytab, krbtgt's only when asked") {
  auto decode = decode_options(kKeytab, "");
  REQUIRE(decode);
  CHECK(decode->keytab_name == kKeytab);
  CHECK(decode->service_keys.size() == 7);
  CHECK(unparse_principal(decode->service_keys.front().principal) == "host/server.krbkit.test@KRBKIT.TEST");
  CHECK(decode->service_keys.front().kvno == 1);
  CHECK(decode->krbtgt_keys.empty());
  auto both = decode_options(kKeytab, kKeytab);
  REQUIRE(both);
  CHECK(both->krbtgt_keys.size() == 7);
  CHECK(both->krbtgt_keytab_name == kKeytab);
  CHECK(decode_options("/nonexistent/keytab", "").error().is(Errc::keytab_not_found));
}

TEST_CASE("the expiry warning's wording: under an hour, hours up to two days, else days") {
  const auto text = [](auto left) { return expiry_warning_text({kNow + left, left}); };
  CHECK(text(minutes(59)).rfind("Warning: Your password will expire in less than one hour on ", 0) == 0);
  CHECK(text(hours(1)).rfind("Warning: Your password will expire in 1 hour on ", 0) == 0);
  CHECK(text(hours(47)).rfind("Warning: Your password will expire in 47 hours on ", 0) == 0);
  CHECK(text(days(2)).rfind("Warning: Your password will expire in 2 days on ", 0) == 0);
}

TEST_CASE("kinit's error line: MIT's words for a missing keytab and a password that was not read") {
  const auto alice = parse_principal("alice@R").value();
  Error keytab{Errc::keytab_not_found, "Key table file '/x' not found"};
  keytab.context.push_back("getting initial credentials");
  CHECK(describe_kinit_error(keytab, alice) ==
        "Key table file '/x' not found while getting initial credentials");
  Error cancelled{Errc::cancelled, "standard input: no input"};
  CHECK(describe_kinit_error(cancelled, alice) ==
        "Cannot read password for 'alice@R' (standard input: no input)");
  CHECK(describe_kinit_error(cancelled, std::nullopt) == cancelled.message());
}

TEST_CASE(
    "kinit's request: durations refused at zero, flags only when given, the service in the client's realm") {
  const auto alice = parse_principal("alice@R").value();
  TicketOptions o;
  auto plain = kinit_request(o, alice, std::nullopt);
  REQUIRE(plain);
  CHECK_FALSE(plain->lifetime);
  CHECK_FALSE(plain->forwardable);
  CHECK_FALSE(plain->server);
  o.lifetime = "10h";
  o.not_forwardable = true;
  o.enterprise = true;
  o.service = "kadmin/admin";
  auto req = kinit_request(o, alice, std::nullopt);
  REQUIRE(req);
  CHECK(*req->lifetime == hours(10));
  CHECK(req->forwardable == std::optional<bool>(false));
  CHECK(req->canonicalize);
  CHECK(unparse_principal(*req->server) == "kadmin/admin@R");
  o.renewable_life = "0";
  CHECK(kinit_request(o, alice, std::nullopt).error().detail == "bad renewable lifetime value '0'");
}
