// The FILE credential cache format (MIT lib/krb5/ccache/cc_file.c and
// ccmarshal.c; Heimdal lib/krb5/fcache.c writes the same bytes).
//
//   file        ::= version header default_principal credential*
//   version     ::= 0x05 (0x01 | 0x02 | 0x03 | 0x04)       two bytes, any version
//   header      ::= ""                                      versions 1-3
//                 | header_len(16) tag*                     version 4, tags fill header_len bytes
//   tag         ::= tag_id(16) tag_len(16) bytes(tag_len)
//                   tag_id 1 (DELTATIME): time_offset(32) usec_offset(32), KDC time minus ours
//   principal   ::= name_type(32)                           omitted in version 1
//                   count(32)                               counts the realm too in version 1
//                   data(realm) data(component)*count
//   credential  ::= principal(client) principal(server) keyblock
//                   authtime(32) starttime(32) endtime(32) renew_till(32)
//                   is_skey(8: 0 or 1) ticket_flags(32)
//                   count(32) address*count
//                   count(32) authdata*count
//                   data(ticket) data(second_ticket)
//   keyblock    ::= enctype(16) [enctype(16) again, version 3 only] data(key)
//   address     ::= addrtype(16) data
//   authdata    ::= ad_type(16, signed) data
//   data        ::= length(32) bytes(length)
//
// Integers are in host byte order in versions 1 and 2 and big-endian in 3 and
// 4. Times are unsigned seconds since the epoch (MIT reads them unsigned for
// dates past 2038). Config entries are credentials whose server is
// krb5_ccache_conf_data/<key>[/<principal>]@X-CACHECONF:.
//
// Unlike MIT, which stops listing at the first record it cannot read, a
// damaged record here fails the whole parse with the byte offset; only a last
// record cut short by the end of the file (a torn append) can be set aside,
// by parse_to_torn_record (MIT's reader takes the end of the file inside a
// record for the end of the cache).

#include "krbkit/ccache/format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "krbkit/base/binary_reader.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::ccache {
namespace {

constexpr std::uint16_t kTagDeltaTime = 1;
// A TGT or service ticket record from an MIT or AD KDC takes 400 to 2,000
// bytes; reserving by the small end costs only untouched address space.
constexpr std::size_t kTypicalRecordBytes = 400;

using Order = BinaryReader::Order;

Order order_for(int version) { return version < 3 ? Order::host : Order::big_endian; }

// Sticky-error parsing of one file, with the current record named for errors.
class Parser {
 public:
  Parser(BytesView data, std::string_view filename) : in_(data), filename_(filename) {}

  // With `keep_torn`, a record the data ends inside ends the parse as the
  // end of the file would, noted in torn_record. With a `sink`, each record
  // goes to it as it is read instead of into the result.
  Result<CacheContents> run(bool keep_torn, const RecordSink* sink = nullptr) {
    CacheContents out;
    if (!read_version_and_header(out)) return error();
    out.default_principal = principal("default principal");
    if (in_.failed()) return error();
    // Room for the records a file of this size usually holds, so that the
    // vector is not moved (and its pages faulted in again) as it grows.
    if (sink == nullptr) out.creds.reserve(in_.remaining() / kTypicalRecordBytes);
    for (int n = 1; !in_.at_end(); ++n) {
      credential_no_ = n;
      const std::size_t record_at = in_.offset();
      Credentials c = credential();
      if (in_.failed() && keep_torn && in_.ran_out()) {
        out.torn_record = TornRecord{record_at, error().detail};
        return out;
      }
      if (in_.failed()) return error();
      const bool config = is_config_principal(c.server);
      if (sink != nullptr)
        (*sink)(out, c, config);
      else if (config) {
        out.config_entries.push_back(std::move(c));
        out.config_after.push_back(out.creds.size());
      } else
        out.creds.push_back(std::move(c));
    }
    return out;
  }

  // One record standing alone in version 4's encoding (a KEYRING key's
  // payload): the whole of the data, nothing after it.
  Result<Credentials> lone_credential() {
    start_lone_record();
    Credentials c = credential();
    return finish_lone_record(std::move(c));
  }
  Result<Principal> lone_principal() {
    start_lone_record();
    Principal p = principal("principal");
    return finish_lone_record(std::move(p));
  }

