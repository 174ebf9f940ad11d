// kvno: print key version numbers of Kerberos principals.
// Placeholder until its issue lands: answers --help and --version.

#include "common/cli.hpp"

int main(int argc, char** argv) {
  CLI::App app{"kvno - print key version numbers of Kerberos principals"};
  krbkit::cli::add_version_flag(app, "kvno");
  app.allow_extras();
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;
  return krbkit::cli::run_main("kvno", [] { return krbkit::cli::not_supported_yet("kvno"); });
}
