#pragma once
// Progress of a long kadmin batch, for the person watching a terminal:
//
//   request 1,204 of 5,000, 3 failed, ~12 s left      (one line, redrawn)
//   kadmin: 5,000 requests, 3 failed, 41.2 s          (at the end)
//
// Shown only when stderr is a terminal and the requests do not come from
// one (a file or a pipe), and not with --quiet: scripts reading stderr see
// exactly what they saw before. The total is known when the input is a
// regular file (its lines are counted without reading them from stdin).

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace krbkit::shell {

class BatchProgress {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Writer = std::function<void(std::string_view)>;

  // Draws with `write` (raw text: "\r", "\033[K" included); `total` lines
  // when known. A disabled progress draws nothing at all.
  BatchProgress(bool enabled, std::optional<std::size_t> total, Writer write,
                Clock now = std::chrono::steady_clock::now);

  // For kadmin's standard input and stderr; `quiet` turns it off.
  static BatchProgress for_stdin(bool quiet);

  // One request finished (the progress line is redrawn at most ten times a
  // second, and always for the first).
  void request_done(bool failed);
  // Erases the progress line, so an error line can be written in its place.
  void clear();
  // Erases the line and writes the summary.
  void finish();

  bool enabled() const { return enabled_; }

 private:
  std::string line() const;

  bool enabled_;
  std::optional<std::size_t> total_;
  Writer write_;
  Clock now_;
  std::chrono::steady_clock::time_point start_, last_draw_{};
  std::size_t done_ = 0, failed_ = 0;
  bool drawn_ = false;
};

// "1,204": digits grouped in thousands, as the progress line shows counts.
std::string grouped(std::size_t n);

}  // namespace krbkit::shell
