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
std::string first_fitting(KerberosTime t, std::size_t max_chars, bool utc = false) {
  const std::time_t tt = to_time_t(t);
  std::tm tm{};
  if ((utc ? gmtime_r(&tt, &tm) : localtime_r(&tt, &tm)) == nullptr) return {};
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

// MIT's column width for `now`: the first format that fits its 20-byte
// buffer (19 characters), else whatever fits at all.
unsigned mit_width(KerberosTime now, bool utc) {
  auto text = first_fitting(now, 19, utc);
  if (text.empty()) text = first_fitting(now, 255, utc);
  return text.empty() ? 15u : static_cast<unsigned>(text.size());
}

// ANSI SGR codes for an end time `left` away (human style with colour).
const char* expiry_colour(std::chrono::seconds left) {
  using namespace std::chrono_literals;
  if (left <= 0s) return "\x1b[2m";     // dim: expired
  if (left < 10min) return "\x1b[31m";  // red
  if (left < 1h) return "\x1b[33m";     // yellow
  return nullptr;
}

// "Valid starting" is 14 characters: the human column is a little wider,
// so MIT's header arithmetic lines up ("in 99d 23h", "99d 23h ago").
constexpr unsigned kHumanWidth = 15;

}  // namespace

TimeFormat TimeFormat::for_current_locale(KerberosTime now) { return TimeFormat(mit_width(now, false)); }

TimeFormat TimeFormat::with_style(TimeStyle style, KerberosTime now, bool colour) {
  switch (style) {
    case TimeStyle::mit: return {mit_width(now, false), style, now, false};
    case TimeStyle::utc: return {mit_width(now, true), style, now, false};
    case TimeStyle::iso: return {20, style, now, false};
    case TimeStyle::human: break;
  }
  return {kHumanWidth, TimeStyle::human, now, colour};
}

std::string TimeFormat::absolute(KerberosTime t) const {
  switch (style_) {
    case TimeStyle::iso: return iso8601_utc(t);
    case TimeStyle::human: return relative_time(t, now_);
    case TimeStyle::utc: return first_fitting(t, width_, true);
    case TimeStyle::mit: break;
  }
  return first_fitting(t, width_);
}

std::string TimeFormat::format(KerberosTime t) const {
  auto text = absolute(t);
  if (!text.empty() && text.size() < width_) text.resize(width_, ' ');
  return text;
}

std::string TimeFormat::expiry(KerberosTime t) const {
  const char* colour = style_ == TimeStyle::human && colour_ ? expiry_colour(t - now_) : nullptr;
  if (colour == nullptr) return format(t);
  std::string text = absolute(t);
  const std::size_t pad = text.size() < width_ ? width_ - text.size() : 0;
  return colour + text + "\x1b[0m" + std::string(pad, ' ');
}

std::string TimeFormat::renew_until(KerberosTime t) const {
  if (style_ != TimeStyle::human) return "renew until " + format(t);
  if (t <= now_) return "renewable until " + relative_time(t, now_);
  return "renewable for " + relative_duration(t - now_);
}

std::string relative_time(KerberosTime t, KerberosTime now) {
  const auto d = std::chrono::duration_cast<std::chrono::seconds>(t - now);
  if (d.count() == 0) return "now";
  if (d.count() > 0) return "in " + relative_duration(d);
  return relative_duration(-d) + " ago";
}

std::string relative_duration(std::chrono::seconds d) {
  const long long s = d.count() < 0 ? -d.count() : d.count();
  const long long days = s / 86400, hours = s / 3600 % 24, minutes = s / 60 % 60;
  std::string out;
  if (days > 0) {
    out = std::to_string(days) + "d";
    if (hours > 0) out += " " + std::to_string(hours) + "h";
  } else if (hours > 0) {
    out = std::to_string(hours) + "h";
    if (minutes > 0) out += std::to_string(minutes) + "m";
  } else if (minutes > 0) {
    out = std::to_string(minutes) + "m";
  } else {
    out = std::to_string(s) + "s";
  }
  return out;
}

bool use_colour(ColourChoice choice, bool stdout_is_terminal, const std::optional<std::string>& no_color) {
  if (choice != ColourChoice::automatic) return choice == ColourChoice::always;
  return stdout_is_terminal && (!no_color || no_color->empty());
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
