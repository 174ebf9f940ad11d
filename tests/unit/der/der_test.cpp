#include <doctest/doctest.h>

#include <chrono>
#include <functional>

#include "krbkit/base/bytes.hpp"
#include "krbkit/der/reader.hpp"
#include "krbkit/der/time.hpp"
#include "krbkit/der/writer.hpp"

using namespace krbkit;
using namespace std::chrono;

namespace {

// Reads one INTEGER from `der` (a whole message) with the given range.
Result<std::int64_t> read_integer(const Bytes& der, std::int64_t min = INT64_MIN,
                                  std::int64_t max = INT64_MAX) {
  der::Reader in(der, "X");
  auto v = in.integer(min, max);
  return in.finish(std::move(v));
}

std::string error_of(const Error& e) { return e.detail; }

// A two-field SEQUENCE { a [0] INTEGER, b [1] OCTET STRING OPTIONAL }.
struct Pair {
  std::int32_t a = 0;
  std::optional<Bytes> b;
};
Result<Pair> read_pair(BytesView der) {
  der::Reader in(der, "PAIR");
  Pair p;
  {
    auto seq = in.sequence();
    p.a = seq.field(0, "a").int32();
    if (seq.has_field(1)) p.b = seq.field(1, "b").octet_string();
  }
  return in.finish(std::move(p));
}

}  // namespace

TEST_CASE("INTEGER encodings are minimal two's complement") {
  struct Row {
    std::int64_t value;
    const char* der;
  };
  const Row rows[] = {
      {0, "020100"},
      {1, "020101"},
      {127, "02017f"},
      {128, "02020080"},
      {255, "020200ff"},
      {256, "02020100"},
      {-1, "0201ff"},
      {-128, "020180"},
      {-129, "0202ff7f"},
      {INT32_MAX, "02047fffffff"},
      {INT32_MIN, "020480000000"},
      {UINT32_MAX, "020500ffffffff"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.value);
    der::Writer w;
    w.integer(r.value);
    CHECK(to_hex(w.bytes()) == r.der);
    auto back = read_integer(hex(r.der));
    REQUIRE(back.ok());
    CHECK(*back == r.value);
  }
}

TEST_CASE("INTEGER rejections: non-minimal, empty, out of range") {
  CHECK(error_of(read_integer(hex("02020001")).error()) == "X: non-minimal INTEGER");
  CHECK(error_of(read_integer(hex("0202ff80")).error()) == "X: non-minimal INTEGER");
  CHECK(error_of(read_integer(hex("0200")).error()) == "X: empty INTEGER");
  CHECK(error_of(read_integer(hex("0209010000000000000000")).error()) == "X: INTEGER out of range");
  const Bytes in_der = hex("020500ffffffff");
  der::Reader in(in_der, "X");
  (void)in.int32();
  CHECK(in.finish().error().detail == "X: INTEGER 4294967295 out of range -2147483648..2147483647");
  const Bytes neg_der = hex("0201ff");
  der::Reader neg(neg_der, "X");
  (void)neg.uint32();
  CHECK_FALSE(neg.finish().ok());
  const Bytes usec_der = hex("02030f4240");
  der::Reader usec(usec_der, "X");  // 1000000
  (void)usec.microseconds();
  CHECK_FALSE(usec.finish().ok());
}

TEST_CASE("lengths: long form round trip and rejections") {
  Bytes big(300, 0x41);
  der::Writer w;
  w.octet_string(big);
  CHECK(to_hex(BytesView(w.bytes()).first(4)) == "0482012c");
  der::Reader in(w.bytes(), "X");
  CHECK(in.octet_string() == big);
  CHECK(in.finish().ok());

  auto err = [](const char* h) {
    const Bytes der = hex(h);
    der::Reader r(der, "KRB-ERROR.e-data");
    (void)r.octet_string();
    auto res = r.finish();
    return res.ok() ? std::string("ok") : res.error().detail;
  };
  CHECK(err("0480") == "KRB-ERROR.e-data: indefinite length is not DER");
  CHECK(err("048105") == "KRB-ERROR.e-data: non-minimal length (long form for a short length)");
  CHECK(err("04820005") == "KRB-ERROR.e-data: non-minimal length (leading zero byte)");
  CHECK(err("0485010000000000") == "KRB-ERROR.e-data: length field of 5 bytes is absurd");
  CHECK(err("048401000001") == "KRB-ERROR.e-data: length 16777217 is absurd");
  CHECK(err("0405414141") == "KRB-ERROR.e-data: length runs past the end");
  CHECK(err("04") == "KRB-ERROR.e-data: length runs past the end");
  CHECK(err("") == "KRB-ERROR.e-data: missing");
  CHECK(err("1f0100") == "KRB-ERROR.e-data: tag numbers above 30 are not used by Kerberos");
  CHECK(err("0401410000") == "KRB-ERROR.e-data: 2 unexpected byte(s) after the last element");
}

