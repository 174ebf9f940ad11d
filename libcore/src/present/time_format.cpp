#include "krbkit/present/time_format.hpp"

#include <array>
#include <clocale>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace krbkit::present {
namespace {

// MIT's sftime_format_table (lib/krb5/krb/str_conv.c), in its order.
constexpr std::array<const char*, 9> kFormats = {
    "%c",                 // locale's date and time
    "%d %b %Y %T",        // 22 Nov 2026 02:35:00
    "%x %X",              // locale's short date and time
    "%x %T",              // locale's short date, hh:mm:ss
    "%x %R",              // locale's short date, hh:mm
    "%Y-%m-%dT%H:%M:%S",  // ISO 8601
    "%Y-%m-%dT%H:%M",
    "%Y%m%d%H%M%S",
    "%Y%m%d%H%M",
};

// In the C/POSIX locale "%c" (24 characters) and "%d %b %Y %T" (20) never
// fit a column narrower than 20, and "%x %X" is "%m/%d/%y %H:%M:%S" (17):
// printed directly, without three strftime calls per time (a third of
// klist's time on a 1000-ticket cache). Same text, checked in the tests.
bool c_time_locale() {
  const char* name = std::setlocale(LC_TIME, nullptr);
  return name != nullptr && (std::strcmp(name, "C") == 0 || std::strcmp(name, "POSIX") == 0 ||
                             std::strcmp(name, "C.UTF-8") == 0 || std::strcmp(name, "C.utf8") == 0);
}

// Seconds since the epoch. Not system_clock::to_time_t: it converts to the
// clock's nanoseconds first, which overflows after the year 2262 (a ticket
// can say 9999).
std::time_t to_time_t(KerberosTime t) { return static_cast<std::time_t>(t.time_since_epoch().count()); }

void two_digits(char* out, int v) {
  out[0] = static_cast<char>('0' + v / 10 % 10);
  out[1] = static_cast<char>('0' + v % 10);
}

// The first format whose result has at most `max_chars` characters, or "".
std::string first_fitting(KerberosTime t, std::size_t max_chars) {
  const std::time_t tt = to_time_t(t);
  std::tm tm{};
  if (localtime_r(&tt, &tm) == nullptr) return {};
  if (max_chars >= 17 && max_chars < 20 && tm.tm_year >= 0 && tm.tm_year < 8100 && c_time_locale()) {
    char out[17] = {'0', '0', '/', '0', '0', '/', '0', '0', ' ', '0', '0', ':', '0', '0', ':', '0', '0'};
    two_digits(out, tm.tm_mon + 1);
    two_digits(out + 3, tm.tm_mday);
    two_digits(out + 6, tm.tm_year % 100);
    two_digits(out + 9, tm.tm_hour);
    two_digits(out + 12, tm.tm_min);
    two_digits(out + 15, tm.tm_sec);
    return std::string(out, sizeof out);
  }
  char buf[256];
  for (const char* fmt : kFormats) {
    const std::size_t n = std::strftime(buf, sizeof buf, fmt, &tm);
    if (n > 0 && n <= max_chars) return std::string(buf, n);
  }
  return {};
}

}  // namespace

TimeFormat TimeFormat::for_current_locale(KerberosTime now) {
  // MIT: a 20-byte buffer (19 characters), else whatever fits at all.
  auto text = first_fitting(now, 19);
  if (text.empty()) text = first_fitting(now, 255);
  return TimeFormat(text.empty() ? 15u : static_cast<unsigned>(text.size()));
}

std::string TimeFormat::format(KerberosTime t) const {
  auto text = first_fitting(t, width_);
  if (!text.empty()) text.resize(width_, ' ');
  return text;
}

std::string iso8601_utc(KerberosTime t) {
  const std::time_t tt = to_time_t(t);
  std::tm tm{};
  if (gmtime_r(&tt, &tm) == nullptr) return {};
  char buf[32];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

std::string human_duration(std::chrono::seconds d) {
  long long s = d.count();
  char buf[96];
  int n = 0;
  if (s < 0) {
    buf[n++] = '-';
    s = -s;
  }
  const long long parts[] = {s / 86400, s / 3600 % 24, s / 60 % 60, s % 60};
  const char units[] = {'d', 'h', 'm', 's'};
  bool any = false;
  for (int i = 0; i < 4; ++i) {
    if (parts[i] == 0) continue;
    n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "%s%lld%c", any ? " " : "",
                       parts[i], units[i]);
    any = true;
  }
  if (!any) n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "0s");
  return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace krbkit::present
