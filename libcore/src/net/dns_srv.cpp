#include "krbkit/net/dns_srv.hpp"

#include <arpa/nameser.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>
#include <cstring>

namespace krbkit::net {

Result<std::vector<SrvRecord>> parse_srv_answer(BytesView answer) {
  ns_msg msg{};
  if (ns_initparse(answer.data(), static_cast<int>(answer.size()), &msg) < 0)
    return Error{Errc::parse, "DNS SRV answer: malformed message"};
  std::vector<SrvRecord> out;
  int count = ns_msg_count(msg, ns_s_an);
  for (int i = 0; i < count; ++i) {
    ns_rr rr{};
    if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
      return Error{Errc::parse, fmt::format("DNS SRV answer: malformed record {}", i)};
    if (ns_rr_type(rr) != ns_t_srv || ns_rr_class(rr) != ns_c_in) continue;
    const unsigned char* rdata = ns_rr_rdata(rr);
    if (ns_rr_rdlen(rr) < 7) return Error{Errc::parse, fmt::format("DNS SRV answer: record {} too short", i)};
    SrvRecord rec;
    rec.priority = get_u16be(rdata);
    rec.weight = get_u16be(rdata + 2);
    rec.port = get_u16be(rdata + 4);
    char name[NS_MAXDNAME];
    // The target name must fill the rest of the RDATA exactly (it may point
    // elsewhere through compression, but not run past RDLENGTH or stop short).
    const int used = ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg), rdata + 6, name, sizeof name);
    if (used < 0 || static_cast<std::size_t>(used) + 6 != ns_rr_rdlen(rr))
      return Error{Errc::parse, fmt::format("DNS SRV answer: bad target name in record {}", i)};
    rec.target = name;
    while (!rec.target.empty() && rec.target.back() == '.') rec.target.pop_back();
    out.push_back(std::move(rec));
  }
  if (out.size() == 1 && out[0].target.empty()) return std::vector<SrvRecord>{};
  std::stable_sort(out.begin(), out.end(), [](const SrvRecord& a, const SrvRecord& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.weight > b.weight;
  });
  return out;
}

Result<std::vector<SrvRecord>> query_srv(const std::string& name) {
  struct __res_state state;
  std::memset(&state, 0, sizeof state);
  if (res_ninit(&state) != 0) return Error{Errc::io, "cannot initialise the DNS resolver"};
  std::vector<unsigned char> buf(4096);
  int len = -1;
  while (true) {
    len = res_nquery(&state, name.c_str(), ns_c_in, ns_t_srv, buf.data(), static_cast<int>(buf.size()));
    if (len < 0 || static_cast<std::size_t>(len) <= buf.size() || buf.size() >= 65536) break;
    buf.resize(std::min<std::size_t>(static_cast<std::size_t>(len), 65536));
  }
  int herr = state.res_h_errno;
  res_nclose(&state);
  if (len < 0) {
    if (herr == HOST_NOT_FOUND || herr == NO_DATA) return std::vector<SrvRecord>{};
    return Error{Errc::io, fmt::format("DNS SRV query for {} failed: {}", name, hstrerror(herr))};
  }
  buf.resize(std::min<std::size_t>(static_cast<std::size_t>(len), buf.size()));
  return parse_srv_answer(buf);
}

}  // namespace krbkit::net
