#include "krbkit/exchange/keep_alive.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <string>
#include <utility>

#include "krbkit/base/kdc_err.hpp"

namespace krbkit::exchange {

using std::chrono::seconds;

KeptTicket KeptTicket::of(const Credentials& creds) {
  KerberosTime start = creds.starttime == KerberosTime{} ? creds.authtime : creds.starttime;
  return {start, creds.endtime, creds.renew_till};
}

KeepAliveSchedule::KeepAliveSchedule(KeepAlivePolicy policy, std::function<double()> random)
    : policy_(policy), random_(std::move(random)) {}

void KeepAliveSchedule::obtained(const KeptTicket& ticket, KerberosTime now) {
  ticket_ = ticket;
  failures_ = 0;
  const auto life = std::max(seconds(0), ticket.end - ticket.start);
  const double offset = (2 * random_() - 1) * policy_.jitter;
  const double fraction = std::clamp(policy_.renew_at + offset, 0.0, 1.0);
  // Rounded half up (the product is not negative) without std::llround,
  // whose libm is one more shared library to load at every start.
  const double exact = fraction * static_cast<double>(life.count());
  const auto whole = static_cast<long long>(exact);
  auto due = ticket.start + seconds(whole + (exact - static_cast<double>(whole) >= 0.5 ? 1 : 0));
  // Not after the last second of validity, and never in a loop of
  // renewals: at least a second from now, however short the ticket.
  due = std::min(due, ticket.end - seconds(1));
  due_ = std::max(due, now + seconds(1));
}

void KeepAliveSchedule::failed(KerberosTime now, bool transient) {
  if (!transient) {
    failed_for_good_ = true;
    return;
  }
  ++failures_;
  auto delay = policy_.first_retry;
  for (int i = 1; i < failures_ && delay < policy_.max_retry; ++i) delay *= 2;
  delay = std::min(delay, policy_.max_retry);
  // While the ticket is valid, several more attempts must fit before it expires.
  if (now < ticket_.end) delay = std::min(delay, (ticket_.end - now) / 2);
  due_ = now + std::max(delay, seconds(1));
}

void KeepAliveSchedule::renew_now(KerberosTime now) { due_ = now; }

KeepAliveStep KeepAliveSchedule::next(KerberosTime now) const {
  auto give_up = [now](GiveUpReason why) { return KeepAliveStep{KeepAliveAction::give_up, now, why}; };
  if (failed_for_good_) return give_up(GiveUpReason::failed);
  const bool expired = now >= ticket_.end;
  if (expired && !policy_.can_reacquire) return give_up(GiveUpReason::expired);
  if (now < due_) return {KeepAliveAction::wait, due_, GiveUpReason::none};
  // A renewal that would not take the ticket past its present end is no renewal.
  const bool renewable = !expired && ticket_.renew_till > ticket_.end;
  if (renewable) return {KeepAliveAction::renew, now, GiveUpReason::none};
  if (policy_.can_reacquire) return {KeepAliveAction::reacquire, now, GiveUpReason::none};
  return give_up(GiveUpReason::renewable_life_ended);
}

bool is_transient(const Error& error) {
  return error.is(KdcErr::svc_unavailable) || error.is(KdcErr::err_generic) || error.is(Errc::no_kdc) ||
         error.is(Errc::timeout) || error.is(Errc::io) || error.code.category() == std::system_category();
}

namespace {

std::string utc(KerberosTime t) { return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", t); }

}  // namespace

Result<double> parse_renew_at(std::string_view text) {
  std::string s(text);
  const bool percent = !s.empty() && s.back() == '%';
  if (percent) s.pop_back();
  double value = 0;
  std::size_t used = 0;
  try {
    value = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != s.size())
    return Error{Errc::invalid_argument, fmt::format("--renew-at '{}' is not a percentage", text)};
  if (percent || value >= 1) value /= 100;
  if (!(value >= 0.01 && value <= 0.99))
    return Error{Errc::invalid_argument, fmt::format("--renew-at '{}' is not between 1 % and 99 %", text)};
  return value;
}

std::string kept_text(KeptHow how, const std::string& principal, const KeptTicket& ticket,
                      KerberosTime next) {
  const char* what = how == KeptHow::got       ? "got the ticket of {}"
                     : how == KeptHow::renewed ? "renewed the ticket of {}"
                                               : "got a new ticket of {} from the keytab";
  return fmt::format("{}: valid until {}, next renewal at {}", fmt::format(fmt::runtime(what), principal),
                     utc(ticket.end), utc(next));
}

std::string retry_text(std::string_view what, const std::string& principal, const Error& error,
                       KerberosTime next) {
  return fmt::format("{} the ticket of {} failed: {}; trying again at {}", what, principal, error.message(),
                     utc(next));
}

std::string give_up_text(GiveUpReason reason, const KeptTicket& ticket, const std::string& principal) {
  switch (reason) {
    case GiveUpReason::renewable_life_ended:
      if (ticket.renew_till == KerberosTime{})
        return fmt::format(
            "the ticket of {} is not renewable and there is no keytab (-k) to get another; "
            "it expires at {}",
            principal, utc(ticket.end));
      return fmt::format(
          "the ticket of {} can no longer be renewed (its renewable life ends at {}) and there "
          "is no keytab (-k) to get another; it expires at {}",
          principal, utc(ticket.renew_till), utc(ticket.end));
    case GiveUpReason::expired:
      return fmt::format("the ticket of {} expired at {} before it could be renewed", principal,
                         utc(ticket.end));
    case GiveUpReason::failed:
    case GiveUpReason::none: break;
  }
  return fmt::format("the ticket of {} is no longer kept alive", principal);
}

}  // namespace krbkit::exchange
