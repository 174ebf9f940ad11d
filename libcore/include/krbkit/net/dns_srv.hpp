#pragma once
// DNS SRV (RFC 2782) and URI (RFC 7553) records through libresolv
// (res_nquery, ns_parserr), for locating KDCs.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit::net {

struct SrvRecord {
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint16_t port = 0;
  std::string target;  // without the trailing dot

  friend bool operator==(const SrvRecord&, const SrvRecord&) = default;
};

struct UriRecord {
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::string target;  // "krb5srv:m:udp:kdc.example.com:88"

  friend bool operator==(const UriRecord&, const UriRecord&) = default;
};

// Parses a DNS answer to an SRV query: the SRV records, lowest priority first,
// then highest weight. A single record with target "." ("service not
// available here", RFC 2782) gives an empty list. Errc::parse for a
// malformed message.
Result<std::vector<SrvRecord>> parse_srv_answer(BytesView answer);

// Parses a DNS answer to a URI query: the URI records in the same order as
// SRV ones (lowest priority, then highest weight; answer order otherwise).
// Errc::parse for a malformed message or a record shorter than its header.
Result<std::vector<UriRecord>> parse_uri_answer(BytesView answer);

// Queries `name` ("_kerberos._udp.KRBKIT.TEST"). A name that does not exist
// or has no records gives an empty list; Errc::io for resolver failures.
Result<std::vector<SrvRecord>> query_srv(const std::string& name);

// Queries `name` ("_kerberos.KRBKIT.TEST") for URI records, as query_srv.
Result<std::vector<UriRecord>> query_uri(const std::string& name);

}  // namespace krbkit::net
