// MIT kadmin's output formats and input syntaxes (kadmin.c, str_conv.c,
// deltat.y and getdate.y, restated).

#include "krbkit/kadm5/format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include "krbkit/crypto/enctypes.hpp"

namespace krbkit::kadm5 {
namespace {

struct FlagName {
  std::int32_t bit;
  std::string_view kdb_name;                 // what getprinc prints
  std::array<std::string_view, 3> inverted;  // "+name" clears the bit
  std::array<std::string_view, 3> direct;    // "+name" sets the bit
};

constexpr std::array<FlagName, 18> kFlags{{
    {0x00000001,
     "DISALLOW_POSTDATED",
     {"allow_postdated", "postdateable", ""},
     {"disallow_postdated", "", ""}},
    {0x00000002,
     "DISALLOW_FORWARDABLE",
     {"allow_forwardable", "forwardable", ""},
     {"disallow_forwardable", "", ""}},
    {0x00000004, "DISALLOW_TGT_BASED", {"allow_tgs_req", "tgt_based", ""}, {"disallow_tgt_based", "", ""}},
    {0x00000008, "DISALLOW_RENEWABLE", {"allow_renewable", "renewable", ""}, {"disallow_renewable", "", ""}},
    {0x00000010, "DISALLOW_PROXIABLE", {"allow_proxiable", "proxiable", ""}, {"disallow_proxiable", "", ""}},
    {0x00000020, "DISALLOW_DUP_SKEY", {"allow_dup_skey", "dup_skey", ""}, {"disallow_dup_skey", "", ""}},
    {0x00000040, "DISALLOW_ALL_TIX", {"allow_tix", "allow_tickets", ""}, {"disallow_all_tix", "", ""}},
    {0x00000080, "REQUIRES_PRE_AUTH", {"", "", ""}, {"requires_preauth", "preauth", "requires_pre_auth"}},
    {0x00000100, "REQUIRES_HW_AUTH", {"", "", ""}, {"requires_hwauth", "hwauth", "requires_hw_auth"}},
    {0x00000200, "REQUIRES_PWCHANGE", {"", "", ""}, {"needchange", "pwchange", "requires_pwchange"}},
    {0x00001000, "DISALLOW_SVR", {"allow_svr", "service", ""}, {"disallow_svr", "", ""}},
    {0x00002000,
     "PWCHANGE_SERVICE",
     {"", "", ""},
     {"password_changing_service", "pwchange_service", "pwservice"}},
    {0x00004000, "SUPPORT_DESMD5", {"", "", ""}, {"md5", "support_desmd5", ""}},
    {0x00008000, "NEW_PRINC", {"", "", ""}, {"new_princ", "", ""}},
    {0x00100000, "OK_AS_DELEGATE", {"", "", ""}, {"ok_as_delegate", "", ""}},
    {0x00200000, "OK_TO_AUTH_AS_DELEGATE", {"", "", ""}, {"ok_to_auth_as_delegate", "", ""}},
    {0x00400000, "NO_AUTH_DATA_REQUIRED", {"", "", ""}, {"no_auth_data_required", "", ""}},
    {0x00800000, "LOCKDOWN_KEYS", {"", "", ""}, {"lockdown_keys", "", ""}},
}};

constexpr std::array<std::string_view, 7> kSaltNames = {"normal",  "v4",   "norealm", "onlyrealm",
                                                        "special", "afs3", ""};

std::string normalize(std::string_view s) {
  std::string out;
  for (char c : s)
    out.push_back(c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

bool all_digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// Seconds of a unit word ("day", "hours", "min"); 0 if unknown.
std::int64_t unit_seconds(std::string_view word) {
  std::string w = normalize(word);
  if (w.size() > 1 && w.back() == 's') w.pop_back();
  if (w == "sec" || w == "second") return 1;
  if (w == "min" || w == "minute") return 60;
  if (w == "hour") return 3600;
  if (w == "day") return 86400;
  if (w == "week") return 7 * 86400;
  if (w == "fortnight") return 14 * 86400;
  if (w == "month") return 30 * 86400;
  if (w == "year") return 365 * 86400;
  return 0;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// "[now] [+|-]N unit ... [ago]"; nullopt when the text is not of that form.
std::optional<std::int64_t> parse_relative(std::string_view text) {
  auto w = words(text);
  std::size_t i = 0;
  if (i < w.size() && normalize(w[i]) == "now") ++i;
  if (i == w.size()) return i == 0 ? std::nullopt : std::optional<std::int64_t>(0);
  std::int64_t total = 0;
  while (i < w.size()) {
    std::string num = w[i];
    int sign = 1;
    if (num == "+" || num == "-") {
      sign = num == "-" ? -1 : 1;
      if (++i == w.size()) return std::nullopt;
      num = w[i];
    } else if (!num.empty() && (num[0] == '+' || num[0] == '-')) {
      sign = num[0] == '-' ? -1 : 1;
      num.erase(0, 1);
    }
    // "3days" or "3 days"
    std::size_t d = 0;
    while (d < num.size() && std::isdigit(static_cast<unsigned char>(num[d]))) ++d;
    if (d == 0) return std::nullopt;
    std::int64_t n = std::stoll(num.substr(0, d));
    std::string unit = num.substr(d);
    if (unit.empty()) {
      if (++i == w.size()) return std::nullopt;
      unit = w[i];
    }
    std::int64_t u = unit_seconds(unit);
    if (u == 0) return std::nullopt;
    total += sign * n * u;
    ++i;
    if (i < w.size() && normalize(w[i]) == "ago") {
      total = -total;
      ++i;
    }
  }
  return total;
}

// krb5_string_to_deltat: "1d2h3m4s" (spaces allowed), "N", "h:m[:s]", "d-h:m:s".
std::optional<std::int64_t> parse_deltat(std::string_view text) {
  std::string s;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) s.push_back(c);
  if (s.empty()) return std::nullopt;
  bool neg = false;
  if (s[0] == '-') {
    neg = true;
    s.erase(0, 1);
  }
  if (all_digits(s)) return (neg ? -1 : 1) * std::stoll(s);
  std::int64_t days = 0;
  std::string rest = s;
  if (auto dash = s.find('-'); dash != std::string::npos && s.find(':') != std::string::npos) {
    if (!all_digits(s.substr(0, dash))) return std::nullopt;
    days = std::stoll(s.substr(0, dash));
    rest = s.substr(dash + 1);
  }
  if (rest.find(':') != std::string::npos) {
    std::vector<std::int64_t> parts;
    std::size_t start = 0;
    for (;;) {
      auto colon = rest.find(':', start);
      std::string part = rest.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!all_digits(part)) return std::nullopt;
      parts.push_back(std::stoll(part));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
    std::int64_t v = days * 86400 + parts[0] * 3600 + parts[1] * 60 + (parts.size() == 3 ? parts[2] : 0);
    return neg ? -v : v;
  }
  // Units in order d, h, m, s, each at most once.
  std::int64_t total = 0;
  std::size_t pos = 0;
  std::string order = "dhms";
  std::size_t next_unit = 0;
  while (pos < s.size()) {
    std::size_t d = pos;
    while (d < s.size() && std::isdigit(static_cast<unsigned char>(s[d]))) ++d;
    if (d == pos || d == s.size()) return std::nullopt;
    auto u = order.find(s[d], next_unit);
    if (u == std::string::npos) return std::nullopt;
    static constexpr std::int64_t mult[] = {86400, 3600, 60, 1};
    total += std::stoll(s.substr(pos, d - pos)) * mult[u];
    next_unit = u + 1;
    pos = d + 1;
  }
  return neg ? -total : total;
}

// The time of a calendar date: local time, or UTC when `utc` ("... UTC").
std::optional<std::time_t> local_time(int y, int mo, int d, int h, int mi, int sec, bool utc = false) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::time_t t = utc ? ::timegm(&tm) : std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return t;
}

// Absolute dates: "YYYY-MM-DD", "YYYY/MM/DD", "MM/DD/YYYY", optionally followed by "HH:MM[:SS]";
// "YYYYMMDDHHMMSS"; local time unless a zone "UTC" / "GMT" / "Z" follows.
std::optional<std::time_t> parse_absolute(std::string_view text) {
  auto w = words(text);
  bool utc = false;
  if (w.size() >= 2) {
    const std::string zone = normalize(w.back());
    utc = zone == "utc" || zone == "gmt" || zone == "ut" || zone == "z";
    if (utc) w.pop_back();
  }
  if (w.empty() || w.size() > 2) return std::nullopt;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char c1 = 0, c2 = 0;
  const std::string& date = w[0];
  if (date.size() == 14 && all_digits(date)) {
    if (std::sscanf(date.c_str(), "%4d%2d%2d%2d%2d%2d", &y, &mo, &d, &h, &mi, &sec) != 6) return std::nullopt;
    return w.size() == 1 ? local_time(y, mo, d, h, mi, sec, utc) : std::nullopt;
  }
  int n = 0;
  if (std::sscanf(date.c_str(), "%d%c%d%c%d%n", &y, &c1, &mo, &c2, &d, &n) == 5 &&
      n == static_cast<int>(date.size()) && c1 == c2 && (c1 == '-' || c1 == '/')) {
    if (c1 == '/' && y <= 12) {  // MM/DD/YYYY
      const int month = y, day = mo, year = d;
      y = year;
      mo = month;
      d = day;
    }
    if (y < 100) y += y < 70 ? 2000 : 1900;
  } else {
    return std::nullopt;
  }
  if (w.size() == 2) {
    int parsed = std::sscanf(w[1].c_str(), "%d:%d:%d%n", &h, &mi, &sec, &n);
    if (parsed < 3) {
      sec = 0;
      if (std::sscanf(w[1].c_str(), "%d:%d%n", &h, &mi, &n) != 2 || n != static_cast<int>(w[1].size()))
        return std::nullopt;
    } else if (n != static_cast<int>(w[1].size())) {
      return std::nullopt;
    }
  }
  return local_time(y, mo, d, h, mi, sec, utc);
}

}  // namespace

std::string format_duration(std::int64_t duration) {
  const bool neg = duration < 0;
  if (neg) duration = -duration;
  const std::int64_t days = duration / 86400;
  duration %= 86400;
  return fmt::format("{}{} {} {:02}:{:02}:{:02}", neg ? "-" : "", days, days == 1 ? "day" : "days",
                     duration / 3600, duration % 3600 / 60, duration % 60);
}

std::string format_date(std::int64_t when) {
  std::time_t t = static_cast<std::time_t>(when);
  std::tm tm{};
  char out[64];
  if (localtime_r(&t, &tm) == nullptr || std::strftime(out, sizeof out, "%a %b %d %H:%M:%S %Z %Y", &tm) == 0)
    return "(error)";
  return out;
}

std::vector<std::string> attribute_names(std::int32_t attributes) {
  std::vector<std::string> out;
  auto bits = static_cast<std::uint32_t>(attributes);
  for (const auto& f : kFlags) {
    if (bits & static_cast<std::uint32_t>(f.bit)) {
      out.emplace_back(f.kdb_name);
      bits &= ~static_cast<std::uint32_t>(f.bit);
    }
  }
  for (int i = 0; i < 32; ++i)
    if (bits & (1U << i)) out.push_back(fmt::format("0x{:08x}", 1U << i));
  return out;
}

Result<void> apply_flag_spec(std::string_view spec, std::int32_t& attributes) {
  bool neg = false;
  std::string_view name = spec;
  if (!name.empty() && (name[0] == '+' || name[0] == '-')) {
    neg = name[0] == '-';
    name.remove_prefix(1);
  }
  const std::string n = normalize(name);
  if (n.size() > 2 && n.compare(0, 2, "0x") == 0) {
    unsigned long v = 0;
    try {
      v = std::stoul(n.substr(2), nullptr, 16);
    } catch (...) {
      return Error{Errc::invalid_argument, "bad flag \"" + std::string(spec) + "\""};
    }
    auto bit = static_cast<std::int32_t>(v);
    attributes = neg ? (attributes & ~bit) : (attributes | bit);
    return success();
  }
  for (const auto& f : kFlags) {
    bool inverted = std::find(f.inverted.begin(), f.inverted.end(), n) != f.inverted.end() && !n.empty();
    bool direct = std::find(f.direct.begin(), f.direct.end(), n) != f.direct.end() && !n.empty();
    if (!inverted && !direct) continue;
    const bool set = inverted ? neg : !neg;
    attributes = set ? (attributes | f.bit) : (attributes & ~f.bit);
    return success();
  }
  return Error{Errc::invalid_argument, "unknown principal attribute \"" + std::string(spec) + "\""};
}

Result<std::int32_t> parse_duration(std::string_view text, std::time_t now) {
  const std::string t = trim(text);
  if (auto d = parse_deltat(t)) return static_cast<std::int32_t>(*d);
  if (normalize(t) == "never") return 0;
  if (auto r = parse_relative(t)) {
    if (*r < 0) return Error{Errc::invalid_argument, "Interval specification \"" + t + "\" is in the past."};
    return static_cast<std::int32_t>(*r);
  }
  if (auto a = parse_absolute(t)) {
    if (*a < now)
      return Error{Errc::invalid_argument, "Interval specification \"" + t + "\" is in the past."};
    return static_cast<std::int32_t>(*a - now);
  }
  return Error{Errc::invalid_argument, "Invalid date specification \"" + t + "\"."};
}

Result<std::int32_t> parse_date(std::string_view text, std::time_t now) {
  const std::string t = trim(text);
  if (normalize(t) == "never") return 0;
  // getdate's day words: the same time of day, a day apart.
  if (normalize(t) == "today") return static_cast<std::int32_t>(now);
  if (normalize(t) == "tomorrow") return static_cast<std::int32_t>(now + 86400);
  if (normalize(t) == "yesterday") return static_cast<std::int32_t>(now - 86400);
  if (auto r = parse_relative(t)) return static_cast<std::int32_t>(now + *r);
  if (auto a = parse_absolute(t)) return static_cast<std::int32_t>(*a);
  return Error{Errc::invalid_argument, "Invalid date specification \"" + t + "\"."};
}

std::string salttype_name(std::int32_t salttype) {
  if (salttype >= 0 && salttype < 6) return std::string(kSaltNames[static_cast<std::size_t>(salttype)]);
  return fmt::format("<Salt type 0x{:x}>", salttype);
}

Result<std::vector<KeySalt>> parse_key_salts(std::string_view text) {
  std::vector<KeySalt> out;
  std::string cur;
  auto flush = [&]() -> Result<void> {
    if (cur.empty()) return success();
    KeySalt ks;
    std::string enc = cur, salt;
    if (auto colon = cur.find(':'); colon != std::string::npos) {
      enc = cur.substr(0, colon);
      salt = cur.substr(colon + 1);
    }
    KRBKIT_TRY(e, enctype_from_name(enc));
    ks.enctype = e;
    if (!salt.empty()) {
      auto it = std::find(kSaltNames.begin(), kSaltNames.end() - 1, normalize(salt));
      if (it == kSaltNames.end() - 1)
        return Error{Errc::invalid_argument, "unknown salt type \"" + salt + "\""};
      ks.salttype = static_cast<std::int32_t>(it - kSaltNames.begin());
    }
    if (std::find(out.begin(), out.end(), ks) == out.end()) out.push_back(ks);
    cur.clear();
    return success();
  };
  for (char c : text) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      KRBKIT_CHECK(flush());
    } else {
      cur.push_back(c);
    }
  }
  KRBKIT_CHECK(flush());
  if (out.empty()) return Error{Errc::invalid_argument, "empty key/salt list"};
  return out;
}

