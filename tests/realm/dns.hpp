#pragma once
// A throwaway DNS server (dnsmasq, through tests/realm/dns.sh) and a private
// /etc/resolv.conf for the commands a test runs:
//
//   DnsServer& dns = ...;  // DnsServer{"srv-host=_kerberos._udp.R,kdc.krbkit.test,88,0,0\n..."}
//   use_resolv_conf(dns.resolv_conf());   // this process and its children now ask it
//
// The server listens on port 53 of a private loopback address 127.X.Y.53
// (resolv.conf cannot name a port); use_resolv_conf() moves the test process
// into a mount namespace of its own (unshare) and bind-mounts the file on
// /etc/resolv.conf there, so nothing else on the machine sees it.

#include <cstdint>
#include <string>
#include <string_view>

#include "realm/scripted.hpp"

namespace krbkit::test {

class DnsServer {
 public:
  // `records`: dnsmasq directives (srv-host=, host-record=, txt-record=,
  // dns-rr=). Throws std::runtime_error when dnsmasq does not start.
  explicit DnsServer(const std::string& records);

  const std::string& address() const { return server_.get("DNS_ADDRESS"); }  // "127.X.Y.53"
  const std::string& resolv_conf() const { return server_.get("RESOLV_CONF"); }
  const std::string& dir() const { return server_.dir(); }
  // The queries dnsmasq answered so far (its log-queries lines).
  std::string log() const { return server_.file("dnsmasq.log"); }

 private:
  ScriptedServer server_;
};

// The dnsmasq directive for a URI record (RFC 7553, type 256):
// "dns-rr=NAME,256,<priority weight target in hex>".
std::string uri_record(std::string_view name, std::uint16_t priority, std::uint16_t weight,
                       std::string_view target);

// Makes `path` this process's /etc/resolv.conf, and that of every command it
// starts from now on (a private mount namespace). Throws std::system_error.
void use_resolv_conf(const std::string& path);

}  // namespace krbkit::test
