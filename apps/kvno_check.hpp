#pragma once
// kvno's checks (kvno_check.cpp): each service's ticket got, described and
// checked with the keytab; kvno.cpp prints what they found.

#include <optional>
#include <string>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/pac/ticket.hpp"

namespace krbkit::kvno {

struct Options {
  std::string cache, etype, keytab, sname, impersonate, enterprise, out_cache, u2u_cache, krbtgt_keytab,
      cert_file;
  bool quiet = false, unknown_type = false, canonicalize = false, proxy = false, cached_only = false,
       no_store = false, json = false, decode = false, audit = false;
  std::vector<std::string> services;
};

// What kvno found out about one service.
struct Outcome {
  std::string name;  // the ticket's server (--json), or the argument on failure
  // "SERVICE: kvno = N" names the service as asked, as MIT's kvno does: a
  // host no [domain_realm] maps is "host/h@" (the referral realm), even when
  // the ticket came from the realm a referral or the fallback found.
  std::string asked;
  std::optional<exchange::TicketInfo> info;
  std::optional<bool> keytab_valid;
  std::optional<pac::DecodedTicket> decoded;  // --decode
  std::string error;
  std::vector<std::string> problems;  // --decode: the checks that failed
  bool parse_error = false;           // MIT's kvno -q hides "while parsing principal name"
  std::optional<Error> cause{};       // the error behind `error` (--json's error object)
  bool failed() const { return !error.empty() || !problems.empty(); }
  void fail(std::string text, const Error& why) {
    error = std::move(text);
    cause = why;
  }
};

// Every service of `o`, in order, into `outcomes`; an error stops kvno as a
// whole (the cache, the options, S4U2Self evidence, --out-cache).
Result<void> run(const Options& o, std::vector<Outcome>& outcomes);

// --audit (kvno_audit.cpp): the keytab o.keytab against the KDC for the
// principals o.services (all of the keytab's when none), printed as a table
// or JSON; the exit status: 0 when everything matches, else
// kExitKeytabMismatch, or kExitUnknownPrincipal when the only finding is
// principals the KDC does not know.
Result<int> audit(const Options& o);

}  // namespace krbkit::kvno
