#pragma once
// Principal names as text, with MIT's rules (krb5_parse_name_flags and
// krb5_unparse_name_flags):
//   - components are separated by '/', the realm follows the first unescaped
//     '@'; "user@" has an empty realm, no '@' means the default realm;
//   - '\' escapes the next character; "\n" "\t" "\b" "\0" stand for newline,
//     tab, backspace and NUL; a trailing '\' is malformed, as is a '/' or a
//     second '@' in the realm;
//   - enterprise names (NT-ENTERPRISE) are one component in which the first
//     '@' belongs to the name: "user@upn.suffix@REALM";
//   - unparsing escapes '/', '@', '\', newline, tab, backspace and NUL in
//     components and realm (no '@' escaping with no_realm alone; no escaping
//     at all with display).

#include <string>
#include <string_view>

#include "krbkit/base/result.hpp"
#include "krbkit/proto/basic_types.hpp"

namespace krbkit {

struct PrincipalParseFlags {
  bool no_realm = false;       // a realm in the text is an error; none is added (MIT PARSE_NO_REALM)
  bool require_realm = false;  // the text must name a realm (MIT PARSE_REQUIRE_REALM)
  bool enterprise = false;     // NT-ENTERPRISE rules (MIT PARSE_ENTERPRISE)
  bool ignore_realm = false;   // drop any realm, add none (MIT PARSE_IGNORE_REALM)
};

// Errors: Errc::invalid_argument naming the text ("malformed principal name
// \"a@B@C\": ..."), or Errc::config when the text has no realm and
// default_realm is empty (and neither no_realm nor ignore_realm is set).
// The name type is NT-PRINCIPAL, or NT-ENTERPRISE with flags.enterprise.
Result<Principal> parse_principal(std::string_view text, std::string_view default_realm = {},
                                  PrincipalParseFlags flags = {});

struct UnparseFlags {
  bool no_realm = false;    // leave the realm out (MIT UNPARSE_NO_REALM)
  bool short_form = false;  // leave the realm out when it is default_realm (MIT UNPARSE_SHORT)
  bool display = false;     // no escaping, for people rather than parsers (MIT UNPARSE_DISPLAY)
};

std::string unparse_principal(const Principal& p, UnparseFlags flags = {},
                              std::string_view default_realm = {});

// service/host@realm as NT-SRV-HST, with the host name in lower case (what
// MIT's krb5_sname_to_principal builds before any DNS canonicalization; the
// caller picks the realm, e.g. from [domain_realm]). An empty service means "host".
Principal host_service_principal(std::string_view service, std::string_view host, std::string realm);

// krbtgt/<service_realm>@<issuing_realm>, NT-SRV-INST.
Principal krbtgt_principal(std::string_view service_realm, std::string_view issuing_realm);
// True for krbtgt/<anything>@<anything> (two components, first is "krbtgt").
bool is_krbtgt(const Principal& p);

}  // namespace krbkit
