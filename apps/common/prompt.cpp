#include "common/prompt.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/line_editor.hpp"

namespace krbkit::cli {

namespace {
constexpr std::size_t kMaxSecret = 4096;

// Closes a descriptor on scope exit.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};
}  // namespace

Result<SecretBytes> read_secret_line(int fd, const std::string& what) {
  SecretBytes line(kMaxSecret);
  std::size_t n = 0;
  bool any = false;
  for (;;) {
    char c = 0;
    ssize_t got = ::read(fd, &c, 1);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Error{Errc::io, what + ": " + std::strerror(errno)};
    }
    if (got == 0) break;
    any = true;
    if (c == '\n') break;
    if (n == kMaxSecret) return Error{Errc::invalid_argument, what + ": line longer than 4096 bytes"};
    line[n++] = static_cast<std::uint8_t>(c);
  }
  if (!any) return Error{Errc::cancelled, what + ": no input"};
  if (n > 0 && line[n - 1] == '\r') --n;
  line.resize(n);
  return line;
}

Result<SecretBytes> prompt_secret_no_echo(const std::string& prompt) {
  // The line editor's hidden read: echo off before the prompt shows, nothing
  // typed discarded, and the terminal's mode restored even when Ctrl-C,
  // SIGTERM or SIGHUP ends the read (a plain tcsetattr pair left the
  // terminal without echo after Ctrl-C at kinit's prompt).
  return read_hidden_line(STDIN_FILENO, stdout, prompt);
}

Result<SecretBytes> read_secret(const SecretInput& input, const std::string& prompt) {
  if (!input.file.empty()) {
    if (input.file == "-") return read_secret_line(STDIN_FILENO, "standard input");
    int fd = ::open(input.file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error{Errc::io, "password file " + input.file + ": " + std::strerror(errno)};
    FdCloser closer{fd};
    return read_secret_line(fd, "password file " + input.file);
  }
  if (input.fd >= 0) return read_secret_line(input.fd, "file descriptor " + std::to_string(input.fd));
  if (::isatty(STDIN_FILENO)) return prompt_secret_no_echo(prompt);
  return read_secret_line(STDIN_FILENO, "standard input");
}

}  // namespace krbkit::cli
