#pragma once
// Keys from keytabs, through the keytab module: kinit -k's client keys, and
// the service (and krbtgt) keys klist and kvno --decode open tickets with.

#include <string>

#include "krbkit/base/result.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/exchange/key_source.hpp"
#include "krbkit/pac/ticket.hpp"

namespace krbkit::exchange {

// Reads keytab `name` ("FILE:/path", "/path", default type FILE) and keeps
// the newest kvno key of each enctype for `principal`. Errc::keytab_not_found
// / keytab_format from the keytab module; Errc::keytab_no_key naming the
// principal and keytab when it holds no key for it.
Result<KeytabKeySource> keytab_key_source(const std::string& name, const Principal& principal);

// kinit -k's keytab, as MIT's kinit names it: `given` (-t), else with
// `client_keytab` (-i) the default client keytab (KRB5_CLIENT_KTNAME,
// default_client_keytab_name), else the default keytab (KRB5_KTNAME,
// default_keytab_name).
Result<std::string> kinit_keytab_name(const std::string& given, bool client_keytab,
                                      const config::LibDefaults& defaults);

// kinit -k -i without a principal: the first entry's principal of the
// default client keytab. Errc::keytab_no_key when it has no entries.
Result<Principal> client_keytab_principal(const config::LibDefaults& defaults);

// --decode: every key of `keytab` as the service's keys, and, if
// `krbtgt_keytab` is not empty, its keys as krbtgt's (for the PAC's KDC
// signature). The keytabs are named in the checks' messages.
Result<pac::DecodeOptions> decode_options(const std::string& keytab, const std::string& krbtgt_keytab);

}  // namespace krbkit::exchange
