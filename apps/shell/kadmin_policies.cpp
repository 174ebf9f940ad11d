// kadmin's policy requests and get_privs (MIT's kadmin.c behaviour and
// wording, restated).

#include <fmt/format.h>

#include <cstdlib>
#include <ctime>
#include <type_traits>

#include "krbkit/base/json.hpp"
#include "krbkit/kadm5/format.hpp"
#include "shell/kadmin_shell.hpp"

namespace krbkit::shell {
namespace {

using namespace kadm5;

std::time_t now() { return std::time(nullptr); }

// One -option value of add_policy/modify_policy into `pol` and `mask`: false
// for a usage error, an error for a key/salt list that does not parse.
Result<bool> set_policy_option(const std::string& o, const std::string& v, PolicyEntry& pol,
                               std::uint32_t& mask) {
  auto interval = [&](std::int32_t& field, std::uint32_t bit) {
    auto d = parse_duration(v, now());
    if (!d.ok()) return false;
    field = *d;
    mask |= bit;
    return true;
  };
  auto number = [&](auto& field, std::uint32_t bit) {
    field = static_cast<std::remove_reference_t<decltype(field)>>(std::atoi(v.c_str()));
    mask |= bit;
    return true;
  };
  if (o == "-maxlife") return interval(pol.pw_max_life, policy_mask::pw_max_life);
  if (o == "-minlife") return interval(pol.pw_min_life, policy_mask::pw_min_life);
  if (o == "-minlength") return number(pol.pw_min_length, policy_mask::pw_min_length);
  if (o == "-minclasses") return number(pol.pw_min_classes, policy_mask::pw_min_classes);
  if (o == "-history") return number(pol.pw_history_num, policy_mask::pw_history_num);
  if (o == "-maxfailure") return number(pol.pw_max_fail, policy_mask::pw_max_failure);
  if (o == "-failurecountinterval")
    return interval(pol.pw_failcnt_interval, policy_mask::pw_failure_count_interval);
  if (o == "-lockoutduration") return interval(pol.pw_lockout_duration, policy_mask::pw_lockout_duration);
  if (o != "-allowedkeysalts") return false;
  if (v != "-") {
    KRBKIT_CHECK(parse_key_salts(v));
    pol.allowed_keysalts = v;
  }
  mask |= policy_mask::allowed_keysalts;
  return true;
}

}  // namespace

Outcome KadminShell::add_policy(const Words& a) { return add_modify_policy(a, true); }

Outcome KadminShell::modify_policy(const Words& a) { return add_modify_policy(a, false); }

Outcome KadminShell::add_modify_policy(const Words& a, bool add) {
  const char* who = add ? "add_policy" : "modify_policy";
  const std::string use = fmt::format(
      "usage; {} [options] policy\n\toptions are:\n"
      "\t\t[-maxlife time] [-minlife time] [-minlength length]\n"
      "\t\t[-minclasses number] [-history number]\n"
      "\t\t[-maxfailure number] [-failurecountinterval time]\n"
      "\t\t[-allowedkeysalts keysalts]\n"
      "\t\t[-lockoutduration time]",
      who);
  if (a.size() < 2) return usage(use);
  PolicyEntry pol;
  std::uint32_t mask = 0;
  for (std::size_t i = 1; i + 1 < a.size(); i += 2) {
    if (i + 2 > a.size() - 1) return usage(use);
    auto set = set_policy_option(a[i], a[i + 1], pol, mask);
    if (!set.ok()) fail(who, set.error(), "while parsing keysalts " + a[i + 1]);
    if (!set.ok() || !*set) return usage(use);
  }
  pol.name = a.back();
  auto r = add ? admin_.create_policy(pol, mask) : admin_.modify_policy(pol, mask);
  if (!r.ok())
    return fail(who, r.error(),
                std::string(add ? "while creating" : "while modifying") + " policy \"" + pol.name + "\".");
  return Outcome::ok;
}

Outcome KadminShell::delete_policy(const Words& a) {
  if (!(a.size() == 2 || (a.size() == 3 && a[1] == "-force")))
    return usage("usage: delete_policy [-force] policy");
  if (a.size() == 2 && !options_.script_mode) {
    std::string reply =
        io_.ask(fmt::format("Are you sure you want to delete the policy \"{}\"? (yes/no): ", a[1]));
    if (reply != "yes") {
      io_.err(fmt::format("Policy \"{}\" not deleted.", a[1]));
      return Outcome::ok;
    }
  }
  auto r = admin_.delete_policy(a.back());
  // MIT names the request "delete_policy:" here, colon included.
  if (!r.ok())
    return fail("delete_policy:", r.error(), fmt::format("while deleting policy \"{}\"", a.back()));
  return Outcome::ok;
}

Outcome KadminShell::get_policy(const Words& a) {
  if (!(a.size() == 2 || (a.size() == 3 && a[1] == "-terse")))
    return usage("usage: get_policy [-terse] policy");
  auto p = admin_.get_policy(a.back());
  if (!p.ok()) return fail("get_policy", p.error(), fmt::format("while retrieving policy \"{}\".", a.back()));
  io_.out(options_.json ? policy_json(*p) : a.size() == 3 ? format_policy_terse(*p) : format_policy(*p));
  return Outcome::ok;
}

Outcome KadminShell::list_policies(const Words& a) {
  if (a.size() > 2) return usage("usage: get_policies [expression]");
  return print_names("get_policies", "policies", admin_.list_policies(expression(a)));
}

Outcome KadminShell::get_privs(const Words& a) {
  if (a.size() != 1) return usage("usage: get_privs");
  auto p = admin_.get_privileges();
  if (!p.ok()) return fail("get_privs", p.error(), "while retrieving privileges");
  if (options_.json) {
    json::Writer w;
    w.schema(1).begin_object();
    w.member("inquire", (*p & privs::get) != 0);
    w.member("add", (*p & privs::add) != 0);
    w.member("modify", (*p & privs::modify) != 0);
    w.member("delete", (*p & privs::remove) != 0);
    w.end_object();
    io_.out(w.finish());
  } else {
    io_.out(format_privileges(*p));
  }
  return Outcome::ok;
}

}  // namespace krbkit::shell
