// SPAKE's group table, apart from the derivations in spake.cpp: krb5.conf's
// spake_preauth_groups is read by every tool (config/libdefaults.cpp), and a
// tool that never does SPAKE (klist, kdestroy, kswitch) must not pull
// spake.cpp, and OpenSSL with it, into its executable only to look a name up
// (libcrypto's start-up costs every run about a millisecond).

#include <algorithm>
#include <array>
#include <cctype>

#include "krbkit/crypto/spake.hpp"

namespace krbkit::spake {
namespace {

constexpr std::array kGroups{
    GroupInfo{Group::edwards25519, "edwards25519", 32, 32, 32},
    GroupInfo{Group::p256, "P-256", 32, 33, 32},
    GroupInfo{Group::p384, "P-384", 48, 49, 48},
    GroupInfo{Group::p521, "P-521", 66, 67, 64},
};

bool same_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::span<const GroupInfo> groups() { return kGroups; }

const GroupInfo* find_group(std::int32_t id) {
  for (const auto& g : kGroups)
    if (static_cast<std::int32_t>(g.id) == id) return &g;
  return nullptr;
}

const GroupInfo* find_group(std::string_view name) {
  for (const auto& g : kGroups)
    if (same_name(g.name, name)) return &g;
  return nullptr;
}

}  // namespace krbkit::spake
