// krb5.conf's PKINIT relations for the client, read as MIT's
// pkinit_libdefault_* do: the realm's own [realms] entry first, then
// [libdefaults]; and kinit -X's attributes over them.

#include <fmt/format.h>

#include <filesystem>

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

// MIT tries pkinit_identities in turn and logs in with a password when none
// loads; krbkit leaves out those whose file or folder is not there, so a
// missing certificate means the password (and no pass phrase is asked
// before the KDC offers PKINIT).
bool identity_present(const std::string& identity) {
  const auto colon = identity.find(':');
  if (colon == std::string::npos) return true;  // not a known kind: let loading say what is wrong
  const std::string kind = identity.substr(0, colon);
  const std::string path = identity.substr(colon + 1, identity.find(',') - colon - 1);
  std::error_code ec;
  if (kind == "DIR") return std::filesystem::is_directory(path, ec);
  if (kind == "FILE" || kind == "PKCS12") return std::filesystem::exists(path, ec);
  return true;
}

}  // namespace

Result<PkinitOptions> pkinit_options(const config::Profile& profile, const std::string& realm) {
  PkinitOptions opts;
  opts.trust.anchors = values(profile, realm, "pkinit_anchors");
  opts.trust.pool = values(profile, realm, "pkinit_pool");
  opts.trust.revoke = values(profile, realm, "pkinit_revoke");
  opts.kdc_hostnames = values(profile, realm, "pkinit_kdc_hostname");
  for (auto& identity : values(profile, realm, "pkinit_identities"))
    if (identity_present(identity)) opts.identities.push_back(std::move(identity));
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

Result<void> apply_preauth_attributes(PkinitOptions& opts, const std::vector<std::string>& attributes,
                                      std::vector<std::string>& ignored) {
  bool identity_given = false, anchors_given = false;
  for (const auto& attribute : attributes) {
    const auto eq = attribute.find('=');  // "-X flag" is "flag=yes", as MIT's kinit reads it
    const std::string name = attribute.substr(0, eq);
    const std::string value = eq == std::string::npos ? "yes" : attribute.substr(eq + 1);
    if (name == "X509_user_identity") {
      if (identity_given) return Error{Errc::invalid_argument, "X509_user_identity can not be given twice"};
      identity_given = true;
      opts.identities = {value};
    } else if (name == "X509_anchors") {
      if (!anchors_given) opts.trust.anchors.clear();
      anchors_given = true;
      opts.trust.anchors.push_back(value);
    } else if (name == "disable_freshness") {
      if (value == "yes") opts.freshness = false;
    } else {
      ignored.push_back(attribute);
    }
  }
  return success();
}

}  // namespace krbkit::exchange
