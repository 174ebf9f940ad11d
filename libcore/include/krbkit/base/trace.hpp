#pragma once
// KRB5_TRACE-style tracing: one readable line per step, as MIT writes them:
//
//   [12345] 1700000000.123456: Sending request (212 bytes) to KRBKIT.TEST
//
// A default-constructed Tracer is off; a call then costs one pointer test
// (the arguments are not formatted). Tracers are cheap to copy and share one
// output. Never pass key bytes or passwords: SecretBytes is refused at
// compile time, and callers trace enctypes and salts, not keys.

#include <fmt/format.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "krbkit/base/secret.hpp"

namespace krbkit {

class Tracer {
 public:
  using Callback = std::function<void(std::string_view message)>;

  Tracer() = default;  // off

  // Appends to `path` (created 0600 if missing; "/dev/stderr" works). A file
  // that cannot be opened gives an off tracer, as MIT silently does.
  static Tracer to_file(const std::string& path);
  // From KRB5_TRACE (read with secure_getenv); off when unset.
  static Tracer from_process();
  // Hands each message (without the "[pid] time: " prefix) to `callback`:
  // for tests and for tools that show progress.
  static Tracer to_callback(Callback callback);

  bool enabled() const { return impl_ != nullptr; }

  template <class... Args>
  void operator()(fmt::format_string<Args...> format, Args&&... args) const {
    static_assert((!std::is_same_v<std::decay_t<Args>, SecretBytes> && ...), "secrets must never be traced");
    if (!impl_) return;
    emit(fmt::format(format, std::forward<Args>(args)...));
  }

  void emit(std::string_view message) const;

  // "[pid] seconds.micros: message\n".
  static std::string format_line(std::string_view message, long pid, long long seconds, long micros);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace krbkit
