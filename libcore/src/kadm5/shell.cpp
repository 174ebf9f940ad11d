// kadmin requests (MIT kadmin.c / keytab.c behaviour and wording, restated).

#include "krbkit/kadm5/shell.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <ctime>

#include "krbkit/base/json.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/kadm5/format.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::kadm5 {
namespace {

struct Request {
  std::array<std::string_view, 4> names;  // primary first
  std::string_view description;
};

constexpr std::array<Request, 27> kRequests{{
    {{"add_principal", "addprinc", "ank", ""}, "Add principal"},
    {{"delete_principal", "delprinc", "", ""}, "Delete principal"},
    {{"modify_principal", "modprinc", "", ""}, "Modify principal"},
    {{"rename_principal", "renprinc", "", ""}, "Rename principal"},
    {{"change_password", "cpw", "", ""}, "Change password"},
    {{"get_principal", "getprinc", "", ""}, "Get principal"},
    {{"list_principals", "listprincs", "get_principals", "getprincs"}, "List principals"},
    {{"add_policy", "addpol", "", ""}, "Add policy"},
    {{"modify_policy", "modpol", "", ""}, "Modify policy"},
    {{"delete_policy", "delpol", "", ""}, "Delete policy"},
    {{"get_policy", "getpol", "", ""}, "Get policy"},
    {{"list_policies", "listpols", "get_policies", "getpols"}, "List policies"},
    {{"get_privs", "getprivs", "", ""}, "Get privileges"},
    {{"ktadd", "xst", "", ""}, "Add entry(s) to a keytab"},
    {{"ktremove", "ktrem", "", ""}, "Remove entry(s) from a keytab"},
    {{"lock", "", "", ""}, "Lock database exclusively (use with extreme caution!)"},
    {{"unlock", "", "", ""}, "Release exclusive database lock"},
    {{"purgekeys", "", "", ""}, "Purge previously retained old keys from a principal"},
    {{"get_strings", "getstrs", "", ""}, "Show string attributes on a principal"},
    {{"set_string", "setstr", "", ""}, "Set a string attribute on a principal"},
    {{"del_string", "delstr", "", ""}, "Delete a string attribute on a principal"},
    {{"list_requests", "lr", "?", ""}, "List available requests."},
    {{"help", "", "", ""}, "List available requests."},
    {{"quit", "exit", "q", ""}, "Exit program."},
    {{"", "", "", ""}, ""},
    {{"", "", "", ""}, ""},
    {{"", "", "", ""}, ""},
}};

std::string_view primary_name(std::string_view word) {
  for (const auto& r : kRequests)
    for (auto n : r.names)
      if (!n.empty() && n == word) return r.names[0];
  return {};
}

std::time_t now() { return std::time(nullptr); }

void put_le32(Bytes& b, std::int32_t v) {
  for (int i = 0; i < 4; ++i)
    b.push_back(static_cast<std::uint8_t>(static_cast<std::uint32_t>(v) >> (8 * i)));
}

constexpr std::string_view kAttributesHelp =
    "\tattributes are:\n"
    "\t\tallow_postdated allow_forwardable allow_tgs_req allow_renewable\n"
    "\t\tallow_proxiable allow_dup_skey allow_tix requires_preauth\n"
    "\t\trequires_hwauth needchange allow_svr password_changing_service\n"
    "\t\tok_as_delegate ok_to_auth_as_delegate no_auth_data_required\n"
    "\t\tlockdown_keys\n"
    "\nwhere,\n\t[-x db_princ_args]* - any number of database specific arguments.\n"
    "\t\t\tLook at each database documentation for supported arguments\n";

std::string addprinc_usage() {
  return std::string("usage: add_principal [options] principal\n\toptions are:\n") +
         "\t\t[-randkey|-nokey] [-x db_princ_args]* [-expire expdate] [-pwexpire pwexpdate] [-maxlife "
         "maxtixlife]\n"
         "\t\t[-kvno kvno] [-policy policy] [-clearpolicy]\n"
         "\t\t[-pw password] [-maxrenewlife maxrenewlife]\n"
         "\t\t[-e keysaltlist]\n\t\t[{+|-}attribute]\n" +
         std::string(kAttributesHelp);
}

std::string modprinc_usage() {
  return std::string("usage: modify_principal [options] principal\n\toptions are:\n") +
         "\t\t[-x db_princ_args]* [-expire expdate] [-pwexpire pwexpdate] [-maxlife maxtixlife]\n"
         "\t\t[-kvno kvno] [-policy policy] [-clearpolicy]\n"
         "\t\t[-maxrenewlife maxrenewlife] [-unlock] [{+|-}attribute]\n" +
         std::string(kAttributesHelp);
}

// What kadmin_parse_princ_args collects.
struct PrincArgs {
  PrincipalEntry entry;
  std::uint32_t mask = 0;
  std::optional<std::string> password;
  bool randkey = false, nokey = false;
  std::optional<std::vector<KeySalt>> key_salts;
};

}  // namespace

