#include "realm/dns.hpp"

#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "realm/realm.hpp"

namespace krbkit::test {
namespace {

std::string script() {
  const char* from_env = std::getenv("KRBKIT_DNS_SH");
  return from_env != nullptr ? from_env : KRBKIT_DNS_SH;
}

}  // namespace

DnsServer::DnsServer(const std::string& records) : dir_(make_temp_dir("krbkit-dns")) {
  std::ofstream(dir_ + "/records.conf") << records;
  RunResult r = run_process({"bash", script(), "start", dir_, "--owner", std::to_string(::getpid())});
  if (!r.ok()) {
    run_process({"bash", script(), "stop", dir_});
    throw std::runtime_error("cannot start dnsmasq in " + dir_ + ": " + r.err);
  }
  auto values = read_env_file(dir_ + "/dns.env");
  address_ = values.at("DNS_ADDRESS");
  resolv_conf_ = values.at("RESOLV_CONF");
}

DnsServer::~DnsServer() {
  try {
    run_process({"bash", script(), "stop", dir_}, {}, {}, std::chrono::seconds(30));
    std::error_code ec;
    if (std::getenv("KRBKIT_KEEP_REALM") == nullptr) std::filesystem::remove_all(dir_, ec);
  } catch (...) {
    // The watchdog stops dnsmasq anyway.
  }
}

std::string DnsServer::log() const {
  std::ifstream in(dir_ + "/dnsmasq.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string uri_record(std::string_view name, std::uint16_t priority, std::uint16_t weight,
                       std::string_view target) {
  std::string hex = fmt::format("{:04x}{:04x}", priority, weight);
  for (unsigned char c : target) hex += fmt::format("{:02x}", c);
  return fmt::format("dns-rr={},256,{}", name, hex);
}

void use_resolv_conf(const std::string& path) {
  if (::unshare(CLONE_NEWNS) != 0)
    throw std::system_error(errno, std::generic_category(), "unshare(CLONE_NEWNS)");
  // Private propagation first, or the bind mount would reach the parent namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    throw std::system_error(errno, std::generic_category(), "mount --make-rprivate /");
  if (::mount(path.c_str(), "/etc/resolv.conf", nullptr, MS_BIND, nullptr) != 0)
    throw std::system_error(errno, std::generic_category(), "bind-mount " + path + " on /etc/resolv.conf");
}

}  // namespace krbkit::test
