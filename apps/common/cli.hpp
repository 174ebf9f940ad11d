#pragma once
// Glue shared by the command-line tools: version strings, exit codes, and
// run_main(), which turns a libcore error into one line on stderr.

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/proto/basic_types.hpp"

namespace krbkit::cli {

// Exit statuses. MIT's tools exit 1 for every failure; krbkit keeps 1 as the
// generic failure and adds distinct codes for what scripts need to tell apart.
// Each man page lists them (EXIT STATUS).
enum Exit : int {
  kExitOk = 0,
  kExitFailure = 1,              // anything not listed below
  kExitUsage = 2,                // bad options or arguments
  kExitBadPassword = 3,          // password incorrect / preauthentication failed
  kExitUnknownPrincipal = 4,     // client or server not found in the database
  kExitKdcUnreachable = 5,       // no KDC answered
  kExitClockSkew = 6,            // clock skew too great
  kExitPasswordExpired = 7,      // password has expired
  kExitNoCredentials = 8,        // no cache, or no valid/unexpired ticket in it
  kExitCacheIo = 9,              // cache or keytab could not be read or written
  kExitArmorNotFound = 10,       // kinit -T: no such armor cache
  kExitArmorUnreadable = 11,     // kinit -T: the armor cache does not read or holds no TGT
  kExitArmorExpired = 12,        // kinit -T: the armor TGT has expired
  kExitFastNotUsed = 13,         // kinit -T: the KDC answered without FAST
  kExitRenewableLifeEnded = 14,  // kinit --keep-renewed: renewable life used up, no keytab
  kExitTicketExpired = 15,       // kinit --keep-renewed: the ticket expired before a renewal succeeded
  kExitCertificateRefused = 16,  // a server's certificate was refused: HTTPS KDC proxy, or the KDC's
                                 // PKINIT certificate does not chain to pkinit_anchors
  kExitKeytabMismatch = 17,  // kvno --audit: a key wrong or stale, a duplicate entry or an enctype missing
  kExitKdcCertName = 18,     // kinit, PKINIT: the KDC's certificate names another KDC (SAN, key usage)
  kExitNoAnchors = 19,       // kinit, PKINIT: no pkinit_anchors to check the KDC with
  // 20-24: caches a daemon or the kernel holds (KCM:, KEYRING:); the old cache is left as it was.
  kExitCacheDaemonUnreachable = 20,  // KCM: no daemon listening at kcm_socket
  kExitCacheDaemonHungUp = 21,       // KCM: the daemon closed the connection in the middle of a request
  kExitCacheReplyMalformed = 22,     // KCM: the daemon's reply does not parse
  kExitCacheQuota = 23,              // KEYRING: the kernel's key quota is used up
  kExitCacheNotOurs = 24,            // KEYRING: the keyring belongs to another user
  // 25-28: PKINIT certificates.
  kExitKeyMismatch = 25,        // PKINIT: the private key is not the certificate's
  kExitBadPassphrase = 26,      // PKINIT: the pass phrase does not open the private key
  kExitClientCertRefused = 27,  // PKINIT: the client's certificate does not chain to pkinit_anchors,
                                // or the KDC refused it (KDC errors 62, 70-75, 77; 24 to PKINIT)
  kExitKdcCertExpired = 28,     // PKINIT: a certificate (the KDC's chain, or the client's own) has expired
};

// 20-24: the daemon or the kernel holding a KCM: or KEYRING: cache failed;
// the tool's one line names the cache, and the cache is as it was.
inline bool cache_holder_failed(int status) {
  return status >= kExitCacheDaemonUnreachable && status <= kExitCacheNotOurs;
}

// The exit status that fits an error.
int exit_code_for(const Error& error);

// CLI::App whose add_flag/add_option/... check a new option's names against
// the earlier options' names without CLI11's own check, which compares each
// new option with every earlier one through copies of their name lists
// (n^2 allocations: 46 % of a klist's 0.8 M instructions). The same names
// are refused, with the same OptionAlreadyAdded; help and parsing are CLI11's.
class App : public CLI::App {
 public:
  using CLI::App::App;

