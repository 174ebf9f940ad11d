#include "common/cli.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/ccache/kcm.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/kadm5/error_names.hpp"
#include "krbkit/net/kcm_socket.hpp"
#include "krbkit/present/tool_json.hpp"
#include "krbkit/version.hpp"

namespace krbkit::cli {

int exit_code_for(const Error& error) {
  const auto& code = error.code;
  if (code.category() == kdc_category()) {
    switch (static_cast<KdcErr>(code.value())) {
      case KdcErr::preauth_failed:
      case KdcErr::ap_err_bad_integrity:  // wrong password without preauth
        return kExitBadPassword;
      case KdcErr::c_principal_unknown:
      case KdcErr::s_principal_unknown: return kExitUnknownPrincipal;
      case KdcErr::ap_err_skew: return kExitClockSkew;
      case KdcErr::key_expired: return kExitPasswordExpired;
      case KdcErr::client_not_trusted:
      case KdcErr::cant_verify_certificate:
      case KdcErr::invalid_certificate:
      case KdcErr::revoked_certificate:
      case KdcErr::revocation_status_unknown:
      case KdcErr::revocation_status_unavailable:
      case KdcErr::client_name_mismatch:
      case KdcErr::inconsistent_key_purpose: return kExitClientCertRefused;
      default: return kExitFailure;
    }
  }
  if (code.category() == lib_category()) {
    switch (static_cast<Errc>(code.value())) {
      case Errc::integrity: return kExitBadPassword;
      case Errc::no_kdc:
      case Errc::timeout: return kExitKdcUnreachable;
      case Errc::ccache_not_found:
      case Errc::no_credentials:
      case Errc::credentials_expired: return kExitNoCredentials;
      case Errc::ccache_format:
      case Errc::ccache_io:
      case Errc::ccache_unsafe:
      case Errc::keytab_not_found:
      case Errc::keytab_format: return kExitCacheIo;
      case Errc::invalid_argument: return kExitUsage;
      case Errc::armor_not_found: return kExitArmorNotFound;
      case Errc::armor_unreadable: return kExitArmorUnreadable;
      case Errc::armor_expired: return kExitArmorExpired;
      case Errc::fast_not_used: return kExitFastNotUsed;
      case Errc::certificate_refused:
      case Errc::pkinit_untrusted: return kExitCertificateRefused;
      case Errc::pkinit_cert_expired: return kExitKdcCertExpired;
      case Errc::pkinit_kdc_name: return kExitKdcCertName;
      case Errc::pkinit_no_anchors: return kExitNoAnchors;
      case Errc::cache_daemon_unreachable: return kExitCacheDaemonUnreachable;
      case Errc::cache_daemon_hung_up: return kExitCacheDaemonHungUp;
      case Errc::cache_reply_malformed: return kExitCacheReplyMalformed;
      case Errc::cache_quota: return kExitCacheQuota;
      case Errc::cache_not_ours: return kExitCacheNotOurs;
      case Errc::pkinit_key_mismatch: return kExitKeyMismatch;
      case Errc::pkinit_passphrase: return kExitBadPassphrase;
      case Errc::pkinit_client_cert: return kExitClientCertRefused;
      default: return kExitFailure;
    }
  }
  return kExitFailure;
}

namespace {

// The name two options share ("" when none), as CLI::Option::matching_name
// finds it, which copies the other option's name list for every name.
std::string shared_name(const CLI::Option& earlier, const CLI::Option& added) {
  if (earlier.get_ignore_case() || earlier.get_ignore_underscore() || added.get_ignore_case() ||
      added.get_ignore_underscore())
    return earlier.matching_name(added);
  const auto shared = [](const std::vector<std::string>& ours, const std::vector<std::string>& theirs) {
    for (const auto& name : ours)
      if (std::find(theirs.begin(), theirs.end(), name) != theirs.end()) return name;
    return std::string{};
  };
  auto name = shared(earlier.get_snames(), added.get_snames());
  return name.empty() ? shared(earlier.get_lnames(), added.get_lnames()) : name;
}

}  // namespace

void App::refuse_same_names(const CLI::Option& added) {
  for (const auto& option : options_) {
    if (option.get() == &added) continue;
    if (auto name = shared_name(*option, added); !name.empty()) {
      options_.pop_back();  // not added, as with CLI11's own check
      throw CLI::OptionAlreadyAdded("added option matched existing option name: " + name);
    }
  }
}

std::string version_string(const std::string& prog) { return fmt::format("{} (krbkit) {}", prog, kVersion); }

void add_version_flag(CLI::App& app, const std::string& prog) {
  app.set_version_flag("--version", version_string(prog), "Print the version and exit");
}

int parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const bool json =
        std::any_of(argv + 1, argv + argc, [](const char* a) { return std::string_view(a) == "--json"; });
    if (!json) {
      app.exit(e);
      return kExitUsage;
    }
    const std::string prog = argv[0];
    return usage_error(prog.substr(prog.rfind('/') + 1), e.what(), true);
  }
  return -1;
}

