#include "krbkit/net/dns_srv.hpp"

#include <arpa/nameser.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <random>

namespace krbkit::net {
namespace {

// One answer record: what ns_parserr gives of it.
struct AnswerRecord {
  std::uint16_t type = 0;
  std::uint16_t klass = 0;
  BytesView rdata;
};

// Skips `count` records of a section at `p` (questions have no TTL or
// RDATA), as ns_initparse does; nullptr when one runs past `end`.
const unsigned char* skip_records(const unsigned char* p, const unsigned char* end, int count,
                                  bool question) {
  for (int i = 0; i < count && p; ++i) {
    const int name = dn_skipname(p, end);
    const std::ptrdiff_t fixed = question ? 4 : 10;  // type, class (and TTL, RDLENGTH)
    if (name < 0 || end - (p + name) < fixed) return nullptr;
    p += name + fixed;
    const std::size_t rdlength = question ? 0 : get_u16be(p - 2);
    p = static_cast<std::size_t>(end - p) < rdlength ? nullptr : p + rdlength;
  }
  return p;
}

// Calls `record` with each answer record of `type` (class IN) in `answer`;
// `what` names the record type in errors ("SRV"). The message is read as
// libresolv's ns_initparse and ns_parserr read it (every section must end
// where the next one starts and the last one where the message ends; an
// answer's owner name must expand), with libc's dn_skipname and dn_expand:
// linking libresolv would load one more shared library in every tool that
// links net/, only for those two functions.
Result<void> for_each_answer(BytesView answer, std::uint16_t type, const char* what,
                             const std::function<Result<void>(const AnswerRecord&, int)>& record) {
  const auto malformed = [&] {
    return Error{Errc::parse, fmt::format("DNS {} answer: malformed message", what)};
  };
  if (answer.size() < NS_HFIXEDSZ) return malformed();
  const unsigned char* const end = answer.data() + answer.size();
  const int count = get_u16be(answer.data() + 6);
  const unsigned char* const answers =
      skip_records(answer.data() + NS_HFIXEDSZ, end, get_u16be(answer.data() + 4), true);
  const unsigned char* p = skip_records(answers, end, count, false);
  p = skip_records(p, end, get_u16be(answer.data() + 8), false);
  p = skip_records(p, end, get_u16be(answer.data() + 10), false);
  if (p != end) return malformed();
  p = answers;
  for (int i = 0; i < count; ++i) {
    char owner[NS_MAXDNAME];
    const int name = dn_expand(answer.data(), end, p, owner, sizeof owner);
    if (name < 0) return Error{Errc::parse, fmt::format("DNS {} answer: malformed record {}", what, i)};
    p += name;
    AnswerRecord rr{get_u16be(p), get_u16be(p + 2), BytesView(p + 10, get_u16be(p + 8))};
    p += 10 + rr.rdata.size();
    if (rr.type != type || rr.klass != ns_c_in) continue;
    KRBKIT_CHECK(record(rr, i));
  }
  return success();
}

// Lowest priority first, then the heaviest: the parsers' fixed order; the
// queries then pick at random in proportion to weight (order_by_weight).
template <class Record>
void sort_records(std::vector<Record>& records) {
  std::stable_sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.weight > b.weight;
  });
}

// RFC 2782 within one priority: zero weights first, then repeatedly the
// first record whose running weight sum reaches a random number in [0, sum].
template <class Record>
void order_group(typename std::vector<Record>::iterator first, typename std::vector<Record>::iterator last,
                 const RandomPick& pick) {
  std::stable_partition(first, last, [](const Record& r) { return r.weight == 0; });
  for (; first != last; ++first) {
    std::uint32_t sum = 0;
    for (auto it = first; it != last; ++it) sum += it->weight;
    const std::uint32_t chosen = std::min(pick(sum), sum);
    std::uint32_t running = 0;
    auto it = first;
    for (; std::next(it) != last; ++it) {
      running += it->weight;
      if (running >= chosen) break;
    }
    std::rotate(first, it, std::next(it));  // the chosen one next, the rest in their order
  }
}

template <class Record>
void order_groups(std::vector<Record>& records, const RandomPick& pick) {
  auto first = records.begin();
  while (first != records.end()) {
    auto last =
        std::find_if(first, records.end(), [&](const Record& r) { return r.priority != first->priority; });
    order_group<Record>(first, last, pick);
    first = last;
  }
}

constexpr int kTrySeconds = 2;  // per query and try, at most (see dns_srv.hpp)
constexpr int kTries = 2;

