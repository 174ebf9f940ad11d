// krb5.conf parser: every syntax rule of MIT's profile format.
#include "krbkit/config/profile.hpp"

#include <doctest/doctest.h>

#include <string>

#include "krbkit/base/environment.hpp"

using krbkit::Errc;
using krbkit::config::Profile;

namespace {
const std::string kData = std::string(KRBKIT_TEST_DATA_DIR) + "/config";

Profile parse_ok(std::string_view text) {
  auto p = Profile::parse(text, "test.conf");
  if (!p) FAIL(p.error().message());
  return std::move(p).value();
}

std::string parse_error(std::string_view text) {
  auto p = Profile::parse(text, "test.conf");
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().is(Errc::config));
  return p.error().detail;
}
}  // namespace

TEST_CASE("sections, relations and subsections") {
  auto p = parse_ok(R"(
[libdefaults]
    default_realm = KRBKIT.TEST
    dns_lookup_kdc=false

[realms]
    KRBKIT.TEST = {
        kdc = kdc1.krbkit.test:88
        kdc = kdc2.krbkit.test
        admin_server = kdc1.krbkit.test
        auth_to_local = {
            nested = yes
        }
    }
)");
  CHECK(p.get({"libdefaults", "default_realm"}) == "KRBKIT.TEST");
  CHECK(p.get({"libdefaults", "dns_lookup_kdc"}) == "false");
  CHECK(p.get_all({"realms", "KRBKIT.TEST", "kdc"}) ==
        std::vector<std::string>{"kdc1.krbkit.test:88", "kdc2.krbkit.test"});
  CHECK(p.get({"realms", "KRBKIT.TEST", "auth_to_local", "nested"}) == "yes");
  CHECK(p.names({"realms"}) == std::vector<std::string>{"KRBKIT.TEST"});
  CHECK(p.names({"realms", "KRBKIT.TEST"}) ==
        std::vector<std::string>{"kdc", "admin_server", "auth_to_local"});
  CHECK_FALSE(p.get({"libdefaults", "missing"}).has_value());
  CHECK_FALSE(p.get({"realms", "KRBKIT.TEST"}).has_value());  // a subsection has no value
  CHECK(p.has({"realms", "KRBKIT.TEST"}));
  CHECK_FALSE(p.has({"realms", "OTHER.TEST"}));
}

