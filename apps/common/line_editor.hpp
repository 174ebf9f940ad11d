#pragma once
// Line editing at the prompts of kadmin and ktutil, and reading a password
// there without echo (read_hidden_line, below). MIT's tools read their
// requests with libedit or readline; krbkit takes no such dependency and
// edits the line itself, only when standard input and standard output are
// both terminals. Anything else (a script, a pipe) keeps reading with
// std::getline, exactly as before: callers check active() first.
//
//   cli::LineEditor editor;
//   while (editor.active()) {
//     auto line = editor.read_line("kadmin:  ");
//     if (!line) break;  // Ctrl-D on an empty line, or the terminal went away
//     run(*line);
//   }
//
// Keys (readline's emacs bindings):
//   Left/Ctrl-B, Right/Ctrl-F      one character (one UTF-8 code point)
//   Ctrl-Left/Alt-B, Ctrl-Right/Alt-F   one word
//   Home/Ctrl-A, End/Ctrl-E        start, end of the line
//   Backspace/Ctrl-H, Delete       the character before, under the cursor
//   Ctrl-D                         end of input on an empty line, else Delete
//   Ctrl-U, Ctrl-K, Ctrl-W         cut to the start, to the end, the word before;
//   Ctrl-Y                         pastes what was cut last
//   Up/Ctrl-P, Down/Ctrl-N         the lines entered earlier in this session
//   Ctrl-C                         drops the line and prompts again (as MIT's
//                                  ss library: a new line, a new prompt)
//   Ctrl-L                         clears the screen
//   Ctrl-Z                         suspends (the terminal mode is put back first)
// A line longer than the terminal scrolls sideways. No history file is kept.
//
// The terminal is in raw mode only while read_line() runs. Its mode is put
// back when read_line returns, and also when SIGTERM, SIGHUP or SIGQUIT
// arrive meanwhile (the signal then takes its default action) and around a
// stop (SIGTSTP; raw mode comes back, and the line is redrawn, on resuming).
// SIGINT meanwhile is taken as Ctrl-C. Signals whose action is not the
// default are left alone.

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"

namespace krbkit::cli {

class LineEditor {
 public:
  explicit LineEditor(int in_fd = 0, int out_fd = 1);

  // True when both descriptors are terminals: read_line() edits.
  bool active() const { return active_; }

  // Shows `prompt` and returns the line the user entered (without its end),
  // std::nullopt at the end of input. The line joins the history when it is
  // not blank and differs from the previous one. Needs active().
  std::optional<std::string> read_line(std::string_view prompt);

  const std::vector<std::string>& history() const { return history_; }

 private:
  int in_fd_, out_fd_;
  bool active_;
  std::vector<std::string> history_;
};

// Reads one line from the terminal `in_fd` with echo off, after showing
// `prompt` on `prompt_to`, and ends the line shown there. Echo is off before
// the prompt shows and nothing typed is discarded. The mode comes back when
// it returns, when SIGTERM, SIGHUP or SIGQUIT end the process meanwhile, and
// around a stop; Ctrl-C (SIGINT) ends the read with Errc::cancelled
// ("password read interrupted"), as MIT's prompter. Errc::cancelled also
// when the input ends before any byte. At most 4096 bytes are kept.
Result<SecretBytes> read_hidden_line(int in_fd, std::FILE* prompt_to, std::string_view prompt);

}  // namespace krbkit::cli
