#pragma once
// Result<T>: a value or an Error (std::expected is not available with clang 14).
//
//   Result<Key> derive(...);
//   KRBKIT_TRY(key, derive(...));        // declares `key`, or returns the error
//   KRBKIT_CHECK(write_file(...));      // for Result<void>
//   return Error{Errc::parse, "KRB-ERROR.e-data: length runs past the end"};

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "krbkit/base/error.hpp"

namespace krbkit {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}
  Result(Errc e, std::string detail = {}) : Result(Error{e, std::move(detail)}) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  Error& error() & { assert(!ok()); return std::get<1>(v_); }
  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

  // Adds "while <what>" to an error; a no-op on success.
  Result&& context(std::string what) && {
    if (!ok()) std::get<1>(v_).context.push_back(std::move(what));
    return std::move(*this);
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}
  Result(Errc e, std::string detail = {}) : Result(Error{e, std::move(detail)}) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  void value() const { assert(ok()); }
  Error& error() & { assert(!ok()); return error_; }
  const Error& error() const& { assert(!ok()); return error_; }
  Error&& error() && { assert(!ok()); return std::move(error_); }

  Result&& context(std::string what) && {
    if (failed_) error_.context.push_back(std::move(what));
    return std::move(*this);
  }

 private:
  Error error_;
  bool failed_ = false;
};

inline Result<void> success() { return {}; }

}  // namespace krbkit

#define KRBKIT_CONCAT_INNER(a, b) a##b
#define KRBKIT_CONCAT(a, b) KRBKIT_CONCAT_INNER(a, b)

// KRBKIT_TRY(name, expr): evaluates a Result<T>; returns its error from the
// enclosing function, or declares `name` holding the value.
#define KRBKIT_TRY(name, expr)                                               \
  auto KRBKIT_CONCAT(krbkit_try_, __LINE__) = (expr);                        \
  if (!KRBKIT_CONCAT(krbkit_try_, __LINE__).ok())                            \
    return std::move(KRBKIT_CONCAT(krbkit_try_, __LINE__)).error();          \
  auto name = std::move(KRBKIT_CONCAT(krbkit_try_, __LINE__)).value()

// KRBKIT_CHECK(expr): evaluates a Result<void> (or any Result) and returns its
// error from the enclosing function.
#define KRBKIT_CHECK(expr)                                                   \
  do {                                                                       \
    auto krbkit_check_result = (expr);                                       \
    if (!krbkit_check_result.ok()) return std::move(krbkit_check_result).error(); \
  } while (0)
