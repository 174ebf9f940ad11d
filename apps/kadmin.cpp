// kadmin: remote Kerberos administration over MIT's kadm5 protocol
// (RPCSEC_GSS). Options and requests as MIT's kadmin; the work is in
// libcore/kadm5 (client.hpp: the RPCs, shell.hpp: the requests).

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "common/line_editor.hpp"
#include "common/prompt.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/kadm5/auth.hpp"
#include "krbkit/kadm5/shell.hpp"
#include "krbkit/net/locate.hpp"
#include "krbkit/proto/principal.hpp"

namespace {

using namespace krbkit;

struct Options {
  std::string realm, principal, keytab, ccache, password, password_file, query, server, enctypes;
  std::vector<std::string> db_args, request;
  bool use_keytab = false, json = false, stop_on_error = false;
};

// Reads one line from the terminal without echo (or from stdin when it is not one).
Result<SecretBytes> read_secret(const std::string& prompt) {
  if (isatty(STDIN_FILENO)) return cli::read_hidden_line(STDIN_FILENO, stderr, prompt);
  std::fputs(prompt.c_str(), stderr);
  std::fflush(stderr);
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  SecretBytes secret(line);
  secure_wipe(line.data(), line.size());
  if (!got) return Error{Errc::cancelled, "no password read"};
  return secret;
}

Result<SecretBytes> read_new_password(const std::string& prompt, const std::string& again) {
  KRBKIT_TRY(first, read_secret(prompt + ": "));
  KRBKIT_TRY(second, read_secret(again + ": "));
  if (!(first == second)) return Error{Errc::password_mismatch, "password mismatch"};
  return first;
}

std::string fqdn() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return host;
}

// MIT's choice of client principal when -p is absent.
std::string default_principal(const Options& o, const std::string& realm, const std::string& default_cache) {
  if (!o.ccache.empty()) {
    if (auto c = ccache::open(o.ccache); c.ok())
      if (auto contents = (*c)->read(); contents.ok()) return unparse_principal(contents->default_principal);
  }
  if (o.use_keytab) return unparse_principal(host_service_principal("host", fqdn(), realm));
  if (auto c = ccache::open(default_cache); c.ok())
    if (auto contents = (*c)->read(); contents.ok() && !contents->default_principal.components.empty())
      return contents->default_principal.components[0] + "/admin@" + contents->default_principal.realm;
  return Environment::from_process().user.value_or("root") + "/admin@" + realm;
}

