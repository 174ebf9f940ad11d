// The KCM codec: requests as MIT's cc_kcm.c makes them, replies as the
// daemons send them, malformed replies refused with one error; and the KCM
// cache over a scripted daemon: MIT's fallbacks when GET_CRED_LIST and
// REPLACE are not there.

#include "krbkit/ccache/kcm.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <deque>

#include "krbkit/ccache/cache.hpp"
#include "krbkit/ccache/kcm_protocol.hpp"
#include "krbkit/proto/principal.hpp"

using namespace krbkit;
using namespace krbkit::ccache;

namespace {

Principal princ(std::string_view name) { return *parse_principal(name, "R"); }

Credentials cred(std::string_view server) {
  Credentials c;
  c.client = princ("alice");
  c.server = princ(server);
  c.session_key = Key(Enctype::aes128_cts_hmac_sha1_96, SecretBytes(as_bytes("0123456789abcdef")));
  c.endtime = KerberosTime(std::chrono::seconds(2000000000));
  c.ticket = to_bytes("T");
  return c;
}

// A GET_CRED_LIST body: count, then each credential with its length.
Bytes cred_list(std::initializer_list<const char*> servers) {
  Bytes list;
  put_u32be(list, static_cast<std::uint32_t>(servers.size()));
  for (const char* s : servers) {
    const Bytes one = *serialize_credential(cred(s), 4);
    put_u32be(list, static_cast<std::uint32_t>(one.size()));
    list.insert(list.end(), one.begin(), one.end());
  }
  return list;
}

Bytes status(std::int32_t s, BytesView body = {}) {
  Bytes out;
  put_u32be(out, static_cast<std::uint32_t>(s));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// Answers each request with the next scripted reply and keeps the requests.
struct Script {
  std::deque<Bytes> replies;
  std::vector<Bytes> requests;
};

class ScriptedDaemon final : public KcmConnection {
 public:
  explicit ScriptedDaemon(Script& s) : script_(s) {}
  Result<Bytes> call(BytesView request) override {
    script_.requests.emplace_back(request.begin(), request.end());
    if (script_.replies.empty()) return Error{Errc::cache_daemon_hung_up, "socket (script)"};
    Bytes r = std::move(script_.replies.front());
    script_.replies.pop_front();
    return r;
  }

 private:
  Script& script_;
};

std::uint16_t opcode(const Bytes& request) {
  return static_cast<std::uint16_t>(request[2] << 8 | request[3]);
}

}  // namespace

TEST_CASE("KCM requests: version 2.0, the opcode, NUL-terminated names, v4 records") {
  const Bytes r = kcm::Request(kcm::Op::get_principal).name("0:1").bytes();
  CHECK(r == Bytes{2, 0, 0, 8, '0', ':', '1', 0});
  const Bytes replace = kcm::Request(kcm::Op::replace).name("x").u32(5).bytes();
  CHECK(replace == Bytes{2, 0, 0x32, 0xca, 'x', 0, 0, 0, 0, 5});
  const Bytes sized = kcm::Request(kcm::Op::replace).sized_credential(cred("s")).bytes();
  const Bytes record = *serialize_credential(cred("s"), 4);
  CHECK(get_u32be(sized.data() + 4) == record.size());
}

TEST_CASE("KCM replies: each result read whole; anything else is a malformed reply") {
  CHECK(kcm::parse_reply(Bytes{0, 0, 0}).error().is(Errc::cache_reply_malformed));
  auto r = kcm::parse_reply(status(kcm::kFccNoFile));
  REQUIRE(r.ok());
  CHECK(r->status == kcm::kFccNoFile);
  CHECK(*kcm::parse_name(Bytes{'0', ':', '1', 0}) == "0:1");
  CHECK_FALSE(kcm::parse_name(Bytes{'0'}).ok());
  CHECK_FALSE(kcm::parse_name(Bytes{'0', 0, 'x'}).ok());
  CHECK(kcm::parse_uuid_list(Bytes(32, 7))->size() == 2);
  CHECK(kcm::parse_uuid_list(Bytes(17, 7)).error().is(Errc::cache_reply_malformed));
  Bytes list = cred_list({"a", "b"});
  auto creds = kcm::parse_cred_list(list);
  REQUIRE(creds.ok());
  CHECK((*creds)[1].server == princ("b"));
  list.push_back(0);
  CHECK(kcm::parse_cred_list(list).error().detail.find("1 bytes after the credential list") !=
        std::string::npos);
  Bytes huge;
  put_u32be(huge, 0xffffffff);
  CHECK(kcm::parse_cred_list(huge).error().detail.find("4294967295 credentials in 0 bytes") !=
        std::string::npos);
  // One at a time: a list whose framing is damaged hands over nothing.
  std::size_t handed = 0;
  CHECK(kcm::parse_cred_list_each(list, [&](Credentials&&) { ++handed; })
            .error()
            .is(Errc::cache_reply_malformed));
  CHECK(handed == 0);
  list.pop_back();
  std::vector<Principal> servers;
  REQUIRE(kcm::parse_cred_list_each(list, [&](Credentials&& c) { servers.push_back(c.server); }).ok());
  CHECK(servers == std::vector<Principal>{princ("a"), princ("b")});
  CHECK_FALSE(kcm::parse_principal({})->has_value());
  CHECK(*kcm::parse_offset(Bytes{0xff, 0xff, 0xff, 0xfe}) == -2);
  CHECK_FALSE(kcm::parse_offset(Bytes{1}).ok());
}

TEST_CASE("KCM cache over a daemon without GET_CRED_LIST and REPLACE: MIT's fallbacks") {
  Script script;
  set_kcm_connector([&]() -> Result<std::unique_ptr<KcmConnection>> {
    return std::unique_ptr<KcmConnection>(std::make_unique<ScriptedDaemon>(script));
  });
  auto cache = open("KCM:0");
  REQUIRE(cache.ok());
  CHECK((*cache)->name() == "KCM:0");
  // write: REPLACE refused as Heimdal refuses it; then INITIALIZE, STORE.
  script.replies = {status(kcm::kFccInternal), status(0), status(0)};
  CacheContents contents;
  contents.default_principal = princ("alice");
  contents.creds.push_back(cred("krbtgt"));
  REQUIRE((*cache)->write(contents).ok());
  REQUIRE(script.requests.size() == 3);
  CHECK(opcode(script.requests[0]) == 13002);
  CHECK(opcode(script.requests[1]) == 4);
  CHECK(opcode(script.requests[2]) == 6);
  // read: GET_PRINCIPAL, GET_KDC_OFFSET, GET_CRED_LIST refused (sssd < 2.5
  // answers KRB5_CC_IO), GET_CRED_UUID_LIST, GET_CRED_BY_UUID.
  script.requests.clear();
  script.replies = {status(0, *serialize_principal_record(princ("alice"))), status(0, Bytes{0, 0, 0, 3}),
                    status(kcm::kCcIo), status(0, Bytes(16, 1)),
                    status(0, *serialize_credential(cred("krbtgt"), 4))};
  auto read = (*cache)->read();
  REQUIRE_MESSAGE(read.ok(), read.error().message());
  CHECK(read->default_principal == princ("alice"));
  CHECK(read->kdc_offset->seconds == 3);
  REQUIRE(read->creds.size() == 1);
  CHECK(opcode(script.requests[4]) == 10);
  // read_each: the same requests, each credential handed over as it is parsed.
  script.requests.clear();
  script.replies = {status(0, *serialize_principal_record(princ("alice"))),
                    status(0, Bytes{0, 0, 0, 3}),
                    status(kcm::kCcIo),
                    status(0, Bytes(32, 1)),
                    status(0, *serialize_credential(cred("krbtgt"), 4)),
                    status(0, *serialize_credential(cred("http/h"), 4))};
  std::vector<Principal> servers;
  auto head = (*cache)->read_each([&](const CacheContents& h, const Credentials& c, bool config) {
    CHECK(h.default_principal == princ("alice"));
    CHECK_FALSE(config);
    servers.push_back(c.server);
  });
  REQUIRE_MESSAGE(head.ok(), head.error().message());
  CHECK(head->kdc_offset->seconds == 3);
  CHECK(head->creds.empty());
  CHECK(servers == std::vector<Principal>{princ("krbtgt"), princ("http/h")});
  CHECK(script.requests.size() == 6);
  // A daemon with GET_CRED_LIST (sssd): the records parsed from that one reply.
  Bytes list = cred_list({"a", "b"});
  script.requests.clear();
  script.replies = {status(0, *serialize_principal_record(princ("alice"))), status(kcm::kCcIo),
                    status(0, list)};
  servers.clear();
  head = (*cache)->read_each(
      [&](const CacheContents&, const Credentials& c, bool) { servers.push_back(c.server); });
  REQUIRE_MESSAGE(head.ok(), head.error().message());
  CHECK_FALSE(head->kdc_offset);
  CHECK(servers == std::vector<Principal>{princ("a"), princ("b")});
  CHECK(opcode(script.requests[2]) == 13001);
  // An uninitialized cache (an empty principal, as Heimdal answers) is not found.
  script.replies = {status(0), status(kcm::kFccNoFile), status(kcm::kFccNoFile)};
  CHECK((*cache)->read().error().is(Errc::ccache_not_found));
  // A malformed reply is one error, and nothing is half-read.
  script.replies = {status(0, Bytes{1, 2}), status(0), status(0)};
  const Error malformed = (*cache)->read().error();
  CHECK(malformed.is(Errc::cache_reply_malformed));
  CHECK(malformed.message().find("(cache KCM:0, ") != std::string::npos);
  set_kcm_connector(nullptr);
  CHECK(open("KCM:").error().is(Errc::unsupported));
}
