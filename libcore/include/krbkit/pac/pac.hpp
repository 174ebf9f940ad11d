#pragma once
// The Microsoft PAC (MS-PAC): the authorization data Active Directory puts in
// every ticket, inside AD-IF-RELEVANT (1) -> AD-WIN2K-PAC (128).
//
//   PACTYPE   ::= cBuffers:u32 Version:u32 PAC_INFO_BUFFER[cBuffers] data...
//   PAC_INFO_BUFFER ::= ulType:u32 cbBufferSize:u32 Offset:u64   (little-endian, data 8-aligned)
//
// decode() splits the buffers and decodes the ones an admin wants to see:
// LOGON_INFO (KERB_VALIDATION_INFO, NDR type serialisation 1), CLIENT_INFO,
// UPN_DNS_INFO, ATTRIBUTES_INFO, REQUESTOR and the signatures. The server
// signature is keyed with the service's long-term key, the KDC signature
// with krbtgt's (MS-PAC 2.8).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/enctype.hpp"
#include "krbkit/base/error.hpp"
#include "krbkit/base/json.hpp"
#include "krbkit/base/key.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::pac {

enum class BufferType : std::uint32_t {
  logon_info = 1,
  credentials_info = 2,
  server_checksum = 6,
  kdc_checksum = 7,
  client_info = 10,
  delegation_info = 11,
  upn_dns_info = 12,
  client_claims = 13,
  device_info = 14,
  device_claims = 15,
  ticket_checksum = 16,
  attributes_info = 17,
  requestor = 18,
  full_checksum = 19,
};
// "LOGON_INFO", "SERVER_CHECKSUM", ... or "type N".
std::string buffer_type_name(std::uint32_t type);

// A Windows SID, e.g. S-1-5-21-539438071-1224501385-2992420459-1102.
struct Sid {
  std::uint8_t revision = 1;
  std::uint64_t authority = 0;  // 48 bits
  std::vector<std::uint32_t> sub_authorities;
  std::string to_string() const;
  // The SID with `rid` appended (domain SID + RID = account SID).
  Sid with_rid(std::uint32_t rid) const;
  friend bool operator==(const Sid&, const Sid&) = default;
};

// FILETIME: 100 ns units since 1601-01-01 UTC; 0 = not set,
// 0x7fffffffffffffff = never.
struct FileTime {
  std::uint64_t value = 0;
  bool is_set() const { return value != 0; }
  bool is_never() const { return value >= 0x7fffffffffffffffULL; }
  std::int64_t unix_seconds() const;
  // "2026-11-22T03:35:32Z", "never" or "not set".
  std::string to_string() const;
};

struct GroupMembership {
  std::uint32_t rid = 0;
  std::uint32_t attributes = 0;  // SE_GROUP_* (7 = mandatory, enabled by default, enabled)
};

struct SidAndAttributes {
  Sid sid;
  std::uint32_t attributes = 0;
};

// KERB_VALIDATION_INFO (MS-PAC 2.5).
struct LogonInfo {
  FileTime logon_time, logoff_time, kickoff_time;
  FileTime password_last_set, password_can_change, password_must_change;
  std::string effective_name, full_name, logon_script, profile_path, home_directory, home_directory_drive;
  std::uint16_t logon_count = 0, bad_password_count = 0;
  std::uint32_t user_id = 0, primary_group_id = 0;
  std::vector<GroupMembership> groups;
  std::uint32_t user_flags = 0;
  std::string logon_server, logon_domain_name;
  std::optional<Sid> logon_domain_id;
  std::uint32_t user_account_control = 0;
  std::uint32_t sub_auth_status = 0;
  FileTime last_successful_ilogon, last_failed_ilogon;
  std::uint32_t failed_ilogon_count = 0;
  std::vector<SidAndAttributes> extra_sids;
  std::optional<Sid> resource_group_domain_sid;
  std::vector<GroupMembership> resource_groups;

  // logon_domain_id + user_id (nullopt without a domain SID).
  std::optional<Sid> user_sid() const;
};

// UPN_DNS_INFO (MS-PAC 2.10); sam_name and sid only with the extended flag (2).
struct UpnDnsInfo {
  std::string upn, dns_domain;
  std::uint32_t flags = 0;  // 1: the account has no UPN (upn is constructed); 2: extended
  std::optional<std::string> sam_name;
  std::optional<Sid> sid;
};

// PAC_CLIENT_INFO (MS-PAC 2.7): ClientId = the ticket's authtime.
struct ClientInfo {
  FileTime client_id;
  std::string name;
};

// PAC_SIGNATURE_DATA (MS-PAC 2.8).
struct Signature {
  Cksumtype type = Cksumtype::crc32;
  Bytes signature;
  std::optional<std::uint16_t> rodc_identifier;
  std::size_t signature_offset = 0;  // of `signature` inside the whole PAC
};