std::vector<std::string> split_request(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false, quoted = false;
  for (char c : line) {
    if (quoted) {
      if (c == '"')
        quoted = false;
      else
        cur.push_back(c);
    } else if (c == '"') {
      quoted = in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur.push_back(c);
      in_word = true;
    }
  }
  if (in_word) out.push_back(std::move(cur));
  return out;
}

std::vector<std::string> Shell::request_names() {
  std::vector<std::string> out;
  for (const auto& r : kRequests)
    for (auto n : r.names)
      if (!n.empty()) out.emplace_back(n);
  return out;
}

Result<std::string> Shell::canonical(std::string_view name) const {
  KRBKIT_TRY(p, parse_principal(name, options_.realm));
  return unparse_principal(p);
}

Outcome Shell::fail(std::string_view who, const Error& e, std::string_view doing) {
  io_.err(fmt::format("{}: {} {}", who, e.message(), doing));
  return Outcome::failed;
}

Outcome Shell::usage(std::string_view text) {
  std::string t(text);
  while (!t.empty() && t.back() == '\n') t.pop_back();
  io_.err(t);
  return Outcome::failed;
}

void Shell::info(std::string_view text) {
  if (!options_.script_mode && !options_.json) io_.out(text);
}

bool Shell::policy_exists(const std::string& name) { return client_.get_policy(name).ok(); }

Outcome Shell::run(std::string_view line) {
  Args args = split_request(line);
  if (args.empty()) return Outcome::ok;
  const std::string_view req = primary_name(args[0]);
  if (req.empty()) {
    io_.err(fmt::format("kadmin: Unknown request \"{}\".  Type \"?\" for a request list.", args[0]));
    return Outcome::failed;
  }
  if (req == "add_principal") return add_principal(args);
  if (req == "delete_principal") return delete_principal(args);
  if (req == "modify_principal") return modify_principal(args);
  if (req == "rename_principal") return rename_principal(args);
  if (req == "change_password") return change_password(args);
  if (req == "get_principal") return get_principal(args);
  if (req == "list_principals") return list_principals(args);
  if (req == "add_policy") return add_modify_policy(args, true);
  if (req == "modify_policy") return add_modify_policy(args, false);
  if (req == "delete_policy") return delete_policy(args);
  if (req == "get_policy") return get_policy(args);
  if (req == "list_policies") return list_policies(args);
  if (req == "get_privs") return get_privs(args);
  if (req == "ktadd") return ktadd(args);
  if (req == "ktremove") return ktremove(args);
  if (req == "lock") return lock(args, "lock");
  if (req == "unlock") return lock(args, "unlock");
  if (req == "purgekeys") return purgekeys(args);
  if (req == "get_strings") return get_strings(args);
  if (req == "set_string") return set_string(args);
  if (req == "del_string") return del_string(args);
  if (req == "quit") return Outcome::quit;
  return help(args);
}

// ---- principals ----