std::string format_principal(const PrincipalEntry& p, bool policy_missing) {
  auto date_or_never = [](std::int32_t t) { return t ? format_date(t) : std::string("[never]"); };
  std::string s;
  s += "Principal: " + p.principal + "\n";
  s += "Expiration date: " + date_or_never(p.princ_expire_time) + "\n";
  s += "Last password change: " + date_or_never(p.last_pwd_change) + "\n";
  s += "Password expiration date: " + date_or_never(p.pw_expiration) + "\n";
  s += "Maximum ticket life: " + format_duration(p.max_life) + "\n";
  s += "Maximum renewable life: " + format_duration(p.max_renewable_life) + "\n";
  s += "Last modified: " + format_date(p.mod_date) + " (" + p.mod_name.value_or("(null)") + ")\n";
  s += "Last successful authentication: " + date_or_never(p.last_success) + "\n";
  s += "Last failed authentication: " + date_or_never(p.last_failed) + "\n";
  s += fmt::format("Failed password attempts: {}\n", p.fail_auth_count);
  s += fmt::format("Number of keys: {}\n", p.n_key_data);
  for (const auto& k : p.key_data) {
    const auto e = static_cast<Enctype>(k.enctype);
    std::string name;
    std::string_view prefix;
    if (!enctype_info(e).ok()) {
      name = fmt::format("<Encryption type 0x{:x}>", k.enctype);
      prefix = "UNSUPPORTED:";
    } else {
      name = enctype_name(e);
      if (enctype_is_deprecated(e)) prefix = "DEPRECATED:";
    }
    s += fmt::format("Key: vno {}, {}{}", k.kvno, prefix, name);
    if (k.ver > 1 && k.salttype != 0) s += ":" + salttype_name(k.salttype);
    s += "\n";
  }
  s += fmt::format("MKey: vno {}\n", p.mkvno);
  s += "Attributes:";
  for (const auto& a : attribute_names(p.attributes)) s += " " + a;
  s += "\n";
  s += "Policy: " + p.policy.value_or("[none]") + (p.policy && policy_missing ? " [does not exist]" : "") +
       "\n";
  return s;
}

