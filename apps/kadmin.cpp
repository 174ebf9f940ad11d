// kadmin: Kerberos administration program.
// Placeholder until its issue lands: answers --help and --version.

#include "common/cli.hpp"

int main(int argc, char** argv) {
  CLI::App app{"kadmin - Kerberos administration program"};
  krbkit::cli::add_version_flag(app, "kadmin");
  app.allow_extras();
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;
  return krbkit::cli::run_main("kadmin", [] { return krbkit::cli::not_supported_yet("kadmin"); });
}
