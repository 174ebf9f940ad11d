// PACTYPE, the small buffers and signatures (MS-PAC 2.3-2.10, 2.14).
// KERB_VALIDATION_INFO is in ndr.cpp, NTSTATUS in ntstatus.cpp.
#include <fmt/format.h>

#include <ctime>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/proto/constants.hpp"
#include "pac/le_reader.hpp"

namespace krbkit::pac {

namespace {
constexpr KeyUsage kPacChecksumUsage = KeyUsage::app_data_cksum;  // KERB_NON_KERB_CKSUM_SALT

struct TypeName {
  std::uint32_t type;
  const char* name;
};
constexpr TypeName kTypeNames[] = {
    {1, "LOGON_INFO"},   {2, "CREDENTIALS_INFO"}, {6, "SERVER_CHECKSUM"},  {7, "KDC_CHECKSUM"},
    {10, "CLIENT_INFO"}, {11, "DELEGATION_INFO"}, {12, "UPN_DNS_INFO"},    {13, "CLIENT_CLAIMS"},
    {14, "DEVICE_INFO"}, {15, "DEVICE_CLAIMS"},   {16, "TICKET_CHECKSUM"}, {17, "ATTRIBUTES_INFO"},
    {18, "REQUESTOR"},   {19, "FULL_CHECKSUM"},
};

Error damaged(std::uint32_t type, const LeReader& r) {
  return Error{Errc::parse, fmt::format("PAC {}: byte {}: {}: {}", buffer_type_name(type), r.failure_offset(),
                                        r.failure_field(), r.failure_problem())};
}

std::optional<Signature>& signature_slot(Pac& pac, std::uint32_t type) {
  switch (static_cast<BufferType>(type)) {
    case BufferType::server_checksum: return pac.server_signature;
    case BufferType::kdc_checksum: return pac.kdc_signature;
    case BufferType::ticket_checksum: return pac.ticket_signature;
    default: return pac.full_signature;
  }
}

Result<Signature> decode_signature(const Buffer& b) {
  LeReader r(b.data);
  Signature s;
  s.type = static_cast<Cksumtype>(r.i32("SignatureType"));
  std::size_t len = 0;
  switch (s.type) {
    case Cksumtype::hmac_sha1_96_aes128:
    case Cksumtype::hmac_sha1_96_aes256: len = 12; break;
    case Cksumtype::hmac_md5_rc4: len = 16; break;
    default: len = r.remaining() >= 2 ? r.remaining() : 0; break;
  }
  s.signature_offset = static_cast<std::size_t>(b.offset) + r.offset();
  BytesView sig = r.bytes(len, "Signature");
  s.signature.assign(sig.begin(), sig.end());
  if (r.remaining() >= 2) s.rodc_identifier = r.u16("RODCIdentifier");
  if (r.failed()) return damaged(b.type, r);
  return s;
}

Result<UpnDnsInfo> decode_upn_dns(const Buffer& b) {
  LeReader r(b.data);
  UpnDnsInfo u;
  std::uint16_t upn_len = r.u16("UpnLength"), upn_off = r.u16("UpnOffset");
  std::uint16_t dns_len = r.u16("DnsDomainNameLength"), dns_off = r.u16("DnsDomainNameOffset");
  u.flags = r.u32("Flags");
  u.upn = r.utf16_at(upn_off, upn_len, "Upn");
  u.dns_domain = r.utf16_at(dns_off, dns_len, "DnsDomainName");
  if (u.flags & 2) {
    std::uint16_t sam_len = r.u16("SamNameLength"), sam_off = r.u16("SamNameOffset");
    std::uint16_t sid_len = r.u16("SidLength"), sid_off = r.u16("SidOffset");
    u.sam_name = r.utf16_at(sam_off, sam_len, "SamName");
    LeReader sr(r.slice_at(sid_off, sid_len, "Sid"));
    u.sid = sr.sid("Sid");
    if (sr.failed()) return damaged(b.type, sr);
  }
  if (r.failed()) return damaged(b.type, r);
  return u;
}

Result<ClientInfo> decode_client_info(const Buffer& b) {
  LeReader r(b.data);
  ClientInfo c;
  c.client_id = r.filetime("ClientId");
  std::uint16_t len = r.u16("NameLength");
  c.name = r.utf16(len, "Name");
  if (r.failed()) return damaged(b.type, r);
  return c;
}

// The PAC with the server and KDC (and for the full signature, the full)
// signature fields zeroed.
Bytes zeroed_signatures(const Pac& pac, bool full_too) {
  Bytes copy = pac.raw;
  for (const auto* s : {&pac.server_signature, &pac.kdc_signature, &pac.full_signature}) {
    if (s == &pac.full_signature && !full_too) continue;
    if (*s)
      std::fill(copy.begin() + static_cast<std::ptrdiff_t>((*s)->signature_offset),
                copy.begin() + static_cast<std::ptrdiff_t>((*s)->signature_offset + (*s)->signature.size()),
                0);
  }
  return copy;
}

Result<void> verify(const Signature& s, const Key& key, BytesView data, const char* which) {
  // Only the checksum of the key's own enctype family proves the key: an
  // unkeyed type (crc32, md5, sha1) anyone can recompute, and MIT's KDC signs
  // with the key's mandatory checksum type.
  if (s.type != mandatory_checksum(key.enctype))
    return Error{kdc_error(KdcErr::ap_err_inapp_cksum),
                 fmt::format("PAC {} signature: checksum type {} is not {}, the checksum of the {} key",
                             which, cksumtype_name(s.type), cksumtype_name(mandatory_checksum(key.enctype)),
                             enctype_name(key.enctype))};
  auto r = verify_checksum(s.type, &key, kPacChecksumUsage, data, s.signature);
  if (!r) {
    return Error{r.error().code,
                 fmt::format("PAC {} signature (checksum type {}, key enctype {}){}{}", which, to_int(s.type),
                             to_int(key.enctype), r.error().detail.empty() ? "" : ": ", r.error().detail)};
  }
  return {};
}
}  // namespace

std::string buffer_type_name(std::uint32_t type) {
  for (const auto& t : kTypeNames)
    if (t.type == type) return t.name;
  return fmt::format("type {}", type);
}

std::string Sid::to_string() const {
  std::string out = fmt::format("S-{}-{}", revision, authority);
  for (auto s : sub_authorities) out += fmt::format("-{}", s);
  return out;
}

Sid Sid::with_rid(std::uint32_t rid) const {
  Sid s = *this;
  s.sub_authorities.push_back(rid);
  return s;
}

std::int64_t FileTime::unix_seconds() const {
  return static_cast<std::int64_t>(value / 10000000ULL) - 11644473600LL;
}

std::string FileTime::to_string() const {
  if (!is_set()) return "not set";
  if (is_never()) return "never";
  std::time_t t = static_cast<std::time_t>(unix_seconds());
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return fmt::format("filetime {}", value);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<Sid> LogonInfo::user_sid() const {
  if (!logon_domain_id) return std::nullopt;
  return logon_domain_id->with_rid(user_id);
}

namespace {

// The header's buffer list (MS-PAC 2.3/2.4), each buffer's bytes copied out.
Result<void> read_buffers(BytesView bytes, Pac& pac) {
  LeReader r(bytes);
  std::uint32_t count = r.u32("cBuffers");
  pac.version = r.u32("Version");
  if (!r.failed() && count > r.remaining() / 16) {
    return Error{Errc::parse, fmt::format("PAC: {} buffers do not fit in {} bytes", count, bytes.size())};
  }
  // MS-PAC 2.4: the data follows the header, each buffer 8-aligned; buffers
  // do not share bytes, so together they fit in what follows the header
  // (which also keeps the copies below linear in the PAC's size).
  const std::uint64_t header = 8 + 16 * std::uint64_t{count};
  std::uint64_t total = 0;
  for (std::uint32_t i = 0; i < count && !r.failed(); ++i) {
    Buffer b;
    b.type = r.u32("ulType");
    std::uint32_t size = r.u32("cbBufferSize");
    b.offset = r.u64("Offset");
    if (r.failed()) break;
    if (b.offset > bytes.size() || size > bytes.size() - b.offset) {
      return Error{Errc::parse,
                   fmt::format("PAC: buffer {} ({}) at offset {} size {} runs past the end ({} bytes)", i,
                               buffer_type_name(b.type), b.offset, size, bytes.size())};
    }
    if (b.offset < header || b.offset % 8 != 0)
      return Error{Errc::parse,
                   fmt::format("PAC: buffer {} ({}) at offset {}: not 8-aligned after the {}-byte header", i,
                               buffer_type_name(b.type), b.offset, header)};
    total += size;
    if (total > bytes.size() - header)
      return Error{Errc::parse, fmt::format("PAC: buffers of {} bytes and more overlap in {} bytes of data",
                                            total, bytes.size() - header)};
    b.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(b.offset),
                  bytes.begin() + static_cast<std::ptrdiff_t>(b.offset + size));
    pac.buffers.push_back(std::move(b));
  }
  if (r.failed())
    return Error{Errc::parse, fmt::format("PAC header: {}: {}", r.failure_field(), r.failure_problem())};
  return success();
}

// Decodes one buffer of a type krbkit shows into its field of `pac`.
Result<void> read_buffer(const Buffer& b, Pac& pac) {
  switch (static_cast<BufferType>(b.type)) {
    case BufferType::logon_info: {
      KRBKIT_TRY(info, decode_logon_info(b.data));
      pac.logon_info = std::move(info);
      break;
    }
    case BufferType::client_info: {
      KRBKIT_TRY(info, decode_client_info(b));
      pac.client_info = std::move(info);
      break;
    }
    case BufferType::upn_dns_info: {
      KRBKIT_TRY(info, decode_upn_dns(b));
      pac.upn_dns_info = std::move(info);
      break;
    }
    case BufferType::attributes_info: {
      LeReader a(b.data);
      a.u32("FlagsLength");
      std::uint32_t flags = a.u32("Flags");
      if (a.failed()) return damaged(b.type, a);
      pac.attributes = flags;
      break;
    }
    case BufferType::requestor: {
      LeReader a(b.data);
      Sid sid = a.sid("Sid");
      if (a.failed()) return damaged(b.type, a);
      pac.requestor = std::move(sid);
      break;
    }
    case BufferType::server_checksum:
    case BufferType::kdc_checksum:
    case BufferType::ticket_checksum:
    case BufferType::full_checksum: {
      KRBKIT_TRY(sig, decode_signature(b));
      signature_slot(pac, b.type) = std::move(sig);
      break;
    }
    default: break;
  }
  return success();
}

}  // namespace

Result<Pac> decode(BytesView bytes) {
  Pac pac;
  pac.raw.assign(bytes.begin(), bytes.end());
  KRBKIT_CHECK(read_buffers(bytes, pac));
  for (const auto& b : pac.buffers) KRBKIT_CHECK(read_buffer(b, pac));
  return pac;
}

Result<void> verify_server_signature(const Pac& pac, const Key& service_key) {
  if (!pac.server_signature) return Error{Errc::parse, "PAC has no SERVER_CHECKSUM buffer"};
  return verify(*pac.server_signature, service_key, zeroed_signatures(pac, false), "server");
}

Result<void> verify_kdc_signature(const Pac& pac, const Key& krbtgt_key) {
  if (!pac.server_signature) return Error{Errc::parse, "PAC has no SERVER_CHECKSUM buffer"};
  if (!pac.kdc_signature) return Error{Errc::parse, "PAC has no KDC_CHECKSUM buffer"};
  return verify(*pac.kdc_signature, krbtgt_key, pac.server_signature->signature, "KDC");
}

Result<void> verify_full_signature(const Pac& pac, const Key& krbtgt_key) {
  if (!pac.full_signature) return Error{Errc::parse, "PAC has no FULL_CHECKSUM buffer"};
  return verify(*pac.full_signature, krbtgt_key, zeroed_signatures(pac, true), "full");
}

namespace {
// A copy of `part` whose PAC (in a top-level AD-IF-RELEVANT) holds one zero
// byte instead, as the KDC encoded it to make the ticket signature.
Result<Bytes> ticket_signed_data(const EncTicketPart& part) {
  EncTicketPart copy{
      part.flags,   part.key.clone(), part.crealm, part.cname, part.transited, part.authtime, part.starttime,
      part.endtime, part.renew_till,  part.caddr,  {}};
  bool replaced = false;
  for (const auto& entry : part.authorization_data) {
    AuthDataEntry e = entry;
    if (!replaced && entry.type == ad_type::if_relevant) {
      KRBKIT_TRY(inner, decode_authorization_data(entry.data, "AD-IF-RELEVANT"));
      for (auto& element : inner) {
        if (element.type != ad_type::win2k_pac) continue;
        element.data = Bytes{0};
        e.data = encode_authorization_data(inner);
        replaced = true;
        break;
      }
    }
    copy.authorization_data.push_back(std::move(e));
  }
  if (!replaced) return Error{Errc::parse, "the ticket has no PAC inside an AD-IF-RELEVANT"};
  return encode(copy);
}
}  // namespace

bool should_have_ticket_signature(const Principal& server) {
  const auto& c = server.components;
  if (c.size() == 2 && c[0] == "krbtgt") return false;
  return !(c.size() == 2 && c[0] == "kadmin" && c[1] == "changepw");
}

Result<void> verify_ticket_signature(const Pac& pac, const EncTicketPart& part, const Key& krbtgt_key) {
  if (!pac.ticket_signature) return Error{Errc::parse, "PAC has no TICKET_CHECKSUM buffer"};
  KRBKIT_TRY(data, ticket_signed_data(part));
  return verify(*pac.ticket_signature, krbtgt_key, data, "ticket");
}

namespace {
// AD puts the PAC one AD-IF-RELEVANT deep; each level is decoded (a copy), so
// the depth is bounded to keep a deeply nested ticket linear in its size.
constexpr int kMaxIfRelevantDepth = 8;

Result<std::optional<Bytes>> find_pac_at(const AuthorizationData& authorization_data, int depth) {
  for (const auto& entry : authorization_data) {
    if (entry.type == ad_type::win2k_pac) return std::optional<Bytes>(entry.data);
    if (entry.type == ad_type::if_relevant) {
      if (depth >= kMaxIfRelevantDepth)
        return Error{Errc::parse,
                     fmt::format("AD-IF-RELEVANT nested more than {} deep", kMaxIfRelevantDepth)};
      KRBKIT_TRY(inner, decode_authorization_data(entry.data, "AD-IF-RELEVANT"));
      KRBKIT_TRY(found, find_pac_at(inner, depth + 1));
      if (found) return found;
    }
  }
  return std::optional<Bytes>{};
}
}  // namespace

Result<std::optional<Bytes>> find_pac(const AuthorizationData& authorization_data) {
  return find_pac_at(authorization_data, 0);
}

}  // namespace krbkit::pac
