// kswitch: switch the primary ticket cache of a collection.
// Placeholder until its issue lands: answers --help and --version.

#include "common/cli.hpp"

int main(int argc, char** argv) {
  CLI::App app{"kswitch - switch the primary ticket cache of a collection"};
  krbkit::cli::add_version_flag(app, "kswitch");
  app.allow_extras();
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;
  return krbkit::cli::run_main("kswitch", [] { return krbkit::cli::not_supported_yet("kswitch"); });
}