Result<void> run(const Options& o, int& failures, bool& bad_password) {
  const Environment env = Environment::from_process();
  KRBKIT_TRY(profile, config::load_profile(env));
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile));
  std::string realm = o.realm;
  if (realm.empty()) {
    if (!defaults.default_realm) return Error{Errc::config, "unable to get default realm"};
    realm = *defaults.default_realm;
  }
  KRBKIT_TRY(default_cache, ccache::default_cache_name(defaults.default_ccache_name));
  const std::string princ_text =
      o.principal.empty() ? default_principal(o, realm, default_cache) : o.principal;
  KRBKIT_TRY(client, parse_principal(princ_text, realm));

  net::KdcTarget server;
  if (!o.server.empty()) {
    KRBKIT_TRY(s, net::parse_server(o.server, net::default_port(net::Service::admin)));
    server = s;
  } else {
    KRBKIT_TRY(list, net::locate(profile, realm, {net::Service::admin, false}));
    server = list.front();
  }

  const bool script_mode = !o.request.empty();
  const bool quiet = script_mode || o.json;  // no informational lines around JSON
  const std::string& shown = princ_text;     // MIT shows the name as given
  kadm5::AdminAuth auth;
  auth.client = client;
  auth.realm = realm;
  auth.admin_host = server.host;
  if (!o.ccache.empty()) {
    auth.method = kadm5::AdminAuth::Method::ccache;
    auth.ccache = o.ccache;
    if (!quiet) std::cout << "Authenticating as principal " << shown << " with existing credentials.\n";
  } else if (o.use_keytab) {
    auth.method = kadm5::AdminAuth::Method::keytab;
    auth.keytab = o.keytab;
    if (!quiet)
      std::cout << "Authenticating as principal " << shown << " with "
                << (o.keytab.empty() ? "default keytab" : "keytab " + o.keytab) << ".\n";
  } else {
    if (!quiet) std::cout << "Authenticating as principal " << shown << " with password.\n";
    if (!o.password.empty()) auth.password = SecretBytes(o.password);
    if (!o.password_file.empty()) {
      // The first line of the file (of stdin for "-"); the requests still come from stdin after it.
      KRBKIT_TRY(pw, cli::read_secret({o.password_file, -1}, ""));
      auth.password = std::move(pw);
    }
    auth.prompt = [](const Principal& p) {
      return read_secret("Password for " + unparse_principal(p) + ": ");
    };
  }
  std::cout.flush();
  auto ticket = kadm5::get_admin_ticket(profile, std::move(auth));
  if (!ticket.ok()) {
    Error e = std::move(ticket).error();
    // MIT maps a failed pre-authentication to KADM5_BAD_PASSWORD.
    // (PREAUTH_FAILED, BAD_INTEGRITY, or an AS-REP that does not decrypt).
    if (e.is(KdcErr::preauth_failed) || e.is(KdcErr::ap_err_bad_integrity) || e.is(Errc::integrity)) {
      e = Error{kadm5::Code::bad_password};
      bad_password = true;
    }
    e.context.push_back("initializing kadmin interface");
    return e;
  }
  auto session = kadm5::Client::connect(*ticket, {server.host, server.port});
  if (!session.ok()) return Result<void>(std::move(session).error()).context("initializing kadmin interface");

  kadm5::ShellOptions sopt;
  sopt.realm = realm;
  sopt.script_mode = script_mode;
  sopt.json = o.json;
  sopt.default_keytab = defaults.default_keytab_name;
  std::size_t line_no = 0;
  bool batch = false;
  kadm5::ShellIo io;
  io.out = [](std::string_view s) { std::cout << s; };
  io.err = [&](std::string_view s) {
    std::cout.flush();
    if (batch) {
      // One "kadmin: " per line: "kadmin: line 3: Unknown request ...", not "... line 3: kadmin: ...".
      if (s.substr(0, 8) == "kadmin: ") s.remove_prefix(8);
      std::cerr << "kadmin: line " << line_no << ": ";
    }
    std::cerr << s << "\n";
  };
  io.new_password = read_new_password;
  io.ask = [&](const std::string& q) {
    std::cout << q << std::flush;
    std::string answer;
    // In a batch the answer is the next line (MIT's client reads it with
    // stdio and loses the rest of the batch; krbkit goes on after it).
    if (std::getline(std::cin, answer) && batch) ++line_no;
    return answer;
  };
  kadm5::Shell shell(*session, sopt, io);
  auto one = [&](std::string_view line) {
    auto r = shell.run(line);
    if (r == kadm5::Outcome::failed) ++failures;
    return r;
  };

  if (script_mode) {
    std::string line;
    for (const auto& w : o.request) line += (line.empty() ? "" : " ") + ('"' + w + '"');
    one(line);
  } else if (!o.query.empty()) {
    one(o.query);
  } else {
    const bool interactive = isatty(STDIN_FILENO);
    batch = !interactive;
    cli::LineEditor editor;  // stdin and stdout on a terminal: the line can be edited, Up recalls
    std::string line;
    for (;;) {
      if (editor.active()) {
        auto got = editor.read_line("kadmin:  ");
        if (!got) break;
        line = std::move(*got);
      } else {
        if (interactive) std::cout << "kadmin:  " << std::flush;
        if (!std::getline(std::cin, line)) break;
      }
      ++line_no;
      auto r = one(line);
      if (r == kadm5::Outcome::quit) break;
      if (r == kadm5::Outcome::failed && o.stop_on_error) break;
    }
    if (interactive) std::cout << "\n";
  }
  (void)session->close();
  return success();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kadmin - Kerberos V5 administration client (MIT kadm5 protocol over RPCSEC_GSS)"};
  krbkit::cli::add_version_flag(app, "kadmin");
  Options o;
  app.add_option("-r", o.realm, "Use this realm as the default database realm")->option_text("realm");
  app.add_option("-p", o.principal, "Authenticate as this principal (default: <user>/admin)")
      ->option_text("principal");
  app.add_flag("-k", o.use_keytab, "Authenticate with a keytab (default: host/<hostname>)");
  app.add_option("-t", o.keytab, "Keytab for -k")->option_text("keytab");
  app.add_option("-c", o.ccache, "Use the kadmin/admin ticket in this credentials cache")
      ->option_text("ccache");
  auto* w = app.add_option("-w", o.password, "Password (instead of a prompt)")->option_text("password");
  app.add_option("--password-file", o.password_file,
                 "Read the password from the first line of FILE (- for stdin)")
      ->option_text("FILE")
      ->excludes(w);
  app.add_option("-q", o.query, "Run one request and exit")->option_text("query");
  app.add_option("-s", o.server, "Admin server host[:port] (default: admin_server in krb5.conf)")
      ->option_text("admin_server[:port]");
  app.add_option("-e", o.enctypes, "Key/salt list (kadmin.local only; ignored remotely)")
      ->option_text("enctypes");
  app.add_option("-x", o.db_args, "Database arguments (kadmin.local only; ignored remotely)")
      ->option_text("db_args");
  app.add_flag("--json", o.json, "Print data requests (getprinc, listprincs, getpol, ...) as JSON");
  app.add_flag("--stop-on-error", o.stop_on_error, "Stop reading requests from stdin at the first failure");
  app.prefix_command();
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;
  o.request = app.remaining();
  if (!o.ccache.empty() && o.use_keytab) {
    std::cerr << "kadmin: -c and -k cannot be used together\n";
    return krbkit::cli::kExitUsage;
  }
  if (!o.query.empty() && !o.request.empty()) {
    std::cerr << "kadmin: -q is exclusive with command-line query\n";
    return krbkit::cli::kExitUsage;
  }
  if (!o.enctypes.empty() || !o.db_args.empty())
    std::cerr << "kadmin: warning: -e and -x only apply to kadmin.local; ignored for the remote server\n";
  int failures = 0;
  bool bad_password = false;
  int rc = krbkit::cli::run_main("kadmin", [&] { return run(o, failures, bad_password); });
  if (rc != 0) return bad_password ? krbkit::cli::kExitBadPassword : rc;
  return failures ? krbkit::cli::kExitFailure : krbkit::cli::kExitOk;
}
