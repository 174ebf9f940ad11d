// Sending to KDCs: fake KDCs on loopback, each a thread with UDP/TCP sockets.
#include "krbkit/net/kdc_client.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "fake_kdc.hpp"

using krbkit::Bytes;
using krbkit::BytesView;
using krbkit::Errc;
using krbkit::net::KdcClient;
using krbkit::net::KdcTarget;
using krbkit::net::SendOptions;
using krbkit::net::Transport;
using krbkit::test::FakeKdc;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kRealm = "KRBKIT.TEST";

// Records the trace messages, for asserting the order of events.
struct Events {
  std::mutex mutex;
  std::vector<std::string> lines;
  krbkit::Tracer tracer() {
    return krbkit::Tracer::to_callback([this](std::string_view m) {
      std::lock_guard lock(mutex);
      lines.emplace_back(m);
    });
  }
  // Index of the first line containing `text`, or -1.
  int find(const std::string& text) {
    for (std::size_t i = 0; i < lines.size(); ++i)
      if (lines[i].find(text) != std::string::npos) return static_cast<int>(i);
    return -1;
  }
};

krbkit::config::Profile profile_with(const std::vector<std::string>& kdcs, const std::string& extra = "") {
  std::string text = "[libdefaults]\n  dns_lookup_kdc = false\n" + extra + "[realms]\n  KRBKIT.TEST = {\n";
  for (const auto& k : kdcs) text += "    kdc = " + k + "\n";
  text += "  }\n";
  auto p = krbkit::config::Profile::parse(text, "test-krb5.conf");
  REQUIRE(p.ok());
  return std::move(p).value();
}

std::string at(std::uint16_t port) { return fmt::format("127.0.0.1:{}", port); }

const Bytes kRequest = krbkit::to_bytes("\x6a\x03request");

