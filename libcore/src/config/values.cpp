#include "krbkit/config/values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>

#include "krbkit/crypto/enctypes.hpp"

namespace krbkit::config {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_blank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Duration grammar (MIT x-deltat.y), hand-written over a cursor.
class DurationParser {
 public:
  explicit DurationParser(std::string_view text) : s_(text) {}

  std::optional<std::int64_t> parse() {
    auto first = wsnum();
    if (!first) return std::nullopt;
    std::int64_t total = 0;
    if (eat('d')) {
      total = *first * 86400;
      auto rest = after_days();
      if (!rest) return std::nullopt;
      total += *rest;
    } else if (eat('h')) {
      auto rest = opt_ms();
      if (!rest) return std::nullopt;
      total = *first * 3600 + *rest;
    } else if (eat('m')) {
      auto rest = opt_s();
      if (!rest) return std::nullopt;
      total = *first * 60 + *rest;
    } else if (eat('s')) {
      total = *first;
    } else if (eat('-')) {  // d-h:m:s
      auto h = small_num(), m = eat(':') ? small_num() : std::nullopt,
           sec = eat(':') ? small_num() : std::nullopt;
      if (!h || !m || !sec) return std::nullopt;
      total = *first * 86400 + *h * 3600 + *m * 60 + *sec;
    } else if (peek() == ':') {
      auto rest = colon_tail();
      if (!rest) return std::nullopt;
      total = *first * 3600 + *rest;
    } else {
      total = *first;
    }
    skip_ws();
    if (pos_ != s_.size()) return std::nullopt;
    if (total > std::numeric_limits<std::int32_t>::max() || total < std::numeric_limits<std::int32_t>::min())
      return std::nullopt;
    return total;
  }

 private:
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void skip_ws() {
    while (pos_ < s_.size() && is_blank(s_[pos_])) ++pos_;
  }
  std::optional<std::int64_t> digits(std::size_t max_len) {
    std::size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    std::size_t len = pos_ - start;
    if (len == 0 || len > max_len) return std::nullopt;
    std::int64_t v = 0;
    std::from_chars(s_.data() + start, s_.data() + pos_, v);
    return v;
  }
  // [blanks] ['-'] digits, or nothing (the cursor is then left unchanged).
  std::optional<std::int64_t> wsnum() {
    std::size_t save = pos_;
    skip_ws();
    bool negative = eat('-');
    auto v = digits(10);
    if (!v) {
      pos_ = save;
      return std::nullopt;
    }
    return negative ? -*v : *v;
  }
  // The minute and second fields of h:m:s have at most two digits.
  std::optional<std::int64_t> small_num() { return digits(2); }

  // ":m" or ":m:s" after the hours.
  std::optional<std::int64_t> colon_tail() {
    if (!eat(':')) return std::nullopt;
    auto m = small_num();
    if (!m) return std::nullopt;
    std::int64_t total = *m * 60;
    if (eat(':')) {
      auto sec = small_num();
      if (!sec) return std::nullopt;
      total += *sec;
    }
    return total;
  }

  // After "Nd": [Nh] [Nm] [Ns], or (an extension MIT's grammar lacks) h:m[:s].
  std::optional<std::int64_t> after_days() {
    std::size_t save = pos_;
    if (auto h = wsnum()) {
      if (eat('h')) {
        auto rest = opt_ms();
        if (!rest) return std::nullopt;
        return *h * 3600 + *rest;
      }
      if (peek() == ':') {
        auto rest = colon_tail();
        if (!rest) return std::nullopt;
        return *h * 3600 + *rest;
      }
      pos_ = save;
    }
    return opt_ms();
  }
  std::optional<std::int64_t> opt_ms() {
    std::size_t save = pos_;
    if (auto m = wsnum()) {
      if (eat('m')) {
        auto rest = opt_s();
        if (!rest) return std::nullopt;
        return *m * 60 + *rest;
      }
      pos_ = save;
    }
    return opt_s();
  }
  std::optional<std::int64_t> opt_s() {
    std::size_t save = pos_;
    if (auto sec = wsnum()) {
      if (eat('s')) return *sec;
      pos_ = save;
      return std::nullopt;
    }
    skip_ws();
    return 0;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<bool> parse_bool(std::string_view text) {
  for (auto yes : {"y", "yes", "true", "t", "1", "on"})
    if (iequals(text, yes)) return true;
  for (auto no : {"n", "no", "false", "nil", "0", "off"})
    if (iequals(text, no)) return false;
  return std::nullopt;
}

bool conf_boolean(std::string_view text) { return parse_bool(text).value_or(false); }

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  auto v = DurationParser(text).parse();
  if (!v) return std::nullopt;
  return std::chrono::seconds(*v);
}

std::span<const Enctype> default_enctypes() {
  static const std::vector<Enctype> list = enctype_family("DEFAULT");
  return list;
}

bool is_weak_enctype(Enctype e) { return enctype_is_weak(e); }

std::optional<Enctype> enctype_by_name(std::string_view name) {
  auto e = enctype_from_name(name);
  if (!e) return std::nullopt;
  return *e;
}

Result<EnctypeList> parse_enctype_list(std::string_view text, std::span<const Enctype> defaults,
                                       bool allow_weak, std::string_view what) {
  EnctypeList out;
  auto modify = [&](Enctype e, bool add) {
    if (!allow_weak && is_weak_enctype(e)) return;
    auto it = std::find(out.enctypes.begin(), out.enctypes.end(), e);
    if (add && it == out.enctypes.end()) out.enctypes.push_back(e);
    if (!add && it != out.enctypes.end()) out.enctypes.erase(it);
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto is_delim = [](char c) { return c == ',' || is_blank(c); };
    while (pos < text.size() && is_delim(text[pos])) ++pos;
    std::size_t start = pos;
    while (pos < text.size() && !is_delim(text[pos])) ++pos;
    std::string_view word = text.substr(start, pos - start);
    if (word.empty()) continue;
    bool add = true;
    if (word.front() == '+' || word.front() == '-') {
      add = word.front() == '+';
      word.remove_prefix(1);
    }
    if (iequals(word, "DEFAULT")) {
      for (auto e : defaults) modify(e, add);
    } else if (auto members = enctype_family(word); !members.empty()) {
      for (auto e : members) modify(e, add);
    } else {
      out.unknown.emplace_back(word);
    }
  }
  if (out.enctypes.empty())
    return Error{Errc::unsupported_enctype,
                 fmt::format("no permitted encryption type in {} '{}'", what, text)};
  return out;
}

}  // namespace krbkit::config
