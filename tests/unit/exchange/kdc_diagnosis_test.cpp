// kdiag's decisions (exchange/kdc_diagnosis.hpp): what a KDC's answer says,
// what is probed, what is called wrong, and a whole run over a fake Prober.
#include "krbkit/exchange/kdc_diagnosis.hpp"

#include <doctest/doctest.h>

#include <map>
#include <mutex>

using namespace krbkit;
using namespace krbkit::exchange;
using namespace std::chrono_literals;

namespace {

const KerberosTime kKdcTime{std::chrono::seconds(1'700'000'000)};

KrbError error_reply(KdcErr code, std::vector<PaData> padata = {}) {
  KrbError e;
  e.stime = kKdcTime;
  e.susec = 250'000;
  e.error_code = static_cast<std::int32_t>(code);
  e.realm = "EXAMPLE.COM";
  e.sname = PrincipalName{NameType::srv_inst, {"krbtgt", "EXAMPLE.COM"}};
  if (!padata.empty()) e.e_data = encode_method_data(padata);
  return e;
}

std::vector<PaData> offered_padata() {
  std::vector<EtypeInfo2Entry> info{
      {Enctype::aes256_cts_hmac_sha1_96, "EXAMPLE.COMalice", Bytes{0, 0, 0x10, 0}},
      {Enctype::rc4_hmac, std::nullopt, std::nullopt}};
  return {PaData{PaType::fx_cookie, Bytes{'M', 'I', 'T'}},
          PaData{PaType::etype_info2, encode_etype_info2(info)},
          PaData{PaType::enc_timestamp, {}},
          PaData{PaType::fx_fast, {}},
          PaData{PaType::pk_as_req, {}},
          PaData{PaType::spake, {}}};
}

config::Profile profile_of(std::string_view text) {
  auto p = config::Profile::parse(text, "krb5.conf");
  REQUIRE(p.ok());
  return std::move(p).value();
}

net::KdcTarget target(const char* host, net::Transport t, std::uint16_t port = 88) {
  return net::KdcTarget{host, port, t};
}

ServerReport kdc(const char* host, net::Transport t, bool reachable, std::string error = {},
                 std::optional<double> offset = std::nullopt) {
  ServerReport r;
  r.target = target(host, t);
  r.reachable = reachable;
  r.error = std::move(error);
  r.clock_offset_s = offset;
  return r;
}

}  // namespace

TEST_CASE("PREAUTH_REQUIRED: the KDC's time, the etype-info and what it offers") {
  auto reading = read_probe_reply(encode(error_reply(KdcErr::preauth_required, offered_padata())));
  REQUIRE(reading.ok());
  CHECK(reading->preauth_required == std::optional<bool>(true));
  CHECK(reading->stime == std::optional<KerberosTime>(kKdcTime));
  CHECK(reading->susec == 250'000);
  REQUIRE(reading->etype_info.size() == 2);
  CHECK(reading->etype_info[0].salt == std::optional<std::string>("EXAMPLE.COMalice"));
  CHECK(reading->etype_info[0].s2kparams == std::optional<Bytes>(Bytes{0, 0, 0x10, 0}));
  CHECK(reading->etype_info[1].etype == Enctype::rc4_hmac);
  CHECK(reading->offers == std::vector<std::string>{"encrypted-timestamp", "fast", "pkinit", "spake"});
  CHECK(reading->error.empty());
}

TEST_CASE("ETYPE-INFO (the old form) when there is no ETYPE-INFO2") {
  std::vector<EtypeInfoEntry> old{{Enctype::aes128_cts_hmac_sha1_96, Bytes{'s', 'a', 'l', 't'}}};
  auto reading = read_probe_reply(
      encode(error_reply(KdcErr::preauth_required, {PaData{PaType::etype_info, encode_etype_info(old)},
                                                    PaData{PaType::enc_timestamp, {}}})));
  REQUIRE(reading.ok());
  REQUIRE(reading->etype_info.size() == 1);
  CHECK(reading->etype_info[0].etype == Enctype::aes128_cts_hmac_sha1_96);
  CHECK(reading->etype_info[0].salt == std::optional<std::string>("salt"));
}

TEST_CASE("an unknown client: the error code and the KDC's time, no pre-authentication verdict") {
  auto reading = read_probe_reply(encode(error_reply(KdcErr::c_principal_unknown)));
  REQUIRE(reading.ok());
  CHECK(reading->error_code == std::optional<std::int32_t>(6));
  CHECK_FALSE(reading->preauth_required.has_value());
  CHECK(reading->stime.has_value());
  CHECK(reading->error.find("not found") != std::string::npos);
}

TEST_CASE("an AS-REP: no pre-authentication required, no time") {
  KdcRep rep;
  rep.crealm = "EXAMPLE.COM";
  rep.cname = PrincipalName{NameType::principal, {"bob"}};
  rep.ticket.realm = "EXAMPLE.COM";
  rep.ticket.sname = PrincipalName{NameType::srv_inst, {"krbtgt", "EXAMPLE.COM"}};
  rep.padata = {PaData{PaType::etype_info2, encode_etype_info2({{Enctype::aes256_cts_hmac_sha1_96,
                                                                 "EXAMPLE.COMbob", std::nullopt}})}};
  auto reading = read_probe_reply(encode(rep));
  REQUIRE(reading.ok());
  CHECK(reading->preauth_required == std::optional<bool>(false));
  CHECK_FALSE(reading->stime.has_value());
  REQUIRE(reading->etype_info.size() == 1);
  CHECK(reading->offers.empty());
}

TEST_CASE("an answer that is no Kerberos reply is an error") {
  CHECK_FALSE(read_probe_reply(Bytes{0x30, 0x00}).ok());
  CHECK_FALSE(read_probe_reply(Bytes{}).ok());
}

TEST_CASE("clock offset: the KDC's time against ours halfway through the round trip") {
  const auto received = std::chrono::system_clock::time_point(kKdcTime.time_since_epoch()) + 420s + 50ms;
  // The KDC stamped 0.25 s past kKdcTime; we were at received - 50 ms then.
  CHECK(clock_offset(kKdcTime, 250'000, received, 100ms) == doctest::Approx(-419.75));
  CHECK(clock_offset(kKdcTime, 0, std::chrono::system_clock::time_point(kKdcTime.time_since_epoch()) - 90s,
                     0us) == doctest::Approx(90.0));
}

TEST_CASE("probe targets: a server without a transport prefix over UDP and TCP, once each") {
  auto targets = probe_targets({target("a", net::Transport::any), target("b", net::Transport::tcp),
                                target("a", net::Transport::udp), target("c", net::Transport::udp, 750)});
  CHECK(targets ==
        std::vector<net::KdcTarget>{target("a", net::Transport::udp), target("a", net::Transport::tcp),
                                    target("b", net::Transport::tcp), target("c", net::Transport::udp, 750)});
}

TEST_CASE("problems: a silent KDC per transport, a clock 7 minutes ahead, once per server") {
  Diagnosis d;
  d.realm = "EXAMPLE.COM";
  d.kdcs = {
      kdc("kdc1", net::Transport::udp, true, {}, -420.4), kdc("kdc1", net::Transport::tcp, true, {}, -420.6),
      kdc("kdc2", net::Transport::udp, false, "silent"), kdc("kdc2", net::Transport::tcp, false, "refused")};
  CHECK(
      find_problems(d) ==
      std::vector<std::string>{"clock 7 min ahead of the KDC kdc1:88: tickets will fail (allowed skew 300 s)",
                               "KDC kdc2:88 silent over UDP", "KDC kdc2:88 refused the connection over TCP"});
  CHECK(any_kdc_answered(d));
  CHECK(clock_skewed(d));
  d.kdcs[0].clock_offset_s = 299.0;  // behind, but within the skew
  d.kdcs[1].clock_offset_s = 299.0;
  CHECK_FALSE(clock_skewed(d));
  CHECK(find_problems(d).size() == 2);
}

TEST_CASE("problems: no KDC answering comes first; a principal the KDC does not know") {
  Diagnosis d;
  d.realm = "EXAMPLE.COM";
  d.kdcs = {kdc("kdc1", net::Transport::udp, false, "silent")};
  d.principal.emplace();
  d.principal->name = "alice@EXAMPLE.COM";
  d.principal->unknown = true;
  auto problems = find_problems(d);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0] == "no KDC of EXAMPLE.COM answered");
  CHECK(problems[2] == "principal alice@EXAMPLE.COM is unknown to the KDC");
  CHECK_FALSE(any_kdc_answered(d));
}

TEST_CASE("problems: a password server is fine when one transport answers (Heimdal's has no TCP)") {
  Diagnosis d;
  d.kdcs = {kdc("kdc1", net::Transport::udp, true)};
  d.kpasswd = {kdc("pw", net::Transport::udp, true), kdc("pw", net::Transport::tcp, false, "refused")};
  d.kadmin = {kdc("adm", net::Transport::tcp, false, "silent")};
  CHECK(find_problems(d) == std::vector<std::string>{"admin server adm:88 silent over TCP"});
  d.kpasswd[0] = kdc("pw", net::Transport::udp, false, "silent");
  CHECK(find_problems(d).front() == "password server pw:88 silent over UDP, refused the connection over TCP");
}

namespace {

// Answers per host: "good" with PREAUTH_REQUIRED, "skewed" the same 10 min
// ahead, "quiet" never; connect() succeeds for "adm".
class FakeProber final : public net::Prober {
 public:
  net::ProbeOutcome exchange(std::string_view, const net::KdcTarget& t, net::Service service,
                             BytesView request, std::chrono::milliseconds deadline) const override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests.push_back(net::to_string(t));
      deadlines.push_back(deadline);
    }
    net::ProbeOutcome o;
    o.received = std::chrono::system_clock::time_point(kKdcTime.time_since_epoch());
    if (t.host == "quiet") {
      o.error = net::kProbeSilent;
      return o;
    }
    o.reachable = true;
    o.rtt = 2000us;
    if (service == net::Service::kpasswd) {
      o.reply = Bytes{0, 1};
      return o;
    }
    auto reply = error_reply(KdcErr::preauth_required, offered_padata());
    auto as_req = decode_as_req(request);
    if (as_req.ok() && as_req->req_body.cname && as_req->req_body.cname->name_string.at(0) != "alice")
      reply = error_reply(KdcErr::c_principal_unknown);
    if (t.host == "skewed") reply.stime += 600s;
    o.reply = encode(reply);
    return o;
  }
  net::ProbeOutcome connect(const net::KdcTarget& t, std::chrono::milliseconds) const override {
    net::ProbeOutcome o;
    o.reachable = t.host == "adm";
    o.error = o.reachable ? "" : std::string(net::kProbeRefused);
    return o;
  }
  mutable std::vector<std::string> requests;
  mutable std::vector<std::chrono::milliseconds> deadlines;

 private:
  mutable std::mutex mutex_;
};

const char* kConf = R"(
[libdefaults]
  dns_lookup_kdc = false
[realms]
  EXAMPLE.COM = {
    kdc = good
    kdc = udp/skewed:750
    kdc = tcp/quiet
    kpasswd_server = pw
    admin_server = adm
  }
)";

}  // namespace

