#include "common/prompt.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/terminal.hpp"

namespace krbkit::cli {

namespace {
constexpr std::size_t kMaxSecret = 4096;

// Collects a line's bytes: at most kMaxSecret, a final CR dropped.
class LineCollector {
 public:
  LineCollector() : line_(kMaxSecret) {}
  bool add(char c) {
    if (n_ == kMaxSecret) return false;
    line_[n_++] = static_cast<std::uint8_t>(c);
    return true;
  }
  SecretBytes take() && {
    if (n_ > 0 && line_[n_ - 1] == '\r') --n_;
    line_.resize(n_);
    return std::move(line_);
  }

 private:
  SecretBytes line_;
  std::size_t n_ = 0;
};

// A piped answer from the stream the interpreter reads its requests from,
// after the prompt (which MIT's kadmin and ktutil show even then).
Result<SecretBytes> read_shared_line(const std::string& prompt, const PromptStyle& style) {
  std::fputs(prompt.c_str(), style.prompt_to);
  std::fflush(style.prompt_to);
  auto line = read_secret_line(*style.shared_input);
  if (style.newline_when_piped) {
    std::fputs("\n", style.prompt_to);
    std::fflush(style.prompt_to);
  }
  return line;
}
}  // namespace

Result<SecretBytes> read_secret_line(int fd, const std::string& what) {
  LineCollector line;
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
    if (!line.add(c)) return Error{Errc::invalid_argument, what + ": line longer than 4096 bytes"};
  }
  if (!any) return Error{Errc::cancelled, what + ": no input"};
  return std::move(line).take();
}

Result<SecretBytes> read_secret_line(std::istream& in) {
  LineCollector line;
  bool any = false;
  char c = 0;
  while (in.get(c)) {
    any = true;
    if (c == '\n') break;
    line.add(c);  // beyond 4096 bytes the rest of the line is dropped, as the terminal read does
  }
  if (!any) return Error{Errc::cancelled, "no password read"};
  return std::move(line).take();
}

Result<SecretBytes> read_secret(const SecretInput& input, const std::string& prompt,
                                const PromptStyle& style) {
  if (!input.file.empty()) {
    if (input.file == "-") return read_secret_line(STDIN_FILENO, "standard input");
    KRBKIT_TRY(file, SecretLines::open(input.file));
    return read_secret_line(file.fd(), "password file " + input.file);
  }
  if (input.fd >= 0) return read_secret_line(input.fd, "file descriptor " + std::to_string(input.fd));
  // The line editor's hidden read: echo off before the prompt shows, nothing
  // typed discarded, and the terminal's mode restored even when Ctrl-C,
  // SIGTERM or SIGHUP ends the read (a plain tcsetattr pair left the
  // terminal without echo after Ctrl-C at kinit's prompt).
  if (::isatty(STDIN_FILENO)) return read_hidden_line(STDIN_FILENO, style.prompt_to, prompt);
  if (style.shared_input != nullptr) return read_shared_line(prompt, style);
  return read_secret_line(STDIN_FILENO, "standard input");
}

Result<SecretLines> SecretLines::open(const std::string& file) {
  SecretLines lines;
  if (file.empty() || file == "-") return lines;
  lines.fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (lines.fd_ < 0) return Error{Errc::io, "password file " + file + ": " + std::strerror(errno)};
  return lines;
}

SecretLines::~SecretLines() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace krbkit::cli