namespace {

// kadmin_parse_princ_args: options, then the principal as the last word.
Result<PrincArgs> parse_princ_args(const std::vector<std::string>& a, const std::string& realm,
                                   std::int32_t attributes) {
  PrincArgs p;
  p.entry.attributes = attributes;
  const Error bad{Errc::invalid_argument, "usage"};
  std::size_t i = 1;
  auto value = [&]() -> const std::string* { return ++i < a.size() - 1 ? &a[i] : nullptr; };
  if (a.size() < 2) return bad;
  for (; i < a.size() - 1; ++i) {
    const std::string& o = a[i];
    const std::string* v = nullptr;
    if (o == "-x") {
      if (!(v = value())) return bad;
      Bytes contents(v->begin(), v->end());
      contents.push_back(0);
      p.entry.tl_data.push_back({tl_type::db_args, std::move(contents)});
      p.mask |= princ_mask::tl_data;
    } else if (o == "-expire" || o == "-pwexpire") {
      if (!(v = value())) return bad;
      KRBKIT_TRY(d, parse_date(*v, now()));
      (o == "-expire" ? p.entry.princ_expire_time : p.entry.pw_expiration) = d;
      p.mask |= o == "-expire" ? princ_mask::princ_expire_time : princ_mask::pw_expiration;
    } else if (o == "-maxlife" || o == "-maxrenewlife") {
      if (!(v = value())) return bad;
      KRBKIT_TRY(d, parse_duration(*v, now()));
      (o == "-maxlife" ? p.entry.max_life : p.entry.max_renewable_life) = d;
      p.mask |= o == "-maxlife" ? princ_mask::max_life : princ_mask::max_rlife;
    } else if (o == "-kvno") {
      if (!(v = value())) return bad;
      p.entry.kvno = static_cast<std::uint32_t>(std::atoi(v->c_str()));
      p.mask |= princ_mask::kvno;
    } else if (o == "-policy") {
      if (!(v = value())) return bad;
      p.entry.policy = *v;
      p.mask |= princ_mask::policy;
    } else if (o == "-clearpolicy") {
      p.entry.policy.reset();
      p.mask |= princ_mask::policy_clr;
    } else if (o == "-pw") {
      if (!(v = value())) return bad;
      p.password = *v;
    } else if (o == "-randkey") {
      p.randkey = true;
    } else if (o == "-nokey") {
      p.nokey = true;
    } else if (o == "-unlock") {
      p.entry.fail_auth_count = 0;
      p.mask |= princ_mask::fail_auth_count;
      Bytes stamp;
      put_le32(stamp, static_cast<std::int32_t>(now()));
      p.entry.tl_data.push_back({tl_type::last_admin_unlock, std::move(stamp)});
      p.mask |= princ_mask::tl_data;
    } else if (o == "-e") {
      if (!(v = value())) return bad;
      KRBKIT_TRY(ks, parse_key_salts(*v));
      p.key_salts = std::move(ks);
    } else {
      if (!apply_flag_spec(o, p.entry.attributes).ok()) return bad;
      p.mask |= princ_mask::attributes;
    }
  }
  KRBKIT_TRY(name, parse_principal(a.back(), realm));
  p.entry.principal = unparse_principal(name);
  return p;
}

}  // namespace

Outcome Shell::add_principal(const Args& a) {
  auto parsed = parse_princ_args(a, options_.realm, 0);
  if (!parsed.ok()) {
    if (parsed.error().detail != "usage") io_.err("add_principal: " + parsed.error().message());
    return usage(addprinc_usage());
  }
  PrincArgs& p = *parsed;
  const std::string& canon = p.entry.principal;
  if (p.mask & princ_mask::policy) {
    if (!options_.script_mode && !policy_exists(*p.entry.policy))
      io_.err(fmt::format("WARNING: policy \"{}\" does not exist", *p.entry.policy));
  } else if (!(p.mask & princ_mask::policy_clr)) {
    if (policy_exists("default")) {
      if (!options_.script_mode)
        io_.err(fmt::format("No policy specified for {}; assigning \"default\"", canon));
      p.entry.policy = "default";
      p.mask |= princ_mask::policy;
    } else if (!options_.script_mode) {
      io_.err(fmt::format("No policy specified for {}; defaulting to no policy", canon));
    }
  }
  p.mask &= ~princ_mask::policy_clr;

  std::optional<SecretBytes> prompted;
  std::optional<std::string_view> password;
  if (p.nokey) {
    p.mask |= princ_mask::key_data;
  } else if (!p.randkey) {
    if (p.password) {
      password = *p.password;
    } else {
      auto pw = io_.new_password(fmt::format("Enter password for principal \"{}\"", canon),
                                 fmt::format("Re-enter password for principal \"{}\"", canon));
      if (!pw.ok())
        return fail("add_principal", pw.error(), fmt::format("while reading password for \"{}\".", canon));
      prompted = std::move(pw).value();
      password = prompted->chars();
    }
  }
  p.mask |= princ_mask::principal;
  auto r = client_.create_principal(p.entry, p.mask, password, p.key_salts);
  bool old_style_randkey = false;
  if (!r.ok() && r.error().code == server_code(22) && p.randkey) {
    // An old server (before 1.8) cannot create with random keys: create
    // with a dummy password and tickets disallowed, then randomize.
    std::string dummy = "6F a[";
    for (std::size_t i = dummy.size(); i < 255; ++i) dummy.push_back(static_cast<char>('a' + i % 26));
    p.entry.attributes |= 0x40;
    p.mask |= princ_mask::attributes;
    r = client_.create_principal(p.entry, p.mask, dummy, p.key_salts);
    old_style_randkey = true;
  }
  if (!r.ok() && is(r.error(), Code::bad_mask) && p.nokey) {
    io_.err(fmt::format("Admin server does not support -nokey while creating \"{}\"", canon));
    return Outcome::failed;
  }
  if (!r.ok()) return fail("add_principal", r.error(), fmt::format("while creating \"{}\".", canon));
  if (old_style_randkey) {
    auto k = client_.randomize_key(canon, false, p.key_salts);
    if (!k.ok())
      return fail("add_principal", k.error(), fmt::format("while randomizing key for \"{}\".", canon));
    p.entry.attributes &= ~0x40;
    auto m = client_.modify_principal(p.entry, princ_mask::attributes);
    if (!m.ok())
      return fail("add_principal", m.error(),
                  fmt::format("while clearing DISALLOW_ALL_TIX for \"{}\".", canon));
  }
  info(fmt::format("Principal \"{}\" created.\n", canon));
  return Outcome::ok;
}

