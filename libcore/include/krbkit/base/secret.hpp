#pragma once
// SecretBytes holds key material and passwords. It is move-only and wipes its
// storage with explicit_bzero when destroyed, moved from, or resized, so no
// copy of a secret outlives its owner. It never appears in logs or errors.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "krbkit/base/bytes.hpp"

namespace krbkit {

void secure_wipe(void* data, std::size_t size);

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size) : bytes_(size) {}
  explicit SecretBytes(BytesView data) : bytes_(data.begin(), data.end()) {}
  explicit SecretBytes(std::string_view text) : SecretBytes(as_bytes(text)) {}
  ~SecretBytes() { wipe(); }

  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      wipe();
      bytes_ = std::move(other.bytes_);
      other.bytes_.clear();
    }
    return *this;
  }

  // An explicit copy, for the rare place that needs two owners.
  SecretBytes clone() const { return SecretBytes(view()); }

  std::uint8_t* data() { return bytes_.data(); }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  BytesView view() const { return {bytes_.data(), bytes_.size()}; }
  std::string_view chars() const { return as_chars(view()); }
  std::uint8_t& operator[](std::size_t i) { return bytes_[i]; }
  std::uint8_t operator[](std::size_t i) const { return bytes_[i]; }

  // Resizing wipes first: a reallocation must not leave the old bytes behind.
  void assign(BytesView data) {
    wipe();
    bytes_.assign(data.begin(), data.end());
  }
  void resize(std::size_t size) {
    if (size > bytes_.capacity()) {
      SecretBytes bigger(size);
      std::copy(bytes_.begin(), bytes_.end(), bigger.bytes_.begin());
      *this = std::move(bigger);
    } else {
      if (size < bytes_.size()) secure_wipe(bytes_.data() + size, bytes_.size() - size);
      bytes_.resize(size);
    }
  }

  friend bool operator==(const SecretBytes& a, const SecretBytes& b) { return a.bytes_ == b.bytes_; }

 private:
  void wipe() {
    if (!bytes_.empty()) secure_wipe(bytes_.data(), bytes_.size());
    bytes_.clear();
  }
  Bytes bytes_;
};

}  // namespace krbkit
