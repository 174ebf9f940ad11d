// ktutil's interpreter with temp keytab files and a scripted terminal: the
// requests, their output and MIT's error wording.
#include "shell/ktutil_shell.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/proto/principal.hpp"
#include "unit/shell/support.hpp"

using namespace krbkit;
using namespace krbkit::shell;
using krbkit::test::Recorder;
using krbkit::test::TempDir;
namespace fs = std::filesystem;

namespace {

// A realm whose KDC names salt "kdc-salt" and aes128 for every principal.
struct FakeRealm {
  int fetches = 0;
  KtutilRealm realm() {
    KtutilRealm r;
    r.default_realm = [] { return std::string("TEST.REALM"); };
    r.fetch_etype_info = [this](const Principal&, std::optional<Enctype> e) -> Result<EtypeInfo2Entry> {
      ++fetches;
      return EtypeInfo2Entry{e.value_or(Enctype::aes128_cts_hmac_sha1_96), std::string("kdc-salt"),
                             std::nullopt};
    };
    return r;
  }
};

Key expected_key(Enctype e, std::string_view password, std::string_view salt) {
  auto k = string_to_key(e, password, as_bytes(salt), {}, CryptoPolicy{true});
  REQUIRE(k.ok());
  return std::move(k).value();
}

}  // namespace

TEST_CASE("ktutil: addent -password makes the key from the password and the default salt; wkt, rkt, l") {
  TempDir dir;
  Recorder term;
  FakeRealm kdc;
  KtutilShell kt(term.io(), kdc.realm());
  term.secrets = {"pw-one"};
  CHECK(kt.run("addent -password -p alice -k 3 -e aes256-cts-hmac-sha1-96") == Outcome::ok);
  CHECK(term.prompts == std::vector<std::string>{"Password for alice@TEST.REALM: "});
  REQUIRE(kt.entries().size() == 1);
  CHECK(kt.entries()[0].kvno == 3);
  CHECK(kt.entries()[0].key == expected_key(Enctype::aes256_cts_hmac_sha1_96, "pw-one", "TEST.REALMalice"));
  CHECK(kdc.fetches == 0);

  const std::string file = dir / "kt";
  CHECK(kt.run("wkt " + file) == Outcome::ok);
  KtutilShell again(term.io(), kdc.realm());
  CHECK(again.run("rkt " + file) == Outcome::ok);
  CHECK(again.run("l -e") == Outcome::ok);
  CHECK(term.out ==
        "slot KVNO Principal\n"
        "---- ---- ---------------------------------------------------------------------\n"
        "   1    3 " +
            std::string(24, ' ') + "alice@TEST.REALM (aes256-cts-hmac-sha1-96) \n");
  CHECK(term.err.empty());
}

TEST_CASE("ktutil: addent -f takes the KDC's salt and enctype; -key takes a hex key of the right length") {
  Recorder term;
  FakeRealm kdc;
  KtutilShell kt(term.io(), kdc.realm());
  term.secrets = {"pw-two", "000102030405060708090a0b0c0d0e0f", "0001"};
  CHECK(kt.run("addent -password -p bob@OTHER -k 1 -f") == Outcome::ok);
  CHECK(kdc.fetches == 1);
  REQUIRE(kt.entries().size() == 1);
  CHECK(kt.entries()[0].key == expected_key(Enctype::aes128_cts_hmac_sha1_96, "pw-two", "kdc-salt"));

  CHECK(kt.run("addent -key -p bob -k 2 -e aes128-cts-hmac-sha1-96") == Outcome::ok);
  REQUIRE(kt.entries().size() == 2);
  CHECK(to_hex(kt.entries()[1].key.bytes.view()) == "000102030405060708090a0b0c0d0e0f");
  CHECK(term.prompts.back() == "Key for bob@TEST.REALM (hex): ");

  CHECK(kt.run("addent -key -p bob -k 2 -e aes128-cts-hmac-sha1-96") == Outcome::failed);
  CHECK(term.err.back() ==
        "addent: Invalid argument (a aes128-cts-hmac-sha1-96 key is 16 bytes, not 2) while adding new entry");
  CHECK(kt.entries().size() == 2);
}

