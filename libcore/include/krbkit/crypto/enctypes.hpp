#pragma once
// The enctype and checksum-type tables: what each number is, its MIT names
// (as `klist -e` prints them and krb5.conf spells them), its sizes and flags.
//
//   KRBKIT_TRY(info, enctype_info(Enctype::aes256_cts_hmac_sha1_96));
//   info->name            "aes256-cts-hmac-sha1-96"
//   enctype_from_name("aes256-sha1")   -> Enctype::aes256_cts_hmac_sha1_96
//   enctype_family("DEFAULT")          -> MIT 1.20's default permitted_enctypes
//
// Unknown or unsupported numbers give Errc::unsupported_enctype naming them.
// These tables need no OpenSSL (enctype_table.cpp): tools that only print
// names (klist, kdestroy, kswitch) do not link libcrypto. The operations
// (crypto.hpp) find each enctype's RFC 3961 profile by its number.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/enctype.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit {

struct EnctypeInfo {
  Enctype id;
  std::string_view name;                    // MIT's primary name: "aes256-cts-hmac-sha1-96"
  std::array<std::string_view, 2> aliases;  // "aes256-cts", "aes256-sha1" ("" when unused)
  std::string_view description;             // "AES-256 CTS mode with 96-bit SHA-1 HMAC"
  std::size_t key_bytes;                    // length of the key
  std::size_t seed_bytes;                   // input length of random-to-key
  std::size_t confounder_bytes;             // random prefix of every ciphertext
  std::size_t mac_bytes;                    // integrity bytes appended (RC4: prepended)
  std::size_t prf_bytes;                    // PRF output length
  std::uint32_t default_iterations;         // string-to-key iteration count without s2kparams (0: none)
  Cksumtype checksum;                       // the mandatory keyed checksum
  bool weak;                                // only usable with allow_weak_crypto = true
  bool deprecated;                          // MIT marks it deprecated ("DEPRECATED:" in klist -e)
};

struct CksumtypeInfo {
  Cksumtype id;
  std::string_view name;  // MIT's name: "hmac-sha1-96-aes256"
  std::size_t size;       // checksum length in bytes
  bool keyed;
  Enctype enctype;  // the key's enctype for keyed checksums (null: any key / unkeyed)
};

// Policy for creating keys: weak enctypes (des3, rc4-hmac-exp) need allow_weak.
struct CryptoPolicy {
  bool allow_weak = false;
};

// The row for `e`; Errc::unsupported_enctype ("etype 99") for unknown numbers.
Result<const EnctypeInfo*> enctype_info(Enctype e);
// As above, and also refuses weak enctypes unless the policy allows them.
Result<const EnctypeInfo*> enctype_info(Enctype e, CryptoPolicy policy);
// Primary name or alias (case-insensitive), or a decimal number ("18").
Result<Enctype> enctype_from_name(std::string_view name);
// The primary name; "etype N" for numbers krbkit does not know. Never fails.
std::string enctype_name(Enctype e);
bool enctype_is_weak(Enctype e);
bool enctype_is_deprecated(Enctype e);
// Every supported enctype, in table order.
std::vector<Enctype> supported_enctypes();
// Enctype families of krb5.conf's enctype lists: "aes", "aes-sha1", "aes-sha2",
// "camellia", "rc4", "des3", "DEFAULT" (MIT 1.20's default list); a single
// enctype name also works. Unknown names give an empty list.
std::vector<Enctype> enctype_family(std::string_view name);

Result<const CksumtypeInfo*> cksumtype_info(Cksumtype c);
// MIT's name; "cksumtype N" for unknown numbers. Never fails.
std::string cksumtype_name(Cksumtype c);
// The checksum type that goes with an enctype (RFC 3961 "required checksum
// mechanism"); Cksumtype{0} for unknown enctypes.
Cksumtype mandatory_checksum(Enctype e);

}  // namespace krbkit
