// kadmin's principal requests that delete, rename or rekey one: delete,
// rename, change_password (MIT's kadmin.c behaviour and wording, restated).

#include <fmt/format.h>

#include "krbkit/kadm5/errors.hpp"
#include "krbkit/kadm5/format.hpp"
#include "krbkit/proto/principal.hpp"
#include "shell/kadmin_princ_args.hpp"
#include "shell/kadmin_shell.hpp"

namespace krbkit::shell {

using namespace kadm5;

Outcome KadminShell::delete_principal(const Words& a) {
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
  auto r = admin_.delete_principal(*canon);
  if (!r.ok())
    return fail("delete_principal", r.error(), fmt::format("while deleting principal \"{}\"", *canon));
  info(fmt::format("Principal \"{}\" deleted.\n", *canon));
  info("Make sure that you have removed this principal from all ACLs before reusing.\n");
  return Outcome::ok;
}

Outcome KadminShell::rename_principal(const Words& a) {
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
  auto r = admin_.rename_principal(*from, *to);
  if (!r.ok())
    return fail("rename_principal", r.error(),
                fmt::format("while renaming principal \"{}\" to \"{}\"", *from, *to));
  info(fmt::format("Principal \"{}\" renamed to \"{}\".\n", *from, *to));
  info("Make sure that you have removed the old principal from all ACLs before reusing.\n");
  return Outcome::ok;
}

Outcome KadminShell::change_password(const Words& a) {
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
  return change_keys(*canon, pw, randkey, keepold, ks);
}

// change_password after its options: random keys, or the password given or asked for.
Outcome KadminShell::change_keys(const std::string& canon, const std::optional<std::string>& pw, bool randkey,
                                 bool keepold, const std::optional<std::vector<KeySalt>>& ks) {
  if (!pw && randkey) {
    auto r = admin_.randomize_key(canon, keepold, ks);
    if (!r.ok())
      return fail("change_password", r.error(), fmt::format("while randomizing key for \"{}\".", canon));
    info(fmt::format("Key for \"{}\" randomized.\n", canon));
    return Outcome::ok;
  }
  std::optional<SecretBytes> prompted;
  if (!pw) {
    auto got = new_password(canon);
    if (!got.ok())
      return fail("change_password", got.error(), fmt::format("while reading password for \"{}\".", canon));
    prompted = std::move(got).value();
  }
  auto r = admin_.change_password(canon, pw ? std::string_view(*pw) : prompted->chars(), keepold, ks);
  if (!r.ok())
    return fail("change_password", r.error(), fmt::format("while changing password for \"{}\".", canon));
  info(fmt::format("Password for \"{}\" changed.\n", canon));
  return Outcome::ok;
}

}  // namespace krbkit::shell
