#pragma once
// What MIT's kadmin prints and parses, so that scripts reading its output
// keep working: getprinc / getpol (long and -terse), get_privs, principal
// attribute names and {+|-}flag specs, durations ("0 days 10:00:00"), dates
// ("Sun Nov 22 02:25:17 UTC 2026", local time), key/salt lists.

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/kadm5/types.hpp"

namespace krbkit::kadm5 {

// "0 days 10:00:00", "1 day 00:00:00", "-0 days 00:00:05" (MIT strdur).
std::string format_duration(std::int64_t seconds);
// strftime "%a %b %d %H:%M:%S %Z %Y" in local time (MIT strdate).
std::string format_date(std::int64_t when);

// The KDB names of the set attribute bits ("REQUIRES_PRE_AUTH"), unknown
// bits as "0x%08x" (MIT krb5_flags_to_strings).
std::vector<std::string> attribute_names(std::int32_t attributes);
// Applies "+allow_tix", "-requires_preauth", "needchange", "0x00000100"...
// (MIT krb5_flagspec_to_mask: '-' and '_' alike, case-insensitive; the
// allow_* names are inverted). Errc::invalid_argument for unknown names.
Result<void> apply_flag_spec(std::string_view spec, std::int32_t& attributes);

// MIT krb5_string_to_deltat ("10h", "1d2h30m", "90", "2:30", "1-00:00:00"),
// falling back to a relative date ("1 day", "3 hours") minus now.
Result<std::int32_t> parse_duration(std::string_view text, std::time_t now);
// A date for -expire/-pwexpire: "never" (0), "now", "YYYY-MM-DD[ HH:MM[:SS]]",
// "YYYYMMDDHHMMSS", "MM/DD/YYYY", "[now] [+]N unit[s]" ...; local time.
Result<std::int32_t> parse_date(std::string_view text, std::time_t now);
// "aes256-cts-hmac-sha1-96:normal,aes128-cts" (comma or space separated).
Result<std::vector<KeySalt>> parse_key_salts(std::string_view text);
std::string salttype_name(std::int32_t salttype);

// getprinc's long output, one line per field, each ending in '\n'.
// `policy_missing`: the policy named in the record does not exist.
std::string format_principal(const PrincipalEntry& p, bool policy_missing);
// getprinc -terse: one tab-separated line.
std::string format_principal_terse(const PrincipalEntry& p);
std::string format_policy(const PolicyEntry& p);
std::string format_policy_terse(const PolicyEntry& p);
// "current privileges: INQUIRE ADD MODIFY DELETE\n"
std::string format_privileges(std::uint32_t privs);

// The same data as JSON objects (for kadmin --json).
std::string principal_json(const PrincipalEntry& p);
std::string policy_json(const PolicyEntry& p);

}  // namespace krbkit::kadm5
