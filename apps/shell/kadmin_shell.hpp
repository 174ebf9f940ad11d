#pragma once
// kadmin's interpreter: MIT's request names, aliases, options, output and
// error wording, over any kadm5::Admin (a kadmind session, or a fake one in
// the tests). The app feeds it lines (from -q, the command line, a terminal
// or a script) and owns the terminal: output, prompts and confirmations go
// through shell::Io.
//
//   KadminShell sh(client, {.realm = "KRBKIT.TEST"}, io);
//   sh.run("addprinc -pw secret-1 alice");     // Outcome::ok / failed / quit
//
// Errors print like MIT's com_err: "get_principal: Principal does not exist
// while retrieving \"x@R\"." (Io::err gets the text without a newline).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/kadm5/admin.hpp"
#include "shell/requests.hpp"

namespace krbkit::shell {

struct KadminOptions {
  std::string realm;         // appended to names without a realm
  bool script_mode = false;  // MIT script mode: no informational lines, no confirmations
  bool json = false;         // data commands print JSON
  std::string default_keytab = "FILE:/etc/krb5.keytab";  // ktadd/ktremove without -k
};

class KadminShell {
 public:
  KadminShell(kadm5::Admin& admin, KadminOptions options, Io io)
      : admin_(admin), options_(std::move(options)), io_(std::move(io)) {}

  Outcome run(std::string_view line);

  // The requests' names and aliases, and one request's options (completion).
  static std::vector<std::string_view> request_names();
  static std::vector<std::string_view> request_options(std::string_view request);

 private:
  friend struct KadminTable;
  Outcome add_principal(const Words& a);
  Outcome modify_principal(const Words& a);
  Outcome delete_principal(const Words& a);
  Outcome rename_principal(const Words& a);
  Outcome get_principal(const Words& a);
  Outcome list_principals(const Words& a);
  Outcome change_password(const Words& a);
  Outcome add_policy(const Words& a);
  Outcome modify_policy(const Words& a);
  Outcome delete_policy(const Words& a);
  Outcome get_policy(const Words& a);
  Outcome list_policies(const Words& a);
  Outcome get_privs(const Words& a);
  Outcome ktadd(const Words& a);
  Outcome ktremove(const Words& a);
  Outcome get_strings(const Words& a);
  Outcome set_string(const Words& a);
  Outcome del_string(const Words& a);
  Outcome purgekeys(const Words& a);
  Outcome lock(const Words& a);
  Outcome unlock(const Words& a);
  Outcome help(const Words& a);
  Outcome quit(const Words& a);

  Outcome change_keys(const std::string& canon, const std::optional<std::string>& pw, bool randkey,
                      bool keepold, const std::optional<std::vector<kadm5::KeySalt>>& ks);
  Outcome add_modify_policy(const Words& a, bool add);
  void assign_default_policy(kadm5::PrincipalEntry& entry, std::uint32_t& mask);
  Outcome create_with_dummy_password(kadm5::PrincipalEntry entry, std::uint32_t mask,
                                     const std::optional<std::vector<kadm5::KeySalt>>& key_salts, bool nokey);
  Outcome add_to_keytab(const std::string& name, const std::string& keytab, bool norandkey,
                        const std::optional<std::vector<kadm5::KeySalt>>& key_salts, bool quiet);
  // "Enter password for principal \"x\"" and "Re-enter ...": the same secret twice.
  Result<SecretBytes> new_password(const std::string& canon);

  // MIT's kadmin_parse_name: the realm is appended when the name has none.
  Result<std::string> canonical(std::string_view name) const;
  Outcome fail(std::string_view who, const Error& e, std::string_view doing);
  Outcome usage(std::string_view text);
  Outcome print_names(std::string_view who, std::string_view json_key,
                      const Result<std::vector<std::string>>& names);
  // listprincs' and listpols' optional expression.
  static std::optional<std::string_view> expression(const Words& a) {
    return a.size() == 2 ? std::optional<std::string_view>(a[1]) : std::nullopt;
  }
  void info(std::string_view text);
  bool policy_exists(const std::string& name);

  kadm5::Admin& admin_;
  KadminOptions options_;
  Io io_;
};

}  // namespace krbkit::shell
