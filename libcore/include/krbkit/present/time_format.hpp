#pragma once
// Times as the tools print them.
//
// TimeFormat mirrors MIT's klist (krb5_timestamp_to_sfstring): the column
// width is the length of the first format in MIT's table that fits 19
// characters for the current time, in the current locale (LC_TIME) and time
// zone (TZ); each time is then printed with the first format that fits that
// width, padded with spaces. In the C locale that is "%x %X", so
// "11/22/26 02:35:00" in a 17-character column, exactly as MIT prints it.

#include <chrono>
#include <optional>
#include <string>

#include "krbkit/proto/basic_types.hpp"

namespace krbkit::present {

// How klist shows times: MIT's way (the default), or one of krbkit's.
enum class TimeStyle {
  mit,    // MIT's table, local time (above)
  utc,    // MIT's table in UTC (--utc)
  iso,    // ISO 8601 in UTC, "2026-11-22T02:35:00Z" (--iso)
  human,  // relative to now: "in 3h12m", "5m ago" (-H/--human)
};

class TimeFormat {
 public:
  // MIT's choice for `now` in the process's current locale and TZ. The
  // caller sets the locale first (the tools call setlocale(LC_TIME, "")).
  static TimeFormat for_current_locale(KerberosTime now);
  // `style` for `now`; `colour`: ANSI colours on expiry times (human only).
  static TimeFormat with_style(TimeStyle style, KerberosTime now, bool colour = false);
  // A fixed width (for tests).
  explicit TimeFormat(unsigned width) : width_(width) {}

  unsigned width() const { return width_; }
  TimeStyle style() const { return style_; }
  // The time, padded to width(); "" when no format fits (as MIT prints
  // nothing). Human: "in 3h12m", "5m ago".
  std::string format(KerberosTime t) const;
  // An end time, padded to width(): format(), coloured in human style with
  // colour on: dim once expired, red under 10 minutes left, yellow under an hour.
  std::string expiry(KerberosTime t) const;
  // "renew until <time>" (MIT's words), or in human style "renewable for
  // 6d 2h" / "renewable until 5m ago".
  std::string renew_until(KerberosTime t) const;

 private:
  TimeFormat(unsigned width, TimeStyle style, KerberosTime now, bool colour)
      : width_(width), style_(style), now_(now), colour_(colour) {}
  std::string absolute(KerberosTime t) const;

  unsigned width_;
  TimeStyle style_ = TimeStyle::mit;
  KerberosTime now_{};
  bool colour_ = false;
};

// "in 3h12m" or "3h12m ago" (relative_duration of the distance), "now" within a second.
std::string relative_time(KerberosTime t, KerberosTime now);
// Two units at most, for people: "6d 2h", "3h12m", "12m", "45s".
std::string relative_duration(std::chrono::seconds d);

// Whether klist colours its output: --color=always/never, else (auto) only
// on a terminal and without NO_COLOR (https://no-color.org: set to anything
// non-empty).
enum class ColourChoice { automatic, always, never };
bool use_colour(ColourChoice choice, bool stdout_is_terminal, const std::optional<std::string>& no_color);

// "2026-11-22T02:35:00Z"
std::string iso8601_utc(KerberosTime t);

// A duration for people: "9h 59m 12s", "2d 3h", "45s", "0s".
std::string human_duration(std::chrono::seconds d);

}  // namespace krbkit::present
