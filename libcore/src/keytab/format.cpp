// The FILE keytab format (MIT lib/krb5/keytab/kt_file.c; Heimdal
// lib/krb5/keytab_file.c writes the same):
//
//   file        ::= 0x05 (0x01 | 0x02) record*
//   record      ::= size(32, signed) body
//                   size > 0: an entry of `size` bytes
//                   size < 0: a hole of -size bytes (a deleted entry, zeroed)
//                   size = 0: end marker (only zero bytes may follow)
//   entry       ::= count(16)                       counts the realm too in version 1
//                   data16(realm) data16(component)*count
//                   name_type(32)                   version 2 only
//                   timestamp(32) kvno8(8)
//                   enctype(16, signed) data16(key)
//                   [kvno32(32)]                    when >= 4 bytes of the record remain;
//                                                   0 means "use kvno8"
//                   padding                         rest of a reused hole
//   data16      ::= length(16) bytes(length)
//
// Version 1 is in host byte order, version 2 big-endian.

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "krbkit/base/binary_reader.hpp"
#include "krbkit/keytab/keytab.hpp"

namespace krbkit::keytab {
namespace {

using Order = BinaryReader::Order;

Error format_error(std::string_view filename, std::size_t at, std::string_view field,
                   std::string_view problem) {
  return Error{Errc::keytab_format, fmt::format("{}: byte {}: {}: {}", filename, at, field, problem)};
}

// One entry from exactly the bytes of its record; offsets reported are file offsets.
Result<KeytabEntry> parse_entry(BytesView record, std::size_t base, int version, int n,
                                std::string_view filename) {
  BinaryReader in(record, version == 1 ? Order::host : Order::big_endian);
  const std::string where = fmt::format("entry {}", n);
  KeytabEntry e;
  std::uint16_t count = in.u16("component count");
  if (version == 1) {
    if (!in.failed() && count == 0) in.fail("component count", "0, but version 1 counts the realm", 0);
    --count;
  }
  if (!in.failed() && count > in.remaining() / 2)
    in.fail("component count", fmt::format("count {} is impossible in a {}-byte entry", count, record.size()),
            0);
  auto data16 = [&](std::string_view field) {
    const std::size_t at = in.offset();
    const std::uint16_t len = in.u16(field);
    return std::string(as_chars(in.bytes(len, field, at)));
  };
  e.principal.realm = data16("realm");
  for (std::uint16_t i = 0; i < count && !in.failed(); ++i)
    e.principal.components.push_back(data16(fmt::format("component {}", i + 1)));
  e.principal.type = version == 1 ? NameType::unknown : static_cast<NameType>(in.i32("name type"));
  e.timestamp = KerberosTime(std::chrono::seconds(in.u32("timestamp")));
  e.kvno = in.u8("kvno");
  e.key.enctype = static_cast<Enctype>(in.i16("enctype"));
  const std::size_t key_at = in.offset();
  const std::uint16_t key_len = in.u16("key length");
  e.key.bytes = SecretBytes(in.bytes(key_len, "key", key_at));
  if (!in.failed() && in.remaining() >= 4) {
    const std::uint32_t kvno32 = in.u32("32-bit kvno");
    if (kvno32 != 0) e.kvno = kvno32;
  }
  if (in.failed())
    return format_error(filename, base + in.failure_offset(), where + " " + in.failure_field(),
                        in.failure_problem());
  return e;
}

void put16(Bytes& out, std::uint16_t v, int version) {
  put_u16_order(out, v, version == 1 ? Order::host : Order::big_endian);
}
void put32(Bytes& out, std::uint32_t v, int version) {
  put_u32_order(out, v, version == 1 ? Order::host : Order::big_endian);
}

Result<void> put_data16(Bytes& out, BytesView v, int version, std::string_view field) {
  if (v.size() > 0xffff) return Error{Errc::invalid_argument, fmt::format("keytab {} too long", field)};
  put16(out, static_cast<std::uint16_t>(v.size()), version);
  out.insert(out.end(), v.begin(), v.end());
  return success();
}

}  // namespace

Result<KeytabLayout> parse_layout(BytesView data, std::string_view filename) {
  KeytabLayout out;
  if (data.empty()) {
    out.end = 2;  // a new file gets its version written first
    return out;
  }
  if (data.size() < 2 || data[0] != 5 || (data[1] != 1 && data[1] != 2)) {
    const std::string got = data.size() < 2 ? "truncated" : fmt::format("0x{:02x}{:02x}", data[0], data[1]);
    return format_error(filename, 0, "version", "unknown keytab version " + got + " (not a keytab)");
  }
  const int version = data[1];
  out.keytab.version = version;
  BinaryReader in(data, version == 1 ? Order::host : Order::big_endian);
  in.skip(2, "version");
  for (int n = 1; !in.at_end();) {
    const std::size_t at = in.offset();
    if (in.remaining() < 4)
      return format_error(filename, at, "record size", "truncated: file ends inside it");
    const std::int32_t size = in.i32("record size");
    if (size == 0) {
      // End marker: MIT leaves one after the last record in some cases.
      BytesView rest = data.subspan(in.offset());
      if (std::any_of(rest.begin(), rest.end(), [](std::uint8_t b) { return b != 0; }))
        return format_error(filename, at, "end marker", "followed by non-zero bytes");
      out.end = at;
      return out;
    }
    if (size == std::numeric_limits<std::int32_t>::min())
      return format_error(filename, at, "record size", "impossible size -2147483648");
    const std::uint32_t len = size < 0 ? static_cast<std::uint32_t>(-size) : static_cast<std::uint32_t>(size);
    if (len > in.remaining())
      return format_error(filename, at, size < 0 ? "hole size" : fmt::format("entry {} size", n),
                          fmt::format("{} runs past the end ({} bytes left)", len, in.remaining()));
    BytesView body = in.bytes(len, "record");
    if (size < 0) {
      out.holes.push_back(Slot{at, len});
      continue;
    }
    KRBKIT_TRY(entry, parse_entry(body, at + 4, version, n, filename));
    out.keytab.entries.push_back(std::move(entry));
    out.entry_slots.push_back(Slot{at, len});
    ++n;
  }
  out.end = data.size();
  return out;
}

Result<Keytab> parse(BytesView data, std::string_view filename) {
  KRBKIT_TRY(layout, parse_layout(data, filename));
  return std::move(layout.keytab);
}

Result<Bytes> serialize_record(const KeytabEntry& e, int version) {
  if (version != 1 && version != 2)
    return Error{Errc::invalid_argument, fmt::format("keytab version {} (must be 1 or 2)", version)};
  Bytes out;
  const std::size_t count = e.principal.components.size() + (version == 1 ? 1 : 0);
  if (count > 0x7fff) return Error{Errc::invalid_argument, "keytab principal has too many components"};
  put16(out, static_cast<std::uint16_t>(count), version);
  KRBKIT_CHECK(put_data16(out, as_bytes(e.principal.realm), version, "realm"));
  for (const auto& c : e.principal.components)
    KRBKIT_CHECK(put_data16(out, as_bytes(c), version, "component"));
  if (version == 2) put32(out, static_cast<std::uint32_t>(e.principal.type), version);
  put32(out, static_cast<std::uint32_t>(e.timestamp.time_since_epoch().count()), version);
  out.push_back(static_cast<std::uint8_t>(e.kvno & 0xff));
  put16(out, static_cast<std::uint16_t>(to_int(e.key.enctype)), version);
  KRBKIT_CHECK(put_data16(out, e.key.bytes.view(), version, "key"));
  put32(out, e.kvno, version);
  return out;
}

Result<Bytes> serialize(const Keytab& keytab) {
  if (keytab.version != 1 && keytab.version != 2)
    return Error{Errc::invalid_argument, fmt::format("keytab version {} (must be 1 or 2)", keytab.version)};
  Bytes out{5, static_cast<std::uint8_t>(keytab.version)};
  for (const auto& e : keytab.entries) {
    KRBKIT_TRY(record, serialize_record(e, keytab.version));
    put32(out, static_cast<std::uint32_t>(record.size()), keytab.version);
    out.insert(out.end(), record.begin(), record.end());
  }
  return out;
}

}  // namespace krbkit::keytab
