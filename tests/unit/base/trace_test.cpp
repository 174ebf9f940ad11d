// KRB5_TRACE output.
#include "krbkit/base/trace.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {
struct CountsFormatting {
  int* count;
};
}  // namespace

template <>
struct fmt::formatter<CountsFormatting> : fmt::formatter<int> {
  auto format(const CountsFormatting& c, fmt::format_context& ctx) const {
    ++*c.count;
    return fmt::formatter<int>::format(*c.count, ctx);
  }
};

TEST_CASE("an off tracer does not format its arguments") {
  int count = 0;
  krbkit::Tracer off;
  CHECK_FALSE(off.enabled());
  off("value {}", CountsFormatting{&count});
  CHECK(count == 0);
  auto on = krbkit::Tracer::to_callback([](std::string_view) {});
  on("value {}", CountsFormatting{&count});
  CHECK(count == 1);
}

TEST_CASE("lines look like MIT's trace") {
  CHECK(krbkit::Tracer::format_line("Sending request (212 bytes) to KRBKIT.TEST", 4242, 1700000000, 123) ==
        "[4242] 1700000000.000123: Sending request (212 bytes) to KRBKIT.TEST\n");
}

TEST_CASE("a callback tracer receives messages in order") {
  std::vector<std::string> seen;
  auto t = krbkit::Tracer::to_callback([&](std::string_view m) { seen.emplace_back(m); });
  CHECK(t.enabled());
  t("first {}", 1);
  auto copy = t;
  copy("second {}", "two");
  CHECK(seen == std::vector<std::string>{"first 1", "second two"});
}

TEST_CASE("a file tracer appends timestamped lines") {
  char path[] = "/tmp/krbkit-trace-XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  {
    auto t = krbkit::Tracer::to_file(path);
    REQUIRE(t.enabled());
    t("Resolving hostname {}", "kdc.krbkit.test");
    t("Received answer ({} bytes) from {}", 600, "dgram 127.0.0.1:88");
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::remove(path);
  std::regex line(R"(\[(\d+)\] \d{10}\.\d{6}: (.*))");
  std::string l;
  std::vector<std::string> messages;
  while (std::getline(text, l)) {
    std::smatch m;
    REQUIRE(std::regex_match(l, m, line));
    CHECK(std::stol(m[1]) == ::getpid());
    messages.push_back(m[2]);
  }
  CHECK(messages == std::vector<std::string>{"Resolving hostname kdc.krbkit.test",
                                             "Received answer (600 bytes) from dgram 127.0.0.1:88"});
  CHECK_FALSE(krbkit::Tracer::to_file("/nonexistent/dir/trace").enabled());
}
