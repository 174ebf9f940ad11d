#pragma once
// kinit --keep-renewed: the loop around libcore's keep-alive schedule
// (exchange/keep_alive.hpp), with the signals, the command and the pid files.

#include <functional>
#include <string>
#include <vector>

#include "common/cli.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit::kinit {

struct KeepOptions {
  bool enabled = false;  // --keep-renewed
  bool quiet = false;    // no line per renewal
  std::string renew_at = "80%";
  std::string pid_file, command_pid_file;
  std::vector<std::string> command;  // after "--"
};

void add_keep_options(cli::App& app, KeepOptions& keep);

// The arguments before the first "--" (what CLI11 parses: returns their
// count); those after it go to `command`.
int split_command(int argc, char** argv, std::vector<std::string>& command);

// Combinations refused before anything is done (Errc::invalid_argument:
// exit status 2): a command without --keep-renewed, "--" with nothing after
// it, --keep-renewed with -v or -S.
struct KeepChecks {
  bool separator = false;  // "--" was given
  bool validate = false;   // -v
  bool service = false;    // -S
};
Result<void> check_keep_options(const KeepOptions& keep, const KeepChecks& checks);

// Gets a TGT into `cache` ("": kinit's own choice) as kinit does, or with
// `renew` renews the one there (kinit -R); returns the name of the cache written.
using Acquire = std::function<Result<std::string>(const std::string& cache, bool renew)>;

struct KeepRequest {
  std::string cache;        // -c
  bool renew = false;       // -R: keep the ticket already there alive (krenew)
  bool use_keytab = false;  // -k: a new ticket from the keytab when renewing ends
};

// Runs until the ticket can no longer be kept alive (daemon), or until the
// command ends: returns the exit status.
Result<int> keep_renewed(const KeepOptions& keep, const KeepRequest& request, const Acquire& acquire);

}  // namespace krbkit::kinit
