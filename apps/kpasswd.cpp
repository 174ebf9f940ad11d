// kpasswd: change a Kerberos password (MIT's kpasswd), or set another
// principal's with Heimdal's --admin-principal. The protocol lives in
// libcore's exchange module (kpasswd.hpp, kpasswd_client.hpp).

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "common/cli.hpp"
#include "common/prompt.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/base/json.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/exchange/kpasswd_client.hpp"
#include "krbkit/net/dns_realm.hpp"
#include "krbkit/proto/principal.hpp"

namespace {

using namespace krbkit;

// MIT kpasswd exits 2 when the server refuses the new password.
constexpr int kExitRejected = 2;

struct Options {
  std::string principal;        // whose password (the target with --admin-principal)
  std::string admin_principal;  // authenticate as this one and set `principal`'s password
  std::string password_file;    // old, new, new on three lines; "-" for stdin
  bool json = false;
};

// What happened, for the text or JSON report.
struct Outcome {
  std::optional<Principal> client;  // who authenticated
  std::optional<Principal> target;  // whose password
  std::optional<exchange::KpasswdResult> result;
  std::string failure;  // one line, when the change did not get a result
};

// The principal whose password changes: the argument, else the default
// cache's, else the login name (as MIT). A default cache that exists but
// cannot be read is an error, as with MIT's kpasswd: falling back to the
// login name would change someone else's password.
Result<Principal> own_principal(const std::string& arg, const std::string& realm,
                                const config::LibDefaults& defaults) {
  if (!arg.empty()) return parse_principal(arg, realm);
  if (auto name = ccache::default_cache_name(defaults.default_ccache_name); name.ok()) {
    if (auto cache = ccache::open(*name); cache.ok() && (*cache)->exists()) {
      auto contents = (*cache)->read();
      if (!contents && !contents.error().is(Errc::ccache_not_found))
        return std::move(contents).context("getting principal from ccache " + *name).error();
      if (contents && !contents->default_principal.components.empty()) return contents->default_principal;
    }
  }
  const passwd* pw = ::getpwuid(::getuid());
  if (pw == nullptr) return Error{Errc::invalid_argument, "Unable to identify user from password file"};
  return parse_principal(pw->pw_name, realm);
}

Result<void> run(const Options& o, Outcome& out) {
  Environment env = Environment::from_process();
  Tracer trace = Tracer::from_process();
  KRBKIT_TRY(profile, config::load_profile(env));
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile));
  net::default_realm_from_dns(defaults, trace);
  const std::string realm = defaults.default_realm.value_or("");

  if (!o.admin_principal.empty()) {
    if (o.principal.empty())
      return Error{Errc::invalid_argument, "--admin-principal needs the principal whose password to set"};
    KRBKIT_TRY(admin, parse_principal(o.admin_principal, realm));
    KRBKIT_TRY(target, parse_principal(o.principal, realm));
    out.client = admin;
    out.target = target;
  } else {
    KRBKIT_TRY(me, own_principal(o.principal, realm, defaults));
    out.client = me;
    out.target = me;
  }
  const Principal client = *out.client;

  KRBKIT_TRY(secrets, cli::SecretLines::open(o.password_file));
  exchange::PasswordKeySource old_password(
      client,
      [&secrets](const Principal& p) {
        return secrets.read(fmt::format("Password for {}: ", unparse_principal(p)));
      },
      CryptoPolicy{defaults.allow_weak_crypto});
  auto creds = exchange::get_changepw_credentials(profile, client, old_password, trace);
  if (!creds) {
    Error worded = creds.error();
    worded.context = {"getting initial ticket"};  // MIT kpasswd's wording
    out.failure = exchange::describe_initial_creds_error(worded, client);
    return std::move(creds).error();
  }

  // Both entries before the server hears of the new password; MIT's words
  // when they cannot be read (end of the input, no terminal).
  KRBKIT_TRY(first, secrets.read("Enter new password: ").context("reading password"));
  KRBKIT_TRY(second, secrets.read("Enter it again: ").context("reading password"));
  if (first != second) {
    out.failure = "Password mismatch while reading password";
    return Error{Errc::password_mismatch};
  }

  auto result = o.admin_principal.empty()
                    ? exchange::change_password(profile, *creds, std::move(first), trace)
                    : exchange::set_password(profile, *creds, *out.target, std::move(first), trace);
  if (!result) {
    out.failure = result.error().message() + " while changing password";
    return std::move(result).error();
  }
  out.result = std::move(result).value();
  return success();
}

void print_json(const Outcome& out, const Result<void>& status) {
  json::Writer w;
  w.schema(1).begin_object();
  w.member("changed", out.result && out.result->ok());
  if (out.client) w.member("client", unparse_principal(*out.client));
  if (out.target) w.member("principal", unparse_principal(*out.target));
  if (out.result) {
    w.member("result_code", static_cast<int>(out.result->code));
    w.member("result_name", exchange::kpasswd_code_name(out.result->code));
    w.member("result", exchange::kpasswd_code_text(out.result->code));
    w.member("message", out.result->message());
  } else if (!status.ok()) {
    w.member("error", out.failure.empty() ? status.error().message() : out.failure);
  }
  w.end_object();
  fmt::print("{}", w.finish());
}

}  // namespace

int main(int argc, char** argv) {
  cli::App app{"kpasswd - change a user's Kerberos password"};
  krbkit::cli::add_version_flag(app, "kpasswd");
  Options o;
  app.add_option("--admin-principal", o.admin_principal,
                 "Authenticate as this principal and set the password of PRINCIPAL (set-password)");
  app.add_option(
      "--password-file", o.password_file,
      "Read the old password, the new one and the new one again from FILE (- for stdin), one a line");
  app.add_flag("--json", o.json, "Print the result as JSON");
  app.add_option("principal", o.principal, "Principal whose password to change");
  // MIT kpasswd exits 1 on a usage error; 2 means the password was refused.
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0)
    return rc == krbkit::cli::kExitUsage ? krbkit::cli::kExitFailure : rc;

  Outcome out;
  krbkit::cli::ErrorReport report;
  report.line = [&out](const krbkit::Error& e) { return out.failure.empty() ? e.message() : out.failure; };
  // krbkit's codes where they apply (bad old password 3, unreachable 5, ...);
  // 2 stays what it is for MIT's kpasswd: a refused password.
  report.status = [](const krbkit::Error& e) {
    const int code = krbkit::cli::exit_code_for(e);
    return code == krbkit::cli::kExitUsage ? krbkit::cli::kExitFailure : code;
  };
  report.json = o.json;
  report.principal = [&out]() -> std::optional<std::string> {
    if (!out.client) return std::nullopt;
    return unparse_principal(*out.client);
  };
  return krbkit::cli::run_main(
      "kpasswd",
      [&]() -> krbkit::Result<int> {
        auto status = run(o, out);
        std::fflush(stdout);
        if (o.json) print_json(out, status);
        if (!status.ok()) return std::move(status).error();
        if (out.result->ok()) {
          if (!o.json) fmt::print("Password changed.\n");
          return krbkit::cli::kExitOk;
        }
        if (!o.json) fmt::print("{}\n", out.result->describe());
        return kExitRejected;
      },
      report);
}
