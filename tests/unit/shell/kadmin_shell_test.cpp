// kadmin's interpreter over a fake admin server: the requests reach the
// server with what MIT's kadmin sends, and print what MIT's kadmin prints.
#include "shell/kadmin_shell.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>

#include "krbkit/keytab/keytab.hpp"
#include "unit/shell/support.hpp"

using namespace krbkit;
using namespace krbkit::kadm5;
using namespace krbkit::shell;
using krbkit::test::Recorder;
using krbkit::test::TempDir;
namespace fs = std::filesystem;

namespace {

// kadmind in memory: principals with a password or random keys, policies.
class FakeAdmin final : public Admin {
 public:
  std::map<std::string, PrincipalEntry> principals;
  std::map<std::string, std::string> passwords;
  std::map<std::string, PolicyEntry> policies;
  std::vector<std::string> calls;

  Result<PrincipalEntry> get_principal(std::string_view name, std::uint32_t) override {
    calls.push_back("get_principal " + std::string(name));
    auto it = principals.find(std::string(name));
    if (it == principals.end()) return Error{Code::unk_princ};
    return it->second;
  }
  Result<void> create_principal(const PrincipalEntry& e, std::uint32_t,
                                const std::optional<std::string_view>& pw,
                                const std::optional<std::vector<KeySalt>>&) override {
    calls.push_back("create_principal " + e.principal);
    if (principals.count(e.principal)) return Error{Code::dup};
    principals[e.principal] = e;
    principals[e.principal].kvno = 1;
    if (pw) passwords[e.principal] = std::string(*pw);
    return success();
  }
  Result<void> delete_principal(std::string_view name) override {
    calls.push_back("delete_principal " + std::string(name));
    if (!principals.erase(std::string(name))) return Error{Code::unk_princ};
    return success();
  }
  Result<void> modify_principal(const PrincipalEntry& e, std::uint32_t) override {
    if (!principals.count(e.principal)) return Error{Code::unk_princ};
    principals[e.principal].attributes = e.attributes;
    return success();
  }
  Result<void> rename_principal(std::string_view, std::string_view) override {
    return Error{Code::auth_modify};
  }
  Result<std::vector<std::string>> list_principals(const std::optional<std::string_view>& glob) override {
    std::vector<std::string> out;
    for (const auto& [name, entry] : principals)
      if (!glob || name.rfind(std::string(glob->substr(0, glob->find('*'))), 0) == 0) out.push_back(name);
    return out;
  }
  Result<void> change_password(std::string_view name, std::string_view pw, bool,
                               const std::optional<std::vector<KeySalt>>&) override {
    auto it = principals.find(std::string(name));
    if (it == principals.end()) return Error{Code::unk_princ};
    ++it->second.kvno;
    passwords[it->first] = std::string(pw);
    return success();
  }
  Result<std::vector<Key>> randomize_key(std::string_view name, bool,
                                         const std::optional<std::vector<KeySalt>>&) override {
    auto it = principals.find(std::string(name));
    if (it == principals.end()) return Error{Code::unk_princ};
    ++it->second.kvno;
    const std::uint8_t fill = static_cast<std::uint8_t>(it->second.kvno);
    std::vector<Key> keys;
    keys.push_back(Key{Enctype::aes128_cts_hmac_sha1_96, SecretBytes(Bytes(16, fill))});
    return keys;
  }
  Result<std::uint32_t> get_privileges() override { return privs::get | privs::add; }
  Result<void> create_policy(const PolicyEntry& p, std::uint32_t) override {
    policies[p.name] = p;
    return success();
  }
  Result<void> delete_policy(std::string_view name) override {
    if (!policies.erase(std::string(name))) return Error{Code::unk_policy};
    return success();
  }
  Result<void> modify_policy(const PolicyEntry& p, std::uint32_t) override { return create_policy(p, 0); }
  Result<PolicyEntry> get_policy(std::string_view name) override {
    auto it = policies.find(std::string(name));
    if (it == policies.end()) return Error{Code::unk_policy};
    return it->second;
  }
  Result<std::vector<std::string>> list_policies(const std::optional<std::string_view>&) override {
    std::vector<std::string> out;
    for (const auto& [name, p] : policies) out.push_back(name);
    return out;
  }
  Result<void> purge_keys(std::string_view, std::int32_t) override { return success(); }
  Result<std::vector<std::pair<std::string, std::string>>> get_strings(std::string_view) override {
    return std::vector<std::pair<std::string, std::string>>{};
  }
  Result<void> set_string(std::string_view, std::string_view,
                          const std::optional<std::string_view>&) override {
    return success();
  }
  Result<std::vector<ExtractedKey>> extract_keys(std::string_view name, std::uint32_t) override {
    auto it = principals.find(std::string(name));
    if (it == principals.end()) return Error{Code::unk_princ};
    ExtractedKey k;
    k.kvno = it->second.kvno;
    k.key = Key{Enctype::aes128_cts_hmac_sha1_96, SecretBytes(Bytes(16, 0x42))};
    std::vector<ExtractedKey> keys;
    keys.push_back(std::move(k));
    return keys;
  }
};

KadminOptions options(bool script_mode = false) {
  KadminOptions o;
  o.realm = "TEST.REALM";
  o.script_mode = script_mode;
  return o;
}

}  // namespace

