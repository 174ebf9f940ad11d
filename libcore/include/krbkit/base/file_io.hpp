#pragma once
// Small POSIX file helpers shared by the credential cache and keytab storage:
// an owning descriptor, whole-file read/write, the fcntl lock MIT's library
// takes (lib/krb5/os/lock_file.c: an OFD lock on the whole file, F_OFD_SETLKW,
// falling back to a classic F_SETLKW record lock; the two kinds contend with
// each other on Linux, so we interlock with MIT's tools either way), and an
// atomic replace (temporary file in the same directory, fsync, rename).
//
// Every failure is an Error of the caller's chosen code (`kind`, e.g.
// Errc::ccache_io) whose detail names the path and the system error.

#include <string>
#include <string_view>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit::fileio {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.release();
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset();

 private:
  int fd_ = -1;
};

// "<path>: <strerror(errno)>" as an Error of `kind`.
Error errno_error(Errc kind, std::string_view what, std::string_view path, int err);

enum class LockMode { shared, exclusive, unlock };
// Blocks until the whole-file lock is granted (as MIT does).
Result<void> lock(int fd, LockMode mode, std::string_view path, Errc kind);

Result<Bytes> read_all(int fd, std::string_view path, Errc kind);
Result<void> write_all(int fd, BytesView data, std::string_view path, Errc kind);
Result<void> pwrite_all(int fd, BytesView data, long long offset, std::string_view path, Errc kind);

// Creates `template_path` with its trailing "XXXXXX" replaced by random
// characters, O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600. Updates template_path.
Result<Fd> create_unique(std::string& template_path, Errc kind);

// Writes `data` to a new 0600 file next to `path` and renames it over `path`
// (a symlink at `path` is replaced, not followed): a reader sees either the
// old or the new file, never a mix. The data is flushed (fdatasync) before
// the rename and the directory after it, so a crash or power loss leaves the
// old file or the new one, never an empty or partial one.
// The temporary file is `tmp_template` (ending in XXXXXX), by default
// "<path>.XXXXXX"; it must be in the same directory as `path`.
Result<void> replace_atomically(const std::string& path, BytesView data, Errc kind,
                                std::string tmp_template = {});

// fsync() of the directory holding `path`, so a rename or link there is on disk.
Result<void> sync_directory_of(const std::string& path, Errc kind);

// Test hook: with KRBKIT_TEST_CRASH_AT=<step> in the environment the process
// kills itself (SIGKILL) when it reaches that write step, so a test can check
// what a crash there leaves behind (tests/integration/crash_safety.cpp).
// Steps: replace:created, replace:half-written, replace:written,
// replace:synced, replace:renamed (replace_atomically), append:half-written
// (a cache append, which then writes half its record first). Ignored in
// setuid programs (secure_getenv).
void crash_point(const char* step);
bool crash_armed(const char* step);  // whether crash_point(step) would kill

}  // namespace krbkit::fileio
