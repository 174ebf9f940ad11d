// ktutil: Kerberos keytab file maintenance utility.
// Placeholder until its issue lands: answers --help and --version.

#include "common/cli.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ktutil - Kerberos keytab file maintenance utility"};
  krbkit::cli::add_version_flag(app, "ktutil");
  app.allow_extras();
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;
  return krbkit::cli::run_main("ktutil", [] { return krbkit::cli::not_supported_yet("ktutil"); });
}
