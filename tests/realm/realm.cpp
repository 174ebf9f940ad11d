#include "realm/realm.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

extern char** environ;

namespace krbkit::test {
namespace {

using Clock = std::chrono::steady_clock;

std::system_error os_error(const std::string& what) {
  return std::system_error(errno, std::generic_category(), what);
}

// The current environment with `changes` applied, as NAME=VALUE strings.
std::vector<std::string> merged_environment(const EnvChanges& changes) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    vars[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
  }
  for (const auto& [name, value] : changes) {
    if (value) {
      vars[name] = *value;
    } else {
      vars.erase(name);
    }
  }
  std::vector<std::string> out;
  out.reserve(vars.size());
  for (const auto& [name, value] : vars) out.push_back(name + "=" + value);
  return out;
}

// argv[0] resolved against PATH as given in `env` (so that /usr/sbin added
// there is honoured); unchanged if it holds a slash or nothing matches.
std::string resolve(const std::string& program, const std::vector<std::string>& env) {
  if (program.find('/') != std::string::npos) return program;
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& e : env) {
    if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string candidate = path.substr(start, end - start);
    candidate = (candidate.empty() ? "." : candidate) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return program;
}

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0) throw os_error("pipe2");
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (fd[0] >= 0) ::close(fd[0]);
    fd[0] = -1;
  }
  void close_write() {
    if (fd[1] >= 0) ::close(fd[1]);
    fd[1] = -1;
  }
};

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// Parses the env file realm.sh writes: lines `export NAME='value'`.
std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string script_for(RealmKind kind) {
  return kind == RealmKind::mit ? env_or("KRBKIT_REALM_SH", KRBKIT_REALM_SH)
                                : env_or("KRBKIT_HEIMDAL_SH", KRBKIT_HEIMDAL_SH);
}

}  // namespace

std::map<std::string, std::string> read_env_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the realm's env file " + path);
  std::map<std::string, std::string> values;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("export ", 0) == 0) line.erase(0, 7);
    auto eq = line.find('=');
    if (eq == std::string::npos) throw std::runtime_error(path + ": not NAME=VALUE: " + line);
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'')
      value = value.substr(1, value.size() - 2);
    values[line.substr(0, eq)] = value;
  }
  return values;
}

std::string make_temp_dir(std::string_view stem) {
  std::string base = env_or("TMPDIR", "/tmp") + "/" + std::string(stem) + "-XXXXXX";
  std::vector<char> templ(base.begin(), base.end());
  templ.push_back('\0');
  if (!::mkdtemp(templ.data())) throw os_error("mkdtemp " + base);
  return templ.data();
}

