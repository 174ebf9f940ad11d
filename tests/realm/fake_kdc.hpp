#pragma once
// A fake KDC for fault tests, and the krb5.conf that points a realm at it.

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "realm/realm.hpp"

namespace krbkit::test {

// A UDP+TCP port on 127.0.0.1 that is free now (and left closed).
int free_port();

// A krb5.conf of our own for `realm`, with these KDC lines ("host:port")
// and `libdefaults` added to [libdefaults].
std::string write_kdc_config(Realm& realm, const std::vector<std::string>& kdcs,
                             const std::string& libdefaults = {});

// A fake KDC on 127.0.0.1: reads UDP requests (and accepts TCP connections)
// and either never answers or answers each UDP request with `answer`.
class FakeKdc {
 public:
  explicit FakeKdc(std::optional<std::string> answer = std::nullopt);
  ~FakeKdc();
  FakeKdc(const FakeKdc&) = delete;
  FakeKdc& operator=(const FakeKdc&) = delete;
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

 private:
  std::optional<std::string> answer_;
  int port_ = 0, udp_ = -1, tcp_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace krbkit::test
