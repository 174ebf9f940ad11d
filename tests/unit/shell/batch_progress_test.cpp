// kadmin's batch progress line: what the person at the terminal reads, on a
// clock the test moves.
#include "shell/batch_progress.hpp"

#include <doctest/doctest.h>

#include <string>

using krbkit::shell::BatchProgress;
using krbkit::shell::grouped;
using namespace std::chrono_literals;

namespace {

struct Screen {
  std::string text;
  std::chrono::steady_clock::time_point now{};
  BatchProgress progress(std::optional<std::size_t> total, bool enabled = true) {
    return BatchProgress(
        enabled, total, [this](std::string_view s) { text += s; }, [this] { return now; });
  }
};

}  // namespace

TEST_CASE("counts are grouped in thousands") {
  CHECK(grouped(0) == "0");
  CHECK(grouped(999) == "999");
  CHECK(grouped(1204) == "1,204");
  CHECK(grouped(1234567) == "1,234,567");
}

TEST_CASE("a batch of a known size: request n of total, failures, the time left; a summary at the end") {
  Screen screen;
  auto progress = screen.progress(5000);
  for (int i = 0; i < 1204; ++i) {
    screen.now += 100ms;
    progress.request_done(i % 500 == 0);
  }
  // 1,204 requests in 120.4 s: 3,796 more take ~379 s.
  CHECK(screen.text.substr(screen.text.rfind('\r')) ==
        "\r\033[Krequest 1,204 of 5,000, 3 failed, ~379 s left");
  progress.clear();
  CHECK(screen.text.substr(screen.text.size() - 4) == "\r\033[K");
  screen.text.clear();
  progress.finish();
  CHECK(screen.text == "kadmin: 1,204 requests, 3 failed, 120.4 s\n");
}

TEST_CASE("redrawn at most ten times a second, the first request and after an error line always") {
  Screen screen;
  auto progress = screen.progress(std::nullopt);
  progress.request_done(false);
  CHECK(screen.text == "\r\033[Krequest 1, 0 failed");
  screen.now += 50ms;
  progress.request_done(false);
  CHECK(screen.text == "\r\033[Krequest 1, 0 failed");  // too soon
  progress.clear();                                     // an error line goes here
  screen.text.clear();
  progress.request_done(true);
  CHECK(screen.text == "\r\033[Krequest 3, 1 failed");
}

TEST_CASE("disabled (stderr not a terminal, or --quiet): nothing at all") {
  Screen screen;
  auto progress = screen.progress(10, false);
  progress.request_done(true);
  progress.clear();
  progress.finish();
  CHECK(screen.text.empty());
}
