// Passwords typed at a terminal: kinit and kpasswd run on a pseudo-terminal,
// show MIT's prompts, and never echo what is typed. The terminal's echo
// setting is back on afterwards (a tool that dies between prompts must not
// leave the user's shell without echo).
#include <doctest/doctest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "realm/realm.hpp"

using namespace krbkit::test;

namespace {

struct TtySession {
  std::string transcript;  // everything the terminal showed
  int exit_code = -1;
  bool echo_on_at_exit = false;  // ECHO in the terminal's mode after the tool exited
  std::string failure;           // what went wrong in the session itself
};

// Reads from the terminal until `text` has appeared after `from`, or 10 s pass.
bool read_until(int fd, std::string& transcript, std::size_t from, const std::string& text) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (transcript.find(text, from) == std::string::npos) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;  // EIO: the tool closed the terminal
    transcript.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

// Runs argv on a new pseudo-terminal with the realm's environment; for each
// (prompt, answer) waits for the prompt and types the answer and Enter.
TtySession run_on_tty(const Realm& realm, const std::vector<std::string>& argv,
                      const std::vector<std::pair<std::string, std::string>>& dialogue) {
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : realm.environment())
    if (value) env_strings.push_back(key + "=" + *value);
  std::vector<char*> c_env, c_argv;
  for (auto& e : env_strings) c_env.push_back(e.data());
  c_env.push_back(nullptr);
  std::vector<std::string> args = argv;
  for (auto& a : args) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);

  TtySession s;
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execve(c_argv[0], c_argv.data(), c_env.data());
    ::_exit(127);
  }
  std::size_t from = 0;
  for (const auto& [prompt, answer] : dialogue) {
    if (!read_until(master, s.transcript, from, prompt)) {
      s.failure = "no prompt '" + prompt + "'";
      break;
    }
    from = s.transcript.find(prompt, from) + prompt.size();
    // A control key (Ctrl-C) is typed alone, as a user presses it: no Enter.
    std::string line = answer == "\x03" ? answer : answer + "\n";
    (void)!::write(master, line.data(), line.size());
  }
  read_until(master, s.transcript, from, "\x04never\x04");  // the rest, until the tool exits
  termios mode{};
  s.echo_on_at_exit = ::tcgetattr(master, &mode) == 0 && (mode.c_lflag & ECHO) != 0;
  int status = 0;
  for (int tries = 0; ::waitpid(pid, &status, WNOHANG) == 0; ++tries) {
    if (tries == 500) {  // 5 s after the terminal went quiet: it waits for input nobody typed
      s.failure += " (still running: killed)";
      ::kill(pid, SIGKILL);
    }
    ::usleep(10000);
  }
  s.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ::close(master);
  return s;
}

std::string show(const TtySession& s) {
  return "exit " + std::to_string(s.exit_code) + " " + s.failure + "\nterminal:\n" + s.transcript;
}

}  // namespace

TEST_CASE("kinit on a terminal: MIT's prompt, no echo of the password") {
  Realm& realm = Realm::shared();
  const std::string cc = realm.fresh_ccache();
  const std::string prompt = "Password for " + realm.principal("alice") + ": ";
  TtySession s =
      run_on_tty(realm, {krbkit_tool("kinit"), "-c", cc, "alice"}, {{prompt, realm.password("alice")}});
  CHECK_MESSAGE(s.exit_code == 0, show(s));
  CHECK_MESSAGE(s.failure.empty(), show(s));
  CHECK_MESSAGE(s.transcript.find(realm.password("alice")) == std::string::npos, show(s));
  CHECK(s.echo_on_at_exit);
  RunResult list = realm.run({"klist", "-c", cc});  // MIT's klist sees the TGT
  CHECK(list.out.find("Default principal: " + realm.principal("alice")) != std::string::npos);
}

TEST_CASE("kinit on a terminal: a wrong password, then the terminal still echoes") {
  Realm& realm = Realm::shared();
  TtySession s = run_on_tty(realm, {krbkit_tool("kinit"), "-c", realm.fresh_ccache(), "alice"},
                            {{"Password for ", "typed-wrongly-1"}});
  CHECK(s.exit_code == 3);
  CHECK(s.transcript.find("typed-wrongly-1") == std::string::npos);
  CHECK(s.transcript.find("kinit: Password incorrect for '" + realm.principal("alice") + "'") !=
        std::string::npos);
  CHECK(s.echo_on_at_exit);
}

TEST_CASE("kpasswd on a terminal: three prompts, nothing echoed, the change works") {
  Realm& realm = Realm::shared();
  RunResult add = realm.kadmin_local("addprinc -pw tty-old-pw-1 tty-user\n");
  REQUIRE_MESSAGE(add.ok(), add.err);
  TtySession s = run_on_tty(realm, {krbkit_tool("kpasswd"), "tty-user"},
                            {{"Password for " + realm.principal("tty-user") + ": ", "tty-old-pw-1"},
                             {"Enter new password: ", "tty-new-pw-2"},
                             {"Enter it again: ", "tty-new-pw-2"}});
  CHECK_MESSAGE(s.exit_code == 0, show(s));
  CHECK_MESSAGE(s.failure.empty(), show(s));
  CHECK(s.transcript.find("Password changed.") != std::string::npos);
  CHECK(s.transcript.find("tty-old-pw-1") == std::string::npos);
  CHECK(s.transcript.find("tty-new-pw-2") == std::string::npos);
  CHECK(s.echo_on_at_exit);
  CHECK(realm.run({"kinit", "-c", realm.fresh_ccache(), "tty-user"}, {}, "tty-new-pw-2\n").ok());
}

TEST_CASE("kinit on a terminal: Ctrl-C at the password prompt ends it and gives the echo back") {
  Realm& realm = Realm::shared();
  const std::string cc = realm.fresh_ccache();
  // The pty turns Ctrl-C into SIGINT for kinit, as a user's keyboard does.
  TtySession s = run_on_tty(realm, {krbkit_tool("kinit"), "-c", cc, "alice"}, {{"Password for ", "\x03"}});
  CHECK_MESSAGE(s.exit_code == 1, show(s));
  CHECK_MESSAGE(s.transcript.find("interrupted") != std::string::npos, show(s));
  CHECK_MESSAGE(s.echo_on_at_exit, show(s));
  CHECK_FALSE(std::filesystem::exists(cc));
}
