// kadmin's string attribute requests and purgekeys (MIT's kadmin.c
// behaviour and wording, restated).

#include <fmt/format.h>

#include <cstdlib>

#include "krbkit/base/json.hpp"
#include "krbkit/kadm5/format.hpp"
#include "shell/kadmin_shell.hpp"

namespace krbkit::shell {

using namespace kadm5;

Outcome KadminShell::get_strings(const Words& a) {
  if (a.size() != 2) return usage("usage: get_strings principal");
  auto canon = canonical(a[1]);
  if (!canon.ok()) return fail("get_strings", canon.error(), "while parsing principal");
  auto s = admin_.get_strings(*canon);
  if (!s.ok())
    return fail("get_strings", s.error(),
                fmt::format("while getting attributes for principal \"{}\"", *canon));
  if (options_.json) {
    json::Writer w;
    w.schema(1).begin_object().member("principal", *canon).key("attributes").begin_object();
    for (const auto& [k, v] : *s) w.member(k, v);
    w.end_object().end_object();
    io_.out(w.finish());
    return Outcome::ok;
  }
  if (s->empty()) io_.out("(No string attributes.)\n");
  for (const auto& [k, v] : *s) io_.out(k + ": " + v + "\n");
  return Outcome::ok;
}

Outcome KadminShell::set_string(const Words& a) {
  if (a.size() != 4) return usage("usage: set_string principal key value");
  auto canon = canonical(a[1]);
  if (!canon.ok()) return fail("set_string", canon.error(), "while parsing principal");
  auto r = admin_.set_string(*canon, a[2], a[3]);
  if (!r.ok())
    return fail("set_string", r.error(), fmt::format("while setting attribute on principal \"{}\"", *canon));
  info(fmt::format("Attribute set for principal \"{}\".\n", *canon));
  return Outcome::ok;
}

Outcome KadminShell::del_string(const Words& a) {
  if (a.size() != 3) return usage("usage: del_string principal key");
  auto canon = canonical(a[1]);
  if (!canon.ok()) return fail("delstring", canon.error(), "while parsing principal");
  auto r = admin_.set_string(*canon, a[2], std::nullopt);
  if (!r.ok())
    return fail("del_string", r.error(),
                fmt::format("while deleting attribute from principal \"{}\"", *canon));
  info(fmt::format("Attribute removed from principal \"{}\".\n", *canon));
  return Outcome::ok;
}

Outcome KadminShell::purgekeys(const Words& a) {
  std::int32_t keep = -1;
  std::string name;
  if (a.size() == 4 && a[1] == "-keepkvno") {
    keep = std::atoi(a[2].c_str());
    name = a[3];
  } else if (a.size() == 3 && a[1] == "-all") {
    keep = 0x7fffffff;
    name = a[2];
  } else if (a.size() == 2) {
    name = a[1];
  } else {
    return usage("usage: purgekeys [-all|-keepkvno oldest_kvno_to_keep] principal");
  }
  auto canon = canonical(name);
  if (!canon.ok()) return fail("purgekeys", canon.error(), "while parsing principal");
  auto r = admin_.purge_keys(*canon, keep);
  if (!r.ok())
    return fail("purgekeys", r.error(), fmt::format("while purging keys for principal \"{}\"", *canon));
  info(keep == 0x7fffffff ? fmt::format("All keys for principal \"{}\" removed.\n", *canon)
                          : fmt::format("Old keys for principal \"{}\" purged.\n", *canon));
  return Outcome::ok;
}

}  // namespace krbkit::shell
