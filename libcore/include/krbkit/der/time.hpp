#pragma once
// KerberosTime ::= GeneralizedTime -- with no fractional seconds
// as text: exactly "YYYYMMDDHHMMSSZ" (UTC).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace krbkit::der {

// "20240131235959Z". Years outside 0000..9999 are clamped to that range.
std::string format_generalized_time(std::chrono::sys_seconds t);
// The time, or std::nullopt unless `text` is exactly YYYYMMDDHHMMSSZ with valid
// month, day (for that month and year), hour, minute and second (60 is refused).
std::optional<std::chrono::sys_seconds> parse_generalized_time(std::string_view text);

}  // namespace krbkit::der