TEST_CASE("comments, blank lines and text before the first section") {
  auto p = parse_ok(
      "this line is ignored, as MIT ignores everything before the first section\n"
      "# comment\n"
      "[libdefaults]\n"
      "  # indented comment\n"
      "  ; semicolon comment\n"
      "\n"
      "  a = 1 # not a comment: MIT keeps it in the value\n"
      "  b = two words   \t\r\n");
  CHECK(p.get({"libdefaults", "a"}) == "1 # not a comment: MIT keeps it in the value");
  CHECK(p.get({"libdefaults", "b"}) == "two words");
  CHECK(p.names({"libdefaults"}) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("quoted values with escapes") {
  auto p = parse_ok(R"([s]
  q = "  spaced  "
  e = "tab\there\nline \"quoted\" back\\slash"
  rest = "stops here" ignored
)");
  CHECK(p.get({"s", "q"}) == "  spaced  ");
  CHECK(p.get({"s", "e"}) == "tab\there\nline \"quoted\" back\\slash");
  CHECK(p.get({"s", "rest"}) == "stops here");
}

TEST_CASE("open brace on the next line") {
  auto p = parse_ok("[realms]\n  R = \n  # comment between\n  {\n    kdc = k\n  }\n");
  CHECK(p.get({"realms", "R", "kdc"}) == "k");
  auto err = parse_error("[realms]\n  R =\n  kdc = k\n");
  CHECK(err == "test.conf:3: missing open brace after a subsection name");
}

TEST_CASE("sections of the same name are merged, values kept in order") {
  auto p = parse_ok("[a]\n x = 1\n[b]\n y = 2\n[a]\n x = 3\n");
  CHECK(p.get_all({"a", "x"}) == std::vector<std::string>{"1", "3"});
  CHECK(p.get({"a", "x"}) == "1");
}

TEST_CASE("final marker within one file discards later values") {
  auto p = parse_ok(
      "[a]*\n x = 1\n[a]\n x = 2\n"
      "[r]\n R = {\n  kdc = first\n }*\n R = {\n  kdc = second\n }\n"
      "[v]\n t* = one\n");
  CHECK(p.get_all({"a", "x"}) == std::vector<std::string>{"1"});
  CHECK(p.get_all({"r", "R", "kdc"}) == std::vector<std::string>{"first"});
  CHECK(p.get({"v", "t"}) == "one");
}

TEST_CASE("syntax errors name the file and line") {
  CHECK(parse_error("[libdefaults\n") == "test.conf:1: syntax error in section header: missing ']'");
  CHECK(parse_error("[a] junk\n") == "test.conf:1: syntax error in section header: text after ']'");
  CHECK(parse_error("[a]\n x = 1\n}\n") == "test.conf:3: extra closing brace");
  CHECK(parse_error("[a]\n\n novalue\n") == "test.conf:3: syntax error in relation: missing '='");
  CHECK(parse_error("[a]\n = 1\n") == "test.conf:2: syntax error in relation: missing name before '='");
  CHECK(parse_error("[a]\n two words = 1\n") ==
        "test.conf:2: syntax error in relation: blank inside name 'two words'");
  CHECK(parse_error("[a]\n s = {\n [b]\n") ==
        "test.conf:3: section header inside a subsection (missing '}'?)");
  auto loaded = Profile::load_files({kData + "/broken.conf"});
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().detail == kData + "/broken.conf:8: extra closing brace");
}

TEST_CASE("include and includedir") {
  auto p =
      parse_ok("include " + kData + "/first.conf\n[libdefaults]\n x = 1\nincludedir " + kData + "/inc\n");
  CHECK(p.get({"libdefaults", "default_realm"}) == "FIRST.TEST");
  CHECK(p.get({"libdefaults", "x"}) == "1");
  // Both included files add to the same realm, in name order; dotfiles,
  // backups and names with other characters are skipped.
  CHECK(p.get_all({"realms", "INC.TEST", "kdc"}) ==
        std::vector<std::string>{"kdc1.inc.test", "kdc2.inc.test"});
  CHECK(p.get({"libdefaults", "forwardable"}) == "yes");
  CHECK_FALSE(p.has({"libdefaults", "hidden_included"}));
  CHECK_FALSE(p.has({"libdefaults", "backup_included"}));
  CHECK_FALSE(p.has({"libdefaults", "notes_included"}));

  CHECK(parse_error("[a]\ninclude /nonexistent/krbkit.conf\n") ==
        "test.conf:2: cannot read included file /nonexistent/krbkit.conf: No such file or directory");
  CHECK(parse_error("includedir /nonexistent/krbkit.d\n") ==
        "test.conf:1: cannot read included directory /nonexistent/krbkit.d: No such file or directory");
  // An error inside an included file names that file.
  CHECK(parse_error("include " + kData + "/broken.conf\n") == kData + "/broken.conf:8: extra closing brace");
  // "include" only counts at the start of a line.
  auto indented = parse_ok("[a]\n  include = yes\n");
  CHECK(indented.get({"a", "include"}) == "yes");
}

TEST_CASE("several files: first value wins, final stops later files, missing files skipped") {
  auto p = Profile::load_files({kData + "/first.conf", "/nonexistent/krb5.conf", kData + "/second.conf"});
  REQUIRE(p.ok());
  CHECK(p->get({"libdefaults", "default_realm"}) == "FIRST.TEST");
  CHECK(p->get({"libdefaults", "forwardable"}) == "true");  // only in the second
  CHECK(p->get_all({"realms", "SHARED.TEST", "kdc"}) ==
        std::vector<std::string>{"from-first.shared.test", "from-second.shared.test"});
  CHECK(p->get_all({"realms", "LOCKED.TEST", "kdc"}) == std::vector<std::string>{"only-first.locked.test"});
}

TEST_CASE("KRB5_CONFIG lists files separated by colons") {
  auto env =
      krbkit::Environment::from_map({{"KRB5_CONFIG", kData + "/second.conf::" + kData + "/first.conf"}});
  CHECK(env.config_files() == std::vector<std::string>{kData + "/second.conf", kData + "/first.conf"});
  auto p = krbkit::config::load_profile(env);
  REQUIRE(p.ok());
  CHECK(p->get({"libdefaults", "default_realm"}) == "SECOND.TEST");
  CHECK(krbkit::Environment::from_map({}).config_files() == std::vector<std::string>{"/etc/krb5.conf"});
}

TEST_CASE("typed getters name where a bad value was set") {
  auto p =
      parse_ok("[libdefaults]\n  forwardable = maybe\n  ticket_lifetime = 10 hours\n  n = 12x\n  ok = 7\n");
  auto b = p.get_bool({"libdefaults", "forwardable"});
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().detail == "test.conf:2: invalid boolean 'maybe' for libdefaults.forwardable");
  auto d = p.get_duration({"libdefaults", "ticket_lifetime"});
  REQUIRE_FALSE(d.ok());
  CHECK(d.error().detail == "test.conf:3: invalid duration '10 hours' for libdefaults.ticket_lifetime");
  CHECK_FALSE(p.get_int({"libdefaults", "n"}).ok());
  CHECK(p.get_int({"libdefaults", "ok"}).value() == 7);
  CHECK(p.get_bool({"libdefaults", "absent"}).value() == std::nullopt);
}
