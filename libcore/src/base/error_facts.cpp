#include "krbkit/base/error_facts.hpp"

#include <array>
#include <cctype>
#include <cstring>

namespace krbkit {
namespace {

// Errc's enumerators by value.
constexpr std::array<const char*, 41> kErrcNames = {"ok",
                                                    "parse",
                                                    "integrity",
                                                    "unsupported_enctype",
                                                    "unsupported",
                                                    "invalid_argument",
                                                    "config",
                                                    "no_kdc",
                                                    "timeout",
                                                    "ccache_not_found",
                                                    "ccache_format",
                                                    "ccache_io",
                                                    "ccache_unsafe",
                                                    "keytab_not_found",
                                                    "keytab_format",
                                                    "keytab_no_key",
                                                    "no_credentials",
                                                    "credentials_expired",
                                                    "reply_mismatch",
                                                    "password_mismatch",
                                                    "io",
                                                    "cancelled",
                                                    "internal",
                                                    "password_rejected",
                                                    "armor_not_found",
                                                    "armor_unreadable",
                                                    "armor_expired",
                                                    "fast_not_used",
                                                    "certificate_refused",
                                                    "cache_daemon_unreachable",
                                                    "cache_daemon_hung_up",
                                                    "cache_reply_malformed",
                                                    "cache_quota",
                                                    "cache_not_ours",
                                                    "pkinit_no_anchors",
                                                    "pkinit_untrusted",
                                                    "pkinit_cert_expired",
                                                    "pkinit_kdc_name",
                                                    "pkinit_key_mismatch",
                                                    "pkinit_passphrase",
                                                    "pkinit_client_cert"};
static_assert(static_cast<std::size_t>(Errc::pkinit_client_cert) + 1 == kErrcNames.size(),
              "a name for every Errc, in order");

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::string error_code_name(const std::error_code& code) {
  const int value = code.value();
  if (code.category() == kdc_category()) {
    const char* name = kdc_error_name(value);
    return *name != '\0' ? name : "KRB5_ERROR_" + std::to_string(value);
  }
  if (code.category() == lib_category()) {
    if (value >= 0 && static_cast<std::size_t>(value) < kErrcNames.size())
      return "KRBKIT_" + upper(kErrcNames[static_cast<std::size_t>(value)]);
    return "KRBKIT_ERROR_" + std::to_string(value);
  }
  if (code.category() == std::system_category() || code.category() == std::generic_category()) {
    if (const char* name = strerrorname_np(value)) return name;
    return "ERRNO_" + std::to_string(value);
  }
  return upper(code.category().name()) + "_" + std::to_string(value);
}

void attach_kdc_origin(Error& error, std::string kdc, std::optional<std::int64_t> kdc_time) {
  auto origin = std::make_shared<KdcOrigin>();
  origin->kdc = std::move(kdc);
  origin->kdc_time = kdc_time;
  origin->inner = std::move(error.extension);
  error.extension = std::move(origin);
}

}  // namespace krbkit
