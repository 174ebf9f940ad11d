// Choosing the kadmin protocol (session.hpp): configuration, the probe, and
// the session in the protocol found.

#include "krbkit/kadm5/session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "krbkit/kadm5/heimdal_client.hpp"
#include "krbkit/rpc/message.hpp"
#include "krbkit/rpc/xdr.hpp"

namespace krbkit::kadm5 {
namespace {

constexpr std::uint32_t kProbeXid = 0x6b726b74;  // "krkt"
constexpr std::uint32_t kLastFragment = 0x80000000;
constexpr std::uint32_t kFlavorRpcsecGss = 6;
constexpr std::uint32_t kGssDestroy = 3;
constexpr std::uint32_t kGssServiceNone = 1;
// MIT's kadmind answers the probe, Heimdal's closes at once; a server that
// does neither within this is not a kadmin server we can talk to.
constexpr std::chrono::seconds kProbeTimeout{5};

Error not_kadmin(const std::string& why) {
  return Error{Errc::unsupported, "the admin server is not a kadmin server (" + why + ")"};
}

}  // namespace

const char* protocol_name(Protocol p) { return p == Protocol::mit ? "mit" : "heimdal"; }

Result<Protocol> parse_protocol(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "mit") return Protocol::mit;
  if (lower == "heimdal") return Protocol::heimdal;
  return Error{Errc::invalid_argument,
               fmt::format("unknown kadmin protocol \"{}\" (expected mit or heimdal)", name)};
}

Result<std::optional<Protocol>> configured_protocol(const config::Profile& profile, std::string_view realm) {
  auto value = profile.get({"realms", std::string(realm), "kadmin_protocol"});
  if (!value) return std::optional<Protocol>{};
  KRBKIT_TRY(p, parse_protocol(*value).context("in krb5.conf [realms] kadmin_protocol"));
  return std::optional<Protocol>{p};
}

// CALL to KADM v2 procedure 0 with an RPCSEC_GSS credential {version 1,
// DESTROY, seq 0, service none, no handle} and a null verifier.
Bytes detection_probe() {
  rpc::XdrWriter cred;
  cred.u32(1);
  cred.u32(kGssDestroy);
  cred.u32(0);
  cred.u32(kGssServiceNone);
  cred.opaque({});
  rpc::XdrWriter call;
  call.u32(kProbeXid);
  call.u32(0);  // CALL
  call.u32(2);  // RPC version
  call.u32(kProgram);
  call.u32(kVersion);
  call.u32(0);  // NULLPROC
  call.u32(kFlavorRpcsecGss);
  call.opaque(cred.bytes());
  call.u32(0);  // AUTH_NONE verifier
  call.opaque({});
  Bytes body = call.take();
  Bytes out;
  put_u32be(out, kLastFragment | static_cast<std::uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// Nothing at all: Heimdal. One RPC record replying to the probe: MIT.
Result<Protocol> read_detection_answer(BytesView answer) {
  if (answer.empty()) return Protocol::heimdal;
  if (answer.size() < 4) return not_kadmin(fmt::format("it answered {} bytes", answer.size()));
  const std::uint32_t mark = get_u32be(answer.data());
  if (!(mark & kLastFragment) || (mark & ~kLastFragment) != answer.size() - 4)
    return not_kadmin("its answer is not an RPC record");
  auto reply = rpc::decode_reply(answer.subspan(4));
  if (!reply.ok() || reply->xid != kProbeXid) return not_kadmin("its answer is not a reply to the probe");
  return Protocol::mit;
}

Result<Protocol> detect_protocol(const net::RealmTransport& transport, const ServerAddress& server) {
  KRBKIT_TRY(stream, transport.connect(net::KdcTarget{server.host, server.port, net::Transport::tcp}));
  stream->set_timeout(kProbeTimeout);
  KRBKIT_CHECK(stream->write_all(detection_probe()));
  Bytes answer(4);
  auto first = stream->read_exact(std::span(answer.data(), 1));
  if (!first.ok()) {
    if (first.error().is(Errc::io)) return read_detection_answer({});  // closed without a byte
    return not_kadmin(fmt::format("no answer to the protocol probe within {} s: {}", kProbeTimeout.count(),
                                  first.error().message()));
  }
  if (!stream->read_exact(std::span(answer.data() + 1, 3)).ok())
    return not_kadmin("it answered 1 to 3 bytes");
  const std::uint32_t length = get_u32be(answer.data()) & ~kLastFragment;
  if (length > 400) return not_kadmin("its answer is not an RPC reply");
  answer.resize(4 + length);
  if (!stream->read_exact(std::span(answer.data() + 4, length)).ok())
    return not_kadmin("its answer stops short");
  return read_detection_answer(answer);
}

Result<std::unique_ptr<Admin>> open_session(const Credentials& ticket, const ServerAddress& server,
                                            const net::RealmTransport& transport,
                                            std::optional<Protocol> protocol) {
  if (!protocol) {
    KRBKIT_TRY(found, detect_protocol(transport, server));
    transport.tracer()("kadmin: {} speaks the {} kadmin protocol", server.host, protocol_name(found));
    protocol = found;
  }
  if (*protocol == Protocol::mit) {
    KRBKIT_TRY(c, Client::connect(ticket, server, transport));
    return std::unique_ptr<Admin>(std::make_unique<Client>(std::move(c)));
  }
  KRBKIT_TRY(stream, transport.connect(net::KdcTarget{server.host, server.port, net::Transport::tcp}));
  KRBKIT_TRY(c, HeimdalClient::open(std::move(stream), ticket));
  return std::unique_ptr<Admin>(std::make_unique<HeimdalClient>(std::move(c)));
}

}  // namespace krbkit::kadm5
