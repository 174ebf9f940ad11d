// klist: list cached Kerberos tickets and keytab entries.
// Placeholder until its issue lands: answers --help and --version.

#include "common/cli.hpp"

int main(int argc, char** argv) {
  CLI::App app{"klist - list cached Kerberos tickets and keytab entries"};
  krbkit::cli::add_version_flag(app, "klist");
  app.allow_extras();
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;
  return krbkit::cli::run_main("klist", [] { return krbkit::cli::not_supported_yet("klist"); });
}
