#include "krbkit/base/file_io.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "krbkit/base/environment.hpp"

namespace krbkit::fileio {

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Error errno_error(Errc kind, std::string_view what, std::string_view path, int err) {
  std::string detail(what);
  detail += ' ';
  detail += path;
  detail += ": ";
  detail += std::strerror(err);
  return Error{kind, std::move(detail)};
}

Result<void> lock(int fd, LockMode mode, std::string_view path, Errc kind) {
  struct flock fl {};
  fl.l_type = mode == LockMode::shared ? F_RDLCK : mode == LockMode::exclusive ? F_WRLCK : F_UNLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0;  // the whole file
  int rc;
#ifdef F_OFD_SETLKW
  do rc = ::fcntl(fd, F_OFD_SETLKW, &fl);
  while (rc < 0 && errno == EINTR);
  if (rc == 0) return success();
  if (errno != EINVAL) return errno_error(kind, "cannot lock", path, errno);
#endif
  do rc = ::fcntl(fd, F_SETLKW, &fl);
  while (rc < 0 && errno == EINTR);
  if (rc < 0) return errno_error(kind, "cannot lock", path, errno);
  return success();
}

Result<Bytes> read_all(int fd, std::string_view path, Errc kind) {
  Bytes out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<std::size_t>(st.st_size));
  std::uint8_t buf[16384];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(kind, "cannot read", path, errno);
    }
    if (n == 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  return out;
}

Result<void> write_all(int fd, BytesView data, std::string_view path, Errc kind) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(kind, "cannot write", path, errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return success();
}

Result<void> pwrite_all(int fd, BytesView data, long long offset, std::string_view path, Errc kind) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(kind, "cannot write", path, errno);
    }
    done += static_cast<std::size_t>(n);
  }
  return success();
}

Result<Fd> create_unique(std::string& template_path, Errc kind) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  if (template_path.size() < 6 || template_path.compare(template_path.size() - 6, 6, "XXXXXX") != 0)
    return Error{Errc::internal, "template " + template_path + " does not end in XXXXXX"};
  const std::size_t base = template_path.size() - 6;
  for (int attempt = 0; attempt < 100; ++attempt) {
    unsigned char rnd[6];
    // getrandom() rather than OpenSSL: base/ does not link libcrypto, so the
    // tools that need no crypto (kdestroy, kswitch, klist) do not either.
    ssize_t got = 0;
    do {
      got = ::getrandom(rnd, sizeof rnd, 0);
    } while (got < 0 && errno == EINTR);
    if (got != static_cast<ssize_t>(sizeof rnd))
      return Error{Errc::internal, "no random bytes for a file name"};
    for (int i = 0; i < 6; ++i) template_path[base + i] = kChars[rnd[i] % (sizeof kChars - 1)];
    int fd = ::open(template_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::fchmod(fd, 0600);  // in case of an unusual umask-independent ACL default
      return Fd(fd);
    }
    if (errno != EEXIST) return errno_error(kind, "cannot create", template_path, errno);
  }
  return errno_error(kind, "cannot create", template_path, EEXIST);
}

bool crash_armed(const char* step) {
  // Read once: the hook costs one comparison per step when unset.
  static const std::optional<std::string> at = Environment::from_process().krbkit_test_crash_at;
  return at && *at == step;
}

void crash_point(const char* step) {
  if (crash_armed(step)) ::raise(SIGKILL);
}

Result<void> sync_directory_of(const std::string& path, Errc kind) {
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return errno_error(kind, "cannot open directory", dir, errno);
  // EINVAL: a file system that cannot sync a directory (it has nothing to lose).
  if (::fsync(fd.get()) != 0 && errno != EINVAL)
    return errno_error(kind, "cannot sync directory", dir, errno);
  return success();
}

Result<void> replace_atomically(const std::string& path, BytesView data, Errc kind,
                                std::string tmp_template) {
  std::string tmp = tmp_template.empty() ? path + ".XXXXXX" : std::move(tmp_template);
  KRBKIT_TRY(fd, create_unique(tmp, kind));
  auto fail = [&](Error e) -> Result<void> {
    ::unlink(tmp.c_str());
    return e;
  };
  crash_point("replace:created");
  const std::size_t half = data.size() / 2;
  if (auto r = write_all(fd.get(), data.first(half), tmp, kind); !r) return fail(std::move(r).error());
  crash_point("replace:half-written");
  if (auto r = write_all(fd.get(), data.subspan(half), tmp, kind); !r) return fail(std::move(r).error());
  crash_point("replace:written");
  // The data must be on disk before the name points at it: otherwise a power
  // loss after the rename can leave an empty or partial file under the name.
  if (::fdatasync(fd.get()) != 0) return fail(errno_error(kind, "cannot sync", tmp, errno));
  fd.reset();
  crash_point("replace:synced");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(errno_error(kind, "cannot replace", path, errno));
  crash_point("replace:renamed");
  // And the rename itself, so a crash cannot bring the old file back.
  return sync_directory_of(path, kind);
}

}  // namespace krbkit::fileio