Outcome Shell::modify_principal(const Args& a) {
  if (a.size() < 2) return usage(modprinc_usage());
  auto canon = canonical(a.back());
  if (!canon.ok()) return fail("modify_principal", canon.error(), "while parsing principal");
  auto old = client_.get_principal(*canon, princ_mask::normal);
  if (!old.ok()) return fail("modify_principal", old.error(), fmt::format("while getting \"{}\".", *canon));
  auto parsed = parse_princ_args(a, options_.realm, old->attributes);
  if (!parsed.ok() || parsed->key_salts || parsed->randkey || parsed->nokey || parsed->password) {
    if (!parsed.ok() && parsed.error().detail != "usage")
      io_.err("modify_principal: " + parsed.error().message());
    return usage(modprinc_usage());
  }
  PrincArgs& p = *parsed;
  if ((p.mask & princ_mask::policy) && !options_.script_mode && !policy_exists(*p.entry.policy))
    io_.err(fmt::format("WARNING: policy \"{}\" does not exist", *p.entry.policy));
  if (p.mask) {
    auto r = client_.modify_principal(p.entry, p.mask);
    if (!r.ok()) return fail("modify_principal", r.error(), fmt::format("while modifying \"{}\".", *canon));
  }
  info(fmt::format("Principal \"{}\" modified.\n", *canon));
  return Outcome::ok;
}

Outcome Shell::delete_principal(const Args& a) {
  if (!(a.size() == 2 || (a.size() == 3 && a[1] == "-force")))
    return usage("usage: delete_principal [-force] principal");
  auto canon = canonical(a.back());
  if (!canon.ok()) return fail("delete_principal", canon.error(), "while parsing principal name");
  if (a.size() == 2 && !options_.script_mode) {
    std::string reply =
        io_.ask(fmt::format("Are you sure you want to delete the principal \"{}\"? (yes/no): ", *canon));
    if (reply != "yes") {
      io_.err(fmt::format("Principal \"{}\" not deleted", *canon));
      return Outcome::ok;
    }
  }
  auto r = client_.delete_principal(*canon);
  if (!r.ok())
    return fail("delete_principal", r.error(), fmt::format("while deleting principal \"{}\"", *canon));
  info(fmt::format("Principal \"{}\" deleted.\n", *canon));
  info("Make sure that you have removed this principal from all ACLs before reusing.\n");
  return Outcome::ok;
}

Outcome Shell::rename_principal(const Args& a) {
  if (!(a.size() == 3 || (a.size() == 4 && a[1] == "-force")))
    return usage("usage: rename_principal [-force] old_principal new_principal");
  auto from = canonical(a[a.size() - 2]);
  if (!from.ok()) return fail("rename_principal", from.error(), "while parsing old principal name");
  auto to = canonical(a.back());
  if (!to.ok()) return fail("rename_principal", to.error(), "while parsing new principal name");
  if (a.size() == 3 && !options_.script_mode) {
    std::string reply = io_.ask(fmt::format(
        "Are you sure you want to rename the principal \"{}\" to \"{}\"? (yes/no): ", *from, *to));
    if (reply != "yes") {
      io_.err(fmt::format("Principal \"{}\" not renamed", *from));
      return Outcome::ok;
    }
  }
  auto r = client_.rename_principal(*from, *to);
  if (!r.ok())
    return fail("rename_principal", r.error(),
                fmt::format("while renaming principal \"{}\" to \"{}\"", *from, *to));
  info(fmt::format("Principal \"{}\" renamed to \"{}\".\n", *from, *to));
  info("Make sure that you have removed the old principal from all ACLs before reusing.\n");
  return Outcome::ok;
}

