#pragma once
// kadmin's command interpreter: MIT's request names, aliases, options,
// output and error wording, over one kadm5::Client session. The app feeds it
// lines (from -q, the command line, a terminal or a script) and owns the
// terminal: output, prompts and confirmations go through ShellIo.
//
//   Shell sh(client, {.realm = "KRBKIT.TEST"}, io);
//   sh.run("addprinc -pw secret-1 alice");     // Outcome::ok / failed / quit
//
// Errors print like MIT's com_err: "get_principal: Principal does not exist
// while retrieving \"x@R\"." (ShellIo::err gets the text without a newline).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/kadm5/client.hpp"

namespace krbkit::kadm5 {

struct ShellIo {
  std::function<void(std::string_view)> out;  // standard output, text as is
  std::function<void(std::string_view)> err;  // one error or warning line, no trailing newline
  // Reads a new password twice ("Enter password for principal \"x\"", "Re-enter ...").
  std::function<Result<SecretBytes>(const std::string& prompt, const std::string& again)> new_password;
  // Asks a yes/no question; returns the answer line ("yes").
  std::function<std::string(const std::string& question)> ask;
};

struct ShellOptions {
  std::string realm;         // appended to names without a realm
  bool script_mode = false;  // MIT script mode: no informational lines, no confirmations
  bool json = false;         // data commands print JSON
  std::string default_keytab = "FILE:/etc/krb5.keytab";  // ktadd/ktremove without -k
};

enum class Outcome { ok, failed, quit };

// Splits a request line into words: blanks separate, double quotes group.
std::vector<std::string> split_request(std::string_view line);

class Shell {
 public:
  Shell(Client& client, ShellOptions options, ShellIo io)
      : client_(client), options_(std::move(options)), io_(std::move(io)) {}

  Outcome run(std::string_view line);
  // The request names and aliases (for completion and help).
  static std::vector<std::string> request_names();

 private:
  using Args = std::vector<std::string>;
  Outcome add_principal(const Args& a);
  Outcome modify_principal(const Args& a);
  Outcome delete_principal(const Args& a);
  Outcome rename_principal(const Args& a);
  Outcome get_principal(const Args& a);
  Outcome list_principals(const Args& a);
  Outcome change_password(const Args& a);
  Outcome add_modify_policy(const Args& a, bool add);
  Outcome delete_policy(const Args& a);
  Outcome get_policy(const Args& a);
  Outcome list_policies(const Args& a);
  Outcome get_privs(const Args& a);
  Outcome ktadd(const Args& a);
  Outcome ktremove(const Args& a);
  Outcome get_strings(const Args& a);
  Outcome set_string(const Args& a);
  Outcome del_string(const Args& a);
  Outcome purgekeys(const Args& a);
  Outcome lock(const Args& a, const char* which);
  Outcome help(const Args& a);

  // MIT's kadmin_parse_name: the realm is appended when the name has none.
  Result<std::string> canonical(std::string_view name) const;
  Outcome fail(std::string_view who, const Error& e, std::string_view doing);
  Outcome usage(std::string_view text);
  void print_names(const std::vector<std::string>& names);
  void info(std::string_view text);
  bool policy_exists(const std::string& name);

  Client& client_;
  ShellOptions options_;
  ShellIo io_;
};

}  // namespace krbkit::kadm5
