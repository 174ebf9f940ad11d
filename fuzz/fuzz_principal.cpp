// libFuzzer target for the principal parser: anything that parses must
// unparse to text that parses (with the ordinary rules, as MIT's unparsed
// enterprise names are meant to be read) to the same components and realm.
// (Unparsing with no_realm is lossy for '@', as in MIT, so it is only run.)

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "krbkit/proto/principal.hpp"

using namespace krbkit;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  PrincipalParseFlags flags;
  flags.enterprise = data[0] & 1;
  flags.no_realm = data[0] & 2;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto p = parse_principal(text, "DEFAULT.REALM", flags);
  if (!p.ok()) return 0;
  // The full form always names the realm (possibly empty: "name@").
  std::string again = unparse_principal(*p);
  auto q = parse_principal(again, "OTHER.REALM");
  if (!q.ok() || !(*q == *p)) std::abort();
  (void)unparse_principal(*p, {.no_realm = true});
  (void)unparse_principal(*p, {.short_form = true, .display = true}, "DEFAULT.REALM");
  return 0;
}
