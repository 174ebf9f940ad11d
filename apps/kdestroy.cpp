// kdestroy: destroy Kerberos tickets.
// Placeholder until its issue lands: answers --help and --version.

#include "common/cli.hpp"

int main(int argc, char** argv) {
  CLI::App app{"kdestroy - destroy Kerberos tickets"};
  krbkit::cli::add_version_flag(app, "kdestroy");
  app.allow_extras();
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;
  return krbkit::cli::run_main("kdestroy", [] { return krbkit::cli::not_supported_yet("kdestroy"); });
}
