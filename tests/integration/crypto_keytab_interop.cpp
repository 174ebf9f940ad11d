// Keys krbkit derives from a password match the keys MIT's KDC database holds
// for the same principal and password, for every enctype the test realm has:
// MIT's kadmin.local adds the principal with that password, ktadd -norandkey
// exports its keys, MIT's klist -K prints them, and krbkit's string_to_key
// with the default salt (realm + name components) must give the same bytes.
#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <string>

#include "krbkit/crypto/crypto.hpp"
#include "realm/realm.hpp"

using krbkit::test::Realm;
using krbkit::test::RunResult;

namespace {

std::string show(const RunResult& r) { return "exit " + std::to_string(r.exit_code) + "\n" + r.out + r.err; }

// Adds `name` with `password` and keys of `enctypes`, exports them and checks
// every key against krbkit. `salt` is the default salt MIT uses for `name`.
void check_principal(Realm& realm, const std::string& name, const std::string& password,
                     const std::string& salt, const std::vector<std::string>& enctypes) {
  std::string keysalts;
  for (const auto& e : enctypes) keysalts += (keysalts.empty() ? "" : ",") + e + ":normal";
  std::string keytab = realm.fresh_path("crypto-interop.keytab");
  RunResult add = realm.kadmin_local("addprinc -pw " + password + " -e " + keysalts + " " + name + "\n" +
                                     "ktadd -k " + keytab + " -norandkey " + name + "\n");
  REQUIRE_MESSAGE(add.ok(), show(add));
  RunResult list = realm.run({"klist", "-k", "-t", "-K", "-e", keytab});
  REQUIRE_MESSAGE(list.ok(), show(list));

  // "   1 11/22/25 02:00:00 name@REALM (DEPRECATED:arcfour-hmac)  (0x00ff...)"
  static const std::regex line(R"(\((?:DEPRECATED:)?([a-z0-9-]+)\)\s+\(0x([0-9a-f]+)\))");
  std::set<std::string> seen;
  for (auto it = std::sregex_iterator(list.out.begin(), list.out.end(), line); it != std::sregex_iterator();
       ++it) {
    std::string ename = (*it)[1], mit_key = (*it)[2];
    CAPTURE(name);
    CAPTURE(ename);
    auto e = krbkit::enctype_from_name(ename);
    REQUIRE_MESSAGE(e.ok(), e.error().message());
    auto key = krbkit::string_to_key(*e, password, krbkit::as_bytes(salt), {}, krbkit::CryptoPolicy{true});
    REQUIRE_MESSAGE(key.ok(), key.error().message());
    CHECK(krbkit::to_hex(key->bytes.view()) == mit_key);
    seen.insert(ename);
  }
  for (const auto& e : enctypes)
    CHECK_MESSAGE(seen.count(e) == 1, "MIT exported no " << e << " key:\n" << list.out);
}

}  // namespace

TEST_CASE("string_to_key matches the keys MIT stored, for every enctype in the realm") {
  Realm& realm = Realm::shared();
  std::vector<std::string> enctypes = realm.service_enctypes();
  REQUIRE(!enctypes.empty());
  MESSAGE("realm enctypes: " << enctypes.size());
  // A one-component name, and a two-component one with a non-ASCII password
  // (the rc4 key is MD4 of its UTF-16LE form).
  check_principal(realm, "crypto-interop", "Interop-pw-1", realm.name() + "crypto-interop", enctypes);
  check_principal(realm, "crypto/interop.krbkit.test", "p\xc3\xa4ss-w\xc3\xb6rd-2",
                  realm.name() + "cryptointerop.krbkit.test", enctypes);
}
