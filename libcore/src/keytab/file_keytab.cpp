// Keytab files: names, defaults, and in-place append/remove under MIT's
// whole-file fcntl lock (kt_file.c edits keytabs in place: an entry is
// written first and its size committed last; a removed entry becomes a
// zeroed hole that later entries can reuse).

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "krbkit/base/binary_reader.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/base/file_io.hpp"
#include "krbkit/base/path_expand.hpp"
#include "krbkit/keytab/keytab.hpp"

namespace krbkit::keytab {
namespace {

using fileio::Fd;
using fileio::LockMode;

Result<std::string> default_name(const std::optional<std::string>& from_environment,
                                 const std::optional<std::string>& configured, std::string_view builtin,
                                 std::string_view what) {
  if (from_environment && !from_environment->empty()) return *from_environment;
  const std::string name = configured && !configured->empty() ? *configured : std::string(builtin);
  return expand_path_tokens(name).context(fmt::format("expanding {} {}", what, name));
}

Result<Fd> open_keytab(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0) {
    if (errno == ENOENT) return Error{Errc::keytab_not_found, "Key table file '" + path + "' not found"};
    return fileio::errno_error(Errc::io, "cannot open keytab", path, errno);
  }
  return Fd(fd);
}

// Opens for editing with the exclusive lock held; returns the contents read under it.
struct Locked {
  Fd fd;
  Bytes data;
};
// A keytab that exists is edited where it is, through a symlink too (as MIT's
// kt_file.c, which fopen()s it); a new one is created O_EXCL, 0600 whatever
// the umask lets through, so a dangling symlink is never followed to create
// its target: that is "not found", as with MIT.
Result<Fd> open_or_create(const std::string& path, bool create) {
  auto existing = open_keytab(path, O_RDWR);
  if (existing || !create || !existing.error().is(Errc::keytab_not_found)) return existing;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd >= 0) return Fd(fd);
  if (errno == EEXIST || errno == ELOOP) return open_keytab(path, O_RDWR);  // a racing creator, or a link
  return fileio::errno_error(Errc::io, "cannot create keytab", path, errno);
}

Result<Locked> open_for_edit(const std::string& path, bool create) {
  KRBKIT_TRY(fd, open_or_create(path, create));
  KRBKIT_CHECK(fileio::lock(fd.get(), LockMode::exclusive, path, Errc::io));
  KRBKIT_TRY(data, fileio::read_all(fd.get(), path, Errc::io));
  return Locked{std::move(fd), std::move(data)};
}

Bytes size_field(std::int32_t size, int version) {
  Bytes out;
  out.reserve(4);
  put_u32_order(out, static_cast<std::uint32_t>(size),
                version == 1 ? BinaryReader::Order::host : BinaryReader::Order::big_endian);
  return out;
}

}  // namespace

Result<std::string> default_keytab_name(const std::optional<std::string>& configured) {
  return default_name(Environment::from_process().krb5_ktname, configured, "FILE:/etc/krb5.keytab",
                      "default_keytab_name");
}

// MIT's DEFCKTNAME is $(localstatedir)/krb5/user/%{euid}/client.keytab, and
// Debian builds it with localstatedir=/etc: the libkrb5 that Debian's kinit,
// klist and GSSAPI users load says FILE:/etc/krb5/user/%{euid}/client.keytab.
Result<std::string> default_client_keytab_name(const std::optional<std::string>& configured) {
  return default_name(Environment::from_process().krb5_client_ktname, configured,
                      "FILE:/etc/krb5/user/%{euid}/client.keytab", "default_client_keytab_name");
}

std::string describe_error(const Error& error) {
  if (!error.is(Errc::keytab_not_found) || error.detail.empty()) return error.message();
  std::string line = error.detail;
  for (const auto& c : error.context) line += " while " + c;
  return line;
}

Result<std::string> keytab_path(std::string_view name) {
  const auto colon = name.find(':');
  if (name.empty()) return Error{Errc::invalid_argument, "empty keytab name"};
  if (name.front() == '/' || colon == std::string_view::npos) return std::string(name);
  const std::string_view type = name.substr(0, colon), rest = name.substr(colon + 1);
  if (type == "FILE" || type == "WRFILE") {
    if (rest.empty()) return Error{Errc::invalid_argument, "empty " + std::string(type) + ": keytab name"};
    return std::string(rest);
  }
  return Error{Errc::unsupported, "keytab type " + std::string(type) + " not supported"};
}

