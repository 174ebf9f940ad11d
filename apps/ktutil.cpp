// ktutil: keytab maintenance, MIT's requests at the "ktutil:  " prompt, read
// from the terminal or (script mode) from standard input. The requests are
// in shell/ktutil_shell.*; this file owns the terminal.

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "common/cli.hpp"
#include "common/line_editor.hpp"
#include "common/prompt.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/etype_info_probe.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "shell/ktutil_shell.hpp"

namespace {

using namespace krbkit;

constexpr std::string_view kPrompt = "ktutil:  ";

// A secret: from the terminal without echo, else the next line of standard
// input (script mode reads requests and secrets from the same stream).
Result<SecretBytes> read_secret_line(const std::string& prompt) {
  return cli::prompt_secret(prompt, {stdout, &std::cin, true});
}

shell::Io terminal_io() {
  shell::Io io;
  io.out = [](std::string_view s) { fmt::print("{}", s); };
  io.err = [](std::string_view s) {
    std::fflush(stdout);
    fmt::print(stderr, "{}\n", s);
  };
  io.secret = read_secret_line;
  return io;
}

// krb5.conf, read when a request needs it (a broken one only fails addent).
shell::KtutilRealm configured_realm() {
  shell::KtutilRealm realm;
  realm.default_realm = [] {
    auto env = Environment::from_process();
    if (auto profile = config::load_profile(env))
      if (auto d = config::LibDefaults::from(*profile)) return d->default_realm.value_or("");
    return std::string();
  };
  realm.fetch_etype_info = [](const Principal& p, std::optional<Enctype> e) -> Result<EtypeInfo2Entry> {
    auto env = Environment::from_process();
    KRBKIT_TRY(profile, config::load_profile(env));
    return exchange::fetch_etype_info(profile, p, e, Tracer::from_process());
  };
  return realm;
}

// Requests from the line editor on a terminal, else from standard input
// (echoed, as MIT's ktutil's script mode shows them), until quit or the end.
Result<void> run() {
  shell::KtutilShell kt(terminal_io(), configured_realm());
  // On a terminal: the line can be edited, Up and Ctrl-R recall, Tab completes.
  cli::LineEditor editor("ktutil", {shell::KtutilShell::request_names, shell::KtutilShell::request_options});
  const bool echo = !::isatty(0);
  std::string line;
  for (;;) {
    if (editor.active()) {
      auto got = editor.read_line(kPrompt);
      if (!got) break;
      line = std::move(*got);
    } else {
      fmt::print("{}", kPrompt);
      std::fflush(stdout);
      if (!std::getline(std::cin, line)) break;
      if (echo) fmt::print("{}\n", line);
      std::fflush(stdout);
    }
    if (kt.run(line) == shell::Outcome::quit) return success();
  }
  fmt::print("\n");
  return success();
}

}  // namespace

int main(int argc, char** argv) {
  cli::App app{"ktutil - Kerberos keytab file maintenance utility (commands from the terminal or stdin)"};
  krbkit::cli::add_version_flag(app, "ktutil");
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;
  return krbkit::cli::run_main("ktutil", run);
}
