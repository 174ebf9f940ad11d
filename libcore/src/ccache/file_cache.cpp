// FILE caches (and the members of DIR collections): opening safely, MIT's
// fcntl lock, atomic whole-cache replace, append, destroy. The format itself
// is format.cpp; the safety rules are listed in cache.hpp.

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <limits>

#include "internal.hpp"
#include "krbkit/base/file_io.hpp"
#include "krbkit/base/read_buffer.hpp"

namespace krbkit::ccache::detail {
namespace {

using fileio::Fd;
using fileio::LockMode;

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A directory others can write to (like /tmp): a name in it may be a trap.
bool shared_dir(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return false;
  return (st.st_mode & (S_ISVTX | S_IWOTH)) != 0;
}

Error not_found(const std::string& path) { return Error{Errc::ccache_not_found, "filename: " + path}; }

Error unsafe(const std::string& path, const std::string& why) {
  return Error{Errc::ccache_unsafe, fmt::format("filename: {}: {}", path, why)};
}

Error symlink_in_shared_dir(const std::string& path) {
  return unsafe(path, "is a symlink in the shared directory " + dir_of(path) + "; refusing to follow it");
}

// After open: a regular file of ours (root may use anyone's, as with MIT).
Result<void> check_opened(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fileio::errno_error(Errc::ccache_io, "cannot stat", path, errno);
  if (!S_ISREG(st.st_mode)) return unsafe(path, "not a regular file");
  const uid_t me = ::geteuid();
  if (st.st_uid != me && me != 0)
    return unsafe(path, fmt::format("owned by uid {}, not by you (uid {})", st.st_uid, me));
  return success();
}

class FileCache final : public Cache {
 public:
  FileCache(std::string path, std::string name, std::string type, std::string create_primary)
      : path_(std::move(path)),
        name_(std::move(name)),
        type_(std::move(type)),
        create_primary_(std::move(create_primary)) {}

  std::string name() const override { return name_; }
  std::string_view type() const override { return type_; }
  std::string path() const override { return path_; }

  bool exists() const override {
    struct stat st {};
    return ::stat(path_.c_str(), &st) == 0 && st.st_size > 0;
  }

  // A torn last record is left out, as MIT's reader leaves it (the caller
  // sees it in torn_record); the next store() cuts it off.
  Result<CacheContents> read() override {
    KRBKIT_TRY(data, read_bytes());
    return parse_to_torn_record(data.view(), path_);
  }
  Result<CacheContents> read_each(const RecordSink& sink) override {
    KRBKIT_TRY(data, read_bytes());
    return parse_each_to_torn_record(data.view(), path_, sink);
  }

  Result<void> write(const CacheContents& contents, int version) override {
    KRBKIT_TRY(bytes, serialize(contents, version));
    // Hold the lock on the file being replaced, so an MIT or krbkit writer
    // appending to it finishes first; writers that then find the name points
    // at a new file retry on that one (see open_existing). A symlink at the
    // name is replaced itself, as MIT's kinit does (its target, which
    // appenders through the link write to, is left alone).
    Fd old;
    struct stat st {};
    if (::lstat(path_.c_str(), &st) == 0) {
      if (S_ISLNK(st.st_mode) && shared_dir(dir_of(path_))) return symlink_in_shared_dir(path_);
      if (!S_ISLNK(st.st_mode)) {
        auto opened = open_locked(path_, O_RDWR, LockMode::exclusive);
        if (!opened) return std::move(opened).error();
        old = std::move(*opened);
      }
    } else if (type_ == "DIR") {
      const std::string dir = dir_of(path_);
      if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return fileio::errno_error(Errc::ccache_io, "cannot create directory", dir, errno);
    }
    KRBKIT_CHECK(replace_file(path_, bytes, temp_template()));
    if (!create_primary_.empty()) {
      const std::string line = base_of(path_) + "\n";
      KRBKIT_TRY(created, create_file(create_primary_, as_bytes(line)));
      (void)created;
    }
    return success();
  }

  Result<void> store(const Credentials& cred) override {
    KRBKIT_TRY(fd, open_existing(O_RDWR, LockMode::exclusive));
    KRBKIT_TRY(data, fileio::read_all(fd.get(), path_, Errc::ccache_io));
    if (data.empty()) return Error{Errc::ccache_not_found, "filename: " + path_ + " (empty file)"};
    // Validate the whole file: appending after a damaged record would hide
    // the new one. A torn last record is replaced by the new one (MIT's kvno
    // appends after it, where no reader finds the new record).
    KRBKIT_TRY(contents, parse_to_torn_record(data, path_));
    KRBKIT_TRY(record, serialize_credential(cred, contents.version));
    KRBKIT_TRY(end, cut_torn_record(fd.get(), contents, data.size()));
    return append_at(fd.get(), record, end);
  }

