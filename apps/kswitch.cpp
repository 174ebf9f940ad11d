// kswitch: make a cache the primary of its collection (DIR:), by cache name
// (-c) or by principal (-p), as MIT's kswitch.

#include <fmt/format.h>

#include <cstdio>
#include <optional>
#include <string>

#include "common/cli.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/present/tool_json.hpp"
#include "krbkit/proto/principal.hpp"

namespace {

using namespace krbkit;

// The cache made primary, its principal: for --json.
std::string switched_to;
std::optional<std::string> switched_principal;

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
  switched_to = *found;
  switched_principal = unparse_principal(principal);
  return ccache::switch_to(*found).context("switching to credential cache " + *found);
}

Result<void> switch_by_name(const std::string& name) {
  KRBKIT_TRY(cache, ccache::open(name));
  if (!cache->exists()) return Error{Errc::ccache_not_found, cache->name()};
  switched_to = cache->name();
  if (auto contents = cache->read(); contents.ok())
    switched_principal = unparse_principal(contents->default_principal);
  return ccache::switch_to(cache->name()).context("switching to credential cache " + cache->name());
}

}  // namespace

int main(int argc, char** argv) {
  cli::App app{"kswitch - switch the primary ticket cache of a collection"};
  cli::add_version_flag(app, "kswitch");
  std::string cache, principal;
  auto* c = app.add_option("-c,--cache", cache, "Make this cache the primary of its collection")
                ->type_name("CACHE");
  auto* p = app.add_option("-p,--principal", principal,
                           "Make the collection's cache for this principal the primary")
                ->type_name("PRINCIPAL");
  c->excludes(p);
  bool json = false;
  app.add_flag("--json", json, "Print the cache made primary as JSON (krbkit-json(7))");
  if (int rc = cli::parse(app, argc, argv); rc >= 0) return rc;
  if (cache.empty() == principal.empty()) {
    if (json) return cli::usage_error("kswitch", "One of -c or -p must be specified", true);
    std::fputs("kswitch: One of -c or -p must be specified\n", stderr);
    std::fputs(app.help().c_str(), stderr);
    return cli::kExitUsage;
  }
  return cli::run_main("kswitch",
                       [&]() -> Result<void> {
                         KRBKIT_CHECK(cache.empty() ? switch_by_principal(principal) : switch_by_name(cache));
                         if (json) fmt::print("{}", present::kswitch_json(switched_to, switched_principal));
                         return success();
                       },
                       {{}, {}, json, [&]() -> std::optional<std::string> {
                          if (principal.empty()) return std::nullopt;
                          return principal;
                        }});
}