TEST_CASE("nested fields name their path in errors") {
  der::Writer w;
  w.sequence([&] {
    w.field(0, [&] { w.int32(-5); });
    w.field(1, [&] { w.octet_string(to_bytes("hi")); });
  });
  CHECK(to_hex(w.bytes()) == "300ba0030201fba10404026869");
  auto p = read_pair(w.bytes());
  REQUIRE(p.ok());
  CHECK(p->a == -5);
  CHECK(p->b == to_bytes("hi"));

  // Optional field absent.
  auto q = read_pair(hex("3005a003020107"));
  REQUIRE(q.ok());
  CHECK(q->a == 7);
  CHECK_FALSE(q->b.has_value());

  // The [1] length runs past the end of the SEQUENCE.
  CHECK(read_pair(hex("300ba003020107a10504026869")).error().detail == "PAIR.b: length runs past the end");
  // Wrong type inside [0].
  CHECK(read_pair(hex("3005a003040107")).error().detail == "PAIR.a: expected INTEGER, found OCTET STRING");
  // Missing required field.
  CHECK(read_pair(hex("3000")).error().detail == "PAIR.a: missing");
  CHECK(read_pair(hex("3005a103040168")).error().detail == "PAIR.a: expected [0], found [1]");
  // Two values inside one explicit tag.
  CHECK(read_pair(hex("3008a006020107020108")).error().detail ==
        "PAIR.a: 3 unexpected byte(s) after the last element");
  // An unknown field after the known ones.
  CHECK(read_pair(hex("300aa003020107a2030201ff")).error().detail ==
        "PAIR: 5 unexpected byte(s) after the last element");
  // Trailing bytes after the message.
  CHECK(read_pair(hex("3005a00302010700")).error().detail ==
        "PAIR: 1 unexpected byte(s) after the last element");
  // Not a SEQUENCE at all.
  CHECK(read_pair(hex("0400")).error().detail == "PAIR: expected SEQUENCE, found OCTET STRING");
}

TEST_CASE("the first error sticks and later reads return defaults") {
  const Bytes in_der = hex("0201ff0203010000");
  der::Reader in(in_der, "X");
  CHECK(in.uint32() == 0);  // -1 is out of range: fails here
  CHECK(in.int32() == 0);   // not read: the reader has failed
  CHECK_FALSE(in.ok());
  CHECK(in.finish().error().detail == "X: INTEGER -1 out of range 0..4294967295");
}

TEST_CASE("nesting deeper than the limit is refused") {
  Bytes deep;
  // 40 nested SEQUENCEs, innermost empty.
  for (int i = 0; i < 40; ++i) {
    Bytes outer = {0x30, static_cast<std::uint8_t>(deep.size())};
    outer.insert(outer.end(), deep.begin(), deep.end());
    deep = outer;
  }
  der::Reader in(deep, "X");
  std::function<void(der::Reader&)> descend = [&](der::Reader& r) {
    if (r.at_end()) return;
    auto child = r.sequence();
    descend(child);
  };
  descend(in);
  auto res = in.finish();
  REQUIRE_FALSE(res.ok());
  CHECK(res.error().detail.find("nested deeper than 32 levels") != std::string::npos);
}

TEST_CASE("SEQUENCE OF items are numbered in error paths") {
  const Bytes in_der = hex("3009020101020102040100");
  der::Reader in(in_der, "ETYPES");
  std::vector<std::int32_t> v;
  {
    auto seq = in.sequence();
    while (!seq.at_end()) v.push_back(seq.item().int32());
  }
  CHECK(in.finish().error().detail == "ETYPES[2]: expected INTEGER, found OCTET STRING");
  CHECK(v == std::vector<std::int32_t>{1, 2, 0});
}

TEST_CASE("error paths through fields, items and nested sequences; path() on a child") {
  // MSG ::= [APPLICATION 3] SEQUENCE { list [1] SEQUENCE OF SEQUENCE { x [0] INTEGER } }
  // with the second item's x an OCTET STRING.
  der::Writer w;
  w.application(3, [&] {
    w.sequence([&] {
      w.field(1, [&] {
        w.sequence([&] {
          w.sequence([&] { w.field(0, [&] { w.int32(7); }); });
          w.sequence([&] { w.field(0, [&] { w.octet_string(to_bytes("no")); }); });
        });
      });
    });
  });
  const Bytes bytes = w.take();
  der::Reader in(bytes, "MSG");
  std::vector<std::string> paths;
  {
    auto app = in.application(3, "");
    auto seq = app.sequence();
    auto list = seq.field(1, "list");
    auto items = list.sequence();
    while (!items.at_end()) {
      auto item = items.item();
      paths.push_back(item.path());
      auto inner = item.sequence();
      (void)inner.field(0, "x").int32();
    }
  }
  CHECK(paths == std::vector<std::string>{"MSG.list[0]", "MSG.list[1]"});
  CHECK(in.finish().error().detail == "MSG.list[1].x: expected INTEGER, found OCTET STRING");

  // Bytes left over in a nested element are reported when its reader ends.
  const Bytes trailing = hex("3007a0050201010500");
  CHECK(read_pair(trailing).error().detail == "PAIR.a: 2 unexpected byte(s) after the last element");
}

