#include "realm/kcm.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <stdexcept>
#include <vector>

#include "realm/realm.hpp"

namespace krbkit::test {
namespace {

std::string script() {
  const char* from_env = std::getenv("KRBKIT_KCM_SH");
  return from_env != nullptr ? from_env : KRBKIT_KCM_SH;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

sockaddr_un address_of(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) throw std::runtime_error("socket path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

bool read_all(int fd, std::uint8_t* out, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::read(fd, out, size);
    if (n <= 0) return false;
    out += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool write_all(int fd, const std::vector<std::uint8_t>& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// One frame: length(32) then `extra_head` more header bytes and `length` bytes.
bool read_frame(int fd, std::size_t extra_head, std::vector<std::uint8_t>& frame) {
  frame.assign(4 + extra_head, 0);
  if (!read_all(fd, frame.data(), frame.size())) return false;
  const std::uint32_t len = be32(frame.data());
  if (len > (1u << 24)) return false;
  frame.resize(4 + extra_head + len);
  return read_all(fd, frame.data() + 4 + extra_head, len);
}

}  // namespace

KcmDaemon::KcmDaemon(KcmKind kind) : dir_(make_temp_dir("krbkit-kcm")) {
  const std::string name = kind == KcmKind::sssd ? "sssd" : "heimdal";
  RunResult r = run_process({"bash", script(), "start", dir_, name, "--owner", std::to_string(::getpid())},
                            {}, {}, std::chrono::minutes(5));
  if (!r.ok()) {
    run_process({"bash", script(), "stop", dir_});
    throw std::runtime_error("cannot start the " + name + " KCM daemon in " + dir_ + ": " + r.err);
  }
  socket_ = read_env_file(dir_ + "/kcm.env").at("KCM_SOCKET");
}

KcmDaemon::~KcmDaemon() {
  try {
    run_process({"bash", script(), "stop", dir_}, {}, {}, std::chrono::seconds(30));
    std::error_code ec;
    if (std::getenv("KRBKIT_KEEP_REALM") == nullptr) std::filesystem::remove_all(dir_, ec);
  } catch (...) {
    // The watchdog stops the daemon anyway.
  }
}

KcmDaemon* KcmDaemon::shared(KcmKind kind) {
  if (kind == KcmKind::sssd) {
    static KcmDaemon sssd(KcmKind::sssd);
    return &sssd;
  }
  if (heimdal_unavailable()) return nullptr;
  static KcmDaemon heimdal(KcmKind::heimdal);
  return &heimdal;
}

std::string KcmDaemon::krb5_conf(Realm& realm, const std::string& socket, const std::string& extra) const {
  const std::string text = std::regex_replace(slurp(realm.config()), std::regex("\\[libdefaults\\]"),
                                              "[libdefaults]\n  kcm_socket = " + socket + "\n" + extra,
                                              std::regex_constants::format_first_only);
  const std::string path = realm.fresh_path("krb5-kcm.conf");
  std::ofstream(path) << text;
  return path;
}

KcmProxy::KcmProxy(std::string upstream, std::string path, Fault fault, std::uint16_t op)
    : upstream_(std::move(upstream)), path_(std::move(path)), fault_(fault), op_(op) {
  const sockaddr_un addr = address_of(path_);
  listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ::unlink(path_.c_str());
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 16) != 0)
    throw std::runtime_error("cannot listen at " + path_ + ": " + std::strerror(errno));
  thread_ = std::thread([this] { serve(); });
}

KcmProxy::~KcmProxy() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
  thread_.join();
  ::close(listener_);
  ::unlink(path_.c_str());
}

void KcmProxy::serve() {
  std::vector<std::thread> sessions;  // a tool may hold two connections at once
  while (!stopping_) {
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) break;
    sessions.emplace_back([this, client] { session(client); });
  }
  for (auto& s : sessions) s.join();
}

void KcmProxy::session(int client) {
  const sockaddr_un addr = address_of(upstream_);
  const int daemon = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (daemon >= 0 && ::connect(daemon, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
    std::vector<std::uint8_t> request, reply;
    while (read_frame(client, 0, request) && request.size() >= 8) {
      const std::uint16_t op = static_cast<std::uint16_t>((request[6] << 8) | request[7]);
      if (op == op_ && fault_ == Fault::hang_up) break;
      if (op == op_) {  // status 0, then bytes no name, principal or list can be
        reply = {0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
      } else if (!write_all(daemon, request) || !read_frame(daemon, 4, reply)) {
        break;
      }
      if (!write_all(client, reply)) break;
    }
  }
  if (daemon >= 0) ::close(daemon);
  ::close(client);
}

}  // namespace krbkit::test
