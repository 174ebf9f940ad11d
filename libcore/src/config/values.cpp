#include "krbkit/config/values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>

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

// Until the crypto module's enctype table is available to config, the names
// MIT accepts (src/lib/crypto/krb/etypes.c), primary name first.
struct EnctypeName {
  Enctype id;
  std::array<std::string_view, 3> names;
};
constexpr std::array<EnctypeName, 12> kEnctypeNames{{
    {Enctype::des_cbc_crc, {"des-cbc-crc"}},
    {Enctype::des_cbc_md4, {"des-cbc-md4"}},
    {Enctype::des_cbc_md5, {"des-cbc-md5", "des"}},
    {Enctype::des3_cbc_sha1, {"des3-cbc-sha1", "des3-hmac-sha1", "des3-cbc-sha1-kd"}},
    {Enctype::aes128_cts_hmac_sha1_96, {"aes128-cts-hmac-sha1-96", "aes128-cts", "aes128-sha1"}},
    {Enctype::aes256_cts_hmac_sha1_96, {"aes256-cts-hmac-sha1-96", "aes256-cts", "aes256-sha1"}},
    {Enctype::aes128_cts_hmac_sha256_128, {"aes128-cts-hmac-sha256-128", "aes128-sha2"}},
    {Enctype::aes256_cts_hmac_sha384_192, {"aes256-cts-hmac-sha384-192", "aes256-sha2"}},
    {Enctype::rc4_hmac, {"arcfour-hmac", "rc4-hmac", "arcfour-hmac-md5"}},
    {Enctype::rc4_hmac_exp, {"arcfour-hmac-exp", "rc4-hmac-exp", "arcfour-hmac-md5-exp"}},
    {Enctype::camellia128_cts_cmac, {"camellia128-cts-cmac", "camellia128-cts"}},
    {Enctype::camellia256_cts_cmac, {"camellia256-cts-cmac", "camellia256-cts"}},
}};

constexpr std::array kDefaultEnctypes{
    Enctype::aes256_cts_hmac_sha1_96,
    Enctype::aes128_cts_hmac_sha1_96,
    Enctype::aes256_cts_hmac_sha384_192,
    Enctype::aes128_cts_hmac_sha256_128,
    Enctype::des3_cbc_sha1,
    Enctype::rc4_hmac,
    Enctype::camellia128_cts_cmac,
    Enctype::camellia256_cts_cmac,
};

// Family words: MIT's des3/aes/rc4/camellia, plus aes-sha1 and aes-sha2.
std::vector<Enctype> family(std::string_view word) {
  using E = Enctype;
  if (iequals(word, "des3")) return {E::des3_cbc_sha1};
  if (iequals(word, "aes"))
    return {E::aes256_cts_hmac_sha1_96, E::aes128_cts_hmac_sha1_96, E::aes256_cts_hmac_sha384_192,
            E::aes128_cts_hmac_sha256_128};
  if (iequals(word, "aes-sha1")) return {E::aes256_cts_hmac_sha1_96, E::aes128_cts_hmac_sha1_96};
  if (iequals(word, "aes-sha2")) return {E::aes256_cts_hmac_sha384_192, E::aes128_cts_hmac_sha256_128};
  if (iequals(word, "rc4")) return {E::rc4_hmac};
  if (iequals(word, "camellia")) return {E::camellia256_cts_cmac, E::camellia128_cts_cmac};
  return {};
}

}  // namespace

std::optional<bool> parse_bool(std::string_view text) {
  for (auto yes : {"y", "yes", "true", "t", "1", "on"})
    if (iequals(text, yes)) return true;
  for (auto no : {"n", "no", "false", "nil", "0", "off"})
    if (iequals(text, no)) return false;
  return std::nullopt;
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  auto v = DurationParser(text).parse();
  if (!v) return std::nullopt;
  return std::chrono::seconds(*v);
}

std::span<const Enctype> default_enctypes() { return kDefaultEnctypes; }

bool is_weak_enctype(Enctype e) {
  return e == Enctype::des_cbc_crc || e == Enctype::des_cbc_md4 || e == Enctype::des_cbc_md5 ||
         e == Enctype::rc4_hmac_exp;
}

std::optional<Enctype> enctype_by_name(std::string_view name) {
  for (const auto& row : kEnctypeNames)
    for (auto n : row.names)
      if (!n.empty() && iequals(n, name)) return row.id;
  std::int32_t number = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
  if (!name.empty() && ec == std::errc{} && end == name.data() + name.size())
    return static_cast<Enctype>(number);
  return std::nullopt;
}

std::string enctype_display_name(Enctype e) {
  for (const auto& row : kEnctypeNames)
    if (row.id == e) return std::string(row.names[0]);
  return fmt::format("enctype {}", to_int(e));
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
    } else if (auto members = family(word); !members.empty()) {
      for (auto e : members) modify(e, add);
    } else if (auto e = enctype_by_name(word)) {
      modify(*e, add);
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
