#include "krbkit/base/result.hpp"

#include <doctest/doctest.h>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/secret.hpp"

using namespace krbkit;

namespace {
Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return Error{Errc::parse, std::string("not a digit: ") + c};
  return c - '0';
}

Result<int> sum_digits(const char* s) {
  int sum = 0;
  for (; *s; ++s) {
    KRBKIT_TRY(d, parse_digit(*s));
    sum += d;
  }
  return sum;
}

Result<void> require_even(int n) {
  if (n % 2) return Error{Errc::invalid_argument, "odd"};
  return success();
}

Result<void> sum_is_even(const char* s) {
  KRBKIT_TRY(sum, sum_digits(s));
  KRBKIT_CHECK(require_even(sum));
  return success();
}
}  // namespace

TEST_CASE("Result carries a value or the first error, with context") {
  CHECK(sum_digits("123").value() == 6);
  auto bad = sum_digits("1x3");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().is(Errc::parse));
  CHECK(bad.error().detail == "not a digit: x");

  CHECK(sum_is_even("13").ok());
  auto odd = sum_is_even("12").context("checking the input");
  REQUIRE_FALSE(odd.ok());
  CHECK(odd.error().message() == "Invalid argument (odd) while checking the input");
}

TEST_CASE("KDC error codes read like MIT's messages") {
  Error e{kdc_error(6), "alice@EXAMPLE.COM"};
  e.context.push_back("getting initial credentials");
  CHECK(e.message() ==
        "Client not found in Kerberos database (alice@EXAMPLE.COM) while getting initial credentials");
  CHECK(e.is(KdcErr::c_principal_unknown));
  CHECK(std::string(kdc_error_name(25)) == "KDC_ERR_PREAUTH_REQUIRED");
  CHECK(kdc_error(999).message() == "Unknown Kerberos error code 999");
}

TEST_CASE("a summary names the particular case in place of the category's text") {
  Error generic{Errc::no_kdc};
  CHECK(generic.message() == "Cannot contact any KDC for requested realm");  // MIT's KRB5_KDC_UNREACH
  Error e{Errc::no_kdc, "tried: udp 127.0.0.1:88 (no reply)"};
  e.summary = "Cannot contact any KDC for realm 'EXAMPLE.COM'";
  e.context.push_back("getting initial credentials");
  CHECK(e.message() ==
        "Cannot contact any KDC for realm 'EXAMPLE.COM' (tried: udp 127.0.0.1:88 (no reply)) while getting "
        "initial credentials");
  CHECK(e.is(Errc::no_kdc));
}

TEST_CASE("hex round trip and rejection") {
  Bytes b;
  CHECK(from_hex("00ff10Ab", b));
  CHECK(b == Bytes{0x00, 0xff, 0x10, 0xab});
  CHECK(to_hex(b) == "00ff10ab");
  CHECK_FALSE(from_hex("abc", b));
  CHECK_FALSE(from_hex("zz", b));
}

TEST_CASE("SecretBytes moves leave nothing behind") {
  SecretBytes a(std::string_view("hunter2"));
  SecretBytes b = std::move(a);
  CHECK(a.empty());
  CHECK(b.chars() == "hunter2");
  b.resize(3);
  CHECK(b.chars() == "hun");
  b.resize(40);
  CHECK(b.size() == 40);
  CHECK(b[0] == 'h');
  auto c = b.clone();
  CHECK(c == b);
}
