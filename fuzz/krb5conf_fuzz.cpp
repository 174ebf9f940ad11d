// libFuzzer target: the krb5.conf parser and the typed getters on whatever it
// parsed. Include directives are not followed from fuzz input: the input is
// rewritten so that lines starting with "include" cannot read the disk.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/config/values.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  // Neutralise include/includedir at the start of any line.
  for (std::size_t pos = 0; pos < text.size();) {
    if (text.compare(pos, 7, "include") == 0) text[pos] = 'X';
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  auto profile = krbkit::config::Profile::parse(text, "fuzz.conf");
  if (!profile.ok()) return 0;
  auto defaults = krbkit::config::LibDefaults::from(*profile);
  (void)defaults;
  for (const auto& realm : profile->names({"realms"})) {
    (void)profile->get_all({"realms", realm, "kdc"});
    (void)krbkit::config::LibDefaults::from(*profile, realm);
  }
  (void)krbkit::config::host_realm(*profile, "host.sub.example.com");
  // The value parsers on the raw input too.
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  (void)krbkit::config::parse_duration(raw);
  (void)krbkit::config::parse_bool(raw);
  (void)krbkit::config::parse_enctype_list(raw, krbkit::config::default_enctypes(), true);
  return 0;
}
