// What a password server's answer means: result codes (RFC 3244 section 2,
// worded as MIT's krb5_chpw_result_code_string) and Active Directory's
// password policy blob (read as MIT's krb5_chpw_message reads it).

#include "krbkit/exchange/kpasswd_result.hpp"

#include <fmt/format.h>

#include <array>

namespace krbkit::exchange {

namespace {

struct CodeText {
  KpasswdCode code;
  const char* name;
  const char* text;
};

constexpr std::array<CodeText, 9> kCodes{{
    {KpasswdCode::success, "KRB5_KPASSWD_SUCCESS", "Success"},
    {KpasswdCode::malformed, "KRB5_KPASSWD_MALFORMED", "Malformed request error"},
    {KpasswdCode::hard_error, "KRB5_KPASSWD_HARDERROR", "Server error"},
    {KpasswdCode::auth_error, "KRB5_KPASSWD_AUTHERROR", "Authentication error"},
    {KpasswdCode::soft_error, "KRB5_KPASSWD_SOFTERROR", "Password change rejected"},
    {KpasswdCode::access_denied, "KRB5_KPASSWD_ACCESSDENIED", "Access denied"},
    {KpasswdCode::bad_version, "KRB5_KPASSWD_BAD_VERSION", "Wrong protocol version"},
    {KpasswdCode::initial_flag_needed, "KRB5_KPASSWD_INITIAL_FLAG_NEEDED", "Initial password required"},
    {KpasswdCode::generic, "KRB5_KPASSWD_GENERIC", "Password change failed"},
}};

const CodeText* find_code(std::uint16_t code) {
  for (const auto& c : kCodes)
    if (static_cast<std::uint16_t>(c.code) == code) return &c;
  return nullptr;
}

constexpr std::size_t kAdPolicyBytes = 30;
constexpr std::uint32_t kAdPolicyComplex = 0x1;
constexpr std::uint64_t kHundredNsPerDay = 86400ULL * 10000000ULL;

std::uint64_t get_u64be(const std::uint8_t* p) {
  return (static_cast<std::uint64_t>(get_u32be(p)) << 32) | get_u32be(p + 4);
}

// RFC 3629 UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool valid_utf8(BytesView s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::uint8_t c = s[i];
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

void add_sentence(std::string& out, const std::string& sentence) {
  if (!out.empty()) out += "  ";
  out += sentence;
}

}  // namespace

const char* kpasswd_code_text(std::uint16_t code) {
  const auto* c = find_code(code);
  return c ? c->text : "Password change failed";
}

const char* kpasswd_code_name(std::uint16_t code) {
  const auto* c = find_code(code);
  return c ? c->name : "";
}

std::optional<AdPolicy> decode_ad_policy(BytesView s) {
  if (s.size() != kAdPolicyBytes || s[0] != 0 || s[1] != 0) return std::nullopt;
  AdPolicy p;
  p.min_length = get_u32be(s.data() + 2);
  p.history = get_u32be(s.data() + 6);
  p.properties = get_u32be(s.data() + 10);
  p.max_age = get_u64be(s.data() + 14);
  p.min_age = get_u64be(s.data() + 22);
  return p;
}

std::string describe_ad_policy(const AdPolicy& p) {
  std::string out;
  if (p.properties & kAdPolicyComplex)
    add_sentence(out,
                 "The password must include numbers or symbols.  Don't include any part of your name in the "
                 "password.");
  if (p.min_length > 0)
    add_sentence(out, fmt::format("The password must contain at least {} character{}.", p.min_length,
                                  p.min_length == 1 ? "" : "s"));
  if (p.history == 1)
    add_sentence(out, "The password must be different from the previous password.");
  else if (p.history > 1)
    add_sentence(out,
                 fmt::format("The password must be different from the previous {} passwords.", p.history));
  if (p.min_age > 0) {
    std::uint64_t days = p.min_age / kHundredNsPerDay;
    if (days <= 1)
      add_sentence(out, "The password can only be changed once a day.");
    else
      add_sentence(out, fmt::format("The password can only be changed every {} days.", days));
  }
  return out;
}

std::string KpasswdResult::message() const {
  if (auto policy = decode_ad_policy(result_string)) {
    if (auto text = describe_ad_policy(*policy); !text.empty()) return text;
  }
  if (result_string.empty()) return {};
  bool has_nul = false;
  for (auto b : result_string) has_nul = has_nul || b == 0;
  if (!has_nul && valid_utf8(result_string)) {
    std::string text(as_chars(result_string));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
  }
  return "Try a more complex password, or contact your administrator.";
}

std::string KpasswdResult::describe() const {
  std::string out = kpasswd_code_text(code);
  if (auto m = message(); !m.empty()) {
    out += ": ";
    out += m;
  }
  return out;
}

Error KpasswdResult::to_error() const {
  if (ok()) return Error{};
  // "Password change rejected (Password is too short)"; other codes name
  // themselves: "Password change rejected (Access denied: ...)".
  const auto code_value = static_cast<std::uint16_t>(KpasswdCode::soft_error);
  return Error{Errc::password_rejected, code == code_value ? message() : describe()};
}

}  // namespace krbkit::exchange
