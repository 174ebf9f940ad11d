// The enctype and checksum-type tables. Names, aliases and flags follow MIT
// krb5 1.20 (src/lib/crypto/krb/etypes.c, cksumtypes.c) so that `klist -e`
// output and krb5.conf enctype lists read the same. des3-cbc-sha1 and
// rc4-hmac-exp count as weak here: usable only with allow_weak_crypto.
//
// This file holds names, numbers, sizes and flags only, no crypto: config/,
// ccache/, keytab/ and present/ use it for names, and klist, kdestroy and
// kswitch link it without OpenSSL. The RFC 3961 operations of each enctype
// are looked up by number in profile_table.cpp (test_crypto checks that
// both tables hold the same enctypes).
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string>

#include "krbkit/crypto/enctypes.hpp"

namespace krbkit {
namespace {

const std::array<EnctypeInfo, 9>& enctypes() {
  // clang-format off
  static const std::array<EnctypeInfo, 9> table{{
    // id, name, aliases, description,
    //   key, seed, confounder, mac, prf, default iterations, checksum, weak, deprecated
    {Enctype::aes256_cts_hmac_sha1_96, "aes256-cts-hmac-sha1-96", {"aes256-cts", "aes256-sha1"},
     "AES-256 CTS mode with 96-bit SHA-1 HMAC",
     32, 32, 16, 12, 16, 4096, Cksumtype::hmac_sha1_96_aes256, false, false},
    {Enctype::aes128_cts_hmac_sha1_96, "aes128-cts-hmac-sha1-96", {"aes128-cts", "aes128-sha1"},
     "AES-128 CTS mode with 96-bit SHA-1 HMAC",
     16, 16, 16, 12, 16, 4096, Cksumtype::hmac_sha1_96_aes128, false, false},
    {Enctype::aes256_cts_hmac_sha384_192, "aes256-cts-hmac-sha384-192", {"aes256-sha2", ""},
     "AES-256 CTS mode with 192-bit SHA-384 HMAC",
     32, 32, 16, 24, 48, 32768, Cksumtype::hmac_sha384_192_aes256, false, false},
    {Enctype::aes128_cts_hmac_sha256_128, "aes128-cts-hmac-sha256-128", {"aes128-sha2", ""},
     "AES-128 CTS mode with 128-bit SHA-256 HMAC",
     16, 16, 16, 16, 32, 32768, Cksumtype::hmac_sha256_128_aes128, false, false},
    {Enctype::camellia256_cts_cmac, "camellia256-cts-cmac", {"camellia256-cts", ""},
     "Camellia-256 CTS mode with CMAC",
     32, 32, 16, 16, 16, 32768, Cksumtype::cmac_camellia256, false, false},
    {Enctype::camellia128_cts_cmac, "camellia128-cts-cmac", {"camellia128-cts", ""},
     "Camellia-128 CTS mode with CMAC",
     16, 16, 16, 16, 16, 32768, Cksumtype::cmac_camellia128, false, false},
    {Enctype::rc4_hmac, "arcfour-hmac", {"rc4-hmac", "arcfour-hmac-md5"},
     "ArcFour with HMAC/md5",
     16, 16, 8, 16, 20, 0, Cksumtype::hmac_md5_rc4, false, true},
    {Enctype::des3_cbc_sha1, "des3-cbc-sha1", {"des3-hmac-sha1", "des3-cbc-sha1-kd"},
     "Triple DES cbc mode with HMAC/sha1",
     24, 21, 8, 20, 16, 0, Cksumtype::hmac_sha1_des3_kd, true, true},
    {Enctype::rc4_hmac_exp, "arcfour-hmac-exp", {"rc4-hmac-exp", "arcfour-hmac-md5-exp"},
     "Exportable ArcFour with HMAC/md5",
     16, 16, 8, 16, 20, 0, Cksumtype::hmac_md5_rc4, true, true},
  }};
  // clang-format on
  return table;
}

const std::array<CksumtypeInfo, 13>& cksumtypes() {
  // clang-format off
  static const std::array<CksumtypeInfo, 13> table{{
    {Cksumtype::crc32, "crc32", 4, false, Enctype::null},
    {Cksumtype::rsa_md4, "md4", 16, false, Enctype::null},
    {Cksumtype::rsa_md5, "md5", 16, false, Enctype::null},
    {Cksumtype::sha1, "sha", 20, false, Enctype::null},
    {Cksumtype::hmac_sha1_des3_kd, "hmac-sha1-des3", 20, true, Enctype::des3_cbc_sha1},
    {Cksumtype::hmac_sha1_96_aes128, "hmac-sha1-96-aes128", 12, true, Enctype::aes128_cts_hmac_sha1_96},
    {Cksumtype::hmac_sha1_96_aes256, "hmac-sha1-96-aes256", 12, true, Enctype::aes256_cts_hmac_sha1_96},
    {Cksumtype::cmac_camellia128, "cmac-camellia128", 16, true, Enctype::camellia128_cts_cmac},
    {Cksumtype::cmac_camellia256, "cmac-camellia256", 16, true, Enctype::camellia256_cts_cmac},
    {Cksumtype::hmac_sha256_128_aes128, "hmac-sha256-128-aes128", 16, true, Enctype::aes128_cts_hmac_sha256_128},
    {Cksumtype::hmac_sha384_192_aes256, "hmac-sha384-192-aes256", 24, true, Enctype::aes256_cts_hmac_sha384_192},
    {Cksumtype::hmac_md5_rc4, "hmac-md5-rc4", 16, true, Enctype::null},
    {Cksumtype::md5_hmac_rc4, "md5-hmac-rc4", 16, true, Enctype::null},
  }};
  // clang-format on
  return table;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

const EnctypeInfo* find(Enctype e) {
  for (const auto& row : enctypes())
    if (row.id == e) return &row;
  return nullptr;
}

}  // namespace

Result<const EnctypeInfo*> enctype_info(Enctype e) {
  if (const EnctypeInfo* row = find(e)) return row;
  return Error{Errc::unsupported_enctype, enctype_name(e)};
}

Result<const EnctypeInfo*> enctype_info(Enctype e, CryptoPolicy policy) {
  KRBKIT_TRY(row, enctype_info(e));
  if (row->weak && !policy.allow_weak)
    return Error{Errc::unsupported_enctype,
                 std::string(row->name) + " is weak and allow_weak_crypto is false"};
  return row;
}

Result<Enctype> enctype_from_name(std::string_view name) {
  for (const auto& row : enctypes()) {
    if (iequals(name, row.name)) return row.id;
    for (std::string_view alias : row.aliases)
      if (!alias.empty() && iequals(name, alias)) return row.id;
  }
  std::int32_t number = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
  if (ec == std::errc{} && end == name.data() + name.size() && find(static_cast<Enctype>(number)) != nullptr)
    return static_cast<Enctype>(number);
  return Error{Errc::unsupported_enctype, "unknown enctype name \"" + std::string(name) + "\""};
}

std::string enctype_name(Enctype e) {
  if (const EnctypeInfo* row = find(e)) return std::string(row->name);
  return "etype " + std::to_string(to_int(e));
}

bool enctype_is_weak(Enctype e) {
  const EnctypeInfo* row = find(e);
  return row == nullptr || row->weak;
}

bool enctype_is_deprecated(Enctype e) {
  const EnctypeInfo* row = find(e);
  return row != nullptr && row->deprecated;
}

std::vector<Enctype> supported_enctypes() {
  std::vector<Enctype> out;
  for (const auto& row : enctypes()) out.push_back(row.id);
  return out;
}

std::vector<Enctype> enctype_family(std::string_view name) {
  using E = Enctype;
  if (iequals(name, "DEFAULT"))  // MIT 1.20 init_ctx.c default_enctype_list
    return {E::aes256_cts_hmac_sha1_96,    E::aes128_cts_hmac_sha1_96, E::aes256_cts_hmac_sha384_192,
            E::aes128_cts_hmac_sha256_128, E::des3_cbc_sha1,           E::rc4_hmac,
            E::camellia128_cts_cmac,       E::camellia256_cts_cmac};
  if (iequals(name, "aes"))
    return {E::aes256_cts_hmac_sha1_96, E::aes128_cts_hmac_sha1_96, E::aes256_cts_hmac_sha384_192,
            E::aes128_cts_hmac_sha256_128};
  if (iequals(name, "aes-sha1")) return {E::aes256_cts_hmac_sha1_96, E::aes128_cts_hmac_sha1_96};
  if (iequals(name, "aes-sha2")) return {E::aes256_cts_hmac_sha384_192, E::aes128_cts_hmac_sha256_128};
  if (iequals(name, "camellia")) return {E::camellia256_cts_cmac, E::camellia128_cts_cmac};
  if (iequals(name, "rc4")) return {E::rc4_hmac};
  if (iequals(name, "des3")) return {E::des3_cbc_sha1};
  auto single = enctype_from_name(name);
  if (single.ok()) return {single.value()};
  return {};
}

Result<const CksumtypeInfo*> cksumtype_info(Cksumtype c) {
  for (const auto& row : cksumtypes())
    if (row.id == c) return &row;
  return Error{Errc::unsupported_enctype, cksumtype_name(c)};
}

std::string cksumtype_name(Cksumtype c) {
  for (const auto& row : cksumtypes())
    if (row.id == c) return std::string(row.name);
  return "cksumtype " + std::to_string(to_int(c));
}

Cksumtype mandatory_checksum(Enctype e) {
  const EnctypeInfo* row = find(e);
  return row != nullptr ? row->checksum : Cksumtype{0};
}

}  // namespace krbkit
