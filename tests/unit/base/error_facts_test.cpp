// The names scripts see for error codes (the tools' --json error object) and
// the KDC origin an error carries around another module's extension.

#include "krbkit/base/error_facts.hpp"

#include <doctest/doctest.h>

#include <cerrno>

using namespace krbkit;

TEST_CASE("error_code_name: RFC 4120 names, KRBKIT_ names, errno names") {
  CHECK(error_code_name(kdc_error(KdcErr::preauth_failed)) == "KDC_ERR_PREAUTH_FAILED");
  CHECK(error_code_name(kdc_error(KdcErr::ap_err_skew)) == "KRB_AP_ERR_SKEW");
  CHECK(error_code_name(kdc_error(59)) == "KRB5_ERROR_59");
  CHECK(error_code_name(make_error_code(Errc::ccache_not_found)) == "KRBKIT_CCACHE_NOT_FOUND");
  CHECK(error_code_name(make_error_code(Errc::parse)) == "KRBKIT_PARSE");
  CHECK(error_code_name(make_error_code(Errc::pkinit_client_cert)) == "KRBKIT_PKINIT_CLIENT_CERT");
  CHECK(error_code_name(std::error_code(ENOENT, std::system_category())) == "ENOENT");
}

namespace {
struct Other : ErrorExtension {
  int value = 7;
};
}  // namespace

TEST_CASE("attach_kdc_origin keeps the extension that was there findable") {
  Error e{kdc_error(KdcErr::client_revoked)};
  e.extension = std::make_shared<Other>();
  attach_kdc_origin(e, "127.0.0.1:88/udp", 1700000000);
  const auto* origin = extension_of<KdcOrigin>(e);
  REQUIRE(origin != nullptr);
  CHECK(origin->kdc == "127.0.0.1:88/udp");
  CHECK(origin->kdc_time == 1700000000);
  REQUIRE(extension_of<Other>(e) != nullptr);
  CHECK(extension_of<Other>(e)->value == 7);
  CHECK(extension_of<KdcOrigin>(Error{Errc::io}) == nullptr);
}