TEST_CASE("a whole run over a fake prober: every server probed once per transport, findings read") {
  FakeProber prober;
  DiagnoseOptions options;
  options.realm = "EXAMPLE.COM";
  options.principal = Principal{NameType::principal, {"alice"}, "EXAMPLE.COM"};
  options.deadline = 700ms;
  auto d = diagnose(profile_of(kConf), options, prober);
  REQUIRE(d.ok());
  REQUIRE(d->kdcs.size() == 4);
  CHECK(net::to_string(d->kdcs[0].target) == "udp/good:88");
  CHECK(net::to_string(d->kdcs[1].target) == "tcp/good:88");
  CHECK(d->kdcs[0].source == net::ServerSource::config);
  CHECK(d->kdcs[0].rtt_ms == std::optional<double>(2.0));
  // stime + 0.25 s against the reply's arrival less half the 2 ms round trip
  REQUIRE(d->kdcs[0].clock_offset_s.has_value());
  CHECK(*d->kdcs[0].clock_offset_s == doctest::Approx(0.251));
  REQUIRE(d->kdcs[2].clock_offset_s.has_value());
  CHECK(*d->kdcs[2].clock_offset_s == doctest::Approx(600.251));
  CHECK_FALSE(d->kdcs[3].reachable);
  CHECK(d->kdcs[3].error == "silent");
  REQUIRE(d->principal.has_value());
  CHECK(d->principal->preauth_required == std::optional<bool>(true));
  CHECK(d->principal->offers.size() == 4);
  CHECK(d->kpasswd.size() == 2);
  REQUIRE(d->kadmin.size() == 1);
  CHECK(d->kadmin[0].reachable);
  CHECK(d->problems == std::vector<std::string>{
                           "clock 10 min behind the KDC skewed:750: tickets will fail (allowed skew 300 s)",
                           "KDC quiet:88 silent over TCP"});
  for (auto deadline : prober.deadlines) CHECK(deadline == 700ms);
  CHECK(prober.requests.size() == 6);  // 4 KDC probes, 2 password-server probes
}

TEST_CASE("--kdc replaces the located KDCs; without a principal nothing is said about one") {
  FakeProber prober;
  DiagnoseOptions options;
  options.realm = "EXAMPLE.COM";
  options.kdcs = {target("good", net::Transport::udp, 1088)};
  auto d = diagnose(profile_of(kConf), options, prober);
  REQUIRE(d.ok());
  REQUIRE(d->kdcs.size() == 1);
  CHECK(d->kdcs[0].given);
  CHECK(d->kdcs[0].clock_offset_s.has_value());  // from the unknown client's error
  CHECK_FALSE(d->principal.has_value());
  CHECK(d->problems.empty());
}