  Result<HeaderInfo> header_only() {
    CacheContents scratch;
    if (!read_version_and_header(scratch)) return error();
    (void)principal("default principal");
    if (in_.failed()) return error();
    return HeaderInfo{version_, in_.offset()};
  }

 private:
  // The failed field's full name ("credential 3 server component 2") is put
  // together only here: building it for every field read cost more than the
  // reading.
  Error error() const {
    std::string field;
    if (credential_no_ > 0) field = fmt::format("credential {} ", credential_no_);
    if (failed_role_ != nullptr) (field += failed_role_) += ' ';
    field += in_.failure_field();
    if (failed_role_ != nullptr && in_.failure_field() == kComponent)
      field += fmt::format(" {}", component_no_);
    return Error{Errc::ccache_format, fmt::format("{}: byte {}: {}: {}", filename_, in_.failure_offset(),
                                                  field, in_.failure_problem())};
  }

  void start_lone_record() {
    version_ = 4;
    in_.set_order(Order::big_endian);
  }
  template <typename T>
  Result<T> finish_lone_record(T value) {
    if (!in_.failed() && !in_.at_end())
      in_.fail("record", fmt::format("{} bytes after its end", in_.remaining()));
    if (in_.failed()) return error();
    return value;
  }

  bool read_version_and_header(CacheContents& out) {
    if (in_.size() == 0) {
      in_.fail("version", "empty file");
      return false;
    }
    const std::uint8_t major = in_.u8("version");
    const std::uint8_t minor = in_.u8("version");
    if (in_.failed()) return false;
    if (major != 5 || minor < 1 || minor > 4) {
      in_.fail("version",
               fmt::format("unknown format version 0x{:02x}{:02x} (not a credential cache)", major, minor),
               0);
      return false;
    }
    version_ = minor;
    out.version = minor;
    in_.set_order(order_for(minor));
    if (version_ != 4) return true;

    const std::size_t header_at = in_.offset();
    const std::uint16_t header_len = in_.u16("header length");
    BytesView header = in_.bytes(header_len, "header", header_at);
    if (in_.failed()) return false;
    BinaryReader tags(header);
    while (!tags.at_end()) {
      const std::size_t tag_at = tags.offset();
      const std::uint16_t tag = tags.u16("header tag");
      const std::uint16_t len = tags.u16("header tag length");
      BytesView value = tags.bytes(len, "header tag value", tag_at + 2);
      if (tags.failed()) break;
      if (tag == kTagDeltaTime) {
        if (len != 8) {
          tags.fail("KDC time offset tag", fmt::format("length {} instead of 8", len), tag_at + 2);
          break;
        }
        out.kdc_offset = KdcOffset{static_cast<std::int32_t>(get_u32be(value.data())),
                                   static_cast<std::int32_t>(get_u32be(value.data() + 4))};
      } else {
        out.other_header_tags.push_back(HeaderTag{tag, Bytes(value.begin(), value.end())});
      }
    }
    if (tags.failed()) {
      in_.fail(tags.failure_field(), tags.failure_problem(), header_at + 2 + tags.failure_offset());
      return false;
    }
    return true;
  }

  // length(32) bytes(length); the error offset is that of the length.
  BytesView data(std::string_view field) {
    const std::size_t at = in_.offset();
    const std::uint32_t len = in_.u32(field);
    return in_.bytes(len, field, at);
  }

  std::string text(std::string_view field) {
    BytesView b = data(field);
    return std::string(as_chars(b));
  }

  // A count of records each at least `min_record` bytes long: more than the
  // bytes left can hold is impossible, and is refused before allocating.
  std::uint32_t count(std::string_view field, std::size_t min_record) {
    const std::size_t at = in_.offset();
    const std::uint32_t n = in_.u32(field);
    if (!in_.failed() && n > in_.remaining() / min_record) {
      in_.fail_ran_out(field, fmt::format("count {} is impossible with {} bytes left", n, in_.remaining()),
                       at);
      return 0;
    }
    return n;
  }

  // `role` ("client") is prefixed to the field names of a failure inside.
  Principal principal(const char* role) {
    Principal p;
    read_principal(p);
    if (in_.failed() && failed_role_ == nullptr) failed_role_ = role;
    return p;
  }

