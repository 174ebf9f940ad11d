#pragma once
// DNS SRV records (RFC 2782) through libresolv, for locating KDCs.

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

// Parses a DNS answer to an SRV query: the SRV records, lowest priority first,
// then highest weight. A single record with target "." ("service not
// available here", RFC 2782) gives an empty list. Errc::parse for a
// malformed message.
Result<std::vector<SrvRecord>> parse_srv_answer(BytesView answer);

// Queries `name` ("_kerberos._udp.KRBKIT.TEST"). A name that does not exist
// or has no records gives an empty list; Errc::io for resolver failures.
Result<std::vector<SrvRecord>> query_srv(const std::string& name);

}  // namespace krbkit::net
