#include "realm/kdcproxy.hpp"

#include <cstdlib>

namespace krbkit::test {
namespace {

std::string script() {
  const char* from_env = std::getenv("KRBKIT_KDCPROXY_SH");
  return from_env != nullptr ? from_env : KRBKIT_KDCPROXY_SH;
}

}  // namespace

KdcProxy::KdcProxy(const Realm& realm)
    : server_(script(), "krbkit-kdcproxy",
              {"--realm", realm.name(), "--kdc", "127.0.0.1:" + std::to_string(realm.kdc_port()), "--kpasswd",
               "127.0.0.1:" + std::to_string(realm.kpasswd_port())},
              "kdcproxy.env") {}

}  // namespace krbkit::test
