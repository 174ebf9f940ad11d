#pragma once
// Reading secrets for the tools: from the terminal without echo, from the
// first line of standard input when it is not a terminal (scripts pipe the
// password in), from a file, or from an open file descriptor.

#include <string>

#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"

namespace krbkit::cli {

// Where a password comes from, as the options chose it.
struct SecretInput {
  std::string file;  // --password-file: a path, or "-" for standard input
  int fd = -1;       // --password-fd
};

// The first line of `fd` (without the line end). Errc::cancelled naming
// `what` when the input ends before any byte.
Result<SecretBytes> read_secret_line(int fd, const std::string& what);

// Shows `prompt` on the terminal (standard output) and reads a line from it
// with echo turned off; the echo state is restored afterwards.
Result<SecretBytes> prompt_secret_no_echo(const std::string& prompt);

// --password-file / --password-fd if given, else the terminal with `prompt`
// when standard input is one, else the first line of standard input.
Result<SecretBytes> read_secret(const SecretInput& input, const std::string& prompt);

}  // namespace krbkit::cli
