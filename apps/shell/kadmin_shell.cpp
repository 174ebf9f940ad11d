// kadmin's request table and what its requests share (MIT's kadmin.c
// behaviour and wording, restated). The requests are in kadmin_principals.cpp,
// kadmin_policies.cpp and kadmin_keytab.cpp.

#include "shell/kadmin_shell.hpp"

#include <fmt/format.h>

#include "krbkit/kadm5/error_names.hpp"
#include "krbkit/kadm5/errors.hpp"
#include "krbkit/present/tool_json.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::shell {

struct KadminTable {
  using K = KadminShell;
  static constexpr std::array<Request<K>, 24> kRequests{{
      {{"add_principal", "addprinc", "ank"},
       "Add principal",
       "-randkey -nokey -x -expire -pwexpire -maxlife -kvno -policy -clearpolicy -pw -maxrenewlife -e",
       &K::add_principal},
      {{"delete_principal", "delprinc"}, "Delete principal", "-force", &K::delete_principal},
      {{"modify_principal", "modprinc"},
       "Modify principal",
       "-unlock -x -expire -pwexpire -maxlife -kvno -policy -clearpolicy -maxrenewlife",
       &K::modify_principal},
      {{"rename_principal", "renprinc"}, "Rename principal", "-force", &K::rename_principal},
      {{"change_password", "cpw"}, "Change password", "-randkey -keepold -e -pw -x", &K::change_password},
      {{"get_principal", "getprinc"}, "Get principal", "-terse", &K::get_principal},
      {{"list_principals", "listprincs", "get_principals", "getprincs"},
       "List principals",
       "",
       &K::list_principals},
      {{"add_policy", "addpol"},
       "Add policy",
       "-maxlife -minlife -minlength -minclasses -history -maxfailure -failurecountinterval -lockoutduration "
       "-allowedkeysalts",
       &K::add_policy},
      {{"modify_policy", "modpol"},
       "Modify policy",
       "-maxlife -minlife -minlength -minclasses -history -maxfailure -failurecountinterval -lockoutduration "
       "-allowedkeysalts",
       &K::modify_policy},
      {{"delete_policy", "delpol"}, "Delete policy", "-force", &K::delete_policy},
      {{"get_policy", "getpol"}, "Get policy", "-terse", &K::get_policy},
      {{"list_policies", "listpols", "get_policies", "getpols"}, "List policies", "", &K::list_policies},
      {{"get_privs", "getprivs"}, "Get privileges", "", &K::get_privs},
      {{"ktadd", "xst"}, "Add entry(s) to a keytab", "-k -keytab -q -e -norandkey -glob", &K::ktadd},
      {{"ktremove", "ktrem"}, "Remove entry(s) from a keytab", "-k -keytab -q", &K::ktremove},
      {{"lock"}, "Lock database exclusively (use with extreme caution!)", "", &K::lock},
      {{"unlock"}, "Release exclusive database lock", "", &K::unlock},
      {{"purgekeys"}, "Purge previously retained old keys from a principal", "-all -keepkvno", &K::purgekeys},
      {{"get_strings", "getstrs"}, "Show string attributes on a principal", "", &K::get_strings},
      {{"set_string", "setstr"}, "Set a string attribute on a principal", "", &K::set_string},
      {{"del_string", "delstr"}, "Delete a string attribute on a principal", "", &K::del_string},
      {{"list_requests", "lr", "?"}, "List available requests.", "", &K::help},
      {{"help"}, "List available requests.", "", &K::help},
      {{"quit", "exit", "q"}, "Exit program.", "", &K::quit},
  }};
};

std::vector<std::string_view> KadminShell::request_names() { return names_of(KadminTable::kRequests); }

std::vector<std::string_view> KadminShell::request_options(std::string_view request) {
  return options_of(KadminTable::kRequests, request);
}

Outcome KadminShell::run(std::string_view line) {
  const Words args = split_request(line);
  if (args.empty()) return Outcome::ok;
  if (const auto* r = find_request(KadminTable::kRequests, args[0])) return (this->*r->handler)(args);
  io_.err(fmt::format("kadmin: Unknown request \"{}\".  Type \"?\" for a request list.", args[0]));
  return Outcome::failed;
}

Outcome KadminShell::help(const Words&) {
  io_.out(request_listing("kadmin", KadminTable::kRequests));
  return Outcome::ok;
}

Outcome KadminShell::quit(const Words&) { return Outcome::quit; }

Outcome KadminShell::lock(const Words&) {
  // The remote kadm5 library refuses database locking without asking the server.
  io_.err(fmt::format("lock: {} ", kadm5::server_code(22).message()));
  return Outcome::failed;
}

// MIT's unlock does nothing unless lock succeeded, which it never does remotely.
Outcome KadminShell::unlock(const Words&) { return Outcome::ok; }

Result<std::string> KadminShell::canonical(std::string_view name) const {
  KRBKIT_TRY(p, parse_principal(name, options_.realm));
  return unparse_principal(p);
}

Outcome KadminShell::fail(std::string_view who, const Error& e, std::string_view doing) {
  std::string line = fmt::format("{}: {} {}", who, e.message(), doing);
  if (options_.json) {  // one error object a failed request, as the tools' errors under --json
    line = present::error_json(e, {1, line, std::nullopt, kadm5::error_name(e.code)});
    line.pop_back();  // err() ends the line
  }
  io_.err(line);
  return Outcome::failed;
}

Outcome KadminShell::usage(std::string_view text) {
  std::string t(text);
  while (!t.empty() && t.back() == '\n') t.pop_back();
  io_.err(t);
  return Outcome::failed;
}

void KadminShell::info(std::string_view text) {
  if (!options_.script_mode && !options_.json) io_.out(text);
}

bool KadminShell::policy_exists(const std::string& name) { return admin_.get_policy(name).ok(); }

Result<SecretBytes> KadminShell::new_password(const std::string& canon) {
  KRBKIT_TRY(first, io_.secret(fmt::format("Enter password for principal \"{}\": ", canon)));
  KRBKIT_TRY(second, io_.secret(fmt::format("Re-enter password for principal \"{}\": ", canon)));
  if (!(first == second)) return Error{Errc::password_mismatch, "password mismatch"};
  return first;
}

}  // namespace krbkit::shell
