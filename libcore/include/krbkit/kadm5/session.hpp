#pragma once
// Which kadmin protocol an admin server speaks, and a session in it.
//
// MIT's kadmind speaks ONC RPC with RPCSEC_GSS (client.hpp); Heimdal's its
// own sendauth + KRB-PRIV protocol (heimdal_client.hpp). Heimdal's kadmind
// tells them apart by the first four bytes and ends the connection on any
// RPC it cannot serve, so the probe is one RPC both servers end cleanly: an
// RPCSEC_GSS DESTROY for no context. MIT's kadmind answers it with an RPC
// reply (an auth error) and closes; Heimdal's kadmind closes without a byte
// ("client destroyed gss context" in its log). Anything else answering is
// not a kadmin server (a server that never answers holds the probe for the
// connection's I/O timeout). One round trip on a connection of its own;
// the session then opens a fresh connection.

#include <memory>
#include <optional>
#include <string_view>

#include "krbkit/base/result.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/kadm5/admin.hpp"
#include "krbkit/kadm5/client.hpp"
#include "krbkit/net/realm_transport.hpp"
#include "krbkit/proto/credentials.hpp"

namespace krbkit::kadm5 {

enum class Protocol { mit, heimdal };

const char* protocol_name(Protocol p);  // "mit", "heimdal"
// "mit" or "heimdal" (any case); Errc::invalid_argument otherwise.
Result<Protocol> parse_protocol(std::string_view name);
// [realms] REALM kadmin_protocol (a krbkit extension); nullopt when unset.
Result<std::optional<Protocol>> configured_protocol(const config::Profile& profile, std::string_view realm);

// The probe's bytes (a record-marked RPC call), and what its answer says:
// Errc::unsupported ("... is not a kadmin server") for an answer that is
// neither. Exposed for the unit tests.
Bytes detection_probe();
Result<Protocol> read_detection_answer(BytesView answer);

// Sends the probe over a connection of its own to `server` and reads the answer.
Result<Protocol> detect_protocol(const net::RealmTransport& transport, const ServerAddress& server);

// A session with `server` in `protocol` (detected first when nullopt).
Result<std::unique_ptr<Admin>> open_session(const Credentials& kadmin_ticket, const ServerAddress& server,
                                            const net::RealmTransport& transport,
                                            std::optional<Protocol> protocol);

}  // namespace krbkit::kadm5
