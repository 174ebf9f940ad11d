// Names for the numbers in a PAC: well-known RIDs and SIDs (MS-DTYP 2.4.2.4),
// SE_GROUP_* attributes (MS-PAC 2.2.1), LOGON_* user flags (MS-NRPC
// 2.2.1.4.11) and the USER_* account control bits (MS-SAMR 2.2.1.12).
#include <fmt/format.h>

#include "krbkit/pac/ticket.hpp"

namespace krbkit::pac {

namespace {

struct Bit {
  std::uint32_t bit;
  const char* name;
};

std::vector<std::string> bit_names(std::uint32_t value, std::initializer_list<Bit> bits) {
  std::vector<std::string> out;
  for (const auto& b : bits) {
    if ((value & b.bit) == b.bit) {
      out.emplace_back(b.name);
      value &= ~b.bit;
    }
  }
  for (unsigned i = 0; i < 32; ++i)
    if (value & (1u << i)) out.push_back(fmt::format("0x{:x}", 1u << i));
  return out;
}

}  // namespace

std::string well_known_rid_name(std::uint32_t rid) {
  switch (rid) {
    case 500: return "Administrator";
    case 501: return "Guest";
    case 502: return "krbtgt";
    case 512: return "Domain Admins";
    case 513: return "Domain Users";
    case 514: return "Domain Guests";
    case 515: return "Domain Computers";
    case 516: return "Domain Controllers";
    case 517: return "Cert Publishers";
    case 518: return "Schema Admins";
    case 519: return "Enterprise Admins";
    case 520: return "Group Policy Creator Owners";
    case 521: return "Read-only Domain Controllers";
    case 522: return "Cloneable Domain Controllers";
    case 525: return "Protected Users";
    case 526: return "Key Admins";
    case 527: return "Enterprise Key Admins";
    case 553: return "RAS and IAS Servers";
    case 571: return "Allowed RODC Password Replication Group";
    case 572: return "Denied RODC Password Replication Group";
    default: return "";
  }
}

std::string well_known_sid_name(const Sid& sid) {
  const std::string s = sid.to_string();
  struct Known {
    const char* sid;
    const char* name;
  };
  static constexpr Known kKnown[] = {
      {"S-1-1-0", "Everyone"},
      {"S-1-5-2", "Network"},
      {"S-1-5-4", "Interactive"},
      {"S-1-5-9", "Enterprise Domain Controllers"},
      {"S-1-5-11", "Authenticated Users"},
      {"S-1-5-18", "Local System"},
      {"S-1-5-32-544", "BUILTIN\\Administrators"},
      {"S-1-5-32-545", "BUILTIN\\Users"},
      {"S-1-5-32-546", "BUILTIN\\Guests"},
      {"S-1-5-32-548", "BUILTIN\\Account Operators"},
      {"S-1-5-32-549", "BUILTIN\\Server Operators"},
      {"S-1-5-32-551", "BUILTIN\\Backup Operators"},
      {"S-1-5-32-554", "BUILTIN\\Pre-Windows 2000 Compatible Access"},
      {"S-1-5-64-10", "NTLM Authentication"},
      {"S-1-18-1", "Authentication authority asserted identity"},
      {"S-1-18-2", "Service asserted identity"},
      {"S-1-18-3", "Fresh public key identity"},
      {"S-1-18-4", "Key trust identity"},
      {"S-1-18-5", "Key property MFA"},
      {"S-1-18-6", "Key property attestation"},
  };
  for (const auto& k : kKnown)
    if (s == k.sid) return k.name;
  // S-1-5-21-<domain>-<rid>: the domain's well-known accounts and groups.
  if (sid.authority == 5 && sid.sub_authorities.size() == 5 && sid.sub_authorities[0] == 21)
    return well_known_rid_name(sid.sub_authorities.back());
  return "";
}

std::vector<std::string> group_attribute_names(std::uint32_t attributes) {
  return bit_names(attributes, {{0x00000001, "mandatory"},
                                {0x00000002, "enabled by default"},
                                {0x00000004, "enabled"},
                                {0x00000008, "owner"},
                                {0x00000010, "deny only"},
                                {0x00000020, "integrity"},
                                {0x00000040, "integrity enabled"},
                                {0x20000000, "resource"},
                                {0xC0000000, "logon ID"}});
}

std::vector<std::string> user_flag_names(std::uint32_t flags) {
  return bit_names(flags, {{0x0001, "guest"},
                           {0x0002, "no encryption"},
                           {0x0004, "cached account"},
                           {0x0008, "used LM password"},
                           {0x0020, "extra SIDs"},
                           {0x0040, "sub-auth session key"},
                           {0x0080, "server trust account"},
                           {0x0100, "NTLMv2 enabled"},
                           {0x0200, "resource groups"},
                           {0x0400, "profile path returned"},
                           {0x0800, "NTv2"},
                           {0x1000, "LMv2"},
                           {0x2000, "NTLMv2"}});
}

std::vector<std::string> account_control_names(std::uint32_t uac) {
  return bit_names(uac, {{0x00000001, "disabled"},
                         {0x00000002, "home directory required"},
                         {0x00000004, "password not required"},
                         {0x00000008, "temporary duplicate account"},
                         {0x00000010, "normal account"},
                         {0x00000020, "MNS logon account"},
                         {0x00000040, "interdomain trust account"},
                         {0x00000080, "workstation trust account"},
                         {0x00000100, "server trust account"},
                         {0x00000200, "password never expires"},
                         {0x00000400, "locked out"},
                         {0x00000800, "encrypted text password allowed"},
                         {0x00001000, "smartcard required"},
                         {0x00002000, "trusted for delegation"},
                         {0x00004000, "not delegated"},
                         {0x00008000, "DES keys only"},
                         {0x00010000, "pre-authentication not required"},
                         {0x00020000, "password expired"},
                         {0x00040000, "trusted to authenticate for delegation"},
                         {0x00080000, "no auth data required"},
                         {0x00100000, "partial secrets account"},
                         {0x00200000, "uses AES keys"}});
}

}  // namespace krbkit::pac
