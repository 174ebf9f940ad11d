#include "realm/dns.hpp"

#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace krbkit::test {
namespace {

std::string script() {
  const char* from_env = std::getenv("KRBKIT_DNS_SH");
  return from_env != nullptr ? from_env : KRBKIT_DNS_SH;
}

}  // namespace

DnsServer::DnsServer(const std::string& records)
    : server_(script(), "krbkit-dns", {}, "dns.env", {{"records.conf", records}}) {}

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
