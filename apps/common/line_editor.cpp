#include "common/line_editor.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>

namespace krbkit::cli {

namespace {

constexpr std::size_t kHistoryMax = 1000;

// --- the terminal mode, shared with the signal handlers ---

using Action = struct sigaction;

volatile sig_atomic_t g_changed = 0;  // g_mode is on: handlers must put g_saved back
int g_fd = -1;
termios g_saved{};
termios g_mode{};
volatile sig_atomic_t g_redraw = 0;     // resumed from a stop, or the window changed size
volatile sig_atomic_t g_interrupt = 0;  // SIGINT arrived

constexpr int kFatalSignals[] = {SIGTERM, SIGHUP, SIGQUIT};

// Puts the terminal back, then lets the signal do what it does by default
// (it is blocked while this runs, so it is delivered when this returns).
void on_fatal_signal(int sig) {
  if (g_changed) ::tcsetattr(g_fd, TCSANOW, &g_saved);
  Action dfl{};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);
}

// A stop (Ctrl-Z, or kill -TSTP): the saved mode while stopped, ours again
// (and a redraw) after SIGCONT.
void on_stop_signal(int) {
  const int saved_errno = errno;
  if (g_changed) ::tcsetattr(g_fd, TCSANOW, &g_saved);
  Action dfl{}, ours{};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(SIGTSTP, &dfl, &ours);
  ::raise(SIGTSTP);
  sigset_t tstp;
  sigemptyset(&tstp);
  sigaddset(&tstp, SIGTSTP);
  ::sigprocmask(SIG_UNBLOCK, &tstp, nullptr);  // stops here until SIGCONT
  ::sigprocmask(SIG_BLOCK, &tstp, nullptr);
  ::sigaction(SIGTSTP, &ours, nullptr);
  if (g_changed) ::tcsetattr(g_fd, TCSANOW, &g_mode);
  g_redraw = 1;
  errno = saved_errno;
}

void on_resize_signal(int) { g_redraw = 1; }

// SIGINT: at the prompt (where the Ctrl-C key sends none, but kill -INT
// does) a new prompt rather than the end, as MIT's ss library; at a hidden
// read, the end of the read, as MIT's prompter.
void on_interrupt_signal(int) { g_interrupt = 1; }

// A terminal mode and the handlers above for one scope: raw for the line
// editor, echo off for a hidden read.
class TerminalMode {
 public:
  enum Kind { raw, no_echo };

  TerminalMode(int fd, Kind kind) {
    if (::tcgetattr(fd, &g_saved) != 0) return;
    g_fd = fd;
    g_mode = g_saved;
    if (kind == raw) {
      // Bytes as typed: no line buffering, echo, signals from keys, CR to NL
      // or flow control. Output processing (NL to CRLF) stays on.
      g_mode.c_iflag &= ~static_cast<tcflag_t>(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
      g_mode.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | IEXTEN | ISIG);
      g_mode.c_cc[VMIN] = 1;
      g_mode.c_cc[VTIME] = 0;
    } else {
      g_mode.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    }
    g_interrupt = 0;
    g_redraw = 0;
    install(SIGTSTP, on_stop_signal, &old_tstp_, &has_tstp_);
    install(SIGWINCH, on_resize_signal, &old_winch_, &has_winch_);
    install(SIGINT, on_interrupt_signal, &old_int_, &has_int_);
    for (std::size_t i = 0; i < std::size(kFatalSignals); ++i)
      install(kFatalSignals[i], on_fatal_signal, &old_fatal_[i], &has_fatal_[i]);
    // TCSANOW, not TCSAFLUSH: what is typed or pasted ahead is kept.
    ok_ = ::tcsetattr(fd, TCSANOW, &g_mode) == 0;
    if (ok_) g_changed = 1;
  }
  ~TerminalMode() {
    if (ok_) ::tcsetattr(g_fd, TCSANOW, &g_saved);
    g_changed = 0;
    if (has_tstp_) ::sigaction(SIGTSTP, &old_tstp_, nullptr);
    if (has_winch_) ::sigaction(SIGWINCH, &old_winch_, nullptr);
    if (has_int_) ::sigaction(SIGINT, &old_int_, nullptr);
    for (std::size_t i = 0; i < std::size(kFatalSignals); ++i)
      if (has_fatal_[i]) ::sigaction(kFatalSignals[i], &old_fatal_[i], nullptr);
  }
  TerminalMode(const TerminalMode&) = delete;
  TerminalMode& operator=(const TerminalMode&) = delete;

