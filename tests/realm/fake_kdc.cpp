#include "realm/fake_kdc.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace krbkit::test {

namespace {

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  return a;
}

}  // namespace

int free_port() {
  for (int port = 20000 + getpid() % 5000;; ++port) {
    int u = ::socket(AF_INET, SOCK_DGRAM, 0), t = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(port);
    bool ok = ::bind(u, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
              ::bind(t, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(u);
    ::close(t);
    if (ok) return port;
  }
}

std::string write_kdc_config(Realm& realm, const std::vector<std::string>& kdcs,
                             const std::string& libdefaults) {
  std::string path = realm.fresh_path("krb5.conf");
  std::ofstream out(path);
  out << "[libdefaults]\n  default_realm = " << realm.name()
      << "\n  dns_lookup_kdc = false\n  dns_lookup_realm = false\n  rdns = false\n"
      << libdefaults << "\n[realms]\n  " << realm.name() << " = {\n";
  for (const auto& k : kdcs) out << "    kdc = " << k << "\n";
  out << "  }\n";
  return path;
}

FakeKdc::FakeKdc(std::optional<std::string> answer) : answer_(std::move(answer)) {
  port_ = free_port();
  sockaddr_in a = loopback(port_);
  udp_ = ::socket(AF_INET, SOCK_DGRAM, 0);
  tcp_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (::bind(udp_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::bind(tcp_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(tcp_, 8) != 0)
    throw std::runtime_error("fake KDC: cannot bind 127.0.0.1:" + std::to_string(port_));
  // TCP connections are queued, never answered.
  timeval tv{0, 100000};
  ::setsockopt(udp_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  thread_ = std::thread([this] {
    while (!stop_) {
      char buf[4096];
      sockaddr_in from{};
      socklen_t len = sizeof from;
      ssize_t n = ::recvfrom(udp_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n <= 0) continue;
      ++requests_;
      if (answer_)
        ::sendto(udp_, answer_->data(), answer_->size(), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  });
}

FakeKdc::~FakeKdc() {
  stop_ = true;
  thread_.join();
  ::close(udp_);
  ::close(tcp_);
}

}  // namespace krbkit::test