  Result<std::size_t> rewrite(const std::function<bool(const Credentials&)>& drop,
                              const Credentials* add) override {
    KRBKIT_TRY(fd, open_existing(O_RDWR, LockMode::exclusive));
    KRBKIT_TRY(data, fileio::read_all(fd.get(), path_, Errc::ccache_io));
    if (data.empty()) return Error{Errc::ccache_not_found, "filename: " + path_ + " (empty file)"};
    KRBKIT_TRY(contents, parse_to_torn_record(data, path_));
    const std::size_t dropped = drop_keeping_order(contents, drop);
    if (dropped == 0 && add != nullptr) {
      // Nothing to take out: append, as MIT's and Heimdal's tools do; the
      // file keeps its bytes (and inode), whichever tool wrote it.
      KRBKIT_TRY(record, serialize_credential(*add, contents.version));
      KRBKIT_TRY(end, cut_torn_record(fd.get(), contents, data.size()));
      KRBKIT_CHECK(append_at(fd.get(), record, end));
      return dropped;
    }
    if (add) append_record(contents, *add);
    KRBKIT_TRY(bytes, serialize(contents, contents.version));
    KRBKIT_CHECK(replace_file(path_, bytes, temp_template()));
    return dropped;
  }

  Result<void> destroy() override {
    KRBKIT_TRY(fd, open_existing(O_RDWR, LockMode::exclusive));
    struct stat st {};
    if (::fstat(fd.get(), &st) == 0 && st.st_size > 0) {
      // Overwrite before unlinking, as MIT does, so no ticket stays readable
      // through another hard link or a descriptor someone still holds. No
      // fsync() (MIT has none either): on a disk it costs several times the
      // rest of kdestroy, and the zeros replace the tickets in the page cache
      // at once; what reaches the platters of a journalling or copy-on-write
      // file system is beyond a user-space overwrite anyway.
      Bytes zeros(static_cast<std::size_t>(st.st_size), 0);
      KRBKIT_CHECK(fileio::pwrite_all(fd.get(), zeros, 0, path_, Errc::ccache_io));
    }
    if (::unlink(path_.c_str()) != 0) {
      if (errno == ENOENT) return not_found(path_);
      return fileio::errno_error(Errc::ccache_io, "cannot remove", path_, errno);
    }
    return success();
  }

 private:
  // The whole file, read under the shared lock.
  Result<fileio::ReadBuffer> read_bytes() {
    KRBKIT_TRY(fd, open_existing(O_RDONLY, LockMode::shared));
    KRBKIT_TRY(data, fileio::read_whole(fd.get(), path_, Errc::ccache_io));
    if (data.empty()) return Error{Errc::ccache_not_found, "filename: " + path_ + " (empty file)"};
    return data;
  }

  // Opens `path` refusing symlinks in shared directories (O_NOFOLLOW there,
  // so there is no window between a check and the open).
  Result<Fd> open_checked(const std::string& path, int flags) const {
    const bool shared = shared_dir(dir_of(path));
    int fd = ::open(path.c_str(), flags | O_CLOEXEC | O_NOCTTY | (shared ? O_NOFOLLOW : 0));
    if (fd < 0) {
      if (errno == ENOENT) return not_found(path);
      if (errno == ELOOP && shared) return symlink_in_shared_dir(path);
      if (errno == EACCES) return unsafe(path, "permission denied");
      return fileio::errno_error(Errc::ccache_io, "cannot open", path, errno);
    }
    Fd out(fd);
    KRBKIT_CHECK(check_opened(out.get(), path));
    return out;
  }

  // Opens and locks; if the name was replaced by a rename while we waited
  // for the lock, starts again on the new file.
  Result<Fd> open_locked(const std::string& path, int flags, LockMode mode) const {
    for (int attempt = 0;; ++attempt) {
      KRBKIT_TRY(fd, open_checked(path, flags));
      KRBKIT_CHECK(fileio::lock(fd.get(), mode, path, Errc::ccache_io));
      struct stat by_fd {
      }, by_name{};
      if (::fstat(fd.get(), &by_fd) != 0)
        return fileio::errno_error(Errc::ccache_io, "cannot stat", path, errno);
      if (::stat(path.c_str(), &by_name) != 0) {
        if (errno == ENOENT) return not_found(path);  // destroyed meanwhile
        return fileio::errno_error(Errc::ccache_io, "cannot stat", path, errno);
      }
      if ((by_fd.st_ino == by_name.st_ino && by_fd.st_dev == by_name.st_dev) || attempt >= 100) return fd;
    }
  }

