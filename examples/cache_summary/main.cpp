// cache_summary: what a program built against the installed libkrbkit looks
// like. It opens a credential cache (the default one, or the name given),
// then prints its principal and, for each ticket, the service and how long
// it has left, the way a login script might check for a usable TGT.
//
//   cache_summary [CACHE]     exit 0: tickets listed; 1: no cache or damaged
#include <chrono>
#include <cstdio>
#include <krbkit/ccache/cache.hpp>
#include <krbkit/proto/principal.hpp>
#include <string>

namespace {

std::string time_left(krbkit::KerberosTime endtime) {
  const auto now = std::chrono::system_clock::now();
  if (endtime <= now) return "expired";
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(endtime - now).count();
  return std::to_string(minutes / 60) + "h" + std::to_string(minutes % 60) + "m left";
}

}  // namespace

int main(int argc, char** argv) {
  auto name =
      argc > 1 ? krbkit::Result<std::string>(std::string(argv[1])) : krbkit::ccache::default_cache_name();
  if (!name.ok()) {
    std::fprintf(stderr, "cache_summary: %s\n", name.error().message().c_str());
    return 1;
  }
  auto cache = krbkit::ccache::open(*name);
  auto contents =
      cache.ok() ? (*cache)->read() : krbkit::Result<krbkit::ccache::CacheContents>(cache.error());
  if (!contents.ok()) {
    std::fprintf(stderr, "cache_summary: %s: %s\n", name->c_str(), contents.error().message().c_str());
    return 1;
  }
  std::printf("%s: %s\n", name->c_str(), krbkit::unparse_principal(contents->default_principal).c_str());
  for (const auto& cred : contents->creds)
    std::printf("  %s (%s)\n", krbkit::unparse_principal(cred.server).c_str(),
                time_left(cred.endtime).c_str());
  return 0;
}
