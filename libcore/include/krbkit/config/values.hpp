#pragma once
// The value types of krb5.conf, parsed the way MIT parses them.

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/enctype.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit::config {

// y yes true t 1 on / n no false nil 0 off, any case; nullopt otherwise
// (MIT's profile_parse_boolean, whose unknown word is PROF_BAD_BOOLEAN).
std::optional<bool> parse_bool(std::string_view text);

// MIT's _krb5_conf_boolean: y yes true t 1 on, any case, are true; every
// other word is false.
bool conf_boolean(std::string_view text);

// Every form of MIT's krb5_string_to_deltat: "36000" (seconds), "10h",
// "1d 2h 3m 4s" (any subset, in this order, blanks allowed), "10:00" (h:m),
// "10:00:00" (h:m:s), "1-10:00:00" (d-h:m:s), and "1d10:00" (d then h:m[:s]).
// A leading '-' makes it negative. nullopt when it does not parse or does not
// fit in 32 bits, as MIT.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// MIT 1.20's default enctype list (aes256-sha1, aes128-sha1, aes256-sha2,
// aes128-sha2, des3, rc4, camellia128, camellia256) used for DEFAULT. Names,
// families and weak flags come from the crypto module's enctype table.
std::span<const Enctype> default_enctypes();

// Whether the enctype is weak (des3, export RC4 in krbkit's table): dropped
// from lists unless allow_weak_crypto is true.
bool is_weak_enctype(Enctype e);

struct EnctypeList {
  std::vector<Enctype> enctypes;
  std::vector<std::string> unknown;  // words that named no enctype (MIT ignores them too)
};

// An enctype list as in default_tkt_enctypes/permitted_enctypes: words
// separated by blanks or commas; each word optionally prefixed with '+'
// (add, the default) or '-' (remove); a word is DEFAULT (`defaults`), a family
// (des3, aes, aes-sha1, aes-sha2, rc4, camellia) or an enctype name or alias. Duplicates are kept
// once, at their first position; weak enctypes are dropped unless allow_weak.
// An empty result is an Errc::unsupported_enctype error naming `what`.
Result<EnctypeList> parse_enctype_list(std::string_view text, std::span<const Enctype> defaults,
                                       bool allow_weak, std::string_view what = "enctype list");

// A single enctype name or alias (case-insensitive), e.g. "aes256-cts",
// "aes128-sha2", "arcfour-hmac", "rc4-hmac"; or a decimal number.
std::optional<Enctype> enctype_by_name(std::string_view name);

}  // namespace krbkit::config
