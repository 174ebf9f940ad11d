// Result codes and result strings of password servers, Active Directory's
// policy blob included.
#include "krbkit/exchange/kpasswd_result.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace krbkit;
using namespace krbkit::exchange;

TEST_CASE("result code texts (MIT's wording)") {
  CHECK(std::string(kpasswd_code_text(0)) == "Success");
  CHECK(std::string(kpasswd_code_text(1)) == "Malformed request error");
  CHECK(std::string(kpasswd_code_text(2)) == "Server error");
  CHECK(std::string(kpasswd_code_text(3)) == "Authentication error");
  CHECK(std::string(kpasswd_code_text(4)) == "Password change rejected");
  CHECK(std::string(kpasswd_code_text(5)) == "Access denied");
  CHECK(std::string(kpasswd_code_text(6)) == "Wrong protocol version");
  CHECK(std::string(kpasswd_code_text(7)) == "Initial password required");
  CHECK(std::string(kpasswd_code_text(0xffff)) == "Password change failed");
  CHECK(std::string(kpasswd_code_text(42)) == "Password change failed");
  CHECK(std::string(kpasswd_code_name(4)) == "KRB5_KPASSWD_SOFTERROR");
}

TEST_CASE("Active Directory policy blob") {
  Bytes blob(30, 0);
  blob[5] = 1;  // min length 1
  blob[9] = 1;  // history 1
  auto p = decode_ad_policy(blob);
  REQUIRE(p.has_value());
  CHECK(p->min_length == 1);
  CHECK(describe_ad_policy(*p) ==
        "The password must contain at least 1 character.  The password must be different from the previous "
        "password.");
  SUBCASE("min age of several days") {
    AdPolicy q;
    q.min_age = 3ULL * 86400ULL * 10000000ULL;
    CHECK(describe_ad_policy(q) == "The password can only be changed every 3 days.");
  }
  SUBCASE("not a blob: wrong size or no leading zeros") {
    CHECK_FALSE(decode_ad_policy(Bytes(29, 0)).has_value());
    Bytes text(30, 'a');
    CHECK_FALSE(decode_ad_policy(text).has_value());
  }
  SUBCASE("an empty policy says nothing, so an all-zero blob reads as unreadable text") {
    KpasswdResult r;
    r.code = 4;
    r.result_string = Bytes(30, 0);
    CHECK(describe_ad_policy(*decode_ad_policy(r.result_string)).empty());
    CHECK(r.message() == "Try a more complex password, or contact your administrator.");
  }
}

TEST_CASE("a result as the user reads it") {
  KpasswdResult r;
  r.code = 4;
  r.result_string = to_bytes("Password is too short\n");
  CHECK(r.message() == "Password is too short");
  CHECK(r.describe() == "Password change rejected: Password is too short");
  CHECK(r.to_error().is(Errc::password_rejected));
  CHECK(r.to_error().message() == "Password change rejected (Password is too short)");

  SUBCASE("no reason given") {
    r.result_string.clear();
    CHECK(r.describe() == "Password change rejected");
  }
  SUBCASE("other codes name themselves") {
    r.code = 7;
    r.result_string.clear();
    CHECK(r.to_error().message() == "Password change rejected (Initial password required)");
  }
  SUBCASE("text with a NUL is not shown") {
    r.result_string = Bytes{'a', 0, 'b'};
    CHECK(r.message() == "Try a more complex password, or contact your administrator.");
  }
  SUBCASE("UTF-8 text is kept") {
    r.result_string = to_bytes("Passwort zu kurz: mindestens 8 Zeichen \xc3\xa4");
    CHECK(r.message() == "Passwort zu kurz: mindestens 8 Zeichen \xc3\xa4");
  }
  SUBCASE("overlong UTF-8 is not") {
    r.result_string = Bytes{0xc0, 0xaf};
    CHECK(r.message() == "Try a more complex password, or contact your administrator.");
  }
}
