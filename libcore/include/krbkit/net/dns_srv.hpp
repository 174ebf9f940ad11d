#pragma once
// DNS SRV (RFC 2782), URI (RFC 7553) and TXT records through libresolv
// (res_nquery, ns_parserr), for locating KDCs and the realm of a host.

#include <cstdint>
#include <functional>
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

// Parses a DNS answer to a TXT query: the first character-string of each
// TXT record, in answer order. Errc::parse for a malformed message or a
// string that runs past its record.
Result<std::vector<std::string>> parse_txt_answer(BytesView answer);

// A uniform random number in [0, bound], for RFC 2782's weighted choice.
using RandomPick = std::function<std::uint32_t(std::uint32_t bound)>;
// The one the queries use (std::random_device, seeded once per thread).
RandomPick system_random();

// RFC 2782's order for records already grouped by priority (as the parsers
// return them): within each priority, records are taken one at a time, each
// with a chance proportional to its weight among those left (weight-0
// records first in the running sum, so they are seldom chosen first).
void order_by_weight(std::vector<SrvRecord>& records, const RandomPick& pick);
void order_by_weight(std::vector<UriRecord>& records, const RandomPick& pick);

// Each query waits at most 2 s per try and tries twice, whatever
// resolv.conf says (glibc's default is 5 s and 2 tries), so a DNS server
// that does not answer holds a lookup for 4 s at most; such a query fails
// with Errc::timeout, and the callers stop asking DNS then.

// Queries `name` ("_kerberos._udp.KRBKIT.TEST"); the records in RFC 2782's
// order (order_by_weight with system_random). A name that does not exist
// or has no records gives an empty list; Errc::timeout when the server did
// not answer, Errc::io for other resolver failures.
Result<std::vector<SrvRecord>> query_srv(const std::string& name);

// Queries `name` ("_kerberos.KRBKIT.TEST") for URI records, as query_srv.
Result<std::vector<UriRecord>> query_uri(const std::string& name);

// Queries `name` ("_kerberos.example.com") for TXT records, as query_srv.
Result<std::vector<std::string>> query_txt(const std::string& name);

}  // namespace krbkit::net