TEST_CASE("ktutil: delent, clear, usage errors and unknown requests as MIT words them") {
  TempDir dir;
  Recorder term;
  FakeRealm kdc;
  KtutilShell kt(term.io(), kdc.realm());
  term.secrets = {"a", "b"};
  REQUIRE(kt.run("addent -password -p one -k 1 -e aes128-cts-hmac-sha1-96") == Outcome::ok);
  REQUIRE(kt.run("addent -password -p two -k 1 -e aes128-cts-hmac-sha1-96") == Outcome::ok);
  CHECK(kt.run("delent 3") == Outcome::failed);
  CHECK(term.err.back() == "delent: Invalid argument while deleting entry 3");
  CHECK(kt.run("delent 1") == Outcome::ok);
  REQUIRE(kt.entries().size() == 1);
  CHECK(unparse_principal(kt.entries()[0].principal) == "two@TEST.REALM");

  CHECK(kt.run("addent -p x -k 1") == Outcome::failed);
  CHECK(term.err.back() == "usage: addent (-key | -password) -p principal -k kvno [-e enctype] [-f|-s salt]");
  CHECK(kt.run("addent -password -p x -k 1") == Outcome::failed);
  CHECK(term.err.back() == "enctype must be specified if not using -f");
  CHECK(kt.run("l -z") == Outcome::failed);
  CHECK(term.err.back() == "l: usage: l [-t] [-k] [-e]");
  CHECK(kt.run("rkt") == Outcome::failed);
  CHECK(term.err.back() == "rkt: must specify keytab to read");
  CHECK(kt.run("rkt " + (dir / "missing")) == Outcome::failed);
  CHECK(term.err.back().rfind("rkt: ", 0) == 0);
  CHECK(term.err.back().find("while reading keytab \"" + (dir / "missing") + "\"") != std::string::npos);
  CHECK(kt.run("bogus") == Outcome::failed);
  CHECK(term.err.back() == "ktutil: Unknown request \"bogus\".  Type \"?\" for a request list.");

  CHECK(kt.run("clear") == Outcome::ok);
  CHECK(kt.entries().empty());
  CHECK(kt.run("wkt " + (dir / "empty")) == Outcome::ok);
  CHECK_FALSE(fs::exists(dir / "empty"));  // as MIT's: nothing to add, no file made
  CHECK(kt.run("   ") == Outcome::ok);
  CHECK(kt.run("q") == Outcome::quit);
}

TEST_CASE("ktutil: ? lists the requests as MIT's ktutil does; l --json") {
  Recorder term;
  FakeRealm kdc;
  KtutilShell kt(term.io(), kdc.realm());
  CHECK(kt.run("?") == Outcome::ok);
  CHECK(term.out ==
        "Available ktutil requests:\n\n"
        "clear_list, clear        Clear the current keylist.\n"
        "read_kt, rkt             Read a krb5 keytab into the current keylist.\n"
        "write_kt, wkt            Write the current keylist to a krb5 keytab.\n"
        "add_entry, addent        Add an entry to the current keylist.\n"
        "delete_entry, delent     Delete an entry from the current keylist.\n"
        "list, l                  List the current keylist.\n"
        "list_requests, lr, ?     List available requests.\n"
        "quit, exit, q            Exit program.\n");
  term.out.clear();
  term.secrets = {"000102030405060708090a0b0c0d0e0f"};
  REQUIRE(kt.run("addent -key -p k -k 7 -e aes128-cts-hmac-sha1-96") == Outcome::ok);
  CHECK(kt.run("l --json -k") == Outcome::ok);
  CHECK(term.out.find("\"slot\": 1") != std::string::npos);
  CHECK(term.out.find("\"kvno\": 7") != std::string::npos);
  CHECK(term.out.find("\"key\": \"000102030405060708090a0b0c0d0e0f\"") != std::string::npos);
}
