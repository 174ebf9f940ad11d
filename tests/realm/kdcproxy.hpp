#pragma once
// A throwaway MS-KKDCP proxy (python3-kdcproxy behind gunicorn over TLS,
// tests/realm/kdcproxy.sh) in front of a realm's KDC and password server:
//
//   KdcProxy proxy(realm);       // about a second; stopped in the destructor
//   proxy.url();                 // "https://127.0.0.1:PORT/KdcProxy"
//   proxy.expired_url();         // the same proxy with a certificate that expired in 2020
//   proxy.ca();                  // the CA that signed its certificates (IP:127.0.0.1 only)
//   proxy.other_ca();            // a CA that did not

#include <string>

#include "realm/realm.hpp"
#include "realm/scripted.hpp"

namespace krbkit::test {

class KdcProxy {
 public:
  explicit KdcProxy(const Realm& realm);

  const std::string& url() const { return server_.get("KDCPROXY_URL"); }
  const std::string& expired_url() const { return server_.get("KDCPROXY_EXPIRED_URL"); }
  int port() const { return std::stoi(server_.get("KDCPROXY_PORT")); }
  const std::string& ca() const { return server_.get("KDCPROXY_CA"); }
  const std::string& other_ca() const { return server_.get("KDCPROXY_OTHER_CA"); }
  std::string log() const { return server_.file("kdcproxy.log"); }

 private:
  ScriptedServer server_;
};

}  // namespace krbkit::test
