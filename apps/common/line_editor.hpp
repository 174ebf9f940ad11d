#pragma once
// Line editing at the prompts of kadmin and ktutil, by libedit (BSD
// licence; what Heimdal's tools use), only when standard input and standard
// output are both terminals. Anything else (a script, a pipe) keeps reading
// with std::getline, exactly as before: callers check active() first.
//
//   cli::LineEditor editor("kadmin", {request_names, request_options});
//   while (editor.active()) {
//     auto line = editor.read_line("kadmin:  ");
//     if (!line) break;  // Ctrl-D on an empty line, or the terminal went away
//     run(*line);
//   }
//
// Keys: libedit's emacs bindings (Left/Right, Ctrl-A/E, Alt-B/F, Ctrl-K/Y,
// Up/Down, Ctrl-L ...), and as readline binds them: Ctrl-Left/Right by word,
// Home/End/Delete, Ctrl-U and Ctrl-W cut before the cursor, Ctrl-R searches
// the history backwards, Tab completes a request name (the first word) or an
// option (a word starting with '-') from the caller's word list, Ctrl-D ends
// the input on an empty line. Ctrl-C (or SIGINT) drops the line and prompts
// again, as MIT's ss library. Lines entered are kept, with the earlier
// sessions', in ~/.krbkit_<name>_history (mode 0600, at most 1000 lines).
//
// The terminal mode is libedit's while read_line() runs (no echo, no line
// buffering, no signals from keys) and put back when it returns, also when
// SIGTERM, SIGHUP or SIGQUIT arrive meanwhile and around a stop (Ctrl-Z):
// common/terminal.hpp's TerminalMode does that, libedit's own signal
// handling (which re-sends the signal to the whole process group) is off.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/terminal.hpp"  // read_hidden_line, for the password prompts between lines

namespace krbkit::cli {

// What Tab offers: request names for the first word; for a later word
// starting with '-', the options of the request the first word names.
struct Completion {
  std::vector<std::string_view> (*names)() = nullptr;
  std::vector<std::string_view> (*options_of)(std::string_view request) = nullptr;
};

class LineEditor {
 public:
  // `history_name`: the history file's middle part (none when empty or
  // $HOME is unset).
  explicit LineEditor(std::string_view history_name = {}, Completion completion = {});
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  // True when standard input and output are terminals: read_line() edits.
  bool active() const { return state_ != nullptr; }

  // Shows `prompt` and returns the line the user entered (without its end),
  // std::nullopt at the end of input. The line joins the history (and its
  // file) when it is not blank and differs from the previous one. Needs active().
  std::optional<std::string> read_line(std::string_view prompt);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace krbkit::cli
