#include "krbkit/base/path_expand.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "krbkit/base/environment.hpp"

namespace krbkit {
namespace {

// The user name of the effective uid, or the number when it has no passwd entry.
std::string effective_user_name() {
  const uid_t euid = geteuid();
  std::vector<char> buf(4096);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwuid_r(euid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) return found->pw_name;
  return std::to_string(euid);
}

std::string temp_dir() {
  // Like MIT, ignore the environment in a setuid program (secure_getenv).
  auto tmpdir = Environment::from_process().tmpdir;
  if (tmpdir && !tmpdir->empty()) return *tmpdir;
  return "/tmp";
}

Result<std::string> expand_token(std::string_view token) {
  if (token == "uid" || token == "USERID") return std::to_string(getuid());
  if (token == "euid") return std::to_string(geteuid());
  if (token == "username") return effective_user_name();
  if (token == "TEMP") return temp_dir();
  if (token == "null") return std::string();
  if (token == "LIBDIR") return std::string("/usr/lib");
  if (token == "BINDIR") return std::string("/usr/bin");
  if (token == "SBINDIR") return std::string("/usr/sbin");
  return Error{Errc::invalid_argument, "unknown token %{" + std::string(token) + "} in path"};
}

}  // namespace

Result<std::string> expand_path_tokens(std::string_view path) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t begin = path.find("%{", pos);
    if (begin == std::string_view::npos) {
      out.append(path.substr(pos));
      return out;
    }
    out.append(path.substr(pos, begin - pos));
    const std::size_t end = path.find('}', begin + 2);
    if (end == std::string_view::npos)
      return Error{Errc::invalid_argument, "path " + std::string(path) + ": %{ without a closing }"};
    KRBKIT_TRY(value, expand_token(path.substr(begin + 2, end - begin - 2)));
    out += value;
    pos = end + 1;
  }
}

}  // namespace krbkit
