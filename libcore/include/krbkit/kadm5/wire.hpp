#pragma once
// XDR encodings of the kadm5 types as MIT's kadm_rpc_xdr.c writes them
// (shared/protocols/kadmin-mit.md 3.1): strings are "nullstrings" whose
// length counts a trailing NUL (length 0 = absent); optional values use
// "nulltype", where 1 means absent; 16-bit numbers take 4 bytes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/kadm5/types.hpp"
#include "krbkit/rpc/xdr.hpp"

namespace krbkit::kadm5::wire {

void put_nullstring(rpc::XdrWriter& w, const std::optional<std::string_view>& s);
std::optional<std::string> get_nullstring(rpc::XdrReader& r, const char* field);
// A nullstring that must be present.
std::string get_string(rpc::XdrReader& r, const char* field);

void put_principal_entry(rpc::XdrWriter& w, const PrincipalEntry& p);
PrincipalEntry get_principal_entry(rpc::XdrReader& r);

void put_policy_entry(rpc::XdrWriter& w, const PolicyEntry& p, std::uint32_t api_version);
PolicyEntry get_policy_entry(rpc::XdrReader& r, std::uint32_t api_version);

void put_key_salts(rpc::XdrWriter& w, const std::vector<KeySalt>& ks);

}  // namespace krbkit::kadm5::wire
