#pragma once
// What scripts are told about an error (the tools' --json error object,
// man/krbkit-json.7) beyond its message: a symbolic name for its code, and
// for an error a KDC sent, which KDC sent it and the KDC's time then.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "krbkit/base/error.hpp"

namespace krbkit {

// The RFC 4120 name of a KDC error ("KDC_ERR_PREAUTH_FAILED",
// "KRB5_ERROR_<n>" for an unnamed one), "KRBKIT_<ERRC>" for a local failure
// ("KRBKIT_CCACHE_NOT_FOUND"), the errno name for a system error ("ENOENT"),
// else "<CATEGORY>_<n>" ("KADM5_43787522").
std::string error_code_name(const std::error_code& code);

// A KRB-ERROR's origin: the KDC that sent it ("127.0.0.1:88/udp", an HTTPS
// proxy's URL) and its stime (seconds since the epoch). Kept in
// Error::extension around the extension that was there (an Active Directory
// KDC's NTSTATUS), which extension_of still finds.
struct KdcOrigin : ErrorExtension {
  std::string kdc;
  std::optional<std::int64_t> kdc_time;
  std::shared_ptr<const ErrorExtension> inner;
};
void attach_kdc_origin(Error& error, std::string kdc, std::optional<std::int64_t> kdc_time);

// The extension of type T that `error` carries, looking inside a KdcOrigin.
template <class T>
const T* extension_of(const Error& error) {
  const ErrorExtension* e = error.extension.get();
  while (e != nullptr) {
    if (const auto* found = dynamic_cast<const T*>(e)) return found;
    const auto* origin = dynamic_cast<const KdcOrigin*>(e);
    e = origin != nullptr ? origin->inner.get() : nullptr;
  }
  return nullptr;
}

}  // namespace krbkit