std::string format_principal_terse(const PrincipalEntry& p) {
  std::string s = fmt::format("\"{}\"\t{}\t{}\t{}\t{}\t\"{}\"\t{}\t{}\t{}\t{}\t\"{}\"\t{}\t{}\t{}\t{}\t{}",
                              p.principal, p.princ_expire_time, p.last_pwd_change, p.pw_expiration,
                              p.max_life, p.mod_name.value_or("(null)"), p.mod_date, p.attributes, p.kvno,
                              p.mkvno, p.policy.value_or("[none]"), p.max_renewable_life, p.last_success,
                              p.last_failed, p.fail_auth_count, p.n_key_data);
  for (const auto& k : p.key_data) s += fmt::format("\t{}\t{}\t{}\t{}", k.ver, k.kvno, k.enctype, k.salttype);
  return s + "\n";
}

std::string format_policy(const PolicyEntry& p) {
  std::string s;
  s += "Policy: " + p.name + "\n";
  s += "Maximum password life: " + format_duration(p.pw_max_life) + "\n";
  s += "Minimum password life: " + format_duration(p.pw_min_life) + "\n";
  s += fmt::format("Minimum password length: {}\n", p.pw_min_length);
  s += fmt::format("Minimum number of password character classes: {}\n", p.pw_min_classes);
  s += fmt::format("Number of old keys kept: {}\n", p.pw_history_num);
  s += fmt::format("Maximum password failures before lockout: {}\n", p.pw_max_fail);
  s += "Password failure count reset interval: " + format_duration(p.pw_failcnt_interval) + "\n";
  s += "Password lockout duration: " + format_duration(p.pw_lockout_duration) + "\n";
  if (p.allowed_keysalts) s += "Allowed key/salt types: " + *p.allowed_keysalts + "\n";
  return s;
}

std::string format_policy_terse(const PolicyEntry& p) {
  return fmt::format("\"{}\"\t{}\t{}\t{}\t{}\t{}\t0\t{}\t{}\t{}\t{}\n", p.name, p.pw_max_life, p.pw_min_life,
                     p.pw_min_length, p.pw_min_classes, p.pw_history_num, p.pw_max_fail,
                     p.pw_failcnt_interval, p.pw_lockout_duration, p.allowed_keysalts.value_or("-"));
}

std::string format_privileges(std::uint32_t privs) {
  static constexpr std::array<std::string_view, 4> names = {"INQUIRE", "ADD", "MODIFY", "DELETE"};
  std::string s = "current privileges:";
  for (std::size_t i = 0; i < names.size(); ++i)
    if (privs & (1U << i)) s += " " + std::string(names[i]);
  return s + "\n";
}

}  // namespace krbkit::kadm5
