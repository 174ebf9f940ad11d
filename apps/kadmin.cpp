// kadmin: remote Kerberos administration, with MIT's kadmind (RPCSEC_GSS) or
// Heimdal's (its own protocol), found by itself. Options and requests as MIT's
// kadmin; protocols in libcore/kadm5 (session.hpp), requests in shell/.

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
#include "krbkit/kadm5/session.hpp"
#include "krbkit/net/dns_realm.hpp"
#include "krbkit/proto/principal.hpp"
#include "shell/batch_progress.hpp"
#include "shell/kadmin_login.hpp"
#include "shell/kadmin_shell.hpp"

namespace {

using namespace krbkit;

struct Options {
  shell::KadminLogin login;
  std::string realm, query, server, enctypes, protocol;
  std::vector<std::string> db_args, request;
  bool json = false, stop_on_error = false, quiet = false;
};

// A secret as MIT's kadmin asks: the prompt on stderr, a piped answer the
// next line of the stream the requests come from.
Result<SecretBytes> read_secret(const std::string& prompt) {
  return cli::prompt_secret(prompt, {stderr, &std::cin, false});
}

// Where requests read from standard input are: errors name the line.
struct Batch {
  bool on = false;
  std::size_t line_no = 0;
  shell::BatchProgress progress{false, std::nullopt, nullptr};  // on a terminal's stderr
};

shell::Io terminal_io(Batch& batch) {
  shell::Io io;
  io.out = [](std::string_view s) { std::cout << s; };
  io.err = [&batch](std::string_view s) {
    std::cout.flush();
    batch.progress.clear();
    if (batch.on) {
      // One "kadmin: " per line: "kadmin: line 3: Unknown request ...", not "... line 3: kadmin: ...".
      if (s.substr(0, 8) == "kadmin: ") s.remove_prefix(8);
      std::cerr << "kadmin: line " << batch.line_no << ": ";
    }
    std::cerr << s << "\n";
  };
  io.secret = read_secret;
  io.ask = [&batch](const std::string& q) {
    std::cout << q << std::flush;
    std::string answer;
    // In a batch the answer is the next line (MIT's client reads it with
    // stdio and loses the rest of the batch; krbkit goes on after it).
    if (std::getline(std::cin, answer) && batch.on) ++batch.line_no;
    return answer;
  };
  return io;
}

// Requests from the line editor on a terminal, else from standard input.
// The number of requests that failed.
int read_requests(shell::KadminShell& shell, Batch& batch, bool stop_on_error) {
  int failures = 0;
  const bool interactive = isatty(STDIN_FILENO);
  batch.on = !interactive;
  // Stdin and stdout on a terminal: the line can be edited, Up and Ctrl-R recall, Tab completes.
  cli::LineEditor editor("kadmin", {shell::KadminShell::request_names, shell::KadminShell::request_options});
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
    ++batch.line_no;
    auto r = shell.run(line);
    if (r == shell::Outcome::failed) ++failures;
    batch.progress.request_done(r == shell::Outcome::failed);
    if (r == shell::Outcome::quit || (r == shell::Outcome::failed && stop_on_error)) break;
  }
  if (interactive) std::cout << "\n";
  batch.progress.finish();
  return failures;
}