TEST_CASE("BOOLEAN, GeneralString, BIT STRING") {
  der::Writer w;
  w.boolean(true);
  w.boolean(false);
  w.general_string("EXAMPLE.COM");
  w.flags(0x40810000);
  CHECK(to_hex(w.bytes()) == "0101ff0101001b0b4558414d504c452e434f4d03050040810000");
  der::Reader in(w.bytes(), "X");
  CHECK(in.boolean());
  CHECK_FALSE(in.boolean());
  CHECK(in.general_string() == "EXAMPLE.COM");
  CHECK(in.flags() == 0x40810000u);
  CHECK(in.finish().ok());

  const Bytes bad_bool_der = hex("010101");
  der::Reader bad_bool(bad_bool_der, "X");
  (void)bad_bool.boolean();
  CHECK(bad_bool.finish().error().detail == "X: BOOLEAN must be one byte, 00 or FF");
  // A shorter bit string is zero-extended; a longer one keeps the first 32 bits.
  const Bytes short_bits_der = hex("03020080");
  der::Reader short_bits(short_bits_der, "X");
  CHECK(short_bits.flags() == 0x80000000u);
  const Bytes long_bits_der = hex("030700010203040506");
  der::Reader long_bits(long_bits_der, "X");
  CHECK(long_bits.flags() == 0x01020304u);
  const Bytes bad_bits_der = hex("030108");
  der::Reader bad_bits(bad_bits_der, "X");
  (void)bad_bits.flags();
  CHECK_FALSE(bad_bits.finish().ok());
}

TEST_CASE("KerberosTime is YYYYMMDDHHMMSSZ") {
  const sys_seconds t = sys_days{2024y / February / 29} + 23h + 59min + 58s;
  CHECK(der::format_generalized_time(t) == "20240229235958Z");
  CHECK(der::parse_generalized_time("20240229235958Z") == t);
  CHECK(der::format_generalized_time(sys_seconds{}) == "19700101000000Z");
  CHECK(der::format_generalized_time(sys_seconds{seconds{0x7fffffff}}) == "20380119031407Z");
  for (const char* bad : {"20230229000000Z", "20240229235958", "20240229235958.5Z", "2024022923595aZ",
                          "20241301000000Z", "20240101240000Z", "20240101006000Z", "20240101000060Z"}) {
    CAPTURE(bad);
    CHECK_FALSE(der::parse_generalized_time(bad).has_value());
  }
  der::Writer w;
  w.generalized_time(t);
  der::Reader in(w.bytes(), "X");
  CHECK(in.generalized_time() == t);
  CHECK(in.finish().ok());
  const Bytes bad_der = hex("180f32303233303232393030303030305a");
  der::Reader bad(bad_der, "AS-REP.authtime");
  (void)bad.generalized_time();
  CHECK(bad.finish().error().detail ==
        "AS-REP.authtime: KerberosTime must be YYYYMMDDHHMMSSZ, found \"20230229000000Z\"");
}

TEST_CASE("peek_element returns a whole TLV without consuming it") {
  const Bytes der = hex("61053003020105020101");
  der::Reader in(der, "X");
  BytesView raw = in.peek_element();
  CHECK(to_hex(raw) == "61053003020105");
  {
    auto app = in.application(1, "Ticket");
    auto seq = app.sequence();
    CHECK(seq.int32() == 5);
  }
  CHECK(in.int32() == 1);
  CHECK(in.finish().ok());
}

TEST_CASE("writer fills long-form lengths in nested elements") {
  der::Writer w;
  Bytes payload(200, 0x55);
  w.application(30, [&] { w.sequence([&] { w.field(12, [&] { w.octet_string(payload); }); }); });
  const Bytes& out = w.bytes();
  CHECK(to_hex(BytesView(out).first(12)) == "7e81d13081ceac81cb0481c8");
  der::Reader in(out, "KRB-ERROR");
  Bytes got;
  {
    auto app = in.application(30, "");
    auto seq = app.sequence();
    got = seq.field(12, "e-data").octet_string();
  }
  CHECK(in.finish().ok());
  CHECK(got == payload);
}
