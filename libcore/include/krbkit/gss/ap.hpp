#pragma once
// AP-REQ / AP-REP helpers (RFC 4120 3.2 and 5.5), shared by the GSS-API
// mechanism and by any exchange that authenticates with a service ticket
// (TGS-REQ's PA-TP-GS-REQ, kpasswd). Pure: no I/O.
//
//   ApReqOptions opt;
//   opt.ap_options = ap_options::mutual_required;
//   KRBKIT_TRY(req, make_ap_req(service_creds, opt));      // req.der goes on the wire
//   ...
//   KRBKIT_TRY(rep, read_ap_rep(reply_der, service_creds.session_key, req));
//   rep.subkey, rep.seq_number                               // the acceptor's choices

#include <cstdint>
#include <optional>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/proto/credentials.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::gss {

struct ApReqOptions {
  std::uint32_t ap_options = 0;             // e.g. ap_options::mutual_required
  std::optional<Checksum> checksum;         // the authenticator's cksum
  bool make_subkey = true;                  // a random subkey of the session key's enctype
  std::optional<std::uint32_t> seq_number;  // the authenticator's seq-number
  AuthorizationData authorization_data;
  KeyUsage usage = KeyUsage::ap_req_authenticator;  // of the authenticator (TGS-REQ: tgs_req_authenticator)
};

// What was sent, for checking the AP-REP and keying the session afterwards.
struct ApReqSent {
  Bytes der;  // AP-REQ
  KerberosTime ctime{};
  std::int32_t cusec = 0;
  std::optional<Key> subkey;
  std::optional<std::uint32_t> seq_number;
};

// Builds an AP-REQ from a service ticket (creds.ticket, creds.session_key,
// creds.client). Errc::parse when creds.ticket is not a Ticket.
Result<ApReqSent> make_ap_req(const Credentials& creds, const ApReqOptions& options);

// Decodes an AP-REP, decrypts its enc-part with the session key (usage 12)
// and checks that it answers `sent` (same ctime and cusec, RFC 4120 3.2.5).
// A KRB-ERROR in place of the AP-REP is returned as its error.
Result<EncApRepPart> read_ap_rep(BytesView der, const Key& session_key, const ApReqSent& sent);

// A random initial sequence number as MIT picks it: 30 bits, non-zero.
// Errc::internal when the system cannot give random bytes.
Result<std::uint32_t> random_sequence_number();

}  // namespace krbkit::gss
