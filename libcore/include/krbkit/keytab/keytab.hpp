#pragma once
// Keytabs: the FILE keytab format (versions 1 and 2, the 32-bit kvno
// extension, deleted-entry holes) as bytes in and bytes out, and keytab files
// by name (FILE:/WRFILE:/bare path) with MIT's lock for append and remove.
// The grammar is at the top of libcore/src/keytab/format.cpp.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/key.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/proto/basic_types.hpp"

namespace krbkit::keytab {

struct KeytabEntry {
  Principal principal;
  KerberosTime timestamp{};  // when the key was written
  std::uint32_t kvno = 0;    // the 32-bit kvno when present and non-zero, else the 8-bit one
  Key key;

  KeytabEntry clone() const { return KeytabEntry{principal, timestamp, kvno, key.clone()}; }
};

struct Keytab {
  int version = 2;  // 1 (host byte order) or 2
  std::vector<KeytabEntry> entries;

  Keytab clone() const {
    Keytab k{version, {}};
    for (const auto& e : entries) k.entries.push_back(e.clone());
    return k;
  }
};

// Where each live entry and each hole sits in the file, for in-place edits.
struct Slot {
  std::size_t offset = 0;  // of the 32-bit record size
  std::uint32_t size = 0;  // bytes after the size field
};
struct KeytabLayout {
  Keytab keytab;
  std::vector<Slot> entry_slots;  // parallel to keytab.entries
  std::vector<Slot> holes;        // deleted records (negative size)
  std::size_t end = 0;            // where a new record goes (an end marker, or the file's end)
};

// Strict parse: a truncated record, an impossible length or count, an unknown
// version or trailing garbage is Errc::keytab_format "<file>: byte N: <field>: <problem>".
// An empty (0-byte) file is an empty version-2 keytab.
Result<Keytab> parse(BytesView data, std::string_view filename);
Result<KeytabLayout> parse_layout(BytesView data, std::string_view filename);

// Version 1 or 2; every entry also carries the 32-bit kvno (as MIT writes).
Result<Bytes> serialize(const Keytab& keytab);
// One record without its size field.
Result<Bytes> serialize_record(const KeytabEntry& entry, int version);

// --- names and files ---

// KRB5_KTNAME, else `configured` (default_keytab_name, %{} expanded), else FILE:/etc/krb5.keytab.
Result<std::string> default_keytab_name(const std::optional<std::string>& configured = std::nullopt);
// KRB5_CLIENT_KTNAME, else `configured` (default_client_keytab_name), else
// FILE:/etc/krb5/user/%{euid}/client.keytab (Debian MIT's); %{} expanded.
Result<std::string> default_client_keytab_name(const std::optional<std::string>& configured = std::nullopt);

// An error's line as MIT's tools word a missing keytab: the detail alone
// ("Key table file 'PATH' not found") and the contexts; else message().
std::string describe_error(const Error& error);

// The file path of FILE:p, WRFILE:p or a bare path; Errc::unsupported for other types.
Result<std::string> keytab_path(std::string_view name);

// Errc::keytab_not_found when the file does not exist.
Result<Keytab> read_keytab(std::string_view name);

// Adds entries under the exclusive lock, reusing holes big enough (as MIT
// does); creates the file (mode 0600, version 2) when missing. An entry's
// timestamp is written as given (callers set it to now).
Result<void> append(std::string_view name, const std::vector<KeytabEntry>& entries);
Result<void> append(std::string_view name, const KeytabEntry& entry);

// Deletes the entries `match` selects, turning them into zeroed holes;
// returns how many.
Result<std::size_t> remove(std::string_view name, const std::function<bool(const KeytabEntry&)>& match);

// Replaces the whole file atomically (temporary file + rename), mode 0600.
Result<void> write_keytab(std::string_view name, const Keytab& keytab);

}  // namespace krbkit::keytab
