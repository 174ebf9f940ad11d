#pragma once
// Process work for kinit --keep-renewed: waiting for signals with a timeout,
// running a command with its own KRB5CCNAME, reaping it, pid files. POSIX
// only; kept out of libcore, whose decisions (exchange/keep_alive.hpp) take
// no signal or process.

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include "krbkit/base/result.hpp"

namespace krbkit::cli {

// Blocks SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM and SIGCHLD for its
// lifetime, so that they are taken only by wait(), never lost between two
// waits; the mask before it is what a child gets back.
class Signals {
 public:
  Signals();
  ~Signals();
  Signals(const Signals&) = delete;
  Signals& operator=(const Signals&) = delete;

  struct Event {
    int signal = 0;              // 0: the timeout passed
    bool from_terminal = false;  // sent by the terminal (Ctrl-C) to the whole foreground group
  };
  Event wait(std::chrono::milliseconds timeout);
  const sigset_t& saved_mask() const { return saved_; }

 private:
  sigset_t blocked_{};
  sigset_t saved_{};
};

// Runs argv[0] (looked up in PATH) with KRB5CCNAME=ccname and the signal
// mask of `signals` restored. An argv[0] that cannot be run is an error
// naming it, with exec's errno in the system category, and no process is left.
Result<pid_t> spawn(const std::vector<std::string>& argv, const std::string& ccname, const Signals& signals);

// What a shell exits with for a command that cannot be run: 127 when it
// is not found, else 126.
int cannot_run_status(const Error& error);

// The status of `pid` if it has ended (without waiting): its exit status, or
// 128 + the signal that killed it, as shells report it.
std::optional<int> reap(pid_t pid);

// A file holding a pid and a newline, removed when this goes away.
class PidFile {
 public:
  PidFile() = default;
  ~PidFile();
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;
  // Writes `pid` to `path` (nothing for an empty path); replaces a stale file.
  Result<void> write(const std::string& path, pid_t pid);

 private:
  std::string path_;
};

}  // namespace krbkit::cli
