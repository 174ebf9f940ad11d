#include "krbkit/base/trace.hpp"

#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "krbkit/base/environment.hpp"

namespace krbkit {

struct Tracer::Impl {
  int fd = -1;
  Callback callback;
  ~Impl() {
    if (fd >= 0) ::close(fd);
  }
};

Tracer Tracer::to_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return {};
  Tracer t;
  t.impl_ = std::make_shared<Impl>();
  t.impl_->fd = fd;
  return t;
}

Tracer Tracer::from_process() {
  auto path = Environment::from_process().krb5_trace;
  if (!path || path->empty()) return {};
  return to_file(*path);
}

Tracer Tracer::to_callback(Callback callback) {
  Tracer t;
  t.impl_ = std::make_shared<Impl>();
  t.impl_->callback = std::move(callback);
  return t;
}

std::string Tracer::format_line(std::string_view message, long pid, long long seconds, long micros) {
  return fmt::format("[{}] {}.{:06d}: {}\n", pid, seconds, micros, message);
}

void Tracer::emit(std::string_view message) const {
  if (!impl_) return;
  if (impl_->callback) {
    impl_->callback(message);
    return;
  }
  timeval now{};
  ::gettimeofday(&now, nullptr);
  std::string line = format_line(message, static_cast<long>(::getpid()), now.tv_sec, now.tv_usec);
  // One write per line, so lines from several processes do not interleave.
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(impl_->fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace krbkit
