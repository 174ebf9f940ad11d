// kinit --json (tool_json.hpp): what was obtained, from which KDC, how.

#include "krbkit/base/json.hpp"
#include "krbkit/present/tool_json.hpp"
#include "krbkit/proto/principal.hpp"
#include "present_internal.hpp"

namespace krbkit::present {

std::string kinit_json(const KinitOutcome& outcome, const Credentials& creds, KerberosTime now) {
  json::Writer w;
  w.schema(1).begin_object();
  w.member("mode", outcome.mode);
  w.member("principal", unparse_principal(creds.client));
  w.member("cache", outcome.cache);
  if (outcome.kdc.empty())
    w.key("kdc").null();
  else
    w.member("kdc", outcome.kdc);
  if (outcome.preauth)
    w.member("preauth", *outcome.preauth);
  else
    w.key("preauth").null();
  w.member("fast", outcome.fast);
  w.key("ticket");
  credential_json(w, creds, now);
  return w.end_object().finish();
}

}  // namespace krbkit::present
