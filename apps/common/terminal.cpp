#include "common/terminal.hpp"

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace krbkit::cli {

namespace {

// --- the terminal mode, shared with the signal handlers ---

volatile sig_atomic_t g_changed = 0;  // a TerminalMode is alive: handlers must put g_saved back
int g_fd = -1;
termios g_saved{};
termios g_mode{};
volatile sig_atomic_t g_redraw = 0;     // resumed from a stop, or the window changed size
volatile sig_atomic_t g_interrupt = 0;  // SIGINT arrived

// Puts the terminal back, then lets the signal do what it does by default
// (it is blocked while this runs, so it is delivered when this returns).
void on_fatal_signal(int sig) {
  if (g_changed) ::tcsetattr(g_fd, TCSANOW, &g_saved);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);
}

// A stop (Ctrl-Z, or kill -TSTP): the saved mode while stopped; the mode of
// the moment (echo off, or libedit's at its prompt) again, and a redraw, after SIGCONT.
void on_stop_signal(int) {
  const int saved_errno = errno;
  if (g_changed) {
    ::tcgetattr(g_fd, &g_mode);
    ::tcsetattr(g_fd, TCSANOW, &g_saved);
  }
  struct sigaction dfl {
  }, ours{};
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

}  // namespace

TerminalMode::TerminalMode(int fd, Kind kind) {
  if (::tcgetattr(fd, &g_saved) != 0) return;
  g_fd = fd;
  g_mode = g_saved;
  if (kind == no_echo) g_mode.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  g_interrupt = 0;
  g_redraw = 0;
  install(SIGTSTP, on_stop_signal, &old_tstp_, &has_tstp_);
  install(SIGWINCH, on_resize_signal, &old_winch_, &has_winch_);
  install(SIGINT, on_interrupt_signal, &old_int_, &has_int_);
  for (std::size_t i = 0; i < std::size(kFatalSignals); ++i)
    install(kFatalSignals[i], on_fatal_signal, &old_fatal_[i], &has_fatal_[i]);
  // TCSANOW, not TCSAFLUSH: what is typed or pasted ahead is kept.
  ok_ = kind == keep || ::tcsetattr(fd, TCSANOW, &g_mode) == 0;
  if (ok_) g_changed = 1;
}

TerminalMode::~TerminalMode() {
  if (ok_) ::tcsetattr(g_fd, TCSANOW, &g_saved);
  g_changed = 0;
  if (has_tstp_) ::sigaction(SIGTSTP, &old_tstp_, nullptr);
  if (has_winch_) ::sigaction(SIGWINCH, &old_winch_, nullptr);
  if (has_int_) ::sigaction(SIGINT, &old_int_, nullptr);
  for (std::size_t i = 0; i < std::size(kFatalSignals); ++i)
    if (has_fatal_[i]) ::sigaction(kFatalSignals[i], &old_fatal_[i], nullptr);
}

// Installs `handler` for `sig` only where the default action is in place
// (a shell that ignores SIGTSTP, a program with its own handler, keep theirs).
void TerminalMode::install(int sig, void (*handler)(int), Action* old, bool* installed) {
  *installed = false;
  if (::sigaction(sig, nullptr, old) != 0 || old->sa_handler != SIG_DFL) return;
  Action sa{};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: read() returns EINTR, to redraw or to stop reading
  *installed = ::sigaction(sig, &sa, nullptr) == 0;
}

// SIGINT, SIGWINCH and SIGTSTP are let in only while waiting (ppoll), so one
// that arrives just before the wait is seen at once rather than after the next key.
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