TEST_CASE("kadmin: addprinc with -pw or a prompted password, then getprinc and listprincs") {
  FakeAdmin admin;
  Recorder term;
  KadminShell sh(admin, options(), term.io());
  CHECK(sh.run("addprinc -pw secret-1 alice") == Outcome::ok);
  CHECK(admin.passwords["alice@TEST.REALM"] == "secret-1");
  CHECK(term.out == "Principal \"alice@TEST.REALM\" created.\n");
  CHECK(term.err ==
        std::vector<std::string>{"No policy specified for alice@TEST.REALM; defaulting to no policy"});

  term.secrets = {"typed-pw", "typed-pw"};
  CHECK(sh.run("ank bob") == Outcome::ok);
  CHECK(term.prompts == std::vector<std::string>{"Enter password for principal \"bob@TEST.REALM\": ",
                                                 "Re-enter password for principal \"bob@TEST.REALM\": "});
  CHECK(admin.passwords["bob@TEST.REALM"] == "typed-pw");

  term.secrets = {"one", "two"};
  CHECK(sh.run("addprinc carol") == Outcome::failed);
  CHECK(term.err.back() ==
        "add_principal: Passwords do not match (password mismatch) while reading password for "
        "\"carol@TEST.REALM\".");
  CHECK_FALSE(admin.principals.count("carol@TEST.REALM"));

  CHECK(sh.run("addprinc -pw x alice") == Outcome::failed);
  CHECK(term.err.back() ==
        "add_principal: Principal or policy already exists while creating \"alice@TEST.REALM\".");

  term.out.clear();
  CHECK(sh.run("getprinc alice") == Outcome::ok);
  CHECK(term.out.rfind("Principal: alice@TEST.REALM\n", 0) == 0);
  CHECK(sh.run("getprinc nobody") == Outcome::failed);
  CHECK(term.err.back() == "get_principal: Principal does not exist while retrieving \"nobody@TEST.REALM\".");

  term.out.clear();
  CHECK(sh.run("listprincs") == Outcome::ok);
  CHECK(term.out == "alice@TEST.REALM\nbob@TEST.REALM\n");
}

TEST_CASE("kadmin: the default policy is assigned when it exists; script mode prints no information") {
  FakeAdmin admin;
  admin.policies["default"].name = "default";
  Recorder term;
  KadminShell sh(admin, options(true), term.io());
  CHECK(sh.run("addprinc -randkey svc/host") == Outcome::ok);
  CHECK(admin.principals["svc/host@TEST.REALM"].policy == "default");
  CHECK(term.out.empty());
  CHECK(term.err.empty());
  CHECK(sh.run("delprinc svc/host") == Outcome::ok);  // no question in script mode
  CHECK(term.prompts.empty());
  CHECK(admin.principals.empty());
}

TEST_CASE("kadmin: delprinc asks, and deletes only on yes") {
  FakeAdmin admin;
  Recorder term;
  KadminShell sh(admin, options(), term.io());
  REQUIRE(sh.run("addprinc -pw p dave") == Outcome::ok);
  term.out.clear();
  term.answers = {"no", "yes"};
  CHECK(sh.run("delprinc dave") == Outcome::ok);
  CHECK(term.prompts.back() ==
        "Are you sure you want to delete the principal \"dave@TEST.REALM\"? (yes/no): ");
  CHECK(term.err.back() == "Principal \"dave@TEST.REALM\" not deleted");
  CHECK(admin.principals.count("dave@TEST.REALM"));
  CHECK(sh.run("delete_principal dave") == Outcome::ok);
  CHECK_FALSE(admin.principals.count("dave@TEST.REALM"));
  CHECK(term.out ==
        "Principal \"dave@TEST.REALM\" deleted.\n"
        "Make sure that you have removed this principal from all ACLs before reusing.\n");
  CHECK(sh.run("delprinc -force dave") == Outcome::failed);
  CHECK(term.err.back() ==
        "delete_principal: Principal does not exist while deleting principal \"dave@TEST.REALM\"");
  CHECK(sh.run("delprinc") == Outcome::failed);
  CHECK(term.err.back() == "usage: delete_principal [-force] principal");
}

