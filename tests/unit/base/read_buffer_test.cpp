// fileio::read_whole: a file read whole, small (malloc) or large (one
// populated mapping), from the descriptor's offset to its end.

#include "krbkit/base/read_buffer.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "krbkit/base/file_io.hpp"

using namespace krbkit;

namespace {

// A temporary file holding `size` bytes of a pattern; removed at scope end.
struct TempFile {
  std::string path = "/tmp/krbkit-read-buffer-XXXXXX";
  fileio::Fd fd;
  explicit TempFile(std::size_t size) {
    fd = fileio::Fd(::mkstemp(path.data()));
    REQUIRE(fd.valid());
    Bytes data(size);
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
    REQUIRE(fileio::write_all(fd.get(), data, path, Errc::io).ok());
    REQUIRE(::lseek(fd.get(), 0, SEEK_SET) == 0);
    expected = std::move(data);
  }
  ~TempFile() { ::unlink(path.c_str()); }
  Bytes expected;
};

}  // namespace

TEST_CASE("read_whole returns every byte of small, empty and large files") {
  for (std::size_t size : {std::size_t{0}, std::size_t{3}, std::size_t{4096}, std::size_t{300000}}) {
    CAPTURE(size);
    TempFile f(size);
    auto r = fileio::read_whole(f.fd.get(), f.path, Errc::io);
    REQUIRE(r.ok());
    CHECK(r->empty() == (size == 0));
    const BytesView v = r->view();
    CHECK(Bytes(v.begin(), v.end()) == f.expected);
  }
}

TEST_CASE("read_whole reads from the offset on, and moves keep the bytes") {
  TempFile f(200000);
  REQUIRE(::lseek(f.fd.get(), 1000, SEEK_SET) == 1000);
  auto r = fileio::read_whole(f.fd.get(), f.path, Errc::io);
  REQUIRE(r.ok());
  fileio::ReadBuffer moved = std::move(*r);
  CHECK(r->empty());
  const BytesView v = moved.view();
  CHECK(Bytes(v.begin(), v.end()) == Bytes(f.expected.begin() + 1000, f.expected.end()));
}

TEST_CASE("read_whole names the file when it cannot read") {
  auto r = fileio::read_whole(-1, "/nowhere/cache", Errc::ccache_io);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is(Errc::ccache_io));
  CHECK(r.error().detail.find("/nowhere/cache") != std::string::npos);
}

TEST_CASE("read_whole grows its buffer when fstat tells no size (a pipe)") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  fileio::Fd reader(fds[0]), writer(fds[1]);
  Bytes data(50000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i % 253);
  REQUIRE(fileio::write_all(writer.get(), data, "pipe", Errc::io).ok());
  writer.reset();
  auto r = fileio::read_whole(reader.get(), "pipe", Errc::io);
  REQUIRE(r.ok());
  const BytesView v = r->view();
  CHECK(Bytes(v.begin(), v.end()) == data);
}
