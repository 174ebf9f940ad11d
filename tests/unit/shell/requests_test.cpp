// The request tables both interpreters share: lookup, listing, completion lists.
#include <doctest/doctest.h>

#include <algorithm>

#include "shell/kadmin_shell.hpp"
#include "shell/ktutil_shell.hpp"

using namespace krbkit;
using namespace krbkit::shell;

namespace {
bool has(const std::vector<std::string_view>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
}  // namespace

TEST_CASE("request lines split like MIT's ss") {
  CHECK(split_request("  addprinc  -pw \"two words\" alice ") ==
        std::vector<std::string>{"addprinc", "-pw", "two words", "alice"});
  CHECK(split_request("").empty());
  CHECK(split_request("getprinc \"\"") == std::vector<std::string>{"getprinc", ""});
}

TEST_CASE("completion lists: every request name and alias, and a request's options") {
  const auto kadmin = KadminShell::request_names();
  for (auto n : {"add_principal", "addprinc", "ank", "getprincs", "ktadd", "xst", "?", "quit", "q"})
    CHECK_MESSAGE(has(kadmin, n), n);
  CHECK_FALSE(has(kadmin, ""));
  CHECK(has(KadminShell::request_options("ank"), "-randkey"));
  CHECK(has(KadminShell::request_options("cpw"), "-keepold"));
  CHECK(KadminShell::request_options("no_such_request").empty());
  CHECK(KadminShell::request_options("listprincs").empty());

  const auto ktutil = KtutilShell::request_names();
  for (auto n : {"read_kt", "rkt", "wkt", "addent", "delent", "l", "lr", "clear", "exit"})
    CHECK_MESSAGE(has(ktutil, n), n);
  CHECK(has(KtutilShell::request_options("addent"), "-password"));
  CHECK(has(KtutilShell::request_options("list"), "-e"));
}

TEST_CASE("a request listing line: names padded to 25 columns, longer ones on a line of their own") {
  CHECK(request_line({"list", "l"}, "List the current keylist.") ==
        "list, l                  List the current keylist.\n");
  CHECK(request_line({"list_principals", "listprincs", "get_principals", "getprincs"}, "List principals") ==
        "list_principals, listprincs, get_principals, getprincs\n                         List principals\n");
}