RunResult run_process(const std::vector<std::string>& argv, const EnvChanges& env, std::string_view input,
                      std::chrono::milliseconds timeout) {
  if (argv.empty()) throw std::invalid_argument("run_process: empty command");
  std::vector<std::string> env_strings = merged_environment(env);
  std::string program = resolve(argv[0], env_strings);
  std::vector<char*> c_argv;
  for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  std::vector<char*> c_env;
  for (const auto& e : env_strings) c_env.push_back(const_cast<char*>(e.c_str()));
  c_env.push_back(nullptr);

  // A command that exits without reading its input must not kill the test
  // binary with SIGPIPE: writes then fail with EPIPE instead.
  static const bool sigpipe_ignored = [] { return ::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  (void)sigpipe_ignored;

  Pipe in, out, err;
  pid_t pid = ::fork();
  if (pid < 0) throw os_error("fork");
  if (pid == 0) {
    // Child: own process group (so a timeout kills everything it started).
    ::setpgid(0, 0);
    ::signal(SIGPIPE, SIG_DFL);
    ::dup2(in.fd[0], 0);
    ::dup2(out.fd[1], 1);
    ::dup2(err.fd[1], 2);
    ::execve(program.c_str(), c_argv.data(), c_env.data());
    const char* msg = "run_process: cannot execute ";
    (void)!::write(2, msg, std::strlen(msg));
    (void)!::write(2, program.c_str(), program.size());
    (void)!::write(2, "\n", 1);
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  in.close_read();
  out.close_write();
  err.close_write();
  if (input.empty()) in.close_write();
  if (in.fd[1] >= 0) ::fcntl(in.fd[1], F_SETFL, O_NONBLOCK);

  RunResult result;
  const auto deadline = Clock::now() + timeout;
  bool timed_out = false;
  size_t written = 0;
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    std::vector<pollfd> fds;
    if (out.fd[0] >= 0) fds.push_back({out.fd[0], POLLIN, 0});
    if (err.fd[0] >= 0) fds.push_back({err.fd[0], POLLIN, 0});
    if (in.fd[1] >= 0) fds.push_back({in.fd[1], POLLOUT, 0});
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    int n = ::poll(fds.data(), fds.size(), static_cast<int>(left));
    if (n < 0 && errno != EINTR) throw os_error("poll");
    for (const auto& p : fds) {
      if (!p.revents) continue;
      if (p.fd == in.fd[1]) {
        ssize_t w = ::write(p.fd, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 && errno != EAGAIN && errno != EINTR) written = input.size();  // reader gone
        if (written == input.size()) in.close_write();
        continue;
      }
      char buf[65536];
      ssize_t r = ::read(p.fd, buf, sizeof buf);
      if (r > 0) {
        (p.fd == out.fd[0] ? result.out : result.err).append(buf, static_cast<size_t>(r));
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        (p.fd == out.fd[0] ? out : err).close_read();
      }
    }
  }
  in.close_write();

  int status = 0;
  while (true) {
    pid_t w = ::waitpid(pid, &status, timed_out ? 0 : WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) throw os_error("waitpid");
    if (timed_out) continue;
    if (Clock::now() >= deadline) {
      timed_out = true;
      ::kill(-pid, SIGKILL);
      continue;
    }
    ::usleep(2000);
  }
  if (timed_out) {
    ::kill(-pid, SIGKILL);
    result.exit_code = 124;
    result.err += "\n[run_process: " + argv[0] + " timed out]\n";
  } else {
    result.exit_code = decode_status(status);
  }
  return result;
}

std::string krbkit_tool(std::string_view name) {
  return env_or("KRBKIT_BIN_DIR", KRBKIT_REALM_BIN_DIR) + "/" + std::string(name);
}

std::optional<std::string> heimdal_unavailable() {
  static std::once_flag once;
  static std::optional<std::string> reason;
  std::call_once(once, [] {
    // heimdal.sh exits 3 when apt-get cannot download the packages; any
    // other failure is a real error the tests should report.
    RunResult r =
        run_process({"bash", script_for(RealmKind::heimdal), "fetch"}, {}, {}, std::chrono::minutes(5));
    if (r.exit_code == 3) {
      // CI sets KRBKIT_REQUIRE_HEIMDAL: there the Heimdal interop tests must
      // run, not pass by skipping.
      if (!env_or("KRBKIT_REQUIRE_HEIMDAL", "").empty())
        throw std::runtime_error("KRBKIT_REQUIRE_HEIMDAL is set, but Heimdal cannot be had: " + r.err);
      reason = "Heimdal packages cannot be downloaded here: " + r.err;
    } else if (!r.ok()) {
      throw std::runtime_error("heimdal.sh fetch failed (exit " + std::to_string(r.exit_code) +
                               "): " + r.err);
    }
  });
  return reason;
}

Realm::Realm(RealmKind kind, std::string name) : Realm(kind, std::move(name), {}) {}

Realm::Realm(RealmKind kind, std::string name, std::vector<std::string> extra_args)
    : kind_(kind), script_(script_for(kind)) {
  dir_ = make_temp_dir("krbkit-realm");

  std::vector<std::string> cmd = {"bash", script_, "start", dir_, "--owner", std::to_string(::getpid())};
  if (!name.empty()) {
    cmd.push_back("--name");
    cmd.push_back(name);
  }
  cmd.insert(cmd.end(), extra_args.begin(), extra_args.end());
  RunResult r = run_process(cmd, {}, {}, std::chrono::minutes(3));
  started_ = true;  // stop() even after a partial start
  if (!r.ok()) {
    std::string detail = r.err.empty() ? r.out : r.err;
    stop();
    throw std::runtime_error("cannot start a test realm in " + dir_ + " (" + script_ + " exit " +
                             std::to_string(r.exit_code) + "): " + detail);
  }
  try {
    values_ = read_env_file(dir_ + "/env");
  } catch (...) {
    stop();
    throw;
  }
}

Realm::~Realm() { stop(); }

void Realm::stop() noexcept {
  if (!started_) return;
  started_ = false;
  try {
    run_process({"bash", script_, "stop", dir_}, {}, {}, std::chrono::seconds(30));
    if (env_or("KRBKIT_KEEP_REALM", "").empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  } catch (...) {
    // Destructors must not throw; the watchdog stops the daemons anyway.
  }
}

Realm& Realm::shared() {
  static Realm realm(RealmKind::mit);
  return realm;
}

Realm* Realm::shared_heimdal() {
  if (heimdal_unavailable()) return nullptr;
  static Realm realm(RealmKind::heimdal);
  return &realm;
}

const std::string& Realm::get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::out_of_range("the realm in " + dir_ + " has no value " + key);
  return it->second;
}

int Realm::kdc_port() const { return std::stoi(get("KDC_PORT")); }
int Realm::kadmin_port() const { return std::stoi(get("KADMIN_PORT")); }
int Realm::kpasswd_port() const { return std::stoi(get("KPASSWD_PORT")); }

std::string Realm::principal(std::string_view name) const {
  std::string p(name);
  if (p.find('@') == std::string::npos) p += "@" + this->name();
  return p;
}

const std::string& Realm::password(std::string_view user) const {
  std::string key = upper(user);
  if (key == "ADMIN/ADMIN") key = "ADMIN";
  return get(key + "_PASSWORD");
}

std::string Realm::service_for(std::string_view enctype) const {
  const std::string& list = get("SERVICES");
  std::string prefix = std::string(enctype) + "=";
  size_t start = 0;
  while (start < list.size()) {
    size_t end = list.find(' ', start);
    if (end == std::string::npos) end = list.size();
    std::string_view item(list.data() + start, end - start);
    if (item.substr(0, prefix.size()) == prefix) return std::string(item.substr(prefix.size()));
    start = end + 1;
  }
  throw std::out_of_range("the realm in " + dir_ + " has no service principal for enctype " +
                          std::string(enctype));
}

std::vector<std::string> Realm::service_enctypes() const {
  std::vector<std::string> out;
  const std::string& list = get("SERVICES");
  size_t start = 0;
  while (start < list.size()) {
    size_t end = list.find(' ', start);
    if (end == std::string::npos) end = list.size();
    std::string item = list.substr(start, end - start);
    if (auto eq = item.find('='); eq != std::string::npos) out.push_back(item.substr(0, eq));
    start = end + 1;
  }
  return out;
}

std::string Realm::fresh_ccache() { return "FILE:" + fresh_path("cc"); }

std::string Realm::fresh_path(std::string_view stem) {
  return dir_ + "/" + std::string(stem) + "-" + std::to_string(++counter_);
}

EnvChanges Realm::environment() const {
  EnvChanges env;
  for (const auto& [key, value] : values_) env[key] = value;
  env["PATH"] = env_or("PATH", "/usr/local/bin:/usr/bin:/bin") + ":/usr/sbin:/sbin";
  return env;
}

RunResult Realm::run(const std::vector<std::string>& argv, const EnvChanges& env,
                     std::string_view input) const {
  EnvChanges all = environment();
  for (const auto& [key, value] : env) all[key] = value;
  return run_process(argv, all, input);
}

RunResult Realm::sh(const std::string& command, const EnvChanges& env, std::string_view input) const {
  return run({"bash", "-c", command}, env, input);
}

RunResult Realm::kadmin_local(std::string_view commands) const {
  if (kind_ == RealmKind::mit) return run({"kadmin.local", "-r", name()}, {}, commands);
  return run({get("HEIMDAL_BIN") + "/kadmin", "-l", "-r", name()}, {}, commands);
}

std::vector<std::string> mit_preauth_config_lines(const Realm& realm, const std::string& cache) {
  RunResult r = realm.run({"/usr/bin/klist", "-C", cache});
  if (!r.ok()) throw std::runtime_error("MIT's klist -C " + cache + " failed: " + r.err);
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (line.find("config: pa_type") != std::string::npos ||
        line.find("config: fast_avail") != std::string::npos)
      lines.push_back(line.substr(line.find("config:")));
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace krbkit::test
