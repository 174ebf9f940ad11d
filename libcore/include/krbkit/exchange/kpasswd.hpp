#pragma once
// Changing and setting passwords with a password server (RFC 3244, the
// "kpasswd" protocol on port 464), as a sans-I/O exchange: this header only
// builds requests and reads replies; kpasswd_client.hpp does the network.
//
// Request and reply share one frame (all numbers big-endian):
//
//   request ::= length(2) version(2) ap-req-length(2) AP-REQ KRB-PRIV
//   reply   ::= length(2) version(2) ap-rep-length(2) AP-REP KRB-PRIV
//             | length(2) version(2) 0x0000 KRB-ERROR        (framed error)
//             | KRB-ERROR                                     (unframed error)
//
//   version 0x0001  change the ticket's client's own password: the KRB-PRIV's
//                   user-data is the new password;
//   version 0xff80  set-password (RFC 3244): the user-data is a DER
//                   ChangePasswdData naming a target principal and realm.
//
// The AP-REQ carries a fresh subkey and a sequence number; the KRB-PRIV is
// encrypted in that subkey (key usage 13) with a timestamp, that sequence
// number and our address as s-address. The reply's KRB-PRIV (also in the
// subkey) or the KRB-ERROR's e-data holds a 2-byte result code and a result
// string:
//
//   KpasswdExchange x(creds, new_password, std::nullopt);   // creds: kadmin/changepw@REALM
//   KRBKIT_TRY(req, x.request(local_address));
//   ...send req to a server of the realm, read the reply...
//   KRBKIT_TRY(result, x.on_reply(reply));
//   result.ok() ? "Password changed." : result.describe()

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/exchange/kpasswd_result.hpp"
#include "krbkit/gss/ap.hpp"
#include "krbkit/proto/credentials.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::exchange {

inline constexpr std::uint16_t kKpasswdVersionChange = 0x0001;
inline constexpr std::uint16_t kKpasswdVersionSetPassword = 0xff80;

// Time and randomness, replaceable in tests.
struct KpasswdHooks {
  std::function<std::chrono::system_clock::time_point()> now{};
  std::function<std::uint32_t()> sequence_number{};
  // Accepted difference between the reply's timestamp and our clock.
  std::chrono::seconds clockskew{300};
};

class KpasswdExchange {
 public:
  // `creds` is a kadmin/changepw ticket (an initial one: servers refuse
  // others). Without `target` the request changes creds.client's password
  // (version 1); with it, it sets the target's password (version 0xff80).
  // `force_set_password` sends 0xff80 (with the client as target) even for
  // one's own password.
  KpasswdExchange(Credentials creds, SecretBytes new_password, std::optional<Principal> target,
                  KpasswdHooks hooks = {}, bool force_set_password = false);

  // The request to send to one server; `local` (our address as that server
  // sees it) goes into the KRB-PRIV as s-address. The AP-REQ is made on the
  // first call and reused for every server, as MIT does.
  Result<Bytes> request(const HostAddress& local);

  // Reads a server's reply. Errors are failures of the exchange itself (a
  // damaged or forged reply, AP-REP mismatch, a KRB-ERROR without a result):
  // a refusal by the server is a KpasswdResult with a non-zero code.
  Result<KpasswdResult> on_reply(BytesView reply) const;

  std::uint16_t version() const { return version_; }
  const Credentials& credentials() const { return creds_; }

 private:
  Result<KpasswdResult> read_krb_error(BytesView der) const;
  Result<KpasswdResult> read_result_data(BytesView data, bool from_error) const;

  Credentials creds_;
  SecretBytes new_password_;
  std::optional<Principal> target_;
  KpasswdHooks hooks_;
  std::uint16_t version_;
  std::uint32_t seq_number_ = 0;
  std::optional<gss::ApReqSent> ap_req_;
};

// The frame around an AP-REQ/AP-REP and a KRB-PRIV/KRB-ERROR (exposed for
// tests and servers). Errc::invalid_argument when a part exceeds 65535 bytes.
Result<Bytes> frame_kpasswd(std::uint16_t version, BytesView ap, BytesView priv);
struct KpasswdFrame {
  std::uint16_t version = 0;
  BytesView ap;    // AP-REQ or AP-REP; empty for a framed KRB-ERROR
  BytesView rest;  // KRB-PRIV or KRB-ERROR
};
// Errc::parse naming what is wrong ("kpasswd reply: length field 80 != 74").
Result<KpasswdFrame> unframe_kpasswd(BytesView data, const char* what = "kpasswd reply");

}  // namespace krbkit::exchange
