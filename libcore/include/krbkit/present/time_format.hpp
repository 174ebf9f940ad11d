#pragma once
// Times as the tools print them.
//
// TimeFormat mirrors MIT's klist (krb5_timestamp_to_sfstring): the column
// width is the length of the first format in MIT's table that fits 19
// characters for the current time, in the current locale (LC_TIME) and time
// zone (TZ); each time is then printed with the first format that fits that
// width, padded with spaces. In the C locale that is "%x %X", so
// "11/22/26 02:35:00" in a 17-character column, exactly as MIT prints it.

#include <string>

#include "krbkit/proto/basic_types.hpp"

namespace krbkit::present {

class TimeFormat {
 public:
  // MIT's choice for `now` in the process's current locale and TZ. The
  // caller sets the locale first (the tools call setlocale(LC_TIME, "")).
  static TimeFormat for_current_locale(KerberosTime now);
  // A fixed width (for tests).
  explicit TimeFormat(unsigned width) : width_(width) {}

  unsigned width() const { return width_; }
  // Local time, padded to width(); "" when no format fits (as MIT prints nothing).
  std::string format(KerberosTime t) const;

 private:
  unsigned width_;
};

// "2026-11-22T02:35:00Z"
std::string iso8601_utc(KerberosTime t);

// A duration for people: "9h 59m 12s", "2d 3h", "45s", "0s".
std::string human_duration(std::chrono::seconds d);

}  // namespace krbkit::present
