// kinit -R and -v through the TGS exchange: MIT's kinit makes the tickets,
// krbkit's kinit renews and validates them, MIT's klist shows the change.
#include <doctest/doctest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "realm/realm.hpp"

using namespace krbkit::test;

namespace {

// "Flags: FRIA" of the TGT line in `klist -f`.
std::string tgt_flags(const std::string& klist_out) {
  std::smatch m;
  std::regex re(R"(krbtgt/[^\n]*\n[^\n]*Flags: (\w+))");
  if (std::regex_search(klist_out, m, re)) return m[1];
  return "?";
}

// The "Valid starting     Expires" pair of the TGT line.
std::string tgt_times(const std::string& klist_out) {
  std::smatch m;
  std::regex re(R"((\S+ \S+\s+\S+ \S+)\s+krbtgt/)");
  if (std::regex_search(klist_out, m, re)) return m[1];
  return "?";
}

}  // namespace

TEST_CASE("kinit -R renews the TGT: new start and end times, same principal") {
  Realm& realm = Realm::shared();
  std::string cc = realm.fresh_ccache();
  REQUIRE(realm
              .run({"/usr/bin/kinit", "-r", "2h", "-l", "1h", "-c", cc, realm.principal("alice")}, {},
                   realm.password("alice") + "\n")
              .ok());
  auto before = realm.run({"/usr/bin/klist", "-f", "-c", cc});
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto r = realm.run({krbkit_tool("kinit"), "-R", "-c", cc});
  REQUIRE_MESSAGE(r.ok(), r.err);
  auto after = realm.run({"/usr/bin/klist", "-f", "-c", cc});
  CHECK_MESSAGE(tgt_times(after.out) != tgt_times(before.out), before.out << after.out);
  CHECK(after.out.find("Default principal: " + realm.principal("alice")) != std::string::npos);
  CHECK(tgt_flags(after.out).find('R') != std::string::npos);
  // MIT's kvno can use the renewed TGT.
  CHECK(realm.run({"/usr/bin/kvno", "-c", cc, realm.host_principal()}).ok());

  // No cache, nothing to renew.
  auto no = realm.run({krbkit_tool("kinit"), "-R", "-c", realm.fresh_ccache()});
  CHECK(no.exit_code != 0);
  CHECK_FALSE(no.err.empty());
}

TEST_CASE("kinit -v validates a postdated TGT once its start time has come") {
  Realm& realm = Realm::shared();
  std::string cc = realm.fresh_ccache();
  // The start lies 4 s ahead; the early attempt must come before it even on a
  // loaded machine, so it is only judged when it did.
  const auto asked = std::chrono::steady_clock::now();
  REQUIRE(realm
              .run({"/usr/bin/kinit", "-s", "4s", "-c", cc, realm.principal("alice")}, {},
                   realm.password("alice") + "\n")
              .ok());
  const auto issued = std::chrono::steady_clock::now();  // the start is at most 4 s after this
  auto before = realm.run({"/usr/bin/klist", "-f", "-c", cc});
  CHECK_MESSAGE(tgt_flags(before.out).find('i') != std::string::npos, before.out);  // invalid until validated
  CHECK(tgt_flags(before.out).find('d') != std::string::npos);                      // postdated
  auto early = realm.run({krbkit_tool("kinit"), "-v", "-c", cc});
  if (std::chrono::steady_clock::now() - asked < std::chrono::seconds(3)) CHECK(early.exit_code != 0);
  MESSAGE("validating too early: " << early.err);
  std::this_thread::sleep_until(issued + std::chrono::milliseconds(4500));
  auto r = realm.run({krbkit_tool("kinit"), "-v", "-c", cc});
  REQUIRE_MESSAGE(r.ok(), r.err);
  auto after = realm.run({"/usr/bin/klist", "-f", "-c", cc});
  CHECK_MESSAGE(tgt_flags(after.out).find('i') == std::string::npos, after.out);
  CHECK(realm.run({"/usr/bin/kvno", "-c", cc, realm.host_principal()}).ok());
}