  void read_principal(Principal& p) {
    if (version_ != 1)
      p.type = static_cast<NameType>(in_.i32("name type"));
    else
      p.type = NameType::unknown;
    const std::size_t count_at = in_.offset();
    std::uint32_t n = count("component count", 4);
    if (in_.failed()) return;
    if (version_ == 1) {
      if (n == 0) {
        in_.fail("component count", "0, but version 1 counts the realm", count_at);
        return;
      }
      --n;
    }
    p.realm = text("realm");
    p.components.reserve(n);
    for (std::uint32_t i = 0; i < n && !in_.failed(); ++i) {
      component_no_ = i + 1;
      p.components.push_back(text(kComponent));
    }
  }

  Credentials credential() {
    Credentials c;
    c.client = principal("client");
    c.server = principal("server");
    c.session_key.enctype = static_cast<Enctype>(in_.u16("key enctype"));
    if (version_ == 3) (void)in_.u16("key enctype (repeated)");
    c.session_key.bytes = SecretBytes(data("key"));
    auto time = [&](const char* field) { return KerberosTime(std::chrono::seconds(in_.u32(field))); };
    c.authtime = time("authtime");
    c.starttime = time("starttime");
    c.endtime = time("endtime");
    c.renew_till = time("renew_till");
    const std::size_t skey_at = in_.offset();
    const std::uint8_t skey = in_.u8("is_skey");
    if (!in_.failed() && skey > 1) in_.fail("is_skey", fmt::format("value {} is not 0 or 1", skey), skey_at);
    c.is_skey = skey == 1;
    c.flags = in_.u32("ticket flags");
    const std::uint32_t naddr = count("address count", 6);
    for (std::uint32_t i = 0; i < naddr && !in_.failed(); ++i) {
      HostAddress a;
      a.type = in_.u16("address type");
      BytesView v = data("address");
      a.address.assign(v.begin(), v.end());
      c.addresses.push_back(std::move(a));
    }
    const std::uint32_t nad = count("authdata count", 6);
    for (std::uint32_t i = 0; i < nad && !in_.failed(); ++i) {
      AuthDataEntry ad;
      ad.type = in_.i16("authdata type");
      BytesView v = data("authdata");
      ad.data.assign(v.begin(), v.end());
      c.authdata.push_back(std::move(ad));
    }
    BytesView t = data("ticket");
    c.ticket.assign(t.begin(), t.end());
    BytesView t2 = data("second ticket");
    c.second_ticket.assign(t2.begin(), t2.end());
    return c;
  }

  static constexpr std::string_view kComponent = "component";

  BinaryReader in_;
  std::string_view filename_;
  int credential_no_ = 0;              // the credential being read, from 1
  const char* failed_role_ = nullptr;  // the principal a failure is in
  std::uint32_t component_no_ = 0;     // the principal component being read, from 1
  int version_ = 0;
};

// --- writing ---

class Writer {
 public:
  explicit Writer(int version) : version_(version), order_(order_for(version)) {}

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { put_u16_order(out_, v, order_); }
  void u32(std::uint32_t v) { put_u32_order(out_, v, order_); }
  void data(BytesView v, std::string_view field) {
    if (v.size() > std::numeric_limits<std::uint32_t>::max()) too_long_ = std::string(field);
    u32(static_cast<std::uint32_t>(v.size()));
    out_.insert(out_.end(), v.begin(), v.end());
  }

  void principal(const Principal& p) {
    if (version_ != 1) u32(static_cast<std::uint32_t>(p.type));
    u32(static_cast<std::uint32_t>(p.components.size() + (version_ == 1 ? 1 : 0)));
    data(as_bytes(p.realm), "realm");
    for (const auto& c : p.components) data(as_bytes(c), "principal component");
  }

  void credential(const Credentials& c) {
    principal(c.client);
    principal(c.server);
    const auto etype = static_cast<std::uint16_t>(to_int(c.session_key.enctype));
    u16(etype);
    if (version_ == 3) u16(etype);
    data(c.session_key.bytes.view(), "key");
    for (KerberosTime t : {c.authtime, c.starttime, c.endtime, c.renew_till})
      u32(static_cast<std::uint32_t>(t.time_since_epoch().count()));
    u8(c.is_skey ? 1 : 0);
    u32(c.flags);
    u32(static_cast<std::uint32_t>(c.addresses.size()));
    for (const auto& a : c.addresses) {
      u16(static_cast<std::uint16_t>(a.type));
      data(a.address, "address");
    }
    u32(static_cast<std::uint32_t>(c.authdata.size()));
    for (const auto& ad : c.authdata) {
      u16(static_cast<std::uint16_t>(ad.type));
      data(ad.data, "authdata");
    }
    data(c.ticket, "ticket");
    data(c.second_ticket, "second ticket");
  }

