#pragma once
// While one of these lives, every random draw of the library fails, as a
// broken getrandom() would (krbkit::simulate_random_failure).
#include "krbkit/crypto/crypto.hpp"

namespace krbkit::test {

struct RandomFails {
  RandomFails() { simulate_random_failure(true); }
  ~RandomFails() { simulate_random_failure(false); }
  RandomFails(const RandomFails&) = delete;
  RandomFails& operator=(const RandomFails&) = delete;
};

inline bool is_random_failure(const Error& e) {
  return e.is(Errc::internal) && e.message().find("random number generator failed") != std::string::npos;
}

}  // namespace krbkit::test
