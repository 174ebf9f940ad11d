// RFC 2782's weighted random order of equal-priority records (with a fixed
// random source), and the TXT answers of the _kerberos realm lookup.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/net/dns_srv.hpp"

using krbkit::Bytes;
using krbkit::Errc;
using namespace krbkit::net;

namespace {

// A source that returns `values` in turn (each clamped to the bound), and
// records every bound it was asked for.
struct FixedRandom {
  std::vector<std::uint32_t> values;
  std::vector<std::uint32_t> bounds{};
  std::size_t next = 0;
  RandomPick pick() {
    return [this](std::uint32_t bound) {
      bounds.push_back(bound);
      return std::min(values.at(next++), bound);
    };
  }
};

std::vector<std::string> targets(const std::vector<SrvRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.target);
  return out;
}

// A DNS response to "_kerberos.example.test TXT" whose records hold `strings`
// (each record one character-string).
Bytes txt_response(const std::vector<std::string>& strings) {
  Bytes m = {0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, static_cast<std::uint8_t>(strings.size()),
             0x00, 0x00, 0x00, 0x00};
  for (std::string_view label : {"_kerberos", "example", "test"}) {
    m.push_back(static_cast<std::uint8_t>(label.size()));
    m.insert(m.end(), label.begin(), label.end());
  }
  m.push_back(0);
  krbkit::put_u16be(m, 16);  // TXT
  krbkit::put_u16be(m, 1);   // IN
  for (const auto& s : strings) {
    m.push_back(0xc0);
    m.push_back(12);
    krbkit::put_u16be(m, 16);
    krbkit::put_u16be(m, 1);
    krbkit::put_u32be(m, 300);
    krbkit::put_u16be(m, static_cast<std::uint16_t>(1 + s.size()));
    m.push_back(static_cast<std::uint8_t>(s.size()));
    m.insert(m.end(), s.begin(), s.end());
  }
  return m;
}

}  // namespace

TEST_CASE("RFC 2782 order: a running weight sum per pick, zero weights first, priorities kept apart") {
  // As the parser returns them: priority 0 heaviest first, then priority 5.
  std::vector<SrvRecord> records = {{0, 60, 88, "a"}, {0, 30, 88, "b"}, {0, 10, 88, "c"},
                                    {0, 0, 88, "z"},  {5, 1, 88, "p"},  {5, 1, 88, "q"}};
  // Priority 0, running sums z:0 a:60 b:90 c:100. 95 -> c; then over z a b
  // (sum 90): 0 -> z; then over a b (sum 90): 61 -> b; then a (sum 60).
  // Priority 5 (sum 2): 2 -> q, then p.
  FixedRandom random{{95, 0, 61, 7, 2, 0}};
  order_by_weight(records, random.pick());
  CHECK(targets(records) == std::vector<std::string>{"c", "z", "b", "a", "q", "p"});
  CHECK(random.bounds == std::vector<std::uint32_t>{100, 90, 90, 60, 2, 1});
  // The same numbers pick the same order again: nothing else is random.
  std::vector<SrvRecord> again = {{0, 60, 88, "a"}, {0, 30, 88, "b"}, {0, 10, 88, "c"},
                                  {0, 0, 88, "z"},  {5, 1, 88, "p"},  {5, 1, 88, "q"}};
  FixedRandom same{{95, 0, 61, 7, 2, 0}};
  order_by_weight(again, same.pick());
  CHECK(again == records);
  // A zero-weight record comes first only when the number drawn is 0.
  std::vector<UriRecord> uris = {{1, 5, "krb5srv::udp:heavy"}, {1, 0, "krb5srv::udp:light"}};
  FixedRandom one{{1, 0}};
  order_by_weight(uris, one.pick());
  CHECK(uris.front().target == "krb5srv::udp:heavy");
}

TEST_CASE("RFC 2782 order: first places in proportion to weight (seeded, 20000 draws)") {
  std::mt19937 engine(2782);  // fixed seed: the same counts on every run
  RandomPick pick = [&](std::uint32_t bound) {
    return static_cast<std::uint32_t>(engine() % (static_cast<std::uint64_t>(bound) + 1));
  };
  std::map<std::string, int> first;
  for (int i = 0; i < 20000; ++i) {
    std::vector<SrvRecord> records = {{0, 70, 88, "heavy"}, {0, 30, 88, "light"}, {1, 100, 88, "backup"}};
    order_by_weight(records, pick);
    CHECK(records.back().target == "backup");  // a higher priority never moves up
    ++first[records.front().target];
  }
  CAPTURE(first["heavy"]);
  CHECK(first["heavy"] > 13500);  // 70 % of 20000 is 14000
  CHECK(first["heavy"] < 14500);
  CHECK(first["heavy"] + first["light"] == 20000);
}

TEST_CASE("TXT answers: the first string of each record, in answer order") {
  auto records = parse_txt_answer(txt_response({"EXAMPLE.TEST", "OTHER.TEST."}));
  REQUIRE(records.ok());
  CHECK(*records == std::vector<std::string>{"EXAMPLE.TEST", "OTHER.TEST."});
  CHECK(parse_txt_answer(txt_response({})).value().empty());
  Bytes cut = txt_response({"EXAMPLE.TEST"});
  cut[cut.size() - 13] = 40;  // the string's length runs past the record
  auto bad = parse_txt_answer(cut);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().is(Errc::parse));
  CHECK(parse_txt_answer(Bytes{1, 2, 3}).error().is(Errc::parse));
}

TEST_CASE("DNS answers are read as libresolv's ns_initparse and ns_parserr read them") {
  const Bytes good = txt_response({"EXAMPLE.TEST"});
  REQUIRE(parse_txt_answer(good).ok());
  const auto detail = [](const Bytes& m) {
    auto r = parse_txt_answer(m);
    return r.ok() ? std::string("ok") : r.error().detail;
  };
  Bytes longer = good;
  longer.push_back(0);  // a byte after the last section
  CHECK(detail(longer) == "DNS TXT answer: malformed message");
  CHECK(detail(Bytes(good.begin(), good.end() - 1)) == "DNS TXT answer: malformed message");
  Bytes more = good;
  more[11] = 1;  // an additional record that is not there
  CHECK(detail(more) == "DNS TXT answer: malformed message");
  Bytes pointer = good;
  const std::size_t owner = 12 + 24 + 4;  // header, question name, type and class
  REQUIRE(pointer[owner] == 0xc0);
  pointer[owner + 1] = 0xff;  // a compression pointer past the message: skipped, but does not expand
  CHECK(detail(pointer) == "DNS TXT answer: malformed record 0");
  Bytes other_class = good;
  other_class[owner + 5] = 3;  // CH, not IN: not a realm
  CHECK(detail(other_class) == "ok");
  CHECK(parse_txt_answer(other_class).value().empty());
}