  Bytes& bytes() { return out_; }
  const std::string& too_long() const { return too_long_; }

 private:
  int version_;
  Order order_;
  Bytes out_;
  std::string too_long_;
};

Result<void> check_version(int version) {
  if (version < 1 || version > 4)
    return Error{Errc::invalid_argument,
                 fmt::format("credential cache format version {} (must be 1-4)", version)};
  return success();
}

Result<Bytes> finish(Writer& w) {
  if (!w.too_long().empty())
    return Error{Errc::invalid_argument, "credential cache field too long: " + w.too_long()};
  return std::move(w.bytes());
}

}  // namespace

CacheContents CacheContents::clone() const {
  CacheContents c;
  c.version = version;
  c.default_principal = default_principal;
  c.kdc_offset = kdc_offset;
  c.other_header_tags = other_header_tags;
  for (const auto& cr : creds) c.creds.push_back(cr.clone());
  for (const auto& cr : config_entries) c.config_entries.push_back(cr.clone());
  c.config_after = config_after;
  c.torn_record = torn_record;
  return c;
}

std::size_t config_position(const CacheContents& contents, std::size_t i) {
  return i < contents.config_after.size() ? contents.config_after[i] : 0;
}

Result<CacheContents> parse(BytesView data, std::string_view filename) {
  return Parser(data, filename).run(false);
}

Result<CacheContents> parse_to_torn_record(BytesView data, std::string_view filename) {
  return Parser(data, filename).run(true);
}

Result<CacheContents> parse_each_to_torn_record(BytesView data, std::string_view filename,
                                                const RecordSink& sink) {
  return Parser(data, filename).run(true, &sink);
}

void for_each_in_file_order(const CacheContents& contents,
                            const std::function<void(const Credentials&, bool config)>& fn) {
  const auto& config = contents.config_entries;
  std::size_t next_config = 0;
  // Config entries due before ticket `ticket` (config_after; missing ones count as 0).
  auto config_before = [&](std::size_t ticket) {
    for (; next_config < config.size(); ++next_config) {
      const std::size_t after =
          next_config < contents.config_after.size() ? contents.config_after[next_config] : 0;
      if (after > ticket) break;
      fn(config[next_config], true);
    }
  };
  for (std::size_t i = 0; i < contents.creds.size(); ++i) {
    config_before(i);
    fn(contents.creds[i], false);
  }
  config_before(SIZE_MAX);  // the rest, whatever config_after says
}

Result<HeaderInfo> parse_header(BytesView data, std::string_view filename) {
  return Parser(data, filename).header_only();
}

Result<Bytes> serialize(const CacheContents& contents, int version) {
  KRBKIT_CHECK(check_version(version));
  Writer w(version);
  w.u8(5);
  w.u8(static_cast<std::uint8_t>(version));
  if (version == 4) {
    Bytes header;
    if (contents.kdc_offset) {
      put_u16be(header, kTagDeltaTime);
      put_u16be(header, 8);
      put_u32be(header, static_cast<std::uint32_t>(contents.kdc_offset->seconds));
      put_u32be(header, static_cast<std::uint32_t>(contents.kdc_offset->microseconds));
    }
    for (const auto& t : contents.other_header_tags) {
      put_u16be(header, t.tag);
      put_u16be(header, static_cast<std::uint16_t>(t.value.size()));
      header.insert(header.end(), t.value.begin(), t.value.end());
    }
    if (header.size() > 0xffff) return Error{Errc::invalid_argument, "credential cache header too long"};
    w.u16(static_cast<std::uint16_t>(header.size()));
    w.bytes().insert(w.bytes().end(), header.begin(), header.end());
  }
  w.principal(contents.default_principal);
  // Each config entry where config_after puts it: first (where MIT's kinit
  // puts them) unless the file had it after some tickets (Heimdal's kinit
  // writes its entries after the TGT), so a cache read comes back byte for
  // byte, whichever tool wrote it.
  std::size_t next = 0;
  auto configs_up_to = [&](std::size_t tickets_written) {
    for (; next < contents.config_entries.size() && config_position(contents, next) <= tickets_written;
         ++next)
      w.credential(contents.config_entries[next]);
  };
  for (std::size_t i = 0; i < contents.creds.size(); ++i) {
    configs_up_to(i);
    w.credential(contents.creds[i]);
  }
  configs_up_to(std::numeric_limits<std::size_t>::max());
  return finish(w);
}