FakeKdc::Options answering() { return {true, true, FakeKdc::echo, false}; }
FakeKdc::Options silent() {
  return {true, true, [](BytesView) { return std::vector<Bytes>{}; }, false};
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

TEST_CASE("a working KDC answers over UDP") {
  FakeKdc kdc(answering());
  Events events;
  KdcClient client(profile_with({at(kdc.port())}), events.tracer());
  auto reply = client.send(kRealm, kRequest);
  REQUIRE(reply.ok());
  CHECK(reply->data == FakeKdc::echo(kRequest)[0]);
  CHECK(reply->transport == Transport::udp);
  CHECK(reply->from == KdcTarget{"127.0.0.1", kdc.port(), Transport::any});
  CHECK(reply->address == at(kdc.port()));
  CHECK(kdc.udp_requests() == 1);
  CHECK(kdc.tcp_requests() == 0);
  CHECK(events.lines.front() == "Sending request (9 bytes) to KRBKIT.TEST");
  CHECK(events.find("Sending initial UDP request to dgram " + at(kdc.port())) >= 0);
  CHECK(events.find("Received answer (10 bytes) from dgram " + at(kdc.port())) >= 0);
}

TEST_CASE("a closed first port, then a working KDC") {
  auto closed = FakeKdc::closed_port();
  FakeKdc kdc(answering());
  Events events;
  KdcClient client(profile_with({at(closed), at(kdc.port())}), events.tracer());
  auto start = Clock::now();
  auto reply = client.send(kRealm, kRequest);
  double took = seconds_since(start);
  REQUIRE(reply.ok());
  CHECK(reply->from.port == kdc.port());
  // The refusal is noticed and the next KDC contacted without waiting 1 s.
  int refused = events.find("Error with dgram " + at(closed) + ": Connection refused");
  int second = events.find("Sending initial UDP request to dgram " + at(kdc.port()));
  CHECK(refused >= 0);
  CHECK(second > refused);
  MESSAGE(fmt::format("closed port then working KDC: {:.3f} s", took));
}

TEST_CASE("a silent first KDC, then a working one: the second is tried after 1 s") {
  FakeKdc quiet(silent());
  FakeKdc kdc(answering());
  Events events;
  KdcClient client(profile_with({at(quiet.port()), at(kdc.port())}), events.tracer());
  auto start = Clock::now();
  auto reply = client.send(kRealm, kRequest);
  double took = seconds_since(start);
  REQUIRE(reply.ok());
  CHECK(reply->from.port == kdc.port());
  CHECK(quiet.udp_requests() == 1);
  CHECK(kdc.udp_requests() == 1);
  int first = events.find("Sending initial UDP request to dgram " + at(quiet.port()));
  int second = events.find("Sending initial UDP request to dgram " + at(kdc.port()));
  int answer = events.find("Received answer (10 bytes) from dgram " + at(kdc.port()));
  CHECK(0 <= first);
  CHECK(first < second);
  CHECK(second < answer);
  CHECK(took >= 0.9);  // it did wait for the first one
  MESSAGE(fmt::format("silent KDC then working KDC: {:.3f} s", took));

  SUBCASE("the exchange stays with the KDC that answered") {
    SendOptions sticky;
    sticky.prefer = reply->from;
    auto start2 = Clock::now();
    auto again = client.send(kRealm, kRequest, sticky);
    double took2 = seconds_since(start2);
    REQUIRE(again.ok());
    CHECK(again->from.port == kdc.port());
    CHECK(quiet.udp_requests() == 1);  // not asked again
    MESSAGE(fmt::format("second request to the sticky KDC: {:.3f} s", took2));
  }
}

TEST_CASE("a KDC that only speaks TCP is reached by falling back to TCP") {
  FakeKdc tcp_only({false, true, FakeKdc::echo, false});
  Events events;
  KdcClient client(profile_with({at(tcp_only.port())}), events.tracer());
  auto reply = client.send(kRealm, kRequest);
  REQUIRE(reply.ok());
  CHECK(reply->transport == Transport::tcp);
  CHECK(reply->data == FakeKdc::echo(kRequest)[0]);
  CHECK(tcp_only.tcp_requests() == 1);
  int udp_error = events.find("Error with dgram " + at(tcp_only.port()));
  int tcp = events.find("Initiating TCP connection to stream " + at(tcp_only.port()));
  CHECK(udp_error >= 0);
  CHECK(tcp > udp_error);
}

TEST_CASE("replies the caller rejects are skipped, not fatal") {
  auto garbage_then_good = [](BytesView request) {
    return std::vector<Bytes>{krbkit::to_bytes("garbage"), FakeKdc::echo(request)[0]};
  };
  SendOptions options;
  options.accept = [](BytesView reply) { return !reply.empty() && reply[0] == 0x6b; };

  SUBCASE("garbage then a good reply from one KDC over UDP") {
    FakeKdc kdc({true, true, garbage_then_good, false});
    Events events;
    KdcClient client(profile_with({at(kdc.port())}), events.tracer());
    auto reply = client.send(kRealm, kRequest, options);
    REQUIRE(reply.ok());
    CHECK(reply->data == FakeKdc::echo(kRequest)[0]);
    CHECK(events.find("Ignoring reply from dgram " + at(kdc.port())) >= 0);
  }
  SUBCASE("a KDC answering only garbage, then a good KDC") {
    FakeKdc bad(
        {true, true, [](BytesView) { return std::vector<Bytes>{krbkit::to_bytes("\x30garbage")}; }, false});
    FakeKdc good(answering());
    KdcClient client(profile_with({at(bad.port()), at(good.port())}));
    auto reply = client.send(kRealm, kRequest, options);
    REQUIRE(reply.ok());
    CHECK(reply->from.port == good.port());
  }
  SUBCASE("garbage over TCP closes that connection and the next KDC answers") {
    FakeKdc bad({false, true, [](BytesView) { return std::vector<Bytes>{krbkit::to_bytes("junk")}; }, false});
    FakeKdc good({false, true, FakeKdc::echo, false});
    Events events;
    KdcClient client(profile_with({"tcp/" + at(bad.port()), "tcp/" + at(good.port())}), events.tracer());
    auto reply = client.send(kRealm, kRequest, options);
    REQUIRE(reply.ok());
    CHECK(reply->from.port == good.port());
    CHECK(events.find("Error with stream " + at(bad.port()) + ": reply not accepted") >= 0);
  }
  SUBCASE("an impossible TCP length is refused") {
    FakeKdc bad({false, true,
                 [](BytesView) {
                   return std::vector<Bytes>{Bytes{0xff, 0xff, 0xff, 0xff, 1}};
                 },
                 true});
    Events events;
    KdcClient client(profile_with({"tcp/" + at(bad.port())}), events.tracer());
    SendOptions quick = options;
    quick.timeout = std::chrono::milliseconds(1500);
    auto reply = client.send(kRealm, kRequest, quick);
    REQUIRE_FALSE(reply.ok());
    CHECK(events.find("reply length 4294967295 is too large") >= 0);
  }
}

TEST_CASE("total silence gives Errc::no_kdc within the deadline, naming what was tried") {
  FakeKdc quiet(silent());
  auto closed = FakeKdc::closed_port();
  KdcClient client(profile_with({at(quiet.port()), at(closed)}));
  SendOptions options;
  options.timeout = std::chrono::milliseconds(2500);
  auto start = Clock::now();
  auto reply = client.send(kRealm, kRequest, options);
  double took = seconds_since(start);
  REQUIRE_FALSE(reply.ok());
  CHECK(reply.error().is(Errc::no_kdc));
  CHECK(reply.error().message().find("Cannot contact any KDC for realm 'KRBKIT.TEST' (tried: ") == 0);
  const auto& detail = reply.error().detail;
  CHECK(detail.find("udp " + at(quiet.port()) + " (no reply)") != std::string::npos);
  CHECK(detail.find("udp " + at(closed) + " (Connection refused)") != std::string::npos);
  CHECK(detail.find("tcp " + at(closed) + " (Connection refused)") != std::string::npos);
  // The deadline is what ended it (how long that took is measured, not asserted: bench/).
  CHECK(detail.find("gave up after") != std::string::npos);
  MESSAGE(fmt::format("silent + closed KDC, 2.5 s deadline: failed after {:.3f} s: {}", took,
                      reply.error().message()));
}

TEST_CASE("all KDCs refusing fails at once, without waiting for the schedule") {
  auto a = FakeKdc::closed_port();
  auto b = FakeKdc::closed_port();
  KdcClient client(profile_with({at(a), at(b)}));
  auto start = Clock::now();
  auto reply = client.send(kRealm, kRequest);
  double took = seconds_since(start);
  REQUIRE_FALSE(reply.ok());
  CHECK(reply.error().is(Errc::no_kdc));
  // Every KDC refused, so it ended there, not at the deadline.
  CHECK(reply.error().detail.find("gave up after") == std::string::npos);
  MESSAGE(fmt::format("two closed ports: failed after {:.3f} s", took));
}

TEST_CASE("TCP is used first above udp_preference_limit and when forced") {
  SUBCASE("udp_preference_limit = 1") {
    FakeKdc kdc(answering());
    KdcClient client(profile_with({at(kdc.port())}, "  udp_preference_limit = 1\n"));
    auto reply = client.send(kRealm, kRequest);
    REQUIRE(reply.ok());
    CHECK(reply->transport == Transport::tcp);
    CHECK(kdc.udp_requests() == 0);
    CHECK(kdc.tcp_requests() == 1);
  }
  SUBCASE("a request larger than the default limit") {
    FakeKdc kdc(answering());
    KdcClient client(profile_with({at(kdc.port())}));
    Bytes big(3000, 0x42);
    auto reply = client.send(kRealm, big);
    REQUIRE(reply.ok());
    CHECK(reply->transport == Transport::tcp);
    CHECK(reply->data.size() == 3001);
  }
  SUBCASE("force_tcp, and a udp/ KDC is then skipped") {
    FakeKdc udp_only({true, false, FakeKdc::echo, false});
    FakeKdc kdc(answering());
    KdcClient client(profile_with({"udp/" + at(udp_only.port()), at(kdc.port())}));
    SendOptions options;
    options.force_tcp = true;
    auto reply = client.send(kRealm, kRequest, options);
    REQUIRE(reply.ok());
    CHECK(reply->transport == Transport::tcp);
    CHECK(reply->from.port == kdc.port());
    CHECK(udp_only.udp_requests() == 0);
  }
}

TEST_CASE("preferring a KDC and asking the primary") {
  FakeKdc one(answering());
  FakeKdc two(answering());
  auto text = fmt::format(
      "[libdefaults]\n dns_lookup_kdc = false\n[realms]\n KRBKIT.TEST = {{\n  kdc = {}\n  kdc = {}\n"
      "  primary_kdc = {}\n }}\n NOPRIMARY.TEST = {{\n  kdc = {}\n }}\n",
      at(one.port()), at(two.port()), at(two.port()), at(one.port()));
  auto profile = krbkit::config::Profile::parse(text);
  REQUIRE(profile.ok());
  KdcClient client(*profile);

  auto plain = client.send(kRealm, kRequest);
  REQUIRE(plain.ok());
  CHECK(plain->from.port == one.port());

  SendOptions prefer;
  prefer.prefer = KdcTarget{"127.0.0.1", two.port(), Transport::udp};
  auto preferred = client.send(kRealm, kRequest, prefer);
  REQUIRE(preferred.ok());
  CHECK(preferred->from.port == two.port());

  SendOptions primary;
  primary.primary_only = true;
  auto from_primary = client.send(kRealm, kRequest, primary);
  REQUIRE(from_primary.ok());
  CHECK(from_primary->from.port == two.port());
  CHECK(krbkit::net::is_primary_kdc(*profile, kRealm, from_primary->from));
  CHECK_FALSE(krbkit::net::is_primary_kdc(*profile, kRealm, plain->from));

  auto none = client.send("NOPRIMARY.TEST", kRequest, primary);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().is(Errc::no_kdc));
  CHECK(none.error().message().find("Cannot find primary KDC for realm \"NOPRIMARY.TEST\" (no primary_kdc") ==
        0);
}

