// KERB_VALIDATION_INFO (MS-PAC 2.5) in NDR type serialisation version 1
// (MS-RPCE 2.2.6): an 8-byte common header (version 1, little-endian 0x10,
// length 8), an 8-byte private header (object length), a referent id for the
// top-level pointer, then the structure with its embedded pointers as
// referent ids, and the pointed-to data deferred, in field order:
//
//   strings  ::= MaximumCount:u32 Offset:u32 ActualCount:u32 wchar[ActualCount]
//   groups   ::= MaximumCount:u32 { RelativeId:u32 Attributes:u32 }[count]
//   sid      ::= SubAuthorityCount:u32 Revision:u8 Count:u8 Authority:6 (BE) u32[Count]
//   extra    ::= MaximumCount:u32 { SidPointer:u32 Attributes:u32 }[count] sid[each non-null]
#include <fmt/format.h>

#include "pac/le_reader.hpp"

namespace krbkit::pac {

std::string utf16le_to_utf8(BytesView data) {
  std::string out;
  auto put = [&out](std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  };
  for (std::size_t i = 0; i + 1 < data.size(); i += 2) {
    std::uint32_t u = data[i] | (data[i + 1] << 8);
    if (u >= 0xD800 && u < 0xDC00 && i + 3 < data.size()) {
      std::uint32_t lo = data[i + 2] | (data[i + 3] << 8);
      if (lo >= 0xDC00 && lo < 0xE000) {
        put(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    put(u >= 0xD800 && u < 0xE000 ? 0xFFFD : u);
  }
  return out;
}

std::string LeReader::utf16(std::size_t byte_len, std::string_view f) {
  return utf16le_to_utf8(bytes(byte_len, f));
}

BytesView LeReader::slice_at(std::size_t at, std::size_t len, std::string_view f) {
  if (at > data_.size() || len > data_.size() - at) {
    fail(f, fmt::format("offset {} length {} runs past the end ({} bytes)", at, len, data_.size()));
    return {};
  }
  return data_.subspan(at, len);
}

std::string LeReader::utf16_at(std::size_t at, std::size_t byte_len, std::string_view f) {
  return utf16le_to_utf8(slice_at(at, byte_len, f));
}

Sid LeReader::sid(std::string_view f) {
  Sid s;
  s.revision = u8(f);
  std::uint8_t count = u8(f);
  BytesView auth = bytes(6, f);
  for (auto b : auth) s.authority = (s.authority << 8) | b;
  for (std::uint8_t i = 0; i < count && !failed(); ++i) s.sub_authorities.push_back(u32(f));
  return s;
}

namespace {

struct UnicodeString {
  std::uint16_t length = 0;
  std::uint32_t pointer = 0;
};

UnicodeString unicode_string(LeReader& r, std::string_view f) {
  UnicodeString s;
  s.length = r.u16(f);
  r.u16(f);  // MaximumLength
  s.pointer = r.u32(f);
  return s;
}

std::string deferred_string(LeReader& r, const UnicodeString& s, std::string_view f) {
  if (s.pointer == 0) return {};
  r.align(4);
  r.u32(f);  // MaximumCount
  r.u32(f);  // Offset
  std::uint32_t actual = r.u32(f);
  if (actual * 2 < s.length)
    r.fail(f, fmt::format("{} characters, the length says {} bytes", actual, s.length));
  std::string out = r.utf16(static_cast<std::size_t>(actual) * 2, f);
  return out;
}

std::vector<GroupMembership> deferred_groups(LeReader& r, std::uint32_t pointer, std::uint32_t count,
                                             std::string_view f) {
  std::vector<GroupMembership> out;
  if (pointer == 0) return out;
  r.align(4);
  std::uint32_t max = r.u32(f);
  if (max != count) r.fail(f, fmt::format("array of {} entries, the count says {}", max, count));
  if (!r.failed() && count > r.remaining() / 8) r.fail(f, fmt::format("{} groups do not fit", count));
  for (std::uint32_t i = 0; i < count && !r.failed(); ++i) {
    GroupMembership g;
    g.rid = r.u32(f);
    g.attributes = r.u32(f);
    out.push_back(g);
  }
  return out;
}

std::optional<Sid> deferred_sid(LeReader& r, std::uint32_t pointer, std::string_view f) {
  if (pointer == 0) return std::nullopt;
  r.align(4);
  r.u32(f);  // MaximumCount (= SubAuthorityCount)
  return r.sid(f);
}

// The pointers and string headers of KERB_VALIDATION_INFO's fixed part,
// whose data follows it in this order (NDR's deferred referents).
struct Referents {
  UnicodeString effective, full, script, profile, home, drive, server, domain;
  std::uint32_t group_count = 0, groups_ptr = 0, domain_sid_ptr = 0;
  std::uint32_t sid_count = 0, extra_ptr = 0;
  std::uint32_t resource_sid_ptr = 0, resource_count = 0, resource_ptr = 0;
};

// The type serialisation headers (MS-RPCE 2.2.6) and the top-level pointer.
Result<void> read_ndr_headers(LeReader& r) {
  std::uint8_t version = r.u8("common header version");
  std::uint8_t endian = r.u8("common header endianness");
  r.skip(6, "common header");
  r.skip(8, "private header");
  if (!r.failed() && (version != 1 || endian != 0x10)) {
    return Error{Errc::parse,
                 fmt::format("PAC LOGON_INFO: NDR header version {} endianness 0x{:02x} (want 1, 0x10)",
                             version, endian)};
  }
  if (r.u32("top-level pointer") == 0 && !r.failed())
    return Error{Errc::parse, "PAC LOGON_INFO: null pointer"};
  return success();
}

Referents read_fixed_part(LeReader& r, LogonInfo& info) {
  Referents ref;
  info.logon_time = r.filetime("LogonTime");
  info.logoff_time = r.filetime("LogoffTime");
  info.kickoff_time = r.filetime("KickOffTime");
  info.password_last_set = r.filetime("PasswordLastSet");
  info.password_can_change = r.filetime("PasswordCanChange");
  info.password_must_change = r.filetime("PasswordMustChange");
  ref.effective = unicode_string(r, "EffectiveName");
  ref.full = unicode_string(r, "FullName");
  ref.script = unicode_string(r, "LogonScript");
  ref.profile = unicode_string(r, "ProfilePath");
  ref.home = unicode_string(r, "HomeDirectory");
  ref.drive = unicode_string(r, "HomeDirectoryDrive");
  info.logon_count = r.u16("LogonCount");
  info.bad_password_count = r.u16("BadPasswordCount");
  info.user_id = r.u32("UserId");
  info.primary_group_id = r.u32("PrimaryGroupId");
  ref.group_count = r.u32("GroupCount");
  ref.groups_ptr = r.u32("GroupIds");
  info.user_flags = r.u32("UserFlags");
  r.skip(16, "UserSessionKey");
  ref.server = unicode_string(r, "LogonServer");
  ref.domain = unicode_string(r, "LogonDomainName");
  ref.domain_sid_ptr = r.u32("LogonDomainId");
  r.skip(8, "Reserved1");
  info.user_account_control = r.u32("UserAccountControl");
  info.sub_auth_status = r.u32("SubAuthStatus");
  info.last_successful_ilogon = r.filetime("LastSuccessfulILogon");
  info.last_failed_ilogon = r.filetime("LastFailedILogon");
  info.failed_ilogon_count = r.u32("FailedILogonCount");
  r.u32("Reserved3");
  ref.sid_count = r.u32("SidCount");
  ref.extra_ptr = r.u32("ExtraSids");
  ref.resource_sid_ptr = r.u32("ResourceGroupDomainSid");
  ref.resource_count = r.u32("ResourceGroupCount");
  ref.resource_ptr = r.u32("ResourceGroupIds");
  return ref;
}

// ExtraSids: a conformant array of {pointer, attributes}, then each SID.
std::vector<SidAndAttributes> deferred_extra_sids(LeReader& r, std::uint32_t pointer,
                                                  std::uint32_t sid_count) {
  std::vector<SidAndAttributes> out;
  if (pointer == 0) return out;
  r.align(4);
  std::uint32_t max = r.u32("ExtraSids");
  if (!r.failed() && (max != sid_count || sid_count > r.remaining() / 8))
    r.fail("ExtraSids", fmt::format("array of {} entries, the count says {}", max, sid_count));
  std::vector<std::pair<std::uint32_t, std::uint32_t>> entries;  // pointer, attributes
  for (std::uint32_t i = 0; i < sid_count && !r.failed(); ++i) {
    std::uint32_t p = r.u32("ExtraSids");
    entries.emplace_back(p, r.u32("ExtraSids"));
  }
  for (auto [p, attributes] : entries) {
    if (auto sid = deferred_sid(r, p, "ExtraSids")) out.push_back({std::move(*sid), attributes});
  }
  return out;
}

void read_deferred_part(LeReader& r, const Referents& ref, LogonInfo& info) {
  info.effective_name = deferred_string(r, ref.effective, "EffectiveName");
  info.full_name = deferred_string(r, ref.full, "FullName");
  info.logon_script = deferred_string(r, ref.script, "LogonScript");
  info.profile_path = deferred_string(r, ref.profile, "ProfilePath");
  info.home_directory = deferred_string(r, ref.home, "HomeDirectory");
  info.home_directory_drive = deferred_string(r, ref.drive, "HomeDirectoryDrive");
  info.groups = deferred_groups(r, ref.groups_ptr, ref.group_count, "GroupIds");
  info.logon_server = deferred_string(r, ref.server, "LogonServer");
  info.logon_domain_name = deferred_string(r, ref.domain, "LogonDomainName");
  info.logon_domain_id = deferred_sid(r, ref.domain_sid_ptr, "LogonDomainId");
  info.extra_sids = deferred_extra_sids(r, ref.extra_ptr, ref.sid_count);
  info.resource_group_domain_sid = deferred_sid(r, ref.resource_sid_ptr, "ResourceGroupDomainSid");
  info.resource_groups = deferred_groups(r, ref.resource_ptr, ref.resource_count, "ResourceGroupIds");
}

}  // namespace

Result<LogonInfo> decode_logon_info(BytesView buffer) {
  LeReader r(buffer);
  KRBKIT_CHECK(read_ndr_headers(r));
  LogonInfo info;
  const Referents ref = read_fixed_part(r, info);
  read_deferred_part(r, ref, info);
  if (r.failed()) {
    return Error{Errc::parse, fmt::format("PAC LOGON_INFO: byte {}: {}: {}", r.failure_offset(),
                                          r.failure_field(), r.failure_problem())};
  }
  return info;
}

}  // namespace krbkit::pac