Outcome Shell::get_principal(const Args& a) {
  if (!(a.size() == 2 || (a.size() == 3 && a[1] == "-terse")))
    return usage("usage: get_principal [-terse] principal");
  auto canon = canonical(a.back());
  if (!canon.ok()) return fail("get_principal", canon.error(), "while parsing principal");
  auto p = client_.get_principal(*canon);
  if (!p.ok()) return fail("get_principal", p.error(), fmt::format("while retrieving \"{}\".", *canon));
  if (options_.json) {
    io_.out(principal_json(*p));
  } else if (a.size() == 3) {
    io_.out(format_principal_terse(*p));
  } else {
    const bool missing = p->policy && !policy_exists(*p->policy);
    io_.out(format_principal(*p, missing));
  }
  return Outcome::ok;
}

// listprincs / listpols: one name a line, or a JSON array of them.
void Shell::print_names(const std::vector<std::string>& names) {
  if (!options_.json) {
    for (const auto& n : names) io_.out(n + "\n");
    return;
  }
  json::Writer w;
  w.begin_array();
  for (const auto& n : names) w.value(n);
  w.end_array();
  io_.out(w.finish());
}

Outcome Shell::list_principals(const Args& a) {
  if (a.size() > 2) return usage("usage: get_principals [expression]");
  auto names = client_.list_principals(a.size() == 2 ? std::optional<std::string_view>(a[1]) : std::nullopt);
  if (!names.ok()) return fail("get_principals", names.error(), "while retrieving list.");
  print_names(*names);
  return Outcome::ok;
}

Outcome Shell::change_password(const Args& a) {
  const std::string use =
      "usage: change_password [-randkey] [-keepold] [-e keysaltlist] [-pw password] principal";
  std::optional<std::string> pw;
  bool randkey = false, keepold = false;
  std::optional<std::vector<KeySalt>> ks;
  std::size_t i = 1;
  for (; i < a.size() && !a[i].empty() && a[i][0] == '-'; ++i) {
    if (a[i] == "-x") {
      if (++i >= a.size()) return usage("change_password: missing db argument\n" + use);
    } else if (a[i] == "-pw") {
      if (++i >= a.size()) return usage("change_password: missing password arg\n" + use);
      pw = a[i];
    } else if (a[i] == "-randkey") {
      randkey = true;
    } else if (a[i] == "-keepold") {
      keepold = true;
    } else if (a[i] == "-e") {
      if (++i >= a.size()) return usage("change_password: missing keysaltlist arg\n" + use);
      auto parsed = parse_key_salts(a[i]);
      if (!parsed.ok()) return fail("change_password", parsed.error(), "while parsing keysalts " + a[i]);
      ks = std::move(parsed).value();
    } else {
      io_.err("change_password: unrecognized option " + a[i]);
      return usage(use);
    }
  }
  if (a.size() - i != 1) {
    io_.err(a.size() - i < 1 ? "change_password: missing principal name"
                             : "change_password: too many arguments");
    return usage(use);
  }
  auto canon = canonical(a[i]);
  if (!canon.ok()) return fail("change_password", canon.error(), "while parsing principal name");
  if (!pw && randkey) {
    auto r = client_.randomize_key(*canon, keepold, ks);
    if (!r.ok())
      return fail("change_password", r.error(), fmt::format("while randomizing key for \"{}\".", *canon));
    info(fmt::format("Key for \"{}\" randomized.\n", *canon));
    return Outcome::ok;
  }
  std::optional<SecretBytes> prompted;
  if (!pw) {
    auto got = io_.new_password(fmt::format("Enter password for principal \"{}\"", *canon),
                                fmt::format("Re-enter password for principal \"{}\"", *canon));
    if (!got.ok())
      return fail("change_password", got.error(), fmt::format("while reading password for \"{}\".", *canon));
    prompted = std::move(got).value();
  }
  auto r = client_.change_password(*canon, pw ? std::string_view(*pw) : prompted->chars(), keepold, ks);
  if (!r.ok())
    return fail("change_password", r.error(), fmt::format("while changing password for \"{}\".", *canon));
  info(fmt::format("Password for \"{}\" changed.\n", *canon));
  return Outcome::ok;
}

// ---- policies ----

