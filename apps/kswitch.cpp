// kswitch: make a cache the primary of its collection (DIR:), by cache name
// (-c) or by principal (-p), as MIT's kswitch.

#include <fmt/format.h>

#include <cstdio>

#include "common/cli.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/proto/principal.hpp"

namespace {

using namespace krbkit;

Result<void> switch_by_principal(const std::string& text) {
  KRBKIT_TRY(collection, cli::default_ccache_name());
  const auto env = Environment::from_process();
  KRBKIT_TRY(profile, config::load_profile(env));
  const auto realm = config::libdefault(profile, {}, "default_realm");
  KRBKIT_TRY(principal, parse_principal(text, realm.value_or("")));
  KRBKIT_TRY(found, ccache::find_in_collection(collection, principal));
  if (!found)
    return Error{Errc::ccache_not_found, fmt::format("no cache for {} in the collection of {}",
                                                     unparse_principal(principal), collection)};
  return ccache::switch_to(*found).context("switching to credential cache " + *found);
}

Result<void> switch_by_name(const std::string& name) {
  KRBKIT_TRY(cache, ccache::open(name));
  if (!cache->exists()) return Error{Errc::ccache_not_found, cache->name()};
  return ccache::switch_to(cache->name()).context("switching to credential cache " + cache->name());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kswitch - switch the primary ticket cache of a collection"};
  cli::add_version_flag(app, "kswitch");
  std::string cache, principal;
  auto* c = app.add_option("-c,--cache", cache, "Make this cache the primary of its collection")
                ->type_name("CACHE");
  auto* p = app.add_option("-p,--principal", principal,
                           "Make the collection's cache for this principal the primary")
                ->type_name("PRINCIPAL");
  c->excludes(p);
  if (int rc = cli::parse(app, argc, argv); rc >= 0) return rc;
  if (cache.empty() == principal.empty()) {
    std::fputs("kswitch: One of -c or -p must be specified\n", stderr);
    std::fputs(app.help().c_str(), stderr);
    return cli::kExitUsage;
  }
  return cli::run_main(
      "kswitch", [&] { return cache.empty() ? switch_by_principal(principal) : switch_by_name(cache); });
}
