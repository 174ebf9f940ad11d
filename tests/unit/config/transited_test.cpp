// The transited-realm check (MIT's krb5_check_transited_list): tables of
// client realm, server realm, transited field and [capaths], with MIT's
// verdict for each (worked out from chk_trans.c and walk_rtree.c; the
// expansions are RFC 4120 3.3.3.2's own examples).
#include "krbkit/config/transited.hpp"

#include <doctest/doctest.h>

using namespace krbkit;
using namespace krbkit::config;

namespace {

Profile profile(std::string_view text) {
  auto p = Profile::parse(text, "krb5.conf");
  REQUIRE_MESSAGE(p, p.error().message());
  return std::move(p).value();
}

const char* const kCapaths = R"(
[capaths]
    A.TEST = {
        C.TEST = B.TEST
        B.TEST = .
    }
    ANL.GOV = {
        HAL.COM = K5.MOON
        HAL.COM = K5.JUPITER
        ES.NET = .
    }
)";

}  // namespace

TEST_CASE("DOMAIN-X500-COMPRESS expands as RFC 4120 3.3.3.2 and MIT do") {
  struct Row {
    const char *contents, *client, *server;
    std::vector<std::string> realms;
  };
  const Row rows[] = {
      {"B.TEST", "A.TEST", "C.TEST", {"B.TEST"}},
      {"B.TEST,D.TEST", "A.TEST", "C.TEST", {"B.TEST", "D.TEST"}},
      // "EDU,MIT.,WASHINGTON.EDU" from RFC 4120: MIT. is MIT.EDU.
      {"EDU,MIT.,WASHINGTON.EDU",
       "ATHENA.MIT.EDU",
       "CS.WASHINGTON.EDU",
       {"EDU", "MIT.EDU", "WASHINGTON.EDU"}},
      // A leading "," stands for the realms between the client's and the first.
      {",EDU", "ATHENA.MIT.EDU", "CS.WASHINGTON.EDU", {"EDU", "MIT.EDU"}},
      // A trailing "," for the realms between the last and the server's.
      {"EDU,", "ATHENA.MIT.EDU", "CS.WASHINGTON.EDU", {"EDU", "WASHINGTON.EDU"}},
      // X.500 style names are prefixed by the previous one; a space makes a
      // name stand alone (RFC 4120's "/COM,/HP,/APOLLO, /COM/DEC").
      {"/COM,/HP,/APOLLO, /COM/DEC",
       "/COM/HP/APOLLO/FOO",
       "/COM/DEC/BAR",
       {"/COM", "/COM/HP", "/COM/HP/APOLLO", "/COM/DEC"}},
      {"/COM,/HP", "/COM/HP/APOLLO/FOO", "/COM/DEC/BAR", {"/COM", "/COM/HP"}},
      // An escaped comma is part of a name.
      {"B\\,X.TEST", "A.TEST", "C.TEST", {"B,X.TEST"}},
      {"", "A.TEST", "C.TEST", {}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.contents);
    auto r = transited_realms(row.contents, row.client, row.server);
    REQUIRE_MESSAGE(r, r.error().message());
    CHECK(*r == row.realms);
  }
  // ",," between unrelated names cannot be expanded.
  auto bad = transited_realms("B.TEST,,D.ORG", "A.TEST", "C.TEST");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().is(KdcErr::ap_err_ill_cr_tkt));
}

TEST_CASE("the path realms: [capaths] first, else the realm hierarchy") {
  Profile p = profile(kCapaths);
  using V = std::vector<std::string>;
  CHECK(transit_path(p, "A.TEST", "C.TEST") == V{"A.TEST", "B.TEST"});
  CHECK(transit_path(p, "A.TEST", "B.TEST") == V{"A.TEST"});
  CHECK(transit_path(p, "ANL.GOV", "HAL.COM") == V{"ANL.GOV", "K5.MOON", "K5.JUPITER"});
  // No entry: up to the common parent, then down (the server's own realm is no transit).
  CHECK(transit_path(p, "ATHENA.MIT.EDU", "CS.WASHINGTON.EDU") ==
        V{"ATHENA.MIT.EDU", "ATHENA.MIT.EDU", "MIT.EDU", "EDU", "WASHINGTON.EDU"});
  CHECK(transit_path(p, "A.EXAMPLE.COM", "EXAMPLE.COM") == V{"A.EXAMPLE.COM", "A.EXAMPLE.COM"});
  // No common parent: each realm's own chain to the top.
  CHECK(transit_path(p, "A.ORG", "B.COM") == V{"A.ORG", "A.ORG", "ORG", "COM"});
  // A parent must be a whole component: BC.TEST is no parent of ABC.TEST's.
  CHECK(transit_path(p, "X.ABC.TEST", "BC.TEST") == V{"X.ABC.TEST", "X.ABC.TEST", "ABC.TEST", "TEST"});
  CHECK(transit_path(p, "A.TEST", "A.TEST").empty());
}

TEST_CASE("check_transited accepts what [capaths] or the hierarchy allows, refuses the rest") {
  Profile p = profile(kCapaths);
  struct Row {
    const char *contents, *client, *server;
    bool allowed;
  };
  const Row rows[] = {
      {"", "A.TEST", "C.TEST", true},
      {"B.TEST", "A.TEST", "C.TEST", true},
      {"D.TEST", "A.TEST", "C.TEST", false},  // A -> D -> C: not in [capaths]
      {"B.TEST,D.TEST", "A.TEST", "C.TEST", false},
      {"B.TEST", "A.TEST", "B.TEST", false},  // "." : nothing may be transited
      {"K5.MOON,K5.JUPITER", "ANL.GOV", "HAL.COM", true},
      {"ES.NET", "ANL.GOV", "HAL.COM", false},
      {"MIT.EDU,EDU,WASHINGTON.EDU", "ATHENA.MIT.EDU", "CS.WASHINGTON.EDU", true},
      {"EDU,MIT.,WASHINGTON.EDU", "ATHENA.MIT.EDU", "CS.WASHINGTON.EDU", true},
      {"EVIL.EDU", "ATHENA.MIT.EDU", "CS.WASHINGTON.EDU", false},
      {"B.TEST", "A.TEST", "A.TEST", false},
      {"B.TEST", "WELLKNOWN:ANONYMOUS", "C.TEST", true},
  };
  for (const auto& row : rows) {
    CAPTURE(row.contents);
    CAPTURE(row.client);
    CAPTURE(row.server);
    auto r = check_transited(p, row.contents, row.client, row.server);
    CHECK(r.ok() == row.allowed);
    if (!r) CHECK(r.error().is(KdcErr::ap_err_ill_cr_tkt));
  }
  auto r = check_transited(p, "D.TEST", "A.TEST", "C.TEST");
  REQUIRE_FALSE(r);
  CHECK(r.error().detail ==
        "the ticket from A.TEST to C.TEST transited D.TEST, which [capaths] does not allow");
}