  Result<Fd> open_existing(int flags, LockMode mode) const { return open_locked(path_, flags, mode); }

  // Where the next record goes: the end of the file, or, after a torn
  // append, where the torn record starts. The file is cut there first (under
  // the exclusive lock), so a crash before the next write leaves it whole.
  Result<std::size_t> cut_torn_record(int fd, const CacheContents& contents, std::size_t size) const {
    if (!contents.torn_record) return size;
    const std::size_t end = contents.torn_record->offset;
    if (::ftruncate(fd, static_cast<off_t>(end)) != 0)
      return fileio::errno_error(Errc::ccache_io, "cannot truncate", path_, errno);
    return end;
  }

  // Appends a record at `end` in one write (MIT appends without a sync too:
  // a record lost in a power cut is a ticket to fetch again; the records
  // before it stay whole).
  Result<void> append_at(int fd, BytesView record, std::size_t end) const {
    if (fileio::crash_armed("append:half-written")) {
      (void)fileio::pwrite_all(fd, record.first(record.size() / 2), static_cast<long long>(end), path_,
                               Errc::ccache_io);
      fileio::crash_point("append:half-written");
    }
    return fileio::pwrite_all(fd, record, static_cast<long long>(end), path_, Errc::ccache_io);
  }

  std::string temp_template() const {
    // In a DIR collection the temporary must not look like a tkt* member.
    if (type_ == "DIR") return dir_of(path_) + "/.tmp-" + base_of(path_) + ".XXXXXX";
    return path_ + ".XXXXXX";
  }

  std::string path_, name_, type_, create_primary_;
};

}  // namespace

// Takes out the records `drop` selects; the others keep their order in the
// file (config entries between the tickets where they were, as Heimdal's
// kinit writes them after the TGT). Returns how many were dropped.
std::size_t drop_keeping_order(CacheContents& contents, const std::function<bool(const Credentials&)>& drop) {
  std::size_t dropped = 0, next = 0;
  std::vector<Credentials> creds, configs;
  std::vector<std::size_t> after;
  auto configs_up_to = [&](std::size_t tickets_before) {
    for (; next < contents.config_entries.size() && config_position(contents, next) <= tickets_before;
         ++next) {
      if (drop(contents.config_entries[next])) {
        ++dropped;
        continue;
      }
      configs.push_back(std::move(contents.config_entries[next]));
      after.push_back(creds.size());
    }
  };
  for (std::size_t i = 0; i < contents.creds.size(); ++i) {
    configs_up_to(i);
    if (drop(contents.creds[i]))
      ++dropped;
    else
      creds.push_back(std::move(contents.creds[i]));
  }
  configs_up_to(std::numeric_limits<std::size_t>::max());
  contents.creds = std::move(creds);
  contents.config_entries = std::move(configs);
  contents.config_after = std::move(after);
  return dropped;
}

void append_record(CacheContents& contents, Credentials&& cred) {
  if (!is_config_principal(cred.server)) {
    contents.creds.push_back(std::move(cred));
    return;
  }
  // Entries before it without a position stay first.
  contents.config_after.resize(contents.config_entries.size(), 0);
  contents.config_entries.push_back(std::move(cred));
  contents.config_after.push_back(contents.creds.size());
}

Result<void> replace_file(const std::string& path, BytesView data, std::string tmp) {
  return fileio::replace_atomically(path, data, Errc::ccache_io, std::move(tmp));
}

Result<bool> create_file(const std::string& path, BytesView data) {
  std::string tmp = path + ".XXXXXX";
  KRBKIT_TRY(fd, fileio::create_unique(tmp, Errc::ccache_io));
  auto written = fileio::write_all(fd.get(), data, tmp, Errc::ccache_io);
  if (written.ok() && ::fdatasync(fd.get()) != 0)
    written = fileio::errno_error(Errc::ccache_io, "cannot sync", tmp, errno);
  fd.reset();
  const int linked = written.ok() ? ::link(tmp.c_str(), path.c_str()) : 0;
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (!written.ok()) return std::move(written).error();
  if (linked == 0) {
    KRBKIT_CHECK(fileio::sync_directory_of(path, Errc::ccache_io));
    return true;
  }
  if (link_errno == EEXIST) return false;
  return fileio::errno_error(Errc::ccache_io, "cannot create", path, link_errno);
}

std::unique_ptr<Cache> make_file_cache(std::string path, std::string display_name, std::string type,
                                       std::string create_primary) {
  return std::make_unique<FileCache>(std::move(path), std::move(display_name), std::move(type),
                                     std::move(create_primary));
}

}  // namespace krbkit::ccache::detail
