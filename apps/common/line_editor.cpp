#include "common/line_editor.hpp"

#include <fcntl.h>
#include <histedit.h>
#include <langinfo.h>
#include <unistd.h>

#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <iostream>

#include "common/libedit_api.hpp"
#include "krbkit/base/environment.hpp"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
// Debian 12's libedit (3.1-20221030) loses the wide copies (wcsdup) it makes
// of the lines entered in its history, although history_end() and el_end()
// are called (LineEditor::State's destructor): LeakSanitizer would report
// ~81 bytes a line in every sanitized kadmin and ktutil session. Nothing of
// ours calls wcsdup.
extern "C" const char* __lsan_default_suppressions() { return "leak:wcsdup\n"; }
#endif
#endif

namespace krbkit::cli {

struct LineEditor::State {
  EditLine* el = nullptr;
  History* history = nullptr;
  std::string history_path;
  Completion completion;
  std::string prompt;
  bool interrupted = false;  // Ctrl-C or SIGINT: the line is dropped
  bool can_stop = false;

  ~State() {
    if (el != nullptr) libedit().el_end(el);
    if (history != nullptr) libedit().history_end(history);
  }
};

namespace {

using State = LineEditor::State;
constexpr int kHistoryMax = 1000;

State& state_of(EditLine* el) {
  void* data = nullptr;
  libedit().el_get(el, EL_CLIENTDATA, &data);
  return *static_cast<State*>(data);
}

char* prompt_of(EditLine* el) { return state_of(el).prompt.data(); }

// libedit decodes and encodes the line with the C library's multibyte
// functions: principal names are UTF-8, so LC_CTYPE must be a UTF-8 one (the
// user's if it is, else C.UTF-8; the tools set no locale otherwise).
void use_utf8_ctype() {
  if (std::setlocale(LC_CTYPE, "") != nullptr && std::strcmp(nl_langinfo(CODESET), "UTF-8") == 0) return;
  std::setlocale(LC_CTYPE, "C.UTF-8");
}

// libedit's read function: bytes come through read_byte(), which sees
// SIGINT as Ctrl-C and redraws after a stop or a resize; a byte that is not
// UTF-8 is dropped rather than shown as garbage.
int read_char(EditLine* el, wchar_t* out) {
  std::mbstate_t shift{};
  for (;;) {
    unsigned char byte = 0;
    switch (read_byte(STDIN_FILENO, byte)) {
      case Got::byte: break;
      case Got::interrupted: *out = L'\x03'; return 1;
      case Got::redraw:
        libedit().el_resize(el);
        libedit().el_set(el, EL_REFRESH);
        continue;
      case Got::end: return 0;
    }
    const char c = static_cast<char>(byte);
    wchar_t wc = 0;
    const std::size_t n = std::mbrtowc(&wc, &c, 1, &shift);
    if (n == static_cast<std::size_t>(-2)) continue;
    if (n == static_cast<std::size_t>(-1)) {
      shift = {};
      continue;
    }
    *out = wc;
    return 1;
  }
}

// Ctrl-C: the line is dropped (read_line prints "^C" and prompts again).
unsigned char interrupt_key(EditLine* el, int) {
  state_of(el).interrupted = true;
  return CC_EOF;
}

// Ctrl-D: the end on an empty line (nothing shown), else Delete.
unsigned char delete_or_end(EditLine* el, int) {
  const LineInfo* line = libedit().el_line(el);
  if (line->buffer == line->lastchar) return CC_EOF;
  if (line->cursor == line->lastchar) return CC_ERROR;
  libedit().el_cursor(el, 1);
  libedit().el_deletestr(el, 1);
  return CC_REFRESH;
}

// Ctrl-Z: stops the whole job, as the terminal's Ctrl-Z would.
unsigned char suspend_key(EditLine* el, int) {
  if (state_of(el).can_stop) ::kill(0, SIGTSTP);
  return CC_NORM;
}

void write_out(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// Tab: the first word completes to a request name, a later word starting
// with '-' to an option; one match is completed with a blank after it,
// several to what they share, and when that adds nothing they are listed.
unsigned char complete_key(EditLine* el, int) {
  const State& state = state_of(el);
  const LineInfo* info = libedit().el_line(el);
  const std::string_view before(info->buffer, static_cast<std::size_t>(info->cursor - info->buffer));
  const std::size_t blank = before.find_last_of(" \t");
  const std::size_t start = blank == std::string_view::npos ? 0 : blank + 1;
  const std::string_view word = before.substr(start);
  const std::size_t line_start = before.find_first_not_of(" \t");
  const bool first = line_start >= start;
  std::vector<std::string_view> candidates;
  if (first && state.completion.names != nullptr) {
    candidates = state.completion.names();
  } else if (!first && word.starts_with('-') && state.completion.options_of != nullptr) {
    const std::string_view request =
        before.substr(line_start, before.find_first_of(" \t", line_start) - line_start);
    candidates = state.completion.options_of(request);
  }
  std::vector<std::string_view> matches;
  for (auto w : candidates)
    if (w.starts_with(word)) matches.push_back(w);
  if (matches.empty()) return CC_REFRESH_BEEP;
  std::string_view shared = matches.front();
  for (auto m : matches) {
    std::size_t k = 0;
    while (k < shared.size() && k < m.size() && shared[k] == m[k]) ++k;
    shared = shared.substr(0, k);
  }
  std::string insert(shared.substr(word.size()));
  if (matches.size() == 1) insert += ' ';
  if (!insert.empty()) {
    libedit().el_insertstr(el, insert.c_str());
    return CC_REFRESH;
  }
  std::string list;
  for (auto m : matches) list.append(list.empty() ? "\n" : "  ").append(m);
  list += '\n';
  write_out(list);
  return CC_REDISPLAY;
}

// Emacs keys as libedit has them, and those readline users expect on top.
void bind_keys(EditLine* el) {
  const Libedit& edit = libedit();
  edit.el_set(el, EL_EDITOR, "emacs");
  edit.el_set(el, EL_ADDFN, "krbkit-interrupt", "drop the line", interrupt_key);
  edit.el_set(el, EL_ADDFN, "krbkit-delete-or-end", "delete, or end on an empty line", delete_or_end);
  edit.el_set(el, EL_ADDFN, "krbkit-suspend", "stop the job", suspend_key);
  edit.el_set(el, EL_ADDFN, "krbkit-complete", "complete a request name or option", complete_key);
  const char* const bindings[][2] = {
      {"^C", "krbkit-interrupt"},   {"^D", "krbkit-delete-or-end"}, {"^Z", "krbkit-suspend"},
      {"^I", "krbkit-complete"},    {"^R", "em-inc-search-prev"},   {"^W", "ed-delete-prev-word"},
      {"^U", "vi-kill-line-prev"},  {"\\e[1;5D", "ed-prev-word"},   {"\\e[1;5C", "em-next-word"},
      {"\\e[H", "ed-move-to-beg"},  {"\\eOH", "ed-move-to-beg"},    {"\\e[1~", "ed-move-to-beg"},
      {"\\e[7~", "ed-move-to-beg"}, {"\\e[F", "ed-move-to-end"},    {"\\eOF", "ed-move-to-end"},
      {"\\e[4~", "ed-move-to-end"}, {"\\e[8~", "ed-move-to-end"},   {"\\e[3~", "ed-delete-next-char"},
  };
  for (const auto& b : bindings) edit.el_set(el, EL_BIND, b[0], b[1], nullptr);
  // No signals from keys: Ctrl-C and Ctrl-Z reach the bindings above as bytes.
  edit.el_set(el, EL_SETTY, "-d", "-isig", nullptr);
}

std::string history_path(std::string_view name) {
  const auto home = Environment::from_process().home;
  if (name.empty() || !home || home->empty()) return {};
  return *home + "/.krbkit_" + std::string(name) + "_history";
}

// The file is created 0600 (O_NOFOLLOW: never through a link) and written whole.
void save_history(State& state) {
  if (state.history_path.empty()) return;
  const int fd =
      ::open(state.history_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return;
  std::FILE* file = ::fdopen(fd, "w");
  if (file == nullptr) {
    ::close(fd);
    return;
  }
  HistEvent event;
  libedit().history(state.history, &event, H_SAVE_FP, file);
  std::fclose(file);
}

}  // namespace

LineEditor::LineEditor(std::string_view history_name, Completion completion) {
  if (!::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO)) return;
  std::string why;
  const Libedit* edit = load_libedit(why);
  if (edit == nullptr) {
    // Lines are still read, as from a script: only the editing is missing.
    std::fprintf(stderr, "%s: line editing is off: %s\n",
                 history_name.empty() ? "krbkit" : std::string(history_name).c_str(), why.c_str());
    return;
  }
  use_utf8_ctype();
  auto state = std::make_unique<State>();
  state->el = edit->el_init("krbkit", stdin, stdout, stderr);
  state->history = edit->history_init();
  if (state->el == nullptr || state->history == nullptr) return;
  state->completion = completion;
  HistEvent event;
  edit->history(state->history, &event, H_SETSIZE, kHistoryMax);
  edit->history(state->history, &event, H_SETUNIQUE, 1);
  state->history_path = history_path(history_name);
  if (!state->history_path.empty())
    edit->history(state->history, &event, H_LOAD, state->history_path.c_str());
  edit->el_set(state->el, EL_CLIENTDATA, state.get());
  edit->el_set(state->el, EL_HIST, edit->history, state->history);
  edit->el_set(state->el, EL_PROMPT, prompt_of);
  edit->el_set(state->el, EL_GETCFN, read_char);
  edit->el_set(state->el, EL_SIGNAL, 0);
  bind_keys(state->el);
  state_ = std::move(state);
}

LineEditor::~LineEditor() = default;

std::optional<std::string> LineEditor::read_line(std::string_view prompt) {
  // What the tool printed before the prompt goes out first.
  std::cout.flush();
  std::fflush(stdout);
  std::fflush(stderr);
  state_->prompt = prompt;
  for (;;) {
    const char* got = nullptr;
    int count = 0;
    {
      TerminalMode signals(STDIN_FILENO, TerminalMode::keep);
      state_->can_stop = signals.can_stop();
      // Debian's libedit (read.c built without FIONREAD) writes the prompt
      // and only then puts the terminal in its mode: keys typed as soon as the
      // prompt showed were echoed and held back by the terminal's own line
      // editing, so a SIGINT before Enter dropped nothing. Its mode first.
      libedit().el_set(state_->el, EL_PREP_TERM, 1);
      got = libedit().el_gets(state_->el, &count);
    }
    if (state_->interrupted) {
      state_->interrupted = false;
      write_out("^C\n");
      continue;
    }
    if (got == nullptr || count <= 0) return std::nullopt;
    std::string line(got, static_cast<std::size_t>(count));
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) {
      HistEvent event;
      if (libedit().history(state_->history, &event, H_ENTER, line.c_str()) >= 0) save_history(*state_);
    }
    return line;
  }
}

}  // namespace krbkit::cli
