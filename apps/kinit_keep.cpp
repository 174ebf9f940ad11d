// kinit --keep-renewed: libcore's schedule decides, this loop sleeps, renews,
// waits for signals and the command, and cleans up.
#include "kinit_keep.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <memory>
#include <optional>
#include <random>

#include "common/cli.hpp"
#include "kinit_keeper.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/keep_alive.hpp"
#include "krbkit/exchange/login.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::kinit {

namespace {

using namespace std::chrono_literals;
using exchange::GiveUpReason;
using exchange::KeepAliveAction;
using exchange::KeptTicket;

}  // namespace

// A new cache of the default type for the command; with -R it starts as a
// copy of the cache whose ticket is kept (-c, else the default), as krenew's.
Result<std::string> Keeper::make_private_cache() {
  KRBKIT_TRY(default_name, cli::default_ccache_name());
  KRBKIT_TRY(cache, ccache::new_unique(default_name));
  if (cache->type() == "MEMORY")
    return Error{Errc::unsupported, "a MEMORY: cache cannot be handed to a command (KRB5CCNAME=" +
                                        default_name + "); name a FILE: or DIR: one"};
  private_.cache = std::move(cache);
  if (request_.renew) {
    KRBKIT_TRY(source, ccache::open(request_.cache.empty() ? default_name : request_.cache));
    KRBKIT_TRY(contents, source->read());
    KRBKIT_CHECK(private_.cache->write(contents));
  }
  return private_.cache->name();
}

Result<Credentials> Keeper::read_tgt() const {
  KRBKIT_TRY(cache, ccache::open(cache_name_));
  KRBKIT_TRY(contents, cache->read());
  KRBKIT_TRY(tgt, exchange::find_local_tgt(contents, cache_name_));
  return tgt.clone();
}

Result<void> Keeper::start() {
  KRBKIT_TRY(profile, config::load_profile(Environment::from_process()));
  profile_ = std::move(profile);
  std::string target = request_.cache;
  if (has_command() && (target.empty() || request_.renew)) {
    KRBKIT_TRY(name, make_private_cache());
    target = name;
  }
  KRBKIT_TRY(written, acquire_(target, request_.renew));
  cache_name_ = written;
  KRBKIT_TRY(tgt, read_tgt());
  principal_ = unparse_principal(tgt.client);
  schedule_.obtained(KeptTicket::of(tgt), cli::now_seconds());
  if (!keep_.quiet)
    say(exchange::kept_text(request_.renew ? exchange::KeptHow::renewed : exchange::KeptHow::got, principal_,
                            schedule_.ticket(), schedule_.due()));
  if (schedule_.last_ticket())
    say("warning: " +
        exchange::give_up_text(GiveUpReason::renewable_life_ended, schedule_.ticket(), principal_));
  signals_.emplace();
  KRBKIT_CHECK(pid_file_.write(keep_.pid_file, ::getpid()));
  if (!has_command()) return success();
  auto child = cli::spawn(keep_.command, cache_name_, *signals_);
  if (!child.ok()) {
    cannot_run_ = std::move(child).error();
    return success();
  }
  child_ = *child;
  return command_pid_file_.write(keep_.command_pid_file, child_);
}

Result<Credentials> Keeper::renew_or_reacquire(bool renew) {
  if (renew) {
    KRBKIT_TRY(cache, ccache::open(cache_name_));
    return exchange::renew_tgt_in_cache(*profile_, *cache, trace_);
  }
  KRBKIT_TRY(written, acquire_(cache_name_, false));
  (void)written;
  return read_tgt();
}

void Keeper::attempt(KeepAliveAction action) {
  const bool renew = action == KeepAliveAction::renew;
  const auto now = cli::now_seconds();
  auto got = renew_or_reacquire(renew);
  if (got.ok()) {
    schedule_.obtained(KeptTicket::of(*got), cli::now_seconds());
    if (!keep_.quiet)
      say(exchange::kept_text(renew ? exchange::KeptHow::renewed : exchange::KeptHow::from_keytab, principal_,
                              schedule_.ticket(), schedule_.due()));
    return;
  }
  last_error_ = std::move(got).error();
  const bool transient = exchange::is_transient(last_error_);
  schedule_.failed(now, transient);
  if (transient)
    say(exchange::retry_text(renew ? "renewing" : "getting", principal_, last_error_, schedule_.due()));
}

std::optional<int> Keeper::on_signal(const cli::Signals::Event& event) {
  switch (event.signal) {
    case 0:
    case SIGCHLD: return std::nullopt;
    case SIGALRM: schedule_.renew_now(cli::now_seconds()); return std::nullopt;
    default: break;
  }
  if (!has_command()) return cli::kExitOk;  // asked to stop (systemctl stop): a clean end
  // The terminal's Ctrl-C reached the command already: it is in our process group.
  if (!event.from_terminal) ::kill(child_, event.signal);
  return std::nullopt;
}

std::optional<int> Keeper::give_up(GiveUpReason reason) {
  std::string line =
      reason == GiveUpReason::failed
          ? fmt::format("keeping the ticket of {} alive failed: {}", principal_, last_error_.message())
          : exchange::give_up_text(reason, schedule_.ticket(), principal_);
  if (has_command()) {
    say(line + "; the command goes on without renewals");
    renewing_ = false;
    return std::nullopt;
  }
  say(line);
  if (reason == GiveUpReason::renewable_life_ended) return cli::kExitRenewableLifeEnded;
  if (reason == GiveUpReason::expired) return cli::kExitTicketExpired;
  return cli::exit_code_for(last_error_);
}

Result<int> Keeper::run() {
  KRBKIT_CHECK(start());
  if (cannot_run_) {
    say(cannot_run_->message());
    return cli::cannot_run_status(*cannot_run_);
  }
  for (;;) {
    if (child_ != 0)
      if (auto status = cli::reap(child_)) return *status;
    const auto now = cli::now_seconds();
    auto step = renewing_ ? schedule_.next(now) : exchange::KeepAliveStep{KeepAliveAction::wait, now + 60s};
    if (step.action == KeepAliveAction::give_up) {
      if (auto status = give_up(step.reason)) return *status;
    } else if (step.action != KeepAliveAction::wait) {
      attempt(step.action);
    } else {
      // Awake at least once a minute: after a suspend the wall clock has jumped.
      auto left = std::chrono::ceil<std::chrono::milliseconds>(step.at - std::chrono::system_clock::now());
      if (auto status = on_signal(signals_->wait(std::min<std::chrono::milliseconds>(left, 60s))))
        return *status;
    }
  }
}

Result<int> keep_renewed(const KeepOptions& keep, const KeepRequest& request, const Acquire& acquire) {
  KRBKIT_TRY(renew_at, exchange::parse_renew_at(keep.renew_at));
  Keeper keeper(keep, request, acquire, renew_at);
  return keeper.run();
}

}  // namespace krbkit::kinit