// The raw answer to `name`/`type`; empty when the name or the records do not exist.
Result<Bytes> query(const std::string& name, ns_type type, const char* what) {
  struct __res_state state;
  std::memset(&state, 0, sizeof state);
  if (res_ninit(&state) != 0) return Error{Errc::io, "cannot initialise the DNS resolver"};
  state.retrans = std::min(state.retrans, kTrySeconds);
  state.retry = std::min(state.retry, kTries);
  Bytes buf(4096);
  int len = -1;
  while (true) {
    len = res_nquery(&state, name.c_str(), ns_c_in, type, buf.data(), static_cast<int>(buf.size()));
    if (len < 0 || static_cast<std::size_t>(len) <= buf.size() || buf.size() >= 65536) break;
    buf.resize(std::min<std::size_t>(static_cast<std::size_t>(len), 65536));
  }
  const int herr = state.res_h_errno, err = errno;
  res_nclose(&state);
  if (len < 0) {
    if (herr == HOST_NOT_FOUND || herr == NO_DATA) return Bytes{};
    if (herr == TRY_AGAIN && err == ETIMEDOUT)
      return Error{Errc::timeout,
                   fmt::format("DNS {} query for {}: no answer from the DNS server", what, name)};
    return Error{Errc::io, fmt::format("DNS {} query for {} failed: {}", what, name, hstrerror(herr))};
  }
  buf.resize(std::min<std::size_t>(static_cast<std::size_t>(len), buf.size()));
  return buf;
}

}  // namespace

Result<std::vector<SrvRecord>> parse_srv_answer(BytesView answer) {
  std::vector<SrvRecord> out;
  KRBKIT_CHECK(for_each_answer(answer, ns_t_srv, "SRV", [&](const AnswerRecord& rr, int i) {
    const unsigned char* rdata = rr.rdata.data();
    if (rr.rdata.size() < 7)
      return Result<void>(Errc::parse, fmt::format("DNS SRV answer: record {} too short", i));
    SrvRecord rec;
    rec.priority = get_u16be(rdata);
    rec.weight = get_u16be(rdata + 2);
    rec.port = get_u16be(rdata + 4);
    char name[NS_MAXDNAME];
    // The target name must fill the rest of the RDATA exactly (it may point
    // elsewhere through compression, but not run past RDLENGTH or stop short).
    const int used =
        ns_name_uncompress(answer.data(), answer.data() + answer.size(), rdata + 6, name, sizeof name);
    if (used < 0 || static_cast<std::size_t>(used) + 6 != rr.rdata.size())
      return Result<void>(Errc::parse, fmt::format("DNS SRV answer: bad target name in record {}", i));
    rec.target = name;
    while (!rec.target.empty() && rec.target.back() == '.') rec.target.pop_back();
    out.push_back(std::move(rec));
    return success();
  }));
  if (out.size() == 1 && out[0].target.empty()) return std::vector<SrvRecord>{};
  sort_records(out);
  return out;
}

Result<std::vector<UriRecord>> parse_uri_answer(BytesView answer) {
  std::vector<UriRecord> out;
  KRBKIT_CHECK(for_each_answer(answer, ns_t_uri, "URI", [&](const AnswerRecord& rr, int i) {
    const unsigned char* rdata = rr.rdata.data();
    if (rr.rdata.size() < 4)
      return Result<void>(Errc::parse, fmt::format("DNS URI answer: record {} too short", i));
    UriRecord rec;
    rec.priority = get_u16be(rdata);
    rec.weight = get_u16be(rdata + 2);
    // The target is the rest of the RDATA, not a length-prefixed string.
    rec.target.assign(reinterpret_cast<const char*>(rdata) + 4, rr.rdata.size() - 4u);
    out.push_back(std::move(rec));
    return success();
  }));
  sort_records(out);
  return out;
}

Result<std::vector<std::string>> parse_txt_answer(BytesView answer) {
  std::vector<std::string> out;
  KRBKIT_CHECK(for_each_answer(answer, ns_t_txt, "TXT", [&](const AnswerRecord& rr, int i) {
    const unsigned char* rdata = rr.rdata.data();
    const std::size_t length = rr.rdata.empty() ? 0 : rdata[0];
    if (rr.rdata.empty() || length + 1 > rr.rdata.size())
      return Result<void>(Errc::parse, fmt::format("DNS TXT answer: record {} runs past its end", i));
    out.emplace_back(reinterpret_cast<const char*>(rdata) + 1, length);
    return success();
  }));
  return out;
}

RandomPick system_random() {
  return [](std::uint32_t bound) {
    thread_local std::mt19937 engine{std::random_device{}()};
    return std::uniform_int_distribution<std::uint32_t>(0, bound)(engine);
  };
}

void order_by_weight(std::vector<SrvRecord>& records, const RandomPick& pick) { order_groups(records, pick); }
void order_by_weight(std::vector<UriRecord>& records, const RandomPick& pick) { order_groups(records, pick); }

Result<std::vector<SrvRecord>> query_srv(const std::string& name) {
  KRBKIT_TRY(answer, query(name, ns_t_srv, "SRV"));
  if (answer.empty()) return std::vector<SrvRecord>{};
  KRBKIT_TRY(records, parse_srv_answer(answer));
  order_by_weight(records, system_random());
  return records;
}

Result<std::vector<UriRecord>> query_uri(const std::string& name) {
  KRBKIT_TRY(answer, query(name, ns_t_uri, "URI"));
  if (answer.empty()) return std::vector<UriRecord>{};
  KRBKIT_TRY(records, parse_uri_answer(answer));
  order_by_weight(records, system_random());
  return records;
}

Result<std::vector<std::string>> query_txt(const std::string& name) {
  KRBKIT_TRY(answer, query(name, ns_t_txt, "TXT"));
  if (answer.empty()) return std::vector<std::string>{};
  return parse_txt_answer(answer);
}

}  // namespace krbkit::net