Outcome Shell::add_modify_policy(const Args& a, bool add) {
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
  for (std::size_t i = 1; i + 1 < a.size(); ++i) {
    const std::string& o = a[i];
    if (i + 2 > a.size() - 1) return usage(use);
    const std::string& v = a[++i];
    auto interval = [&](std::int32_t& field, std::uint32_t bit) {
      auto d = parse_duration(v, now());
      if (!d.ok()) return false;
      field = *d;
      mask |= bit;
      return true;
    };
    bool ok = true;
    if (o == "-maxlife")
      ok = interval(pol.pw_max_life, policy_mask::pw_max_life);
    else if (o == "-minlife")
      ok = interval(pol.pw_min_life, policy_mask::pw_min_life);
    else if (o == "-minlength")
      pol.pw_min_length = std::atoi(v.c_str()), mask |= policy_mask::pw_min_length;
    else if (o == "-minclasses")
      pol.pw_min_classes = std::atoi(v.c_str()), mask |= policy_mask::pw_min_classes;
    else if (o == "-history")
      pol.pw_history_num = std::atoi(v.c_str()), mask |= policy_mask::pw_history_num;
    else if (o == "-maxfailure")
      pol.pw_max_fail = static_cast<std::uint32_t>(std::atoi(v.c_str())), mask |= policy_mask::pw_max_failure;
    else if (o == "-failurecountinterval")
      ok = interval(pol.pw_failcnt_interval, policy_mask::pw_failure_count_interval);
    else if (o == "-lockoutduration")
      ok = interval(pol.pw_lockout_duration, policy_mask::pw_lockout_duration);
    else if (o == "-allowedkeysalts") {
      if (v != "-") {
        auto ks = parse_key_salts(v);
        if (!ks.ok()) {
          fail(who, ks.error(), "while parsing keysalts " + v);
          return usage(use);
        }
        pol.allowed_keysalts = v;
      }
      mask |= policy_mask::allowed_keysalts;
    } else {
      ok = false;
    }
    if (!ok) return usage(use);
  }
  pol.name = a.back();
  auto r = add ? client_.create_policy(pol, mask) : client_.modify_policy(pol, mask);
  if (!r.ok())
    return fail(who, r.error(),
                std::string(add ? "while creating" : "while modifying") + " policy \"" + pol.name + "\".");
  return Outcome::ok;
}

Outcome Shell::delete_policy(const Args& a) {
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
  auto r = client_.delete_policy(a.back());
  // MIT names the request "delete_policy:" here, colon included.
  if (!r.ok())
    return fail("delete_policy:", r.error(), fmt::format("while deleting policy \"{}\"", a.back()));
  return Outcome::ok;
}

Outcome Shell::get_policy(const Args& a) {
  if (!(a.size() == 2 || (a.size() == 3 && a[1] == "-terse")))
    return usage("usage: get_policy [-terse] policy");
  auto p = client_.get_policy(a.back());
  if (!p.ok()) return fail("get_policy", p.error(), fmt::format("while retrieving policy \"{}\".", a.back()));
  io_.out(options_.json ? policy_json(*p) : a.size() == 3 ? format_policy_terse(*p) : format_policy(*p));
  return Outcome::ok;
}

Outcome Shell::list_policies(const Args& a) {
  if (a.size() > 2) return usage("usage: get_policies [expression]");
  auto names = client_.list_policies(a.size() == 2 ? std::optional<std::string_view>(a[1]) : std::nullopt);
  if (!names.ok()) return fail("get_policies", names.error(), "while retrieving list.");
  print_names(*names);
  return Outcome::ok;
}

