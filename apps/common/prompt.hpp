#pragma once
// The one way the tools read secrets (passwords, hex keys): from the terminal
// without echo, from a file or descriptor the options name, or from standard
// input when it is not a terminal (scripts pipe the password in). Every path
// reads byte by byte into SecretBytes, so no unwiped copy of a secret is left
// in a std::string.

#include <cstdio>
#include <istream>
#include <string>
#include <utility>

#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"

namespace krbkit::cli {

// Where a password comes from, as the options chose it.
struct SecretInput {
  std::string file;  // --password-file: a path, or "-" for standard input
  int fd = -1;       // --password-fd
};

// How a program asks. The defaults are kinit's and kpasswd's: the prompt on
// standard output, and a piped answer read unbuffered from descriptor 0 with
// no prompt shown. An interpreter that reads its requests from std::cin
// (kadmin, ktutil) sets `shared_input` so the secret is the next line of that
// same stream; then the prompt shows even when piped, as MIT's tools do.
struct PromptStyle {
  std::FILE* prompt_to = stdout;
  std::istream* shared_input = nullptr;
  bool newline_when_piped = false;  // MIT's ktutil ends the prompt line itself
};

// The first line of `fd` (without the line end). Errc::cancelled naming
// `what` when the input ends before any byte.
Result<SecretBytes> read_secret_line(int fd, const std::string& what);

// The next line of `in`, read character by character into wiping storage.
// Errc::cancelled when the stream ends before any character.
Result<SecretBytes> read_secret_line(std::istream& in);

// --password-file / --password-fd if given, else the terminal with `prompt`
// (echo off, restored even at Ctrl-C) when standard input is one, else the
// first line of standard input as `style` says.
Result<SecretBytes> read_secret(const SecretInput& input, const std::string& prompt,
                                const PromptStyle& style = {});

// A secret the options do not name a source for: read_secret with no file or
// descriptor.
inline Result<SecretBytes> prompt_secret(const std::string& prompt, const PromptStyle& style = {}) {
  return read_secret({}, prompt, style);
}

// The lines of a --password-file in turn (kpasswd: the old password, the new
// one, the new one again); without one ("" or "-"), read_secret's terminal
// or standard input.
class SecretLines {
 public:
  static Result<SecretLines> open(const std::string& file);
  SecretLines() = default;
  SecretLines(SecretLines&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  SecretLines& operator=(SecretLines&&) = delete;
  ~SecretLines();
  Result<SecretBytes> read(const std::string& prompt) const { return read_secret({"", fd_}, prompt); }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

}  // namespace krbkit::cli
