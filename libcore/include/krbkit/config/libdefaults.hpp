#pragma once
// Typed views of krb5.conf: the [libdefaults] values the tools use, with MIT's
// defaults, and realm lookups ([realms], [domain_realm]).
//
// Like MIT's krb5int_libdefault_*(), a value is looked up first in the
// realm's subsection of [libdefaults] (`KRBKIT.TEST = { forwardable = true }`)
// and then in [libdefaults] itself.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/enctype.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/config/profile.hpp"

namespace krbkit::config {

enum class DnsCanonicalize { no, yes, fallback };

struct LibDefaults {
  std::optional<std::string> default_realm;
  std::string default_ccache_name = "FILE:/tmp/krb5cc_%{uid}";
  std::string default_keytab_name = "FILE:/etc/krb5.keytab";
  std::string default_client_keytab_name = "FILE:/var/lib/krb5/user/%{euid}/client.keytab";

  std::chrono::seconds ticket_lifetime{24 * 3600};
  std::chrono::seconds renew_lifetime{0};
  std::chrono::seconds clockskew{300};
  // KDC options every AS request carries (MIT's kdc_default_options, in its
  // flag layout); MIT's default is renewable-ok (0x10), so a KDC whose
  // max_life is shorter than the requested lifetime makes the ticket
  // renewable up to that lifetime.
  std::uint32_t kdc_default_options = 0x10;
  // Overall deadline for one request to a realm's KDCs (MIT's
  // request_timeout, Heimdal's kdc_timeout); nullopt: MIT's pass schedule.
  std::optional<std::chrono::seconds> kdc_timeout;

  bool forwardable = false;
  bool proxiable = false;
  bool noaddresses = true;
  bool dns_lookup_kdc = true;
  bool dns_lookup_realm = false;
  bool allow_weak_crypto = false;
  bool allow_rc4 = false;
  bool kdc_timesync = true;
  bool canonicalize = false;
  bool rdns = true;
  DnsCanonicalize dns_canonicalize_hostname = DnsCanonicalize::yes;

  int udp_preference_limit = 1465;
  int ccache_type = 4;

  std::vector<Enctype> default_tkt_enctypes;
  std::vector<Enctype> default_tgs_enctypes;
  std::vector<Enctype> permitted_enctypes;
  // PA types tried first, in this order, whatever order the KDC lists them
  // in (MIT's preferred_preauth_types; numbers, as krb5.conf writes them).
  std::vector<std::int32_t> preferred_preauth_types{17, 16, 15, 14};
  // The SPAKE groups the client accepts, by number in krb5.conf's order
  // (spake_preauth_groups: names split at spaces and commas, unknown names
  // skipped, as MIT reads it; MIT's client default is edwards25519). Empty:
  // SPAKE is off (MIT: "No SPAKE preauth groups configured").
  std::vector<std::int32_t> spake_preauth_groups{1};

  // Reads [libdefaults] for `realm` (empty: the default_realm). A value that
  // does not parse is an Errc::config error naming the file, line and relation.
  static Result<LibDefaults> from(const Profile& profile, std::string_view realm = {});
};

// One [libdefaults] value, realm subsection first: the raw string.
std::optional<std::string> libdefault(const Profile& profile, std::string_view realm, std::string_view name);

// MIT reads [libdefaults] booleans in three ways; each setting is read the way
// MIT reads it (LibDefaults::from, net::locate), through one of these.
//
// krb5int_libdefault_boolean (forwardable, proxiable, canonicalize,
// noaddresses): the realm's subsection first, then [libdefaults]; the value is
// read by _krb5_conf_boolean (conf_boolean), so a word it does not know
// ("maybe") is false, neither the default nor an error. `def` when absent.
bool libdefault_boolean(const Profile& profile, std::string_view realm, std::string_view name, bool def);

// profile_get_boolean on [libdefaults] NAME only, no realm subsection
// (allow_weak_crypto, allow_rc4, rdns): parse_bool's words, `def` when absent,
// and an Errc::config error naming file, line and relation for a word it does
// not know (MIT: PROF_BAD_BOOLEAN; krb5_init_context fails for
// allow_weak_crypto and allow_rc4, rdns takes its default).
Result<bool> libdefault_strict_boolean(const Profile& profile, std::string_view name, bool def);

// locate_kdc.c's maybe_use_dns (dns_lookup_kdc, dns_lookup_realm): [libdefaults]
// NAME only, else [libdefaults] dns_fallback, read by conf_boolean (an unknown
// word is false); `def` when neither is set.
bool libdefault_dns_lookup(const Profile& profile, std::string_view name, bool def);

// [domain_realm]: the realm for a host, trying the host itself, then each
// parent domain with and without a leading dot (".example.com", "example.com"),
// as MIT does. Host names compare case-insensitively (lower-cased).
std::optional<std::string> host_realm(const Profile& profile, std::string_view host);
// The realm MIT guesses when [domain_realm] has no entry: the host's parent
// domain in upper case ("kdc.example.com" -> "EXAMPLE.COM"); empty for a
// host without a dot.
std::string fallback_host_realm(std::string_view host);

}  // namespace krbkit::config
