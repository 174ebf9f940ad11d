#include "common/child.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "krbkit/base/file_io.hpp"

namespace krbkit::cli {

Signals::Signals() {
  sigemptyset(&blocked_);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGCHLD}) sigaddset(&blocked_, s);
  sigprocmask(SIG_BLOCK, &blocked_, &saved_);
}

Signals::~Signals() { sigprocmask(SIG_SETMASK, &saved_, nullptr); }

Signals::Event Signals::wait(std::chrono::milliseconds timeout) {
  if (timeout < std::chrono::milliseconds(0)) timeout = {};
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  const timespec ts{static_cast<time_t>(secs.count()), static_cast<long>((timeout - secs).count() * 1000000)};
  siginfo_t info{};
  const int s = sigtimedwait(&blocked_, &info, &ts);
  if (s <= 0) return {};  // EAGAIN: the timeout; EINTR: another signal, as good as a wake-up
  // SI_KERNEL: a signal from the terminal, which its whole foreground process
  // group (a command run in it included) received at the same time.
  return {s, info.si_code == SI_KERNEL};
}

Result<pid_t> spawn(const std::vector<std::string>& argv, const std::string& ccname, const Signals& signals) {
  // A close-on-exec pipe: empty at EOF when the exec worked, else the child's errno.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0)
    return fileio::errno_error(Errc::io, "cannot create a pipe", "", errno);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(report[0]);
    ::setenv("KRB5CCNAME", ccname.c_str(), 1);
    ::sigprocmask(SIG_SETMASK, &signals.saved_mask(), nullptr);
    ::execvp(args[0], args.data());
    const int err = errno;
    (void)!::write(report[1], &err, sizeof err);
    ::_exit(127);
  }
  ::close(report[1]);
  if (pid < 0) {
    ::close(report[0]);
    return fileio::errno_error(Errc::io, "cannot start", argv[0], errno);
  }
  int err = 0;
  ssize_t n;
  while ((n = ::read(report[0], &err, sizeof err)) < 0 && errno == EINTR) {
  }
  ::close(report[0]);
  if (n <= 0) return pid;
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  return Error{std::error_code(err, std::system_category()), "cannot run " + argv[0]};
}

int cannot_run_status(const Error& error) {
  return error.code == std::error_code(ENOENT, std::system_category()) ? 127 : 126;
}

std::optional<int> reap(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) != pid) return std::nullopt;
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

PidFile::~PidFile() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

Result<void> PidFile::write(const std::string& path, pid_t pid) {
  if (path.empty()) return success();
  const std::string text = std::to_string(pid) + "\n";
  KRBKIT_CHECK(fileio::replace_atomically(path, as_bytes(text), Errc::io));
  path_ = path;
  return success();
}

}  // namespace krbkit::cli