Outcome Shell::get_privs(const Args& a) {
  if (a.size() != 1) return usage("usage: get_privs");
  auto p = client_.get_privileges();
  if (!p.ok()) return fail("get_privs", p.error(), "while retrieving privileges");
  if (options_.json) {
    json::Writer w;
    w.begin_object();
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

// ---- string attributes, purgekeys, lock ----

Outcome Shell::get_strings(const Args& a) {
  if (a.size() != 2) return usage("usage: get_strings principal");
  auto canon = canonical(a[1]);
  if (!canon.ok()) return fail("get_strings", canon.error(), "while parsing principal");
  auto s = client_.get_strings(*canon);
  if (!s.ok())
    return fail("get_strings", s.error(),
                fmt::format("while getting attributes for principal \"{}\"", *canon));
  if (options_.json) {
    json::Writer w;
    w.begin_object();
    for (const auto& [k, v] : *s) w.member(k, v);
    w.end_object();
    io_.out(w.finish());
    return Outcome::ok;
  }
  if (s->empty()) io_.out("(No string attributes.)\n");
  for (const auto& [k, v] : *s) io_.out(k + ": " + v + "\n");
  return Outcome::ok;
}

Outcome Shell::set_string(const Args& a) {
  if (a.size() != 4) return usage("usage: set_string principal key value");
  auto canon = canonical(a[1]);
  if (!canon.ok()) return fail("set_string", canon.error(), "while parsing principal");
  auto r = client_.set_string(*canon, a[2], a[3]);
  if (!r.ok())
    return fail("set_string", r.error(), fmt::format("while setting attribute on principal \"{}\"", *canon));
  info(fmt::format("Attribute set for principal \"{}\".\n", *canon));
  return Outcome::ok;
}

Outcome Shell::del_string(const Args& a) {
  if (a.size() != 3) return usage("usage: del_string principal key");
  auto canon = canonical(a[1]);
  if (!canon.ok()) return fail("delstring", canon.error(), "while parsing principal");
  auto r = client_.set_string(*canon, a[2], std::nullopt);
  if (!r.ok())
    return fail("del_string", r.error(),
                fmt::format("while deleting attribute from principal \"{}\"", *canon));
  info(fmt::format("Attribute removed from principal \"{}\".\n", *canon));
  return Outcome::ok;
}

Outcome Shell::purgekeys(const Args& a) {
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
  auto r = client_.purge_keys(*canon, keep);
  if (!r.ok())
    return fail("purgekeys", r.error(), fmt::format("while purging keys for principal \"{}\"", *canon));
  info(keep == 0x7fffffff ? fmt::format("All keys for principal \"{}\" removed.\n", *canon)
                          : fmt::format("Old keys for principal \"{}\" purged.\n", *canon));
  return Outcome::ok;
}

Outcome Shell::lock(const Args&, const char* which) {
  // MIT's unlock does nothing unless lock succeeded, which it never does remotely.
  if (std::string_view(which) == "unlock") return Outcome::ok;
  // The remote kadm5 library refuses database locking without asking the server.
  io_.err(fmt::format("{}: {} ", which, server_code(22).message()));
  return Outcome::failed;
}

// ---- keytabs (ktadd writes keys the server gives; ktremove is local) ----

namespace {

// MIT's ktadd/ktremove print WRFILE: names; the keytab module reads FILE: ones.
std::pair<std::string, std::string> keytab_names(const std::string& given) {
  std::string path = given;
  for (std::string_view prefix : {"WRFILE:", "FILE:"})
    if (path.rfind(prefix, 0) == 0) path.erase(0, prefix.size());
  return {"FILE:" + path, "WRFILE:" + path};
}

}  // namespace

Outcome Shell::ktadd(const Args& a) {
  const std::string use =
      "usage: ktadd [-k[eytab] keytab] [-q] [-e keysaltlist] [-norandkey] [principal | -glob princ-exp] "
      "[...]";
  std::string kt = options_.default_keytab;
  bool quiet = false, norandkey = false;
  std::optional<std::vector<KeySalt>> ks;
  std::vector<std::string> names;
  std::size_t i = 1;
  for (; i < a.size() && a[i][0] == '-'; ++i) {
    if ((a[i] == "-k" || a[i] == "-keytab") && i + 1 < a.size()) {
      kt = a[++i];
    } else if (a[i] == "-q") {
      quiet = true;
    } else if (a[i] == "-norandkey") {
      norandkey = true;
    } else if (a[i] == "-e" && i + 1 < a.size()) {
      auto parsed = parse_key_salts(a[++i]);
      if (!parsed.ok()) return fail("ktadd", parsed.error(), "while parsing keysalts " + a[i]);
      ks = std::move(parsed).value();
    } else if (a[i] == "-glob" && i + 1 < a.size()) {
      auto list = client_.list_principals(std::string_view(a[++i]));
      if (!list.ok()) return fail("kadmin", list.error(), "while expanding expression \"" + a[i] + "\".");
      names.insert(names.end(), list->begin(), list->end());
    } else {
      return usage(use);
    }
  }
  for (; i < a.size(); ++i) names.push_back(a[i]);
  if (names.empty() || (norandkey && ks)) return usage(use);
  auto [kt_file, kt_shown] = keytab_names(kt);
  bool failed = false;
  for (const auto& n : names) {
    auto canon = canonical(n);
    if (!canon.ok()) {
      failed = true;
      fail("kadmin", canon.error(), "while parsing -add principal name " + n);
      continue;
    }
    std::vector<keytab::KeytabEntry> entries;
    auto principal = parse_principal(*canon, options_.realm).value();
    const auto stamp = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (norandkey) {
      auto keys = client_.extract_keys(*canon);
      if (!keys.ok()) {
        failed = true;
        fail("kadmin", keys.error(), fmt::format("while retrieving {}'s keys", *canon));
        continue;
      }
      for (auto& k : *keys) entries.push_back({principal, stamp, k.kvno, std::move(k.key)});
    } else {
      auto keys = client_.randomize_key(*canon, false, ks);
      if (!keys.ok()) {
        failed = true;
        fail("kadmin", keys.error(), fmt::format("while changing {}'s key", *canon));
        continue;
      }
      auto rec = client_.get_principal(*canon, princ_mask::normal);
      if (!rec.ok()) {
        failed = true;
        fail("kadmin", rec.error(), fmt::format("while retrieving principal {}", *canon));
        continue;
      }
      for (auto& k : *keys) entries.push_back({principal, stamp, rec->kvno, std::move(k)});
    }
    auto w = keytab::append(kt_file, entries);
    if (!w.ok()) {
      failed = true;
      fail("kadmin", w.error(), "while adding key to keytab");
      continue;
    }
    if (!quiet)
      for (const auto& e : entries)
        info(fmt::format("Entry for principal {} with kvno {}, encryption type {} added to keytab {}.\n",
                         *canon, e.kvno, enctype_name(e.key.enctype), kt_shown));
  }
  return failed ? Outcome::failed : Outcome::ok;
}

Outcome Shell::ktremove(const Args& a) {
  const std::string use = "usage: ktremove [-k[eytab] keytab] [-q] principal [kvno|\"all\"|\"old\"]";
  std::string kt = options_.default_keytab;
  bool quiet = false;
  std::size_t i = 1;
  for (; i < a.size() && a[i][0] == '-'; ++i) {
    if ((a[i] == "-k" || a[i] == "-keytab") && i + 1 < a.size())
      kt = a[++i];
    else if (a[i] == "-q")
      quiet = true;
    else
      return usage(use);
  }
  if (a.size() - i < 1 || a.size() - i > 2) return usage(use);
  auto canon = canonical(a[i]);
  if (!canon.ok()) return fail("kadmin", canon.error(), "while parsing principal name " + a[i]);
  const std::string mode = a.size() - i == 2 ? a[i + 1] : "all";
  auto [kt_file, kt_shown] = keytab_names(kt);
  auto principal = parse_principal(*canon, options_.realm).value();
  auto table = keytab::read_keytab(kt_file);
  if (!table.ok()) return fail("kadmin", table.error(), "while opening keytab " + kt_shown);
  std::uint32_t highest = 0;
  bool any = false;
  for (const auto& e : table->entries)
    if (e.principal == principal) highest = std::max(highest, e.kvno), any = true;
  if (!any) {
    io_.err(fmt::format("kadmin: No entry for principal {} exists in keytab {}", *canon, kt_shown));
    return Outcome::failed;
  }
  std::vector<std::uint32_t> removed;
  auto match = [&](const keytab::KeytabEntry& e) {
    if (!(e.principal == principal)) return false;
    bool hit = mode == "all"   ? true
               : mode == "old" ? e.kvno != highest
                               : e.kvno == static_cast<std::uint32_t>(std::atoi(mode.c_str()));
    if (hit) removed.push_back(e.kvno);
    return hit;
  };
  auto r = keytab::remove(kt_file, match);
  if (!r.ok()) return fail("kadmin", r.error(), "while removing entries from keytab " + kt_shown);
  if (!quiet)
    for (auto kvno : removed)
      info(fmt::format("Entry for principal {} with kvno {} removed from keytab {}.\n", *canon, kvno,
                       kt_shown));
  return Outcome::ok;
}

Outcome Shell::help(const Args&) {
  std::string s = "Available kadmin requests:\n\n";
  for (const auto& r : kRequests) {
    if (r.names[0].empty()) continue;
    std::string names;
    for (auto n : r.names)
      if (!n.empty()) names += (names.empty() ? "" : ", ") + std::string(n);
    s += names.size() < 25 ? fmt::format("{:<25}{}\n", names, r.description)
                           : fmt::format("{}\n{:<25}{}\n", names, "", r.description);
  }
  io_.out(s);
  return Outcome::ok;
}

}  // namespace krbkit::kadm5