// The exit status: 1 when a request failed.
Result<int> run(const Options& o) {
  const Environment env = Environment::from_process();
  KRBKIT_TRY(profile, config::load_profile(env));
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile));
  net::default_realm_from_dns(defaults, Tracer::from_process());
  std::string realm = o.realm;
  if (realm.empty()) {
    if (!defaults.default_realm) return Error{Errc::config, "unable to get default realm"};
    realm = *defaults.default_realm;
  }
  KRBKIT_TRY(default_cache, ccache::default_cache_name(defaults.default_ccache_name));
  const std::string shown = shell::admin_principal(o.login, realm, default_cache);  // MIT shows it as given
  KRBKIT_TRY(client, parse_principal(shown, realm));
  KRBKIT_TRY(servers, shell::admin_servers(o.server, profile, realm, Tracer::from_process()));
  const bool script_mode = !o.request.empty();
  // Quiet in script mode, and no informational lines around JSON.
  KRBKIT_TRY(auth, shell::admin_authentication(o.login, shown, script_mode || o.json, read_secret));
  auth.client = client;
  auth.realm = realm;
  auth.admin_host = servers.front().host;
  std::optional<kadm5::Protocol> protocol;
  if (!o.protocol.empty()) {
    KRBKIT_TRY(p, kadm5::parse_protocol(o.protocol));
    protocol = p;
  }
  KRBKIT_TRY(session,
             shell::open_admin_session(profile, std::move(auth), servers, protocol, Tracer::from_process()));

  Batch batch;
  shell::KadminShell shell(*session, {realm, script_mode, o.json, defaults.default_keytab_name},
                           terminal_io(batch));
  int failures = 0;
  if (script_mode || !o.query.empty()) {
    std::string line = o.query;
    for (const auto& w : o.request) line += (line.empty() ? "" : " ") + ('"' + w + '"');
    if (shell.run(line) == shell::Outcome::failed) ++failures;
  } else {
    batch.progress = shell::BatchProgress::for_stdin(o.quiet);
    failures = read_requests(shell, batch, o.stop_on_error);
  }
  (void)session->close();
  return failures ? cli::kExitFailure : cli::kExitOk;
}

// MIT's KADM5_BAD_PASSWORD (connect's failed pre-authentication) exits as kinit's wrong password.
int exit_status(const Error& e) {
  return kadm5::is(e, kadm5::Code::bad_password) ? cli::kExitBadPassword : cli::exit_code_for(e);
}

}  // namespace

int main(int argc, char** argv) {
  cli::App app{"kadmin - Kerberos V5 administration client (MIT's and Heimdal's kadmin protocols)"};
  krbkit::cli::add_version_flag(app, "kadmin");
  Options o;
  app.add_option("-r", o.realm, "Use this realm as the default database realm")->option_text("realm");
  app.add_option("-p", o.login.principal, "Authenticate as this principal (default: <user>/admin)")
      ->option_text("principal");
  app.add_flag("-k", o.login.use_keytab, "Authenticate with a keytab (default: host/<hostname>)");
  app.add_option("-t", o.login.keytab, "Keytab for -k")->option_text("keytab");
  app.add_option("-c", o.login.ccache, "Use the kadmin/admin ticket in this credentials cache")
      ->option_text("ccache");
  auto* w = app.add_option("-w", o.login.password, "Password (instead of a prompt)")->option_text("password");
  app.add_option("--password-file", o.login.password_file,
                 "Read the password from the first line of FILE (- for stdin)")
      ->option_text("FILE")
      ->excludes(w);
  app.add_option("-q", o.query, "Run one request and exit")->option_text("query");
  app.add_option("-s", o.server, "Admin server host[:port] (default: admin_server in krb5.conf, else DNS)")
      ->option_text("admin_server[:port]");
  app.add_option("-e", o.enctypes, "Key/salt list (kadmin.local only; ignored remotely)")
      ->option_text("enctypes");
  app.add_option("-x", o.db_args, "Database arguments (kadmin.local only; ignored remotely)")
      ->option_text("db_args");
  app.add_option("--protocol", o.protocol,
                 "Speak this kadmin protocol (default: kadmin_protocol, else detected)")
      ->option_text("mit|heimdal")
      ->check(CLI::IsMember({"mit", "heimdal"}));
  app.add_flag("--json", o.json, "Print data requests (getprinc, listprincs, getpol, ...) as JSON");
  app.add_flag("--stop-on-error", o.stop_on_error, "Stop reading requests from stdin at the first failure");
  app.add_flag("--quiet", o.quiet, "No progress line or summary for a batch read from a file or pipe");
  app.prefix_command();
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;
  o.request = app.remaining();
  if (!o.login.ccache.empty() && o.login.use_keytab)
    return krbkit::cli::usage_error("kadmin", "-c and -k cannot be used together", o.json);
  if (!o.query.empty() && !o.request.empty())
    return krbkit::cli::usage_error("kadmin", "-q is exclusive with command-line query", o.json);
  if (!o.enctypes.empty() || !o.db_args.empty())
    std::cerr << "kadmin: warning: -e and -x only apply to kadmin.local; ignored for the remote server\n";
  krbkit::cli::ErrorReport report{{}, exit_status, o.json, {}};
  return krbkit::cli::run_main(
      "kadmin", [&] { return run(o); }, report);
}
