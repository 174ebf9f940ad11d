// kinit: obtain and cache Kerberos ticket-granting tickets.
// Placeholder until its issue lands: answers --help and --version.

#include "common/cli.hpp"

int main(int argc, char** argv) {
  CLI::App app{"kinit - obtain and cache Kerberos ticket-granting tickets"};
  krbkit::cli::add_version_flag(app, "kinit");
  app.allow_extras();
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;
  return krbkit::cli::run_main("kinit", [] { return krbkit::cli::not_supported_yet("kinit"); });
}
