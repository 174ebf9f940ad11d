// The KDC transport against a real MIT krb5kdc from the realm harness: raw
// AS-REQs (built with the proto codec) over UDP and TCP, and the fault cases
// (closed or silent first KDC) with a real KDC second.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <random>

#include "krbkit/base/environment.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/net/kdc_client.hpp"
#include "krbkit/proto/messages.hpp"
#include "realm/realm.hpp"

using namespace krbkit;
using Clock = std::chrono::steady_clock;

namespace {

Bytes as_req(const std::string& user, const std::string& realm) {
  KdcReq req;
  req.msg_type = MsgType::as_req;
  auto& body = req.req_body;
  body.kdc_options = 0;
  body.cname = PrincipalName{NameType::principal, {user}};
  body.realm = realm;
  body.sname = PrincipalName{NameType::srv_inst, {"krbtgt", realm}};
  body.till = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
              std::chrono::hours(1);
  body.nonce = 0x12345678;
  body.etype = {Enctype::aes256_cts_hmac_sha1_96, Enctype::aes128_cts_hmac_sha1_96};
  return encode(req);
}

bool kdc_reply(BytesView reply) {
  auto type = peek_msg_type(reply);
  return type == MsgType::as_rep || type == MsgType::krb_error;
}

// UDP and TCP sockets bound on one free loopback port below 32768. With
// listen=false the sockets are closed again (a closed port); with
// listen=true they stay open and never answer (a silent KDC).
struct Port {
  int udp = -1, tcp = -1;
  std::uint16_t number = 0;
  explicit Port(bool keep) {
    std::mt19937 rng(std::random_device{}());
    for (int i = 0; i < 200 && number == 0; ++i) {
      auto p = static_cast<std::uint16_t>(20000 + rng() % 12000);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(p);
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      int u = ::socket(AF_INET, SOCK_DGRAM, 0), t = ::socket(AF_INET, SOCK_STREAM, 0);
      if (::bind(u, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
          ::bind(t, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        number = p;
        udp = u;
        tcp = t;
        if (keep) ::listen(tcp, 4);
        break;
      }
      ::close(u);
      ::close(t);
    }
    if (!keep) close_all();
  }
  ~Port() { close_all(); }
  void close_all() {
    if (udp >= 0) ::close(udp);
    if (tcp >= 0) ::close(tcp);
    udp = tcp = -1;
  }
};

config::Profile realm_profile(test::Realm& realm, const std::string& first_kdcs = {}) {
  auto base = config::load_profile(Environment::from_map({{"KRB5_CONFIG", realm.config()}}));
  REQUIRE_MESSAGE(base.ok(), base.error().message());
  if (first_kdcs.empty()) return std::move(base).value();
  auto text = fmt::format("[realms]\n {} = {{\n{}  kdc = 127.0.0.1:{}\n }}*\n", realm.name(), first_kdcs,
                          realm.kdc_port());
  auto front = config::Profile::parse(text, "overlay.conf");
  REQUIRE(front.ok());
  front->append(std::move(base).value());
  return std::move(front).value();
}

}  // namespace

TEST_CASE("raw AS-REQs reach the real KDC over UDP and TCP") {
  test::Realm& realm = test::Realm::shared();
  net::KdcClient client(realm_profile(realm));
  net::SendOptions options;
  options.accept = kdc_reply;

  for (bool tcp : {false, true}) {
    CAPTURE(tcp);
    options.force_tcp = tcp;
    auto bob = client.send(realm.name(), as_req("bob", realm.name()), options);
    REQUIRE_MESSAGE(bob.ok(), bob.error().message());
    CHECK(bob->transport == (tcp ? net::Transport::tcp : net::Transport::udp));
    CHECK(bob->from.port == realm.kdc_port());
    CHECK(peek_msg_type(bob->data) == MsgType::as_rep);  // bob needs no preauth

    auto alice = client.send(realm.name(), as_req("alice", realm.name()), options);
    REQUIRE(alice.ok());
    auto error = decode_krb_error(alice->data);
    REQUIRE(error.ok());
    CHECK(error->error_code == 25);  // KDC_ERR_PREAUTH_REQUIRED
  }
}

TEST_CASE("a closed or silent first KDC, then the real one") {
  test::Realm& realm = test::Realm::shared();
  net::SendOptions options;
  options.accept = kdc_reply;
  for (bool silent : {false, true}) {
    CAPTURE(silent);
    Port first(silent);
    net::KdcClient client(realm_profile(realm, fmt::format("  kdc = 127.0.0.1:{}\n", first.number)));
    auto start = Clock::now();
    auto reply = client.send(realm.name(), as_req("bob", realm.name()), options);
    double took = std::chrono::duration<double>(Clock::now() - start).count();
    REQUIRE_MESSAGE(reply.ok(), reply.error().message());
    CHECK(reply->from.port == realm.kdc_port());
    // The second request of an exchange stays with the KDC that answered.
    net::SendOptions sticky = options;
    sticky.prefer = reply->from;
    auto start2 = Clock::now();
    auto again = client.send(realm.name(), as_req("alice", realm.name()), sticky);
    double took2 = std::chrono::duration<double>(Clock::now() - start2).count();
    REQUIRE(again.ok());
    CHECK(again->from.port == realm.kdc_port());
    MESSAGE(fmt::format("{} first KDC: first request {:.3f} s, sticky second request {:.3f} s",
                        silent ? "silent" : "closed", took, took2));
  }
}
