#pragma once
// kinit --keep-renewed's decisions, without I/O or a clock of its own: when
// to renew a TGT, when to get a new one from a keytab instead, how long to
// wait after a failure, and when to give up. The caller (apps/kinit_keep.cpp)
// owns the clock, the sleeping, the KDC exchanges and the signals:
//
//   KeepAliveSchedule schedule(policy, random01);
//   schedule.obtained(KeptTicket::of(tgt), now());
//   for (;;) {
//     auto step = schedule.next(now());
//     switch (step.action) {
//       case KeepAliveAction::wait: sleep until step.at (or a signal); break;
//       case KeepAliveAction::renew:      // and reacquire: one exchange, then
//         ok ? schedule.obtained(...) : schedule.failed(now(), is_transient(error));
//       case KeepAliveAction::give_up: exit with step.reason's status;
//     }
//   }
//
// The rules:
//   - a renewal is due when `renew_at` of the ticket's lifetime has passed
//     (0.8: 80 %), moved by up to ± `jitter` of the lifetime at random, so
//     that many clients started together do not renew together;
//   - when the due ticket is renewable and its renew-till lies beyond its
//     end, it is renewed; else (renewable life used up, or not renewable) a
//     new ticket is got from the keytab when there is one, else give up
//     (renewable_life_ended) while the ticket is still valid;
//   - a transient failure (no KDC answered, a timeout, a busy KDC) is tried
//     again after a delay that doubles from `first_retry` up to `max_retry`,
//     but never more than half the ticket's remaining validity (at least
//     one second), so that several attempts fit before it expires; the
//     schedule never gives up on a transient failure while the ticket is
//     valid, nor ever when it can re-acquire from a keytab;
//   - a ticket that expired without a renewal ends the schedule (expired)
//     unless a keytab can give a new one; any other failure ends it at once
//     (failed).

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "krbkit/base/error.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/proto/basic_types.hpp"
#include "krbkit/proto/credentials.hpp"

namespace krbkit::exchange {

// The times of the ticket kept alive.
struct KeptTicket {
  KerberosTime start{};       // when it became valid
  KerberosTime end{};         // when it expires
  KerberosTime renew_till{};  // zero: not renewable
  static KeptTicket of(const Credentials& creds);
};

struct KeepAlivePolicy {
  double renew_at = 0.8;       // fraction of the lifetime after which to renew (0 < x < 1)
  double jitter = 0.05;        // ± this fraction of the lifetime, at random
  bool can_reacquire = false;  // a keytab gives new tickets (kinit -k)
  std::chrono::seconds first_retry{2};
  std::chrono::seconds max_retry{300};
};

enum class KeepAliveAction { wait, renew, reacquire, give_up };

enum class GiveUpReason {
  none,
  renewable_life_ended,  // cannot be renewed any further and there is no keytab
  expired,               // expired before a renewal succeeded, and there is no keytab
  failed,                // a failure that trying again will not cure
};

struct KeepAliveStep {
  KeepAliveAction action = KeepAliveAction::wait;
  KerberosTime at{};  // wait: until then; otherwise now
  GiveUpReason reason = GiveUpReason::none;
};

class KeepAliveSchedule {
 public:
  // `random` gives a number in [0, 1) for the jitter (tests pass a fixed one).
  KeepAliveSchedule(KeepAlivePolicy policy, std::function<double()> random);

  // A ticket was got, renewed or found: plans its renewal, forgets failures.
  void obtained(const KeptTicket& ticket, KerberosTime now);
  // The renewal or re-acquisition just tried failed; `transient`: worth
  // trying again (is_transient).
  void failed(KerberosTime now, bool transient);
  // Renew at once (SIGALRM, as krenew).
  void renew_now(KerberosTime now);

  // What to do at `now`.
  KeepAliveStep next(KerberosTime now) const;

  // No renewal and no keytab can follow the present ticket: it is the last
  // one (kinit warns at once when that is the first ticket: no -r given).
  bool last_ticket() const { return !policy_.can_reacquire && ticket_.renew_till <= ticket_.end; }
  const KeptTicket& ticket() const { return ticket_; }
  int failures() const { return failures_; }
  // When the next attempt is planned.
  KerberosTime due() const { return due_; }

 private:
  KeepAlivePolicy policy_;
  std::function<double()> random_;
  KeptTicket ticket_;
  KerberosTime due_{};
  int failures_ = 0;
  bool failed_for_good_ = false;
};

// Whether trying again later may cure `error`: no KDC answered, a timeout,
// other I/O, or a KDC that says it is unavailable or failed generically.
bool is_transient(const Error& error);

// kinit --renew-at: "80", "80%" (percent of the lifetime, 1 to 99) or
// "0.8"; Errc::invalid_argument otherwise.
Result<double> parse_renew_at(std::string_view text);

// The line kinit --keep-renewed prints after it got a ticket: "renewed the
// ticket of alice@R: valid until 2026-12-06 13:40:00 UTC, next renewal at
// ..." (times in UTC).
enum class KeptHow { got, renewed, from_keytab };
std::string kept_text(KeptHow how, const std::string& principal, const KeptTicket& ticket, KerberosTime next);
// After a failed attempt that will be tried again at `next`.
std::string retry_text(std::string_view what, const std::string& principal, const Error& error,
                       KerberosTime next);

// The user's line for a schedule that gave up, naming the `principal` and
// the ticket's times ("the ticket of alice@R can no longer be renewed: its
// renewable life ends at ...").
std::string give_up_text(GiveUpReason reason, const KeptTicket& ticket, const std::string& principal);

}  // namespace krbkit::exchange
