#pragma once
// The small RFC 4120 value types that every layer passes around (principal
// names, times, addresses, authorization data). Their DER encoding lives in
// proto/; the credential cache and keytab formats use the same structs.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "krbkit/base/bytes.hpp"

namespace krbkit {

// KerberosTime: whole seconds, UTC. Microseconds travel separately (cusec).
using KerberosTime = std::chrono::sys_seconds;

// RFC 4120 6.2 name types (and RFC 6111 / MS-KILE additions).
enum class NameType : std::int32_t {
  unknown = 0,
  principal = 1,
  srv_inst = 2,
  srv_hst = 3,
  srv_xhst = 4,
  uid = 5,
  x500_principal = 6,
  smtp_name = 7,
  enterprise = 10,
  wellknown = 11,
  ms_principal = -128,
  ms_principal_and_id = -129,
  ent_principal_and_id = -130,
};

// PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString }
// plus the Realm it belongs to.
struct Principal {
  NameType type = NameType::principal;
  std::vector<std::string> components;
  std::string realm;

  // Equality as Kerberos compares names: components and realm; the name type
  // is ignored (RFC 4120 6.2: "should be treated as a hint").
  friend bool operator==(const Principal& a, const Principal& b) {
    return a.components == b.components && a.realm == b.realm;
  }
};

// HostAddress ::= SEQUENCE { addr-type [0] Int32, address [1] OCTET STRING }
struct HostAddress {
  std::int32_t type = 0;  // 2 = IPv4, 24 = IPv6, 20 = NetBIOS
  Bytes address;
  friend bool operator==(const HostAddress&, const HostAddress&) = default;
};

// AuthorizationData ::= SEQUENCE OF SEQUENCE { ad-type [0] Int32, ad-data [1] OCTET STRING }
struct AuthDataEntry {
  std::int32_t type = 0;
  Bytes data;
  friend bool operator==(const AuthDataEntry&, const AuthDataEntry&) = default;
};

}  // namespace krbkit
