#pragma once
// kinit's options and the AS exchange it runs with them: the keys (keytab,
// password, none for -n), PKINIT's settings, the prompts; and --json's
// account of what was obtained.

#include <optional>
#include <string>
#include <vector>

#include "common/prompt.hpp"
#include "kinit_keep.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/exchange/login.hpp"
#include "krbkit/present/tool_json.hpp"

namespace krbkit::kinit {

struct Options {
  bool verbose = false;
  bool json = false;               // --json: what was obtained, on stdout
  exchange::TicketOptions ticket;  // -l, -r, -s given, if only as ""
  bool validate = false, renew = false, use_keytab = false, client_keytab = false, anonymous = false;
  std::string keytab, cache, armor_cache;
  std::vector<std::string> attributes;
  cli::SecretInput password;
  std::string principal;
  KeepOptions keep;
};

// The AS exchange: with the keytab's keys (-k), else with the password
// (prompts on the terminal), none for -n.
Result<exchange::AsResult> login(const Options& o, const config::Profile& profile,
                                 const config::LibDefaults& defaults, const exchange::AsRequest& req,
                                 const Tracer& trace);

// kinit -n [@REALM]: the anonymous principal of the named (or default) realm.
Result<Principal> anonymous_client(const Options& o, const config::LibDefaults& defaults);

// PKINIT with krb5.conf's settings for the client's realm and -X's over
// them: always for -n, else when there is a certificate identity to sign
// with (then no password goes out before the KDC says what it offers).
Result<void> use_pkinit(const Options& o, const config::Profile& profile, exchange::AsRequest& req,
                        const Tracer& trace);

// What kinit obtained, for --json.
struct Obtained {
  present::KinitOutcome outcome;
  std::optional<Credentials> creds;
};
// The account of an AS exchange's result stored in `cache`.
Obtained obtained_from(const exchange::AsResult& result, const std::string& cache);

}  // namespace krbkit::kinit
