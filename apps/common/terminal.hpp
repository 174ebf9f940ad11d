#pragma once
// The terminal's mode around the reads kadmin, ktutil, kinit and kpasswd do
// on it themselves: a password read without echo (read_hidden_line), and the
// signal handling around libedit's prompt (common/line_editor.*), which
// libedit leaves to the program when its own handlers are off.
//
// While a TerminalMode is alive, SIGTERM, SIGHUP and SIGQUIT put the
// terminal's mode back before they take their default action; a stop
// (SIGTSTP) puts it back while stopped and the mode of the moment again on
// resuming; SIGINT is noted (read_byte() then reports it). Signals whose
// action is not the default are left alone.

#include <signal.h>

#include <cstdio>
#include <iterator>
#include <string_view>

#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"

namespace krbkit::cli {

class TerminalMode {
 public:
  // no_echo: echo off for the scope. keep: the mode is left to the reader
  // (libedit sets its own), only the signals are handled.
  enum Kind { no_echo, keep };

  TerminalMode(int fd, Kind kind);
  ~TerminalMode();
  TerminalMode(const TerminalMode&) = delete;
  TerminalMode& operator=(const TerminalMode&) = delete;

  bool ok() const { return ok_; }
  // Whether Ctrl-Z may stop the process (SIGTSTP is not ignored).
  bool can_stop() const { return has_tstp_; }

 private:
  static constexpr int kFatalSignals[] = {SIGTERM, SIGHUP, SIGQUIT};
  using Action = struct sigaction;
  static void install(int sig, void (*handler)(int), Action* old, bool* installed);

  bool ok_ = false;
  Action old_tstp_{}, old_winch_{}, old_int_{};
  Action old_fatal_[std::size(kFatalSignals)]{};
  bool has_tstp_ = false, has_winch_ = false, has_int_ = false;
  bool has_fatal_[std::size(kFatalSignals)]{};
};

// One byte from the terminal, or why there is none: SIGINT arrived, the
// window changed size or the process was resumed (redraw), or the input ended.
enum class Got { byte, interrupted, redraw, end };
Got read_byte(int fd, unsigned char& c);

// Reads one line from the terminal `in_fd` with echo off, after showing
// `prompt` on `prompt_to`, and ends the line shown there. Echo is off before
// the prompt shows and nothing typed is discarded. The mode comes back when
// it returns, when SIGTERM, SIGHUP or SIGQUIT end the process meanwhile, and
// around a stop; Ctrl-C (SIGINT) ends the read with Errc::cancelled
// ("password read interrupted"), as MIT's prompter. Errc::cancelled also
// when the input ends before any byte. At most 4096 bytes are kept.
Result<SecretBytes> read_hidden_line(int in_fd, std::FILE* prompt_to, std::string_view prompt);

}  // namespace krbkit::cli