  template <class... A>
  CLI::Option* add_flag(A&&... args) {
    return checked([&] { return CLI::App::add_flag(std::forward<A>(args)...); });
  }
  template <class... A>
  CLI::Option* add_flag_callback(A&&... args) {
    return checked([&] { return CLI::App::add_flag_callback(std::forward<A>(args)...); });
  }
  template <class... A>
  CLI::Option* add_option(A&&... args) {
    return checked([&] { return CLI::App::add_option(std::forward<A>(args)...); });
  }
  template <class T, class... A>
  CLI::Option* add_option_function(A&&... args) {
    return checked([&] { return CLI::App::add_option_function<T>(std::forward<A>(args)...); });
  }

 private:
  // Runs `add` (which adds one option) with the earlier options set aside,
  // so that CLI11 compares the new one with none, then does the comparison
  // itself on the names as they are.
  template <class Add>
  CLI::Option* checked(Add add) {
    std::vector<CLI::Option_p> earlier = std::move(options_);
    options_.clear();
    CLI::Option* added = nullptr;
    try {
      added = add();
    } catch (...) {
      options_ = std::move(earlier);
      throw;
    }
    earlier.push_back(std::move(options_.back()));
    options_ = std::move(earlier);
    refuse_same_names(*added);
    return added;
  }
  void refuse_same_names(const CLI::Option& added);
};

// "kinit (krbkit) 0.1.0"
std::string version_string(const std::string& prog);

// Adds --version to an app (MIT's tools have no long form; krbkit has one for all).
void add_version_flag(CLI::App& app, const std::string& prog);

// Parses argv with CLI11; on a usage error prints CLI11's message (a JSON
// error object when argv has --json) and returns kExitUsage, on --help/--version prints and returns kExitOk.
// Returns -1 when the caller should go on.
int parse(CLI::App& app, int argc, char** argv);

// How a command words its error line and picks its status, when the
// defaults (error.message(), exit_code_for) do not fit: kinit names the
// principal as MIT's kinit does, kvno exits 1 for any failure as MIT's.
// Under --json (`json`), the error goes to standard error as one JSON object
// line instead (present::error_json, man/krbkit-json.7), naming `principal`
// (the principal the command was about) when it gives one.
struct ErrorReport {
  std::function<std::string(const Error&)> line;
  std::function<int(const Error&)> status;
  bool json = false;
  std::function<std::optional<std::string>()> principal;
};

// Prints an error of `prog` on standard error: "<prog>: <line>", or under
// report.json the JSON error object; returns the exit status, `status` when
// given, else the report's / exit_code_for's.
int report_error(const std::string& prog, const Error& error, const ErrorReport& report,
                 std::optional<int> status = std::nullopt);

// A usage error found after parsing ("-A option is exclusive with -p
// option"): the line as MIT words it, or the JSON error object; kExitUsage.
int usage_error(const std::string& prog, const std::string& text, bool json);

// Every command ends here. Runs the body of a command; for an error, flushes
// standard output, prints "<prog>: <line>" on standard error and returns the
// status for it. The body returns the status of a run that reported its own
// outcome (kvno: 1 when one of its services failed), or nothing for 0.
int run_main(const std::string& prog, const std::function<Result<int>()>& body,
             const ErrorReport& report = {});
int run_main(const std::string& prog, const std::function<Result<void>()>& body,
             const ErrorReport& report = {});

// The default credential cache name: KRB5CCNAME, else krb5.conf
// default_ccache_name (the profile is loaded only when KRB5CCNAME is unset,
// which keeps klist's start-up short), else FILE:/tmp/krb5cc_<uid>.
Result<std::string> default_ccache_name();

// The current time, whole seconds.
KerberosTime now_seconds();

}  // namespace krbkit::cli
