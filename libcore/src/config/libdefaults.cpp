#include "krbkit/config/libdefaults.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "krbkit/config/values.hpp"
#include "krbkit/crypto/spake.hpp"

namespace krbkit::config {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// MIT's parse_groups: words split at whitespace and commas, named
// case-insensitively; an unknown name or a repeated group is skipped.
std::vector<std::int32_t> spake_group_list(std::string_view text) {
  std::vector<std::int32_t> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = text.find_first_not_of(" \t\r\n,", pos);
    if (start == std::string_view::npos) break;
    const std::size_t end = std::min(text.find_first_of(" \t\r\n,", start), text.size());
    pos = end;
    const auto* group = spake::find_group(text.substr(start, end - start));
    if (group == nullptr) continue;
    const auto id = static_cast<std::int32_t>(group->id);
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

// Reads one value through a typed getter, realm subsection first.
class Reader {
 public:
  Reader(const Profile& p, std::string_view realm) : p_(p), realm_(realm) {}

  template <class T, class Get>
  Result<void> read(std::string_view name, T& out, Get get) const {
    if (!realm_.empty()) {
      auto v = (p_.*get)({"libdefaults", realm_, name});
      if (!v) return std::move(v).error();
      if (*v) {
        out = static_cast<T>(**v);
        return success();
      }
    }
    auto v = (p_.*get)({"libdefaults", name});
    if (!v) return std::move(v).error();
    if (*v) out = static_cast<T>(**v);
    return success();
  }

  Result<void> duration(std::string_view name, std::chrono::seconds& out) const {
    return read(name, out, &Profile::get_duration);
  }
  Result<void> integer(std::string_view name, int& out) const { return read(name, out, &Profile::get_int); }
  void string(std::string_view name, std::string& out) const {
    if (auto v = libdefault(p_, realm_, name)) out = *v;
  }
  std::optional<Profile::Found> found(std::string_view name) const {
    if (!realm_.empty())
      if (auto f = p_.find_first({"libdefaults", realm_, name})) return f;
    return p_.find_first({"libdefaults", name});
  }

  Result<std::vector<Enctype>> enctypes(std::string_view name, std::span<const Enctype> defaults,
                                        bool allow_weak) const {
    auto f = found(name);
    if (!f) {
      std::vector<Enctype> out;
      for (auto e : defaults)
        if (allow_weak || !is_weak_enctype(e)) out.push_back(e);
      return out;
    }
    auto list = parse_enctype_list(f->value, defaults, allow_weak, name);
    if (!list) {
      auto error = std::move(list).error();
      error.detail = fmt::format("{}: {}", f->where, error.detail);
      return error;
    }
    return std::move(list->enctypes);
  }

 private:
  const Profile& p_;
  std::string realm_;
};

}  // namespace

std::optional<std::string> libdefault(const Profile& profile, std::string_view realm, std::string_view name) {
  if (!realm.empty())
    if (auto v = profile.get({"libdefaults", realm, name})) return v;
  return profile.get({"libdefaults", name});
}

bool libdefault_boolean(const Profile& profile, std::string_view realm, std::string_view name, bool def) {
  const auto v = libdefault(profile, realm, name);
  return v ? conf_boolean(*v) : def;
}

Result<bool> libdefault_strict_boolean(const Profile& profile, std::string_view name, bool def) {
  KRBKIT_TRY(v, profile.get_bool({"libdefaults", name}));
  return v.value_or(def);
}

bool libdefault_dns_lookup(const Profile& profile, std::string_view name, bool def) {
  auto v = profile.get({"libdefaults", name});
  if (!v) v = profile.get({"libdefaults", "dns_fallback"});
  return v ? conf_boolean(*v) : def;
}

namespace {

Result<void> read_names_and_times(Reader& r, LibDefaults& d) {
  r.string("default_ccache_name", d.default_ccache_name);
  r.string("default_keytab_name", d.default_keytab_name);
  r.string("default_client_keytab_name", d.default_client_keytab_name);
  KRBKIT_CHECK(r.duration("ticket_lifetime", d.ticket_lifetime));
  KRBKIT_CHECK(r.duration("renew_lifetime", d.renew_lifetime));
  KRBKIT_CHECK(r.duration("clockskew", d.clockskew));
  std::chrono::seconds timeout{0};
  bool has_timeout = r.found("request_timeout") || r.found("kdc_timeout");
  KRBKIT_CHECK(r.duration("kdc_timeout", timeout));
  KRBKIT_CHECK(r.duration("request_timeout", timeout));
  if (has_timeout && timeout.count() > 0) d.kdc_timeout = timeout;
  return success();
}

// Each boolean as MIT reads it (see libdefault_boolean and its neighbours).
Result<void> read_booleans(const Profile& profile, const std::string& realm, LibDefaults& d) {
  d.forwardable = libdefault_boolean(profile, realm, "forwardable", d.forwardable);
  d.proxiable = libdefault_boolean(profile, realm, "proxiable", d.proxiable);
  d.canonicalize = libdefault_boolean(profile, realm, "canonicalize", d.canonicalize);
  // MIT: no addresses unless noaddresses is set to a word it reads as "no";
  // with noaddresses = maybe, MIT's kinit binds the TGT to the addresses.
  d.noaddresses = libdefault_boolean(profile, realm, "noaddresses", d.noaddresses);
  d.dns_lookup_kdc = libdefault_dns_lookup(profile, "dns_lookup_kdc", d.dns_lookup_kdc);
  d.dns_lookup_realm = libdefault_dns_lookup(profile, "dns_lookup_realm", d.dns_lookup_realm);
  KRBKIT_TRY(weak_crypto, libdefault_strict_boolean(profile, "allow_weak_crypto", d.allow_weak_crypto));
  d.allow_weak_crypto = weak_crypto;
  KRBKIT_TRY(rc4, libdefault_strict_boolean(profile, "allow_rc4", d.allow_rc4));
  d.allow_rc4 = rc4;
  // MIT's use_reverse_dns: a word profile_get_boolean does not know is the default.
  if (auto rdns = libdefault_strict_boolean(profile, "rdns", d.rdns)) d.rdns = *rdns;
  // MIT reads kdc_timesync as an integer in [libdefaults] (init_ctx.c's
  // get_integer): non-zero is on, and a value that is not an integer
  // ("false" too) leaves the default.
  if (auto sync = profile.get_int({"libdefaults", "kdc_timesync"}); sync && *sync)
    d.kdc_timesync = **sync != 0;
  return success();
}

// MIT's get_tristate: profile_get_boolean on [libdefaults], else "fallback",
// else an error (krb5_init_context fails).
Result<void> read_dns_canonicalize(const Profile& profile, LibDefaults& d) {
  auto f = profile.find_first({"libdefaults", "dns_canonicalize_hostname"});
  if (!f) return success();
  if (lower(f->value) == "fallback") {
    d.dns_canonicalize_hostname = DnsCanonicalize::fallback;
  } else if (auto b = parse_bool(f->value)) {
    d.dns_canonicalize_hostname = *b ? DnsCanonicalize::yes : DnsCanonicalize::no;
  } else {
    return Error{Errc::config, fmt::format("{}: invalid value '{}' for libdefaults.dns_canonicalize_hostname "
                                           "(expected true, false or fallback)",
                                           f->where, f->value)};
  }
  return success();
}

// "17, 16, 15, 14": the numbers of a list separated by commas or blanks, as
// MIT's sort_krb5_padata_sequence reads it (a word that is no number ends it).
std::vector<std::int32_t> number_list(std::string_view text) {
  std::vector<std::int32_t> out;
  std::string s(text);
  const char* p = s.c_str();
  for (;;) {
    while (*p == ',' || std::isspace(static_cast<unsigned char>(*p))) ++p;
    if (*p == '\0') break;
    char* end = nullptr;
    const long v = std::strtol(p, &end, 10);
    if (end == p) break;
    out.push_back(static_cast<std::int32_t>(v));
    p = end;
  }
  return out;
}

Result<void> read_numbers(Reader& r, LibDefaults& d) {
  if (auto f = r.found("kdc_default_options")) {
    // An integer in MIT's flag layout, often written in hex (0x00000010).
    const std::string text(f->value);  // the profile parser trimmed it
    char* end = nullptr;
    errno = 0;
    const unsigned long v = std::strtoul(text.c_str(), &end, 0);
    if (text.empty() || *end != '\0' || errno != 0 || v > 0xFFFFFFFFul)
      return Error{Errc::config, fmt::format("{}: invalid value '{}' for libdefaults.kdc_default_options "
                                             "(expected an integer such as 0x00000010)",
                                             f->where, f->value)};
    d.kdc_default_options = static_cast<std::uint32_t>(v);
  }
  KRBKIT_CHECK(r.integer("udp_preference_limit", d.udp_preference_limit));
  KRBKIT_CHECK(r.integer("ccache_type", d.ccache_type));
  if (auto f = r.found("preferred_preauth_types")) d.preferred_preauth_types = number_list(f->value);
  if (auto f = r.found("spake_preauth_groups")) d.spake_preauth_groups = spake_group_list(f->value);
  if (d.ccache_type < 1 || d.ccache_type > 4) {
    auto f = r.found("ccache_type");
    return Error{Errc::config, fmt::format("{}: ccache_type must be 1 to 4, not {}",
                                           f ? f->where : "krb5.conf", d.ccache_type)};
  }
  return success();
}

Result<void> read_enctypes(Reader& r, LibDefaults& d) {
  bool weak = d.allow_weak_crypto;
  KRBKIT_TRY(permitted, r.enctypes("permitted_enctypes", default_enctypes(), weak));
  d.permitted_enctypes = std::move(permitted);
  KRBKIT_TRY(tkt, r.enctypes("default_tkt_enctypes", default_enctypes(), weak));
  d.default_tkt_enctypes = std::move(tkt);
  KRBKIT_TRY(tgs, r.enctypes("default_tgs_enctypes", default_enctypes(), weak));
  d.default_tgs_enctypes = std::move(tgs);
  return success();
}

}  // namespace

Result<LibDefaults> LibDefaults::from(const Profile& profile, std::string_view realm) {
  LibDefaults d;
  d.default_realm = profile.get({"libdefaults", "default_realm"});
  std::string chosen(realm);
  if (chosen.empty() && d.default_realm) chosen = *d.default_realm;
  Reader r(profile, chosen);
  KRBKIT_CHECK(read_names_and_times(r, d));
  KRBKIT_CHECK(read_booleans(profile, chosen, d));
  KRBKIT_CHECK(read_dns_canonicalize(profile, d));
  KRBKIT_CHECK(read_numbers(r, d));
  KRBKIT_CHECK(read_enctypes(r, d));
  return d;
}

std::optional<std::string> host_realm(const Profile& profile, std::string_view host) {
  std::string name = lower(host);
  while (!name.empty() && name.back() == '.') name.pop_back();
  std::string_view p = name;
  while (!p.empty()) {
    if (auto realm = profile.get({"domain_realm", p})) return realm;
    if (p.front() == '.') {
      p.remove_prefix(1);
    } else {
      auto dot = p.find('.');
      if (dot == std::string_view::npos) break;
      p.remove_prefix(dot);
    }
  }
  return std::nullopt;
}

std::string fallback_host_realm(std::string_view host) {
  auto dot = host.find('.');
  if (dot == std::string_view::npos) return {};
  std::string realm(host.substr(dot + 1));
  while (!realm.empty() && realm.back() == '.') realm.pop_back();
  std::transform(realm.begin(), realm.end(), realm.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return realm;
}

}  // namespace krbkit::config
