#pragma once
// Symbolic names of the codes a kadmin server sends, for scripts (the
// tools' --json error object, man/krbkit-json.7).

#include <string>
#include <system_error>

namespace krbkit::kadm5 {

// For a code of kadm5_category(): MIT's kadm_err.et name ("KADM5_UNK_PRINC",
// "KADM5_BAD_PASSWORD"), the RFC 4120 name of a krb5 code the server passed
// on, or the errno name; "" for a code of another category.
std::string error_name(const std::error_code& code);

}  // namespace krbkit::kadm5
