#include "krbkit/der/time.hpp"

#include <fmt/format.h>

namespace krbkit::der {

namespace chr = std::chrono;

std::string format_generalized_time(chr::sys_seconds t) {
  const chr::sys_seconds lo = chr::sys_days{chr::year{0} / 1 / 1};
  const chr::sys_seconds hi = chr::sys_days{chr::year{9999} / 12 / 31} + chr::seconds{86399};
  t = std::clamp(t, lo, hi);
  auto day = chr::floor<chr::days>(t);
  chr::year_month_day ymd{day};
  chr::hh_mm_ss hms{t - day};
  return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::optional<chr::sys_seconds> parse_generalized_time(std::string_view text) {
  if (text.size() != 15 || text[14] != 'Z') return std::nullopt;
  int v[6] = {};
  const int widths[6] = {4, 2, 2, 2, 2, 2};
  std::size_t pos = 0;
  for (int f = 0; f < 6; ++f) {
    for (int i = 0; i < widths[f]; ++i, ++pos) {
      char c = text[pos];
      if (c < '0' || c > '9') return std::nullopt;
      v[f] = v[f] * 10 + (c - '0');
    }
  }
  chr::year_month_day ymd{chr::year{v[0]}, chr::month{static_cast<unsigned>(v[1])},
                          chr::day{static_cast<unsigned>(v[2])}};
  if (!ymd.ok() || v[3] > 23 || v[4] > 59 || v[5] > 59) return std::nullopt;
  return chr::sys_days{ymd} + chr::hours{v[3]} + chr::minutes{v[4]} + chr::seconds{v[5]};
}

}  // namespace krbkit::der