Result<Keytab> read_keytab(std::string_view name) {
  KRBKIT_TRY(path, keytab_path(name));
  KRBKIT_TRY(fd, open_keytab(path, O_RDONLY));
  KRBKIT_CHECK(fileio::lock(fd.get(), LockMode::shared, path, Errc::io));
  KRBKIT_TRY(data, fileio::read_all(fd.get(), path, Errc::io));
  return parse(data, path);
}

Result<void> append(std::string_view name, const std::vector<KeytabEntry>& entries) {
  KRBKIT_TRY(path, keytab_path(name));
  KRBKIT_TRY(file, open_for_edit(path, true));
  KRBKIT_TRY(layout, parse_layout(file.data, path));
  const int version = layout.keytab.version;
  const int fd = file.fd.get();
  if (file.data.empty()) KRBKIT_CHECK(fileio::write_all(fd, Bytes{5, 2}, path, Errc::io));
  std::size_t end = layout.end;
  for (const auto& e : entries) {
    KRBKIT_TRY(record, serialize_record(e, version));
    // First fit among the holes, else at the end; the size is written last,
    // so a crash leaves a hole or the old end, never a half entry.
    auto hole = std::find_if(layout.holes.begin(), layout.holes.end(),
                             [&](const Slot& h) { return h.size >= record.size(); });
    std::size_t at;
    std::uint32_t slot_size;
    if (hole != layout.holes.end()) {
      at = hole->offset;
      slot_size = hole->size;
      layout.holes.erase(hole);
    } else {
      at = end;
      slot_size = static_cast<std::uint32_t>(record.size());
      end += 4 + record.size();
      // Reserve with a zero size (an end marker) until the entry is complete.
      KRBKIT_CHECK(fileio::pwrite_all(fd, Bytes(4, 0), static_cast<long long>(at), path, Errc::io));
    }
    KRBKIT_CHECK(fileio::pwrite_all(fd, record, static_cast<long long>(at + 4), path, Errc::io));
    KRBKIT_CHECK(fileio::pwrite_all(fd, size_field(static_cast<std::int32_t>(slot_size), version),
                                    static_cast<long long>(at), path, Errc::io));
  }
  if (::fsync(fd) != 0) return fileio::errno_error(Errc::io, "cannot sync", path, errno);
  return success();
}

Result<void> append(std::string_view name, const KeytabEntry& entry) {
  std::vector<KeytabEntry> one;
  one.push_back(entry.clone());
  return append(name, one);
}

Result<std::size_t> remove(std::string_view name, const std::function<bool(const KeytabEntry&)>& match) {
  KRBKIT_TRY(path, keytab_path(name));
  KRBKIT_TRY(file, open_for_edit(path, false));
  KRBKIT_TRY(layout, parse_layout(file.data, path));
  std::size_t removed = 0;
  for (std::size_t i = 0; i < layout.keytab.entries.size(); ++i) {
    if (!match(layout.keytab.entries[i])) continue;
    const Slot& s = layout.entry_slots[i];
    // Zero the entry (the key must not stay on disk), then mark it a hole.
    KRBKIT_CHECK(fileio::pwrite_all(file.fd.get(), Bytes(s.size, 0), static_cast<long long>(s.offset + 4),
                                    path, Errc::io));
    KRBKIT_CHECK(fileio::pwrite_all(file.fd.get(),
                                    size_field(-static_cast<std::int32_t>(s.size), layout.keytab.version),
                                    static_cast<long long>(s.offset), path, Errc::io));
    ++removed;
  }
  if (removed > 0 && ::fsync(file.fd.get()) != 0)
    return fileio::errno_error(Errc::io, "cannot sync", path, errno);
  return removed;
}

Result<void> write_keytab(std::string_view name, const Keytab& keytab) {
  KRBKIT_TRY(path, keytab_path(name));
  KRBKIT_TRY(bytes, serialize(keytab));
  return fileio::replace_atomically(path, bytes, Errc::io);
}

}  // namespace krbkit::keytab
