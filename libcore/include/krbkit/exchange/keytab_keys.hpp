#pragma once
// kinit -k: the client's keys from a keytab, through the keytab module.

#include <string>

#include "krbkit/base/result.hpp"
#include "krbkit/exchange/key_source.hpp"

namespace krbkit::exchange {

// Reads keytab `name` ("FILE:/path", "/path", default type FILE) and keeps
// the newest kvno key of each enctype for `principal`. Errc::keytab_not_found
// / keytab_format from the keytab module; Errc::keytab_no_key naming the
// principal and keytab when it holds no key for it.
Result<KeytabKeySource> keytab_key_source(const std::string& name, const Principal& principal);

}  // namespace krbkit::exchange