TEST_CASE("kadmin: cpw with -pw, a prompt, or -randkey") {
  FakeAdmin admin;
  Recorder term;
  KadminShell sh(admin, options(), term.io());
  REQUIRE(sh.run("addprinc -pw p1 erin") == Outcome::ok);
  term.out.clear();
  CHECK(sh.run("cpw -pw p2 erin") == Outcome::ok);
  CHECK(admin.passwords["erin@TEST.REALM"] == "p2");
  term.secrets = {"p3", "p3"};
  CHECK(sh.run("change_password erin") == Outcome::ok);
  CHECK(admin.passwords["erin@TEST.REALM"] == "p3");
  CHECK(sh.run("cpw -randkey erin") == Outcome::ok);
  CHECK(admin.principals["erin@TEST.REALM"].kvno == 4);
  CHECK(term.out ==
        "Password for \"erin@TEST.REALM\" changed.\n"
        "Password for \"erin@TEST.REALM\" changed.\n"
        "Key for \"erin@TEST.REALM\" randomized.\n");
  CHECK(sh.run("cpw -bogus erin") == Outcome::failed);
  CHECK(term.err[term.err.size() - 2] == "change_password: unrecognized option -bogus");
}

TEST_CASE("kadmin: ktadd writes the new random keys (or, -norandkey, the current ones) to the keytab") {
  TempDir dir;
  FakeAdmin admin;
  Recorder term;
  KadminShell sh(admin, options(), term.io());
  REQUIRE(sh.run("addprinc -randkey host/web") == Outcome::ok);
  term.out.clear();
  const std::string kt = dir / "kt";
  CHECK(sh.run("ktadd -k " + kt + " host/web") == Outcome::ok);
  CHECK(term.out ==
        "Entry for principal host/web@TEST.REALM with kvno 2, encryption type aes128-cts-hmac-sha1-96 "
        "added to keytab WRFILE:" +
            kt + ".\n");
  CHECK(sh.run("xst -k " + kt + " -norandkey -q host/web") == Outcome::ok);
  auto table = keytab::read_keytab(kt);
  REQUIRE(table.ok());
  REQUIRE(table->entries.size() == 2);
  CHECK(table->entries[0].kvno == 2);
  CHECK(to_hex(table->entries[0].key.bytes.view()) == "02020202020202020202020202020202");
  CHECK(to_hex(table->entries[1].key.bytes.view()) == "42424242424242424242424242424242");
  CHECK(admin.principals["host/web@TEST.REALM"].kvno == 2);  // -norandkey changed nothing

  CHECK(sh.run("ktadd -k " + kt + " nobody") == Outcome::failed);
  CHECK(term.err.back() == "kadmin: Principal does not exist while changing nobody@TEST.REALM's key");
  CHECK(sh.run("ktadd") == Outcome::failed);

  term.out.clear();
  CHECK(sh.run("ktremove -k " + kt + " host/web old") == Outcome::ok);
  CHECK(term.out.empty());  // both entries have kvno 2: nothing older
}

TEST_CASE("kadmin: unknown requests, quit, lock, help") {
  FakeAdmin admin;
  Recorder term;
  KadminShell sh(admin, options(), term.io());
  CHECK(sh.run("frobnicate x") == Outcome::failed);
  CHECK(term.err.back() == "kadmin: Unknown request \"frobnicate\".  Type \"?\" for a request list.");
  CHECK(sh.run("") == Outcome::ok);
  CHECK(sh.run("exit") == Outcome::quit);
  CHECK(sh.run("lock") == Outcome::failed);
  CHECK(sh.run("unlock") == Outcome::ok);
  CHECK(sh.run("?") == Outcome::ok);
  CHECK(term.out.rfind("Available kadmin requests:\n\nadd_principal, addprinc, ank\n                         "
                       "Add principal\n",
                       0) == 0);
  CHECK(term.out.find("list_principals, listprincs, get_principals, getprincs\n"
                      "                         List principals\n") != std::string::npos);
  CHECK(term.out.find("quit, exit, q            Exit program.\n") != std::string::npos);
}
