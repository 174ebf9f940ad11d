// kadmin's batch progress line (batch_progress.hpp).

#include "shell/batch_progress.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace krbkit::shell {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

// The lines from stdin's current offset to its end, when stdin is a regular
// file; pread leaves the offset (and what std::cin will read) alone.
std::optional<std::size_t> lines_left_in_stdin() {
  struct stat st {};
  if (::fstat(STDIN_FILENO, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  off_t offset = ::lseek(STDIN_FILENO, 0, SEEK_CUR);
  if (offset < 0) return std::nullopt;
  std::size_t lines = 0;
  bool open_line = false;
  char buf[65536];
  for (ssize_t n; (n = ::pread(STDIN_FILENO, buf, sizeof buf, offset)) > 0; offset += n)
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\n') ++lines;
      open_line = buf[i] != '\n';
    }
  return lines + (open_line ? 1 : 0);
}

std::string seconds_text(std::chrono::steady_clock::duration d) {
  return fmt::format("{:.1f} s", std::chrono::duration<double>(d).count());
}

}  // namespace

std::string grouped(std::size_t n) {
  std::string digits = std::to_string(n);
  for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3)
    digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

BatchProgress::BatchProgress(bool enabled, std::optional<std::size_t> total, Writer write, Clock now)
    : enabled_(enabled), total_(total), write_(std::move(write)), now_(std::move(now)), start_(now_()) {}

BatchProgress BatchProgress::for_stdin(bool quiet) {
  const bool enabled = !quiet && ::isatty(STDERR_FILENO) && !::isatty(STDIN_FILENO);
  return BatchProgress(enabled, enabled ? lines_left_in_stdin() : std::nullopt, [](std::string_view s) {
    std::fwrite(s.data(), 1, s.size(), stderr);
    std::fflush(stderr);
  });
}

std::string BatchProgress::line() const {
  std::string text = "request " + grouped(done_);
  if (total_) text += " of " + grouped(*total_);
  text += ", " + grouped(failed_) + " failed";
  if (total_ && done_ > 0 && done_ < *total_) {
    const auto per_request = (now_() - start_) / done_;
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(per_request * (*total_ - done_));
    text += fmt::format(", ~{} s left", left.count());
  }
  return text;
}

void BatchProgress::request_done(bool failed) {
  if (!enabled_) return;
  ++done_;
  if (failed) ++failed_;
  const auto t = now_();
  if (drawn_ && t - last_draw_ < kRedrawEvery) return;
  last_draw_ = t;
  drawn_ = true;
  write_("\r\033[K" + line());
}

void BatchProgress::clear() {
  if (!enabled_ || !drawn_) return;
  write_("\r\033[K");
  drawn_ = false;
}

void BatchProgress::finish() {
  if (!enabled_) return;
  clear();
  write_(fmt::format("kadmin: {} requests, {} failed, {}\n", grouped(done_), grouped(failed_),
                     seconds_text(now_() - start_)));
}

}  // namespace krbkit::shell
