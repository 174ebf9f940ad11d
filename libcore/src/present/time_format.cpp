#include "krbkit/present/time_format.hpp"

#include <array>
#include <cstdio>
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

// The first format whose result has at most `max_chars` characters, or "".
std::string first_fitting(KerberosTime t, std::size_t max_chars) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  if (localtime_r(&tt, &tm) == nullptr) return {};
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
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
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
    n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "%s%lld%c", any ? " " : "", parts[i],
                       units[i]);
    any = true;
  }
  if (!any) n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "0s");
  return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace krbkit::present