struct Buffer {
  std::uint32_t type = 0;
  std::uint64_t offset = 0;
  Bytes data;
};

struct Pac {
  std::uint32_t version = 0;
  std::vector<Buffer> buffers;
  std::optional<LogonInfo> logon_info;
  std::optional<ClientInfo> client_info;
  std::optional<UpnDnsInfo> upn_dns_info;
  std::optional<std::uint32_t> attributes;  // PAC_ATTRIBUTES_INFO flags (1: requested, 2: given)
  std::optional<Sid> requestor;
  std::optional<Signature> server_signature, kdc_signature, ticket_signature, full_signature;
  Bytes raw;  // the PAC as received (signatures are computed over it)
};

// Errc::parse naming the buffer and field ("PAC LOGON_INFO: ...") on damage.
Result<Pac> decode(BytesView pac);
// One LOGON_INFO buffer (with its NDR type-serialisation headers).
Result<LogonInfo> decode_logon_info(BytesView buffer);

// The server signature over the PAC with the server and KDC signature fields
// zeroed, keyed with the service key (key usage 17). Errc::integrity when it
// does not match; Errc::parse when the PAC has no server signature. Every
// signature must use the mandatory checksum of its key's enctype (so never
// an unkeyed one): KRB_AP_ERR_INAPP_CKSUM (kdc_error(50)) otherwise.
Result<void> verify_server_signature(const Pac& pac, const Key& service_key);
// The KDC signature over the server signature, keyed with krbtgt's key.
Result<void> verify_kdc_signature(const Pac& pac, const Key& krbtgt_key);
// The full signature (MS-PAC 2.8.5, after CVE-2022-37967): over the whole PAC
// with the server, KDC and full signature fields zeroed, keyed with krbtgt's key.
Result<void> verify_full_signature(const Pac& pac, const Key& krbtgt_key);
// The ticket signature (MS-PAC 2.8.3): over the EncTicketPart re-encoded
// with the PAC's contents replaced by one zero byte, keyed with krbtgt's key.
// KDCs put none in tickets for krbtgt/* and kadmin/changepw.
Result<void> verify_ticket_signature(const Pac& pac, const EncTicketPart& part, const Key& krbtgt_key);
bool should_have_ticket_signature(const Principal& server);

// The PAC inside a ticket's authorization data (AD-IF-RELEVANT ->
// AD-WIN2K-PAC), nullopt when there is none.
Result<std::optional<Bytes>> find_pac(const AuthorizationData& authorization_data);

// What a verification gave, for rendering.
struct Check {
  enum class State { verified, failed, not_checked } state = State::not_checked;
  std::string detail;  // why it failed or was not checked
};
struct Checks {
  Check server, kdc;
  Check client;    // CLIENT_INFO against the ticket's client name and authtime
  Check full;      // FULL_CHECKSUM, with krbtgt's key
  Check ticket{};  // TICKET_CHECKSUM, with krbtgt's key
};

// Human-readable listing, one "name: value" line each (values from column
// 26 + indent), indented by `indent`; groups with their attributes, names
// of well-known RIDs and SIDs, flags spelled out.
std::string to_text(const Pac& pac, const Checks& checks, int indent = 0);
// Members of a JSON object {"version":..., "buffers":[...], "logon_info":{...}, ...}
// (the schema is in man/klist.1, "DECODED TICKETS").
void to_json(json::Writer& w, const Pac& pac, const Checks& checks);

// NTSTATUS codes that AD's KDC sends in KERB-EXT-ERROR (inside a PA-PW-SALT
// of an error's e-data: status LE u32, reserved u32, flags u32).
// The NTSTATUS from a KRB-ERROR's e-data (METHOD-DATA or a bare
// KERB-EXT-ERROR), nullopt when there is none.
std::optional<std::uint32_t> ntstatus_from_edata(BytesView e_data);
// "Account disabled", "Account locked out", ... or nullopt for codes without
// a message here.
std::optional<std::string> ntstatus_message(std::uint32_t status);

// A Windows NTSTATUS that an Active Directory KDC put in a KRB-ERROR's e-data.
// It says more than the RFC 4120 code: "Account disabled" rather than
// "credentials revoked". Carried on an Error as its extension.
struct NtStatus : ErrorExtension {
  std::uint32_t code = 0;
  std::string text;  // ntstatus_message(code), "" when unknown
};
// Finds the NTSTATUS in `e_data` and attaches it to `error`; the attached
// value, or nullptr when e_data carries none (then `error` is unchanged).
const NtStatus* attach_ntstatus(Error& error, BytesView e_data);
// The NTSTATUS attached to `error`, nullptr when there is none.
const NtStatus* ntstatus_of(const Error& error);

}  // namespace krbkit::pac
