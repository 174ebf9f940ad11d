#pragma once
// A whole file read into memory for parsing, in one allocation whose pages
// are faulted in by a single mmap(MAP_POPULATE) when the file is large: on
// the virtual machines these tools run on, a page fault costs microseconds,
// and klist of a 1,000-ticket cache (160 pages) spent a quarter of its page
// faults filling a growing vector. The bytes are wiped when it is destroyed
// (a cache holds session keys).

#include <cstddef>
#include <string_view>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit::fileio {

class ReadBuffer {
 public:
  ReadBuffer() = default;
  ~ReadBuffer() { release(); }
  ReadBuffer(ReadBuffer&& o) noexcept { take(o); }
  ReadBuffer& operator=(ReadBuffer&& o) noexcept {
    if (this != &o) {
      release();
      take(o);
    }
    return *this;
  }
  ReadBuffer(const ReadBuffer&) = delete;
  ReadBuffer& operator=(const ReadBuffer&) = delete;

  // Room for `capacity` bytes, none used yet; false when memory is short.
  bool allocate(std::size_t capacity);
  std::uint8_t* data() { return data_; }
  std::size_t capacity() const { return capacity_; }
  void set_size(std::size_t size) { size_ = size; }
  BytesView view() const { return BytesView(data_, size_); }
  bool empty() const { return size_ == 0; }

 private:
  void release();
  void take(ReadBuffer& o) noexcept;

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0, capacity_ = 0;
  bool mapped_ = false;
};

// Everything from `fd`'s current offset to its end (sized by fstat, grown if
// the file grew meanwhile). Errors are of `kind` and name `path`.
Result<ReadBuffer> read_whole(int fd, std::string_view path, Errc kind);

}  // namespace krbkit::fileio
