#include "krbkit/base/read_buffer.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "krbkit/base/file_io.hpp"
#include "krbkit/base/secret.hpp"

namespace krbkit::fileio {
namespace {

// Below this, malloc serves the buffer from its heap without a system call
// and the few pages fault in cheaply; above it (glibc's own mmap threshold)
// malloc would mmap anyway, page by page on touch.
constexpr std::size_t kPopulateFrom = 128 * 1024;

}  // namespace

bool ReadBuffer::allocate(std::size_t capacity) {
  release();
  if (capacity >= kPopulateFrom) {
    void* p =
        ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p == MAP_FAILED) return false;
    data_ = static_cast<std::uint8_t*>(p);
    mapped_ = true;
  } else {
    data_ = static_cast<std::uint8_t*>(std::malloc(capacity == 0 ? 1 : capacity));
    if (data_ == nullptr) return false;
  }
  capacity_ = capacity;
  return true;
}

void ReadBuffer::release() {
  if (data_ == nullptr) return;
  secure_wipe(data_, size_);
  if (mapped_)
    ::munmap(data_, capacity_);
  else
    std::free(data_);
  data_ = nullptr;
  size_ = capacity_ = 0;
  mapped_ = false;
}

void ReadBuffer::take(ReadBuffer& o) noexcept {
  data_ = o.data_;
  size_ = o.size_;
  capacity_ = o.capacity_;
  mapped_ = o.mapped_;
  o.data_ = nullptr;
  o.size_ = o.capacity_ = 0;
  o.mapped_ = false;
}

Result<ReadBuffer> read_whole(int fd, std::string_view path, Errc kind) {
  struct stat st {};
  std::size_t expected = 0;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) expected = static_cast<std::size_t>(st.st_size);
  ReadBuffer buffer;
  std::size_t used = 0;
  // One byte more than fstat said, so that reaching the end needs no extra
  // read; a file that grew meanwhile gets a buffer twice the size.
  std::size_t want = expected + 1;
  while (true) {
    if (used == buffer.capacity()) {
      ReadBuffer bigger;
      if (!bigger.allocate(std::max(want, 2 * buffer.capacity())))
        return errno_error(kind, "cannot read", path, ENOMEM);
      if (used > 0) std::memcpy(bigger.data(), buffer.data(), used);
      bigger.set_size(used);
      buffer = std::move(bigger);
    }
    const ssize_t n = ::read(fd, buffer.data() + used, buffer.capacity() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(kind, "cannot read", path, errno);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
    buffer.set_size(used);
  }
  return buffer;
}

}  // namespace krbkit::fileio