  bool ok() const { return ok_; }
  // Whether Ctrl-Z may stop the process (SIGTSTP is not ignored).
  bool can_stop() const { return has_tstp_; }

 private:
  // Installs `handler` for `sig` only where the default action is in place
  // (a shell that ignores SIGTSTP, a program with its own handler, keep theirs).
  static void install(int sig, void (*handler)(int), Action* old, bool* installed) {
    *installed = false;
    if (::sigaction(sig, nullptr, old) != 0 || old->sa_handler != SIG_DFL) return;
    Action sa{};
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: read() returns EINTR, to redraw or to stop reading
    *installed = ::sigaction(sig, &sa, nullptr) == 0;
  }

  bool ok_ = false;
  Action old_tstp_{}, old_winch_{}, old_int_{};
  Action old_fatal_[std::size(kFatalSignals)]{};
  bool has_tstp_ = false, has_winch_ = false, has_int_ = false;
  bool has_fatal_[std::size(kFatalSignals)]{};
};

// One byte from the terminal, or why there is none. SIGINT, SIGWINCH and
// SIGTSTP are let in only while waiting (ppoll), so one that arrives just
// before the wait is seen at once rather than after the next key.
enum class Got { byte, interrupted, redraw, end };

Got read_byte(int fd, unsigned char& c) {
  sigset_t block, orig;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGWINCH);
  sigaddset(&block, SIGTSTP);
  ::sigprocmask(SIG_BLOCK, &block, &orig);
  Got result = Got::end;
  for (;;) {
    if (g_interrupt) {
      g_interrupt = 0;
      result = Got::interrupted;
      break;
    }
    if (g_redraw) {
      g_redraw = 0;
      result = Got::redraw;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (::ppoll(&p, 1, nullptr, &orig) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    // One byte at a time: what follows Enter stays in the terminal for whoever reads next.
    const ssize_t n = ::read(fd, &c, 1);
    if (n == 1) {
      result = Got::byte;
      break;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    break;  // the end of the input, or the terminal went away
  }
  ::sigprocmask(SIG_SETMASK, &orig, nullptr);
  return result;
}

// --- UTF-8: the cursor moves by code points, never inside one ---

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Bytes after a lead byte; -1 for a byte that cannot start a sequence.
int continuation_count(unsigned char c) {
  if (c < 0x80) return 0;
  if (c >= 0xC2 && c <= 0xDF) return 1;
  if (c >= 0xE0 && c <= 0xEF) return 2;
  if (c >= 0xF0 && c <= 0xF4) return 3;
  return -1;
}

std::size_t next_boundary(const std::string& s, std::size_t i) {
  if (i >= s.size()) return s.size();
  ++i;
  while (i < s.size() && is_continuation(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

std::size_t prev_boundary(const std::string& s, std::size_t i) {
  if (i == 0) return 0;
  --i;
  while (i > 0 && is_continuation(static_cast<unsigned char>(s[i]))) --i;
  return i;
}

// Columns a code point takes: 0 for combining marks, 2 for East Asian wide
// and emoji blocks, else 1 (enough to keep the cursor in place for the
// scripts principal names are written in).
int code_point_width(char32_t c) {
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || (c >= 0xFE00 && c <= 0xFE0F)) return 0;
  if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
      (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) || (c >= 0x1F900 && c <= 0x1F9FF) ||
      (c >= 0x20000 && c <= 0x3FFFD))
    return 2;
  return 1;
}

// Columns of s[from, to).
std::size_t display_width(std::string_view s, std::size_t from, std::size_t to) {
  std::size_t width = 0;
  for (std::size_t i = from; i < to;) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const int extra = continuation_count(lead);
    bool whole = extra > 0 && i + static_cast<std::size_t>(extra) < to;
    for (int k = 1; whole && k <= extra; ++k) whole = is_continuation(static_cast<unsigned char>(s[i + k]));
    if (!whole) {
      // ASCII, or a sequence we did not put there: one column per byte.
      width += (lead < 0x20 || lead == 0x7F) ? 0 : 1;
      ++i;
      continue;
    }
    char32_t c = lead & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    width += static_cast<std::size_t>(code_point_width(c));
    i += static_cast<std::size_t>(extra) + 1;
  }
  return width;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// One read_line(): the line, the cursor, the terminal.
class Session {
 public:
  Session(int in_fd, int out_fd, std::string_view prompt, std::vector<std::string>& history, bool can_stop)
      : in_(in_fd), out_(out_fd), prompt_(prompt), history_(history), can_stop_(can_stop) {
    start_over();
  }

  std::optional<std::string> run();

 private:
  enum class Key {
    none,
    enter,
    eof,
    interrupt,
    left,
    right,
    word_left,
    word_right,
    home,
    end,
    backspace,
    del,
    up,
    down,
    kill_start,
    kill_end,
    kill_word,
    yank,
    clear_screen,
    suspend,
  };

  // The next byte from the terminal; false at its end. Redraws after a
  // stop or a resize.
  bool get(unsigned char& c);
  Key read_key();
  Key escape_sequence();
  void insert(std::string_view bytes);
  void cut(std::size_t from, std::size_t to);
  void show_history(std::size_t index);
  void refresh();
  void move_by_word(Key key);
  void edit(Key key);
  void write_all(std::string_view s) const;
  unsigned columns() const;
  void start_over();
  std::optional<std::string> finish(std::optional<std::string> line);

  int in_, out_;
  std::string_view prompt_;
  std::vector<std::string>& history_;
  bool can_stop_;
  // The history and the line being edited last, as Up/Down show them: a
  // recalled line edited stays so while walking, the history keeps the original.
  std::vector<std::string> entries_;
  std::size_t index_ = 0;  // which of entries_ is shown
  std::string line_;
  std::size_t pos_ = 0;  // cursor, a byte offset on a code point boundary
  std::string cut_;      // what Ctrl-U/K/W cut, for Ctrl-Y
  int pending_ = -1;     // a byte read ahead (after a broken UTF-8 sequence)
};

bool Session::get(unsigned char& c) {
  if (pending_ >= 0) {
    c = static_cast<unsigned char>(pending_);
    pending_ = -1;
    return true;
  }
  for (;;) {
    switch (read_byte(in_, c)) {
      case Got::byte: return true;
      case Got::interrupted: c = 0x03; return true;  // as the Ctrl-C key
      case Got::redraw: refresh(); break;
      case Got::end: return false;
    }
  }
}

Session::Key Session::escape_sequence() {
  unsigned char c = 0;
  if (!get(c)) return Key::eof;
  if (c == 0x03) return Key::interrupt;
  if (c == 'b' || c == 'B') return Key::word_left;  // Alt-B
  if (c == 'f' || c == 'F') return Key::word_right;
  if (c != '[' && c != 'O') return Key::none;
  const bool ss3 = c == 'O';
  std::string params;
  for (;;) {
    if (!get(c)) return Key::eof;
    if (c == 0x03) return Key::interrupt;
    if (ss3 || (c >= 0x40 && c <= 0x7E)) break;  // the final byte
    if (params.size() < 16) params.push_back(static_cast<char>(c));
  }
  const bool ctrl = params.size() >= 3 && params.compare(params.size() - 2, 2, ";5") == 0;
  switch (c) {
    case 'A': return Key::up;
    case 'B': return Key::down;
    case 'C': return ctrl ? Key::word_right : Key::right;
    case 'D': return ctrl ? Key::word_left : Key::left;
    case 'H': return Key::home;
    case 'F': return Key::end;
    case '~':
      if (params == "1" || params == "7") return Key::home;
      if (params == "4" || params == "8") return Key::end;
      if (params == "3") return Key::del;
      return Key::none;
    default: return Key::none;
  }
}

Session::Key Session::read_key() {
  unsigned char c = 0;
  if (!get(c)) return Key::eof;
  switch (c) {
    case '\r':
    case '\n': return Key::enter;
    case 0x01: return Key::home;                            // Ctrl-A
    case 0x02: return Key::left;                            // Ctrl-B
    case 0x03: return Key::interrupt;                       // Ctrl-C
    case 0x04: return line_.empty() ? Key::eof : Key::del;  // Ctrl-D
    case 0x05: return Key::end;                             // Ctrl-E
    case 0x06: return Key::right;                           // Ctrl-F
    case 0x08:                                              // Ctrl-H
    case 0x7F: return Key::backspace;
    case 0x0B: return Key::kill_end;      // Ctrl-K
    case 0x0C: return Key::clear_screen;  // Ctrl-L
    case 0x0E: return Key::down;          // Ctrl-N
    case 0x10: return Key::up;            // Ctrl-P
    case 0x15: return Key::kill_start;    // Ctrl-U
    case 0x17: return Key::kill_word;     // Ctrl-W
    case 0x19: return Key::yank;          // Ctrl-Y
    case 0x1A: return Key::suspend;       // Ctrl-Z
    case 0x1B: return escape_sequence();
    case '\t': insert(" "); return Key::none;  // the tools split words on blanks alike
    default: break;
  }
  if (c < 0x20) return Key::none;
  const int extra = continuation_count(c);
  if (extra < 0) return Key::none;  // not UTF-8: dropped rather than shown as garbage
  std::string seq(1, static_cast<char>(c));
  for (int k = 0; k < extra; ++k) {
    unsigned char next = 0;
    if (!get(next)) return Key::eof;
    if (!is_continuation(next)) {  // a broken sequence: drop it, keep the byte that broke it
      pending_ = next;
      return Key::none;
    }
    seq.push_back(static_cast<char>(next));
  }
  insert(seq);
  return Key::none;
}

void Session::insert(std::string_view bytes) {
  line_.insert(pos_, bytes);
  pos_ += bytes.size();
}

void Session::cut(std::size_t from, std::size_t to) {
  if (from >= to) return;
  cut_ = line_.substr(from, to - from);
  line_.erase(from, to - from);
  pos_ = from;
}

void Session::show_history(std::size_t index) {
  entries_[index_] = line_;
  index_ = index;
  line_ = entries_[index_];
  pos_ = line_.size();
}

void Session::start_over() {
  entries_ = history_;
  entries_.emplace_back();
  index_ = entries_.size() - 1;
  line_.clear();
  pos_ = 0;
}

unsigned Session::columns() const {
  winsize ws{};
  if (::ioctl(out_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

// Redraws the prompt and the part of the line around the cursor that fits
// on one terminal line.
void Session::refresh() {
  const std::size_t cols = columns();
  const std::size_t prompt_width = display_width(prompt_, 0, prompt_.size());
  std::size_t start = 0;
  while (start < pos_ && prompt_width + display_width(line_, start, pos_) >= cols)
    start = next_boundary(line_, start);
  std::size_t end = line_.size();
  while (end > pos_ && prompt_width + display_width(line_, start, end) >= cols)
    end = prev_boundary(line_, end);
  std::string out = "\r";
  out += prompt_;
  out.append(line_, start, end - start);
  out += "\x1b[K\r";  // erase to the end of the terminal line, back to column 0
  const std::size_t column = prompt_width + display_width(line_, start, pos_);
  if (column > 0) out += "\x1b[" + std::to_string(column) + "C";
  write_all(out);
}

void Session::write_all(std::string_view s) const {
  while (!s.empty()) {
    ssize_t n = ::write(out_, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::optional<std::string> Session::finish(std::optional<std::string> line) {
  if (line && line->find_first_not_of(" \t") != std::string::npos &&
      (history_.empty() || history_.back() != *line)) {
    history_.push_back(*line);
    if (history_.size() > kHistoryMax) history_.erase(history_.begin());
  }
  return line;
}

void Session::move_by_word(Key key) {
  if (key == Key::word_left) {
    while (pos_ > 0 && is_space(line_[pos_ - 1])) pos_ = prev_boundary(line_, pos_);
    while (pos_ > 0 && !is_space(line_[pos_ - 1])) pos_ = prev_boundary(line_, pos_);
  } else {
    while (pos_ < line_.size() && is_space(line_[pos_])) pos_ = next_boundary(line_, pos_);
    while (pos_ < line_.size() && !is_space(line_[pos_])) pos_ = next_boundary(line_, pos_);
  }
}

// A key that moves in or changes the line, recalls history or clears the screen.
void Session::edit(Key key) {
  switch (key) {
    case Key::left: pos_ = prev_boundary(line_, pos_); break;
    case Key::right: pos_ = next_boundary(line_, pos_); break;
    case Key::word_left:
    case Key::word_right: move_by_word(key); break;
    case Key::home: pos_ = 0; break;
    case Key::end: pos_ = line_.size(); break;
    case Key::backspace:
      if (pos_ > 0) {
        const std::size_t from = prev_boundary(line_, pos_);
        line_.erase(from, pos_ - from);
        pos_ = from;
      }
      break;
    case Key::del:
      if (pos_ < line_.size()) line_.erase(pos_, next_boundary(line_, pos_) - pos_);
      break;
    case Key::up:
      if (index_ > 0) show_history(index_ - 1);
      break;
    case Key::down:
      if (index_ + 1 < entries_.size()) show_history(index_ + 1);
      break;
    case Key::kill_start: cut(0, pos_); break;
    case Key::kill_end: cut(pos_, line_.size()); break;
    case Key::kill_word: {
      std::size_t from = pos_;
      while (from > 0 && is_space(line_[from - 1])) --from;
      while (from > 0 && !is_space(line_[from - 1])) --from;  // UTF-8 bytes are never blanks
      cut(from, pos_);
      break;
    }
    case Key::yank: insert(cut_); break;
    case Key::clear_screen: write_all("\x1b[H\x1b[2J"); break;
    default: break;
  }
}

std::optional<std::string> Session::run() {
  refresh();
  for (;;) {
    const Key key = read_key();
    switch (key) {
      case Key::enter:
        if (pos_ != line_.size()) {  // a scrolled line shows its end
          pos_ = line_.size();
          refresh();
        }
        write_all("\n");
        return finish(line_);
      case Key::eof: return finish(std::nullopt);
      case Key::interrupt:
        write_all("^C\n");
        start_over();
        break;
      case Key::suspend:
        if (can_stop_) ::kill(0, SIGTSTP);  // the whole job, as the terminal's Ctrl-Z
        break;
      default: edit(key); break;
    }
    refresh();
  }
}

}  // namespace

LineEditor::LineEditor(int in_fd, int out_fd)
    : in_fd_(in_fd), out_fd_(out_fd), active_(::isatty(in_fd) && ::isatty(out_fd)) {}

std::optional<std::string> LineEditor::read_line(std::string_view prompt) {
  // What the tool printed before the prompt goes out first.
  std::cout.flush();
  std::fflush(stdout);
  std::fflush(stderr);
  TerminalMode raw(in_fd_, TerminalMode::raw);
  if (!raw.ok()) {  // a terminal that refuses raw mode: its own line editing
    std::fwrite(prompt.data(), 1, prompt.size(), stdout);
    std::fflush(stdout);
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    return line;
  }
  return Session(in_fd_, out_fd_, prompt, history_, raw.can_stop()).run();
}

Result<SecretBytes> read_hidden_line(int in_fd, std::FILE* prompt_to, std::string_view prompt) {
  constexpr std::size_t kMax = 4096;
  std::fflush(stdout);
  TerminalMode quiet(in_fd, TerminalMode::no_echo);  // echo off before the prompt shows
  std::fwrite(prompt.data(), 1, prompt.size(), prompt_to);
  std::fflush(prompt_to);
  SecretBytes line(kMax);
  std::size_t n = 0;
  bool any = false;
  for (;;) {
    unsigned char byte = 0;
    const Got got = read_byte(in_fd, byte);
    if (got == Got::redraw) continue;  // a stop, a resize
    if (got == Got::interrupted) {
      std::fputs("\n", prompt_to);
      return Error{Errc::cancelled, "password read interrupted"};
    }
    if (got == Got::end) break;
    const char c = static_cast<char>(byte);
    any = true;
    if (c == '\n') break;
    if (n < kMax) line[n++] = static_cast<std::uint8_t>(c);
  }
  if (quiet.ok()) std::fputs("\n", prompt_to);  // the line end the unechoed Enter did not show
  if (!any) return Error{Errc::cancelled, "no password read"};
  if (n > 0 && line[n - 1] == '\r') --n;
  line.resize(n);
  return line;
}

}  // namespace krbkit::cli