namespace {

// KCM: caches reach the daemon through net's socket (ccache/ sits below net/).
class KcmOverSocket final : public ccache::KcmConnection {
 public:
  explicit KcmOverSocket(std::unique_ptr<net::KcmSocket> s) : socket_(std::move(s)) {}
  Result<Bytes> call(BytesView request) override { return socket_->call(request); }
  Result<std::vector<Bytes>> call_all(std::span<const Bytes> requests) override {
    return socket_->call_all(requests);
  }

 private:
  std::unique_ptr<net::KcmSocket> socket_;
};

void use_kcm_daemon() {
  ccache::set_kcm_connector([]() -> Result<std::unique_ptr<ccache::KcmConnection>> {
    static const std::string path = net::configured_kcm_socket();  // the profile read once, on first use
    KRBKIT_TRY(socket, net::KcmSocket::connect(path));
    return std::unique_ptr<ccache::KcmConnection>(std::make_unique<KcmOverSocket>(std::move(socket)));
  });
}

}  // namespace

int report_error(const std::string& prog, const Error& error, const ErrorReport& report,
                 std::optional<int> status) {
  std::fflush(stdout);
  const std::string line = report.line ? report.line(error) : error.message();
  const int code = status ? *status : report.status ? report.status(error) : exit_code_for(error);
  if (!report.json) {
    fmt::print(stderr, "{}: {}\n", prog, line);
    return code;
  }
  present::ErrorFacts facts{code, line, report.principal ? report.principal() : std::nullopt,
                            kadm5::error_name(error.code)};
  std::fputs(present::error_json(error, facts).c_str(), stderr);
  return code;
}

int usage_error(const std::string& prog, const std::string& text, bool json) {
  Error error{Errc::invalid_argument};
  error.summary = text;
  ErrorReport report;
  report.json = json;
  return report_error(prog, error, report, kExitUsage);
}

int run_main(const std::string& prog, const std::function<Result<int>()>& body, const ErrorReport& report) {
  use_kcm_daemon();
  auto result = body();
  if (result.ok()) return *result;
  return report_error(prog, result.error(), report);
}

int run_main(const std::string& prog, const std::function<Result<void>()>& body, const ErrorReport& report) {
  return run_main(
      prog,
      [&]() -> Result<int> {
        auto result = body();
        if (!result.ok()) return std::move(result).error();
        return kExitOk;
      },
      report);
}

Result<std::string> default_ccache_name() {
  const auto environment = Environment::from_process();
  if (environment.krb5ccname && !environment.krb5ccname->empty()) return ccache::default_cache_name();
  KRBKIT_TRY(profile, config::load_profile(environment));
  return ccache::default_cache_name(config::libdefault(profile, {}, "default_ccache_name"));
}

KerberosTime now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace krbkit::cli
