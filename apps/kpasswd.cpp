// kpasswd: change a user's Kerberos password.
// Placeholder until its issue lands: answers --help and --version.

#include "common/cli.hpp"

int main(int argc, char** argv) {
  CLI::App app{"kpasswd - change a user's Kerberos password"};
  krbkit::cli::add_version_flag(app, "kpasswd");
  app.allow_extras();
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;
  return krbkit::cli::run_main("kpasswd", [] { return krbkit::cli::not_supported_yet("kpasswd"); });
}
