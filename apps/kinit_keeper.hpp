#pragma once
// The state of kinit --keep-renewed's loop (kinit_keep.cpp): the schedule,
// the cache kept, the command and its private cache, the pid files.

#include <fmt/format.h>
#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "common/child.hpp"
#include "kinit_keep.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/keep_alive.hpp"

namespace krbkit::kinit {

// The command's private cache, destroyed when the command is done.
struct PrivateCache {
  std::unique_ptr<ccache::Cache> cache;
  ~PrivateCache() {
    if (cache) (void)cache->destroy();
  }
};

class Keeper {
 public:
  Keeper(const KeepOptions& keep, const KeepRequest& request, const Acquire& acquire, double renew_at)
      : keep_(keep),
        request_(request),
        acquire_(acquire),
        schedule_(policy(renew_at, request.use_keytab), jitter()) {}
  Result<int> run();

 private:
  static exchange::KeepAlivePolicy policy(double renew_at, bool keytab) {
    exchange::KeepAlivePolicy p;
    p.renew_at = renew_at;
    p.can_reacquire = keytab;
    return p;
  }
  static std::function<double()> jitter() {
    return [engine = std::mt19937_64(std::random_device{}())]() mutable {
      return std::uniform_real_distribution<double>(0, 1)(engine);
    };
  }
  bool has_command() const { return !keep_.command.empty(); }
  Result<void> start();
  Result<std::string> make_private_cache();
  Result<Credentials> read_tgt() const;
  Result<Credentials> renew_or_reacquire(bool renew);
  void attempt(exchange::KeepAliveAction action);
  std::optional<int> on_signal(const cli::Signals::Event& event);
  std::optional<int> give_up(exchange::GiveUpReason reason);
  void say(const std::string& line) const { fmt::print(stderr, "kinit: {}\n", line); }

  const KeepOptions& keep_;
  const KeepRequest& request_;
  const Acquire& acquire_;
  exchange::KeepAliveSchedule schedule_;
  std::optional<cli::Signals> signals_;  // blocked once the ticket is got: a password prompt keeps Ctrl-C
  PrivateCache private_;
  cli::PidFile pid_file_, command_pid_file_;
  std::optional<config::Profile> profile_;
  Tracer trace_ = Tracer::from_process();
  std::string cache_name_, principal_;
  pid_t child_ = 0;
  bool renewing_ = true;  // false once a command's ticket can no longer be kept alive
  Error last_error_;
  std::optional<Error> cannot_run_;  // the command's exec failed: a shell's 126 or 127
};

}  // namespace krbkit::kinit
