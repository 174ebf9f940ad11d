// kinit --keep-renewed's schedule on a fake clock: when it renews, when it
// turns to the keytab, how it backs off while the KDC is away, when it gives up.
#include "krbkit/exchange/keep_alive.hpp"

#include <doctest/doctest.h>

using namespace krbkit;
using namespace krbkit::exchange;
using namespace std::chrono;

namespace {

const KerberosTime t0 = KerberosTime{seconds(1'700'000'000)};

// A ticket valid from `start` for `life`, renewable until `renewable` after start (0: not renewable).
KeptTicket ticket(KerberosTime start, seconds life, seconds renewable) {
  return {start, start + life, renewable == seconds(0) ? KerberosTime{} : start + renewable};
}

KeepAliveSchedule schedule(double random = 0.5, bool keytab = false, KeepAlivePolicy policy = {}) {
  policy.can_reacquire = keytab;
  return KeepAliveSchedule(policy, [random] { return random; });
}

}  // namespace

TEST_CASE("a renewal is due after 80 % of the lifetime, moved by the jitter") {
  auto middle = schedule(0.5);  // no jitter: 0.5 is the middle of the range
  middle.obtained(ticket(t0, hours(10), hours(100)), t0);
  CHECK(middle.next(t0).action == KeepAliveAction::wait);
  CHECK(middle.next(t0).at == t0 + hours(8));
  CHECK(middle.next(t0 + hours(8) - seconds(1)).action == KeepAliveAction::wait);
  CHECK(middle.next(t0 + hours(8)).action == KeepAliveAction::renew);

  // The jitter's extremes: ± 5 % of the lifetime.
  auto early = schedule(0.0);
  early.obtained(ticket(t0, hours(10), hours(100)), t0);
  CHECK(early.due() == t0 + hours(7) + minutes(30));
  auto late = schedule(0.999999);
  late.obtained(ticket(t0, hours(10), hours(100)), t0);
  CHECK(late.due() == t0 + hours(8) + minutes(30));

  // The fraction is the caller's.
  KeepAlivePolicy half;
  half.renew_at = 0.5;
  auto halfway = schedule(0.5, false, half);
  halfway.obtained(ticket(t0, seconds(20), seconds(60)), t0);
  CHECK(halfway.due() == t0 + seconds(10));
}

TEST_CASE("a ticket found late (kinit -R on an old cache) is renewed at once, never in a loop") {
  auto s = schedule();
  const auto now = t0 + hours(9);
  s.obtained(ticket(t0, hours(10), hours(100)), now);
  CHECK(s.due() == now + seconds(1));
  CHECK(s.next(now + seconds(1)).action == KeepAliveAction::renew);

  // A one-second ticket: still at least a second between two attempts.
  auto tiny = schedule();
  tiny.obtained(ticket(t0, seconds(1), seconds(100)), t0);
  CHECK(tiny.due() == t0 + seconds(1));
}

TEST_CASE("renewals follow each renewed ticket until the renewable life is used up") {
  auto s = schedule();
  s.obtained(ticket(t0, seconds(30), seconds(90)), t0);
  CHECK(s.due() == t0 + seconds(24));
  // The KDC renews at 24 s: a new 30-s ticket, same renew-till.
  s.obtained({t0 + seconds(24), t0 + seconds(54), t0 + seconds(90)}, t0 + seconds(24));
  CHECK(s.due() == t0 + seconds(48));
  CHECK(s.next(t0 + seconds(48)).action == KeepAliveAction::renew);
  // The third renewal is cut at the renew-till: 72 .. 90.
  s.obtained({t0 + seconds(72), t0 + seconds(90), t0 + seconds(90)}, t0 + seconds(72));
  CHECK(s.due() == t0 + seconds(72) + seconds(14));  // 80 % of 18 s, rounded
  auto step = s.next(s.due());
  CHECK(step.action == KeepAliveAction::give_up);
  CHECK(step.reason == GiveUpReason::renewable_life_ended);
  CHECK(give_up_text(step.reason, s.ticket(), "alice@R").find("can no longer be renewed") !=
        std::string::npos);
}

TEST_CASE("with a keytab, a new ticket replaces one that renewing cannot extend") {
  auto s = schedule(0.5, true);
  s.obtained({t0, t0 + seconds(18), t0 + seconds(18)}, t0);
  CHECK(s.next(s.due()).action == KeepAliveAction::reacquire);

  auto plain = schedule(0.5, true);  // not renewable at all
  plain.obtained(ticket(t0, hours(10), seconds(0)), t0);
  CHECK(plain.next(t0 + hours(8)).action == KeepAliveAction::reacquire);
  auto none = schedule(0.5, false);
  none.obtained(ticket(t0, hours(10), seconds(0)), t0);
  CHECK(none.last_ticket());
  CHECK_FALSE(plain.last_ticket());
  auto step = none.next(t0 + hours(8));
  CHECK(step.reason == GiveUpReason::renewable_life_ended);
  CHECK(give_up_text(step.reason, none.ticket(), "alice@R").find("not renewable") != std::string::npos);
}

TEST_CASE("a KDC away: retries back off, bounded by the ticket's remaining life, never give up while valid") {
  auto s = schedule();
  s.obtained(ticket(t0, hours(10), hours(100)), t0);
  auto now = t0 + hours(8);
  REQUIRE(s.next(now).action == KeepAliveAction::renew);
  s.failed(now, true);
  CHECK(s.due() == now + seconds(2));
  now = s.due();
  s.failed(now, true);
  CHECK(s.due() == now + seconds(4));
  for (int i = 0; i < 10; ++i) {
    now = s.due();
    CHECK(s.next(now).action == KeepAliveAction::renew);
    s.failed(now, true);
  }
  CHECK(s.due() - now == seconds(300));  // the cap
  CHECK(s.failures() == 12);

  // Near the end, half the remaining life; at least a second.
  now = t0 + hours(10) - seconds(60);
  s.failed(now, true);
  CHECK(s.due() == now + seconds(30));
  now = t0 + hours(10) - seconds(1);
  s.failed(now, true);
  CHECK(s.due() == now + seconds(1));
  CHECK(s.next(now).action == KeepAliveAction::wait);

  // Expired without a renewal: the end.
  auto step = s.next(t0 + hours(10));
  CHECK(step.action == KeepAliveAction::give_up);
  CHECK(step.reason == GiveUpReason::expired);

  // The KDC back in time: the renewal resets the backoff.
  s.obtained(ticket(now, hours(10), hours(90)), now);
  CHECK(s.failures() == 0);
  s.failed(s.due(), true);
  CHECK(s.due() - (now + hours(8)) == seconds(2));
}

TEST_CASE("with a keytab an expired ticket is got again, however long the KDC stays away") {
  auto s = schedule(0.5, true);
  s.obtained(ticket(t0, seconds(30), seconds(60)), t0);
  auto now = t0 + seconds(40);
  CHECK(s.next(now).action == KeepAliveAction::reacquire);
  for (int i = 0; i < 20; ++i) {
    s.failed(now, true);
    now = s.due();
    CHECK(s.next(now).action == KeepAliveAction::reacquire);
  }
  CHECK(s.due() - now <= seconds(300));
}

TEST_CASE("a failure that waiting does not cure ends the schedule; SIGALRM renews now") {
  auto s = schedule();
  s.obtained(ticket(t0, hours(10), hours(100)), t0);
  s.renew_now(t0 + hours(1));
  CHECK(s.next(t0 + hours(1)).action == KeepAliveAction::renew);
  s.failed(t0 + hours(1), false);
  CHECK(s.next(t0 + hours(1)).reason == GiveUpReason::failed);

  CHECK(is_transient(Error{Errc::no_kdc}));
  CHECK(is_transient(Error{Errc::timeout}));
  CHECK(is_transient(Error{kdc_error(KdcErr::svc_unavailable)}));
  CHECK_FALSE(is_transient(Error{kdc_error(KdcErr::client_revoked)}));
  CHECK_FALSE(is_transient(Error{Errc::keytab_no_key}));
}

TEST_CASE("--renew-at takes a percentage or a fraction") {
  CHECK(parse_renew_at("80").value() == doctest::Approx(0.8));
  CHECK(parse_renew_at("50%").value() == doctest::Approx(0.5));
  CHECK(parse_renew_at("0.75").value() == doctest::Approx(0.75));
  for (const char* bad : {"", "%", "abc", "80x", "0", "100", "150%", "-5"}) {
    CAPTURE(bad);
    auto r = parse_renew_at(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(Errc::invalid_argument));
  }
}

TEST_CASE("the lines kinit prints name the principal and the times in UTC") {
  const KeptTicket t{t0, t0 + hours(10), t0 + hours(100)};
  CHECK(kept_text(KeptHow::renewed, "alice@R", t, t0 + hours(8)) ==
        "renewed the ticket of alice@R: valid until 2023-11-15 08:13:20 UTC, next renewal at 2023-11-15 "
        "06:13:20 UTC");
  CHECK(kept_text(KeptHow::from_keytab, "k@R", t, t0).find("got a new ticket of k@R from the keytab: ") == 0);
  CHECK(retry_text("renewing", "alice@R", Error{Errc::no_kdc, "R"}, t0 + seconds(2))
            .find("renewing the ticket of alice@R failed: ") == 0);
  CHECK(give_up_text(GiveUpReason::expired, t, "alice@R") ==
        "the ticket of alice@R expired at 2023-11-15 08:13:20 UTC before it could be renewed");
}