TEST_CASE("the realm name as the last resort: when it is no host, MIT's 'Cannot find KDC for realm'") {
  auto p = krbkit::config::Profile::parse("[libdefaults]\n  dns_lookup_kdc = false\n", "test-krb5.conf");
  REQUIRE(p.ok());
  KdcClient client(std::move(p).value());
  auto reply = client.send("NOWHERE.INVALID", kRequest);
  REQUIRE_FALSE(reply.ok());
  CHECK(reply.error().is(Errc::no_kdc));
  const auto message = reply.error().message();
  CHECK(message.find(
            "Cannot find KDC for realm \"NOWHERE.INVALID\" (none configured or in DNS; tried the realm "
            "name as a host: NOWHERE.INVALID:88 (") == 0);
  MESSAGE(message);
}

TEST_CASE("other services are named as such, and the attempts handed to the caller") {
  auto closed = FakeKdc::closed_port();
  KdcClient client(profile_with({}));
  std::vector<std::string> attempts{"earlier attempt"};
  SendOptions options;
  options.service = krbkit::net::Service::kpasswd;
  options.force_tcp = true;
  options.attempts = &attempts;
  auto reply = client.send_to(kRealm, {KdcTarget{"127.0.0.1", closed, Transport::any}}, kRequest, options);
  REQUIRE_FALSE(reply.ok());
  CHECK(reply.error().message() == "Cannot contact any password server for realm 'KRBKIT.TEST' (tried: tcp " +
                                       at(closed) + " (Connection refused))");
  CHECK(attempts ==
        std::vector<std::string>{"earlier attempt", "tcp " + at(closed) + " (Connection refused)"});
}
