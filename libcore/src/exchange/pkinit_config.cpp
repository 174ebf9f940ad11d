// krb5.conf's PKINIT relations for the client, read as MIT's
// pkinit_libdefault_* do: the realm's own [realms] entry first, then
// [libdefaults].

#include <fmt/format.h>

#include "krbkit/exchange/as_exchange.hpp"

namespace krbkit::exchange {

namespace {

std::vector<std::string> values(const config::Profile& profile, const std::string& realm,
                                std::string_view name) {
  auto out = profile.get_all({"realms", realm, name});
  if (out.empty()) out = profile.get_all({"libdefaults", name});
  return out;
}

// 2048 and 4096 name MODP groups; P-256, P-384 and P-521 (or 256, 384,
// 521) the curves of RFC 5349.
Result<int> dh_bits(const std::string& text) {
  for (int curve : {256, 384, 521})
    if (text == fmt::format("P-{}", curve) || text == std::to_string(curve)) return curve;
  try {
    std::size_t used = 0;
    int bits = std::stoi(text, &used);
    if (used == text.size() && bits > 0) return bits < 2048 ? 2048 : bits;
  } catch (const std::exception&) {
  }
  return Error{Errc::config, fmt::format("pkinit_dh_min_bits = {}: not a number of bits or a curve", text)};
}

}  // namespace

Result<PkinitOptions> pkinit_options(const config::Profile& profile, const std::string& realm) {
  PkinitOptions opts;
  opts.trust.anchors = values(profile, realm, "pkinit_anchors");
  opts.trust.pool = values(profile, realm, "pkinit_pool");
  opts.trust.revoke = values(profile, realm, "pkinit_revoke");
  opts.kdc_hostnames = values(profile, realm, "pkinit_kdc_hostname");
  if (auto bits = values(profile, realm, "pkinit_dh_min_bits"); !bits.empty()) {
    KRBKIT_TRY(n, dh_bits(bits.front()));
    opts.dh_min_bits = n;
  }
  if (auto eku = values(profile, realm, "pkinit_eku_checking"); !eku.empty()) {
    if (eku.front() == "kpServerAuth")
      opts.eku = PkinitOptions::Eku::server_auth;
    else if (eku.front() == "none")
      opts.eku = PkinitOptions::Eku::none;
    else if (eku.front() != "kpKDC")
      return Error{Errc::config,
                   fmt::format("pkinit_eku_checking = {}: not kpKDC, kpServerAuth or none", eku.front())};
  }
  return opts;
}

}  // namespace krbkit::exchange