Result<Bytes> serialize_credential(const Credentials& cred, int version) {
  KRBKIT_CHECK(check_version(version));
  Writer w(version);
  w.credential(cred);
  return finish(w);
}

Result<Credentials> parse_credential_record(BytesView data, std::string_view what) {
  return Parser(data, what).lone_credential();
}

Result<Principal> parse_principal_record(BytesView data, std::string_view what) {
  return Parser(data, what).lone_principal();
}

Result<Bytes> serialize_principal_record(const Principal& p) {
  Writer w(4);
  w.principal(p);
  return finish(w);
}

bool is_config_principal(const Principal& server) {
  return server.realm == kConfigRealm && (server.components.size() == 2 || server.components.size() == 3) &&
         server.components[0] == kConfigComponent;
}

std::optional<ConfigEntryView> config_entry_view(const Credentials& cred) {
  if (!is_config_principal(cred.server)) return std::nullopt;
  ConfigEntryView v;
  v.key = cred.server.components[1];
  if (cred.server.components.size() == 3) v.principal = cred.server.components[2];
  v.value = cred.ticket;
  return v;
}

Credentials make_config_entry(const Principal& client, std::string_view key, std::string_view principal,
                              BytesView value) {
  Credentials c;
  c.client = client;
  c.server.type = NameType::principal;  // MIT infers NT_PRINCIPAL for these names
  c.server.realm = std::string(kConfigRealm);
  c.server.components = {std::string(kConfigComponent), std::string(key)};
  if (!principal.empty()) c.server.components.emplace_back(principal);
  c.ticket.assign(value.begin(), value.end());
  return c;
}

namespace {
bool config_matches(const Credentials& c, std::string_view key, std::string_view principal) {
  auto v = config_entry_view(c);
  return v && v->key == key && v->principal == principal;
}
}  // namespace

std::optional<Bytes> find_config(const CacheContents& contents, std::string_view key,
                                 std::string_view principal) {
  for (const auto& c : contents.config_entries)
    if (config_matches(c, key, principal)) return c.ticket;
  return std::nullopt;
}

void set_config(CacheContents& contents, std::string_view key, std::string_view principal, BytesView value) {
  auto& entries = contents.config_entries;
  // config_after stays aligned with the entries: positions read from a file
  // are kept, and the new entry goes after the tickets, as a tool appending
  // it to the file would put it. Contents built in memory (no positions)
  // keep their entries first.
  const bool positioned = !contents.config_after.empty();
  if (positioned) contents.config_after.resize(entries.size(), 0);
  for (std::size_t i = entries.size(); i-- > 0;) {
    if (!config_matches(entries[i], key, principal)) continue;
    entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(i));
    if (positioned)
      contents.config_after.erase(contents.config_after.begin() + static_cast<std::ptrdiff_t>(i));
  }
  entries.push_back(make_config_entry(contents.default_principal, key, principal, value));
  if (positioned) contents.config_after.push_back(contents.creds.size());
}

bool same_slot(const Credentials& a, const Credentials& b) {
  return a.client == b.client && a.server == b.server && a.is_skey == b.is_skey &&
         a.second_ticket == b.second_ticket;
}

bool holds_ticket_for(const Credentials& c, const Principal& server) {
  if (c.server == server) return true;
  if (c.server.components != server.components) return false;
  if (server.realm.empty()) return true;
  if (!c.server.realm.empty()) return false;
  auto ticket = decode_ticket(c.ticket);  // only for entries under a referral name
  return ticket && to_principal(ticket->sname, ticket->realm) == server;
}

}  // namespace krbkit::ccache
