#pragma once
// The TGS exchange (RFC 4120 3.3) as a sans-I/O step machine: one TGS-REQ
// made with a ticket-granting ticket (or, for renew and validate, with the
// ticket itself), and the checks of its reply. No network here; see
// tgs_creds.hpp for the loop that sends, follows referrals and caches.
//
//   TgsExchange tgs(tgt, {.server = service}, defaults);
//   KRBKIT_TRY(step, tgs.start());                 // TgsSend: the TGS-REQ
//   while (auto* send = std::get_if<TgsSend>(&step)) {
//     Bytes reply = ...send->request to send->realm's KDC...;
//     KRBKIT_TRY(next, tgs.on_reply(reply));      // TgsResult, or the same request over TCP
//     step = std::move(next);
//   }
//
// The request: KDC-REQ-BODY with the options, the server, the times
// (default: the TGT's end and renew-till), a nonce and the enctypes;
// PA-TGS-REQ = AP-REQ { the TGT, Authenticator { checksum over the DER
// KDC-REQ-BODY (key usage 6, the session key's mandatory checksum), a fresh
// subkey } encrypted in the TGT session key (usage 7) }; PA-S4U-X509-USER
// and PA-FOR-USER for S4U2Self, PA-PAC-OPTIONS for S4U2Proxy (tgs_s4u.hpp).
//
// The reply (RFC 4120 3.3.4, MIT's krb5int_process_tgs_reply):
//   KRB-ERROR RESPONSE_TOO_BIG   the same request over TCP
//   KRB-ERROR anything else      Error{kdc_error(code)} naming the server
//   TGS-REP                      enc-part decrypted with the subkey (usage 9),
//                                else the session key (usage 8); then checked:
//                                nonce; client (the TGT's, or the S4U2Self
//                                user: the name the KDC signed in its
//                                PA-S4U-X509-USER when it sent one); server and realm as requested, or
//                                with canonicalize a referral TGT
//                                krbtgt/OTHER@REALM or a renamed server in
//                                the same realm; ticket and enc-part agree;
//                                session key enctype requested or permitted;
//                                end time and renew-till within the request.
//                                Addresses are not compared: the credential
//                                gets the reply's caddr, else (MIT's KDC
//                                omits them unless forwarded/proxy) the
//                                addresses requested, as MIT's kdcrep2creds.
// Reply checks fail with Errc::reply_mismatch naming what differed.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/exchange/tgs_s4u.hpp"
#include "krbkit/proto/credentials.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::exchange {

// What to ask the KDC for.
struct TgsRequest {
  // The service. Its realm goes into the request body; empty means the
  // realm of the KDC asked (the TGT's service realm), as for referrals.
  Principal server;
  std::uint32_t kdc_options = 0;  // kdc_options::* (renew, validate, canonicalize, ...)
  // Session key enctypes in preference order; empty: default_tgs_enctypes,
  // else MIT's default list (weak ones only with allow_weak_crypto).
  std::vector<Enctype> enctypes;
  std::optional<KerberosTime> from;   // postdated start
  std::optional<KerberosTime> till;   // default: the TGT's end time
  std::optional<KerberosTime> rtime;  // with kdc_options::renewable; default: the TGT's renew-till
  // DER Tickets for additional-tickets: the other user's TGT with
  // enc_tkt_in_skey (user-to-user), the evidence ticket for S4U2Proxy.
  std::vector<Bytes> additional_tickets;
  // S4U2Self: the user to get a ticket for (PA-FOR-USER, and with
  // s4u_x509_user also PA-S4U-X509-USER, as MIT sends both).
  std::optional<Principal> for_user;
  bool s4u_x509_user = true;
  // PA-PAC-OPTIONS flags (pac_options::*) to send; 0 sends none. S4U2Proxy
  // sends resource_based_delegation, as MIT does.
  std::uint32_t pac_options = 0;
  // S4U2Proxy (kdc_options::cname_in_addl_tkt): the evidence ticket's client,
  // whom the reply must name.
  std::optional<Principal> evidence_client;
  // KDC-REQ-BODY addresses. Default: those of the ticket in the AP-REQ (the
  // TGT, or the ticket renewed or validated), as MIT sends cur_tgt->addresses
  // in every TGS-REQ (get_creds.c make_request, val_renew.c, s4u_creds.c), so
  // an address-bound TGT yields address-bound tickets and an address-less one
  // address-less tickets. An empty list sends none.
  std::optional<std::vector<HostAddress>> addresses;
  bool subkey = true;  // send a fresh Authenticator subkey (as MIT does)
  // Armor the request with FAST, its own TGT the armor (RFC 6113 5.4.1.1:
  // armor key KRB-FX-CF2(subkey, TGT session key)), as MIT armors every
  // TGS-REQ. A KDC that offers FAST answers inside it: its finished
  // checksum is verified and the reply key strengthened. One that does not
  // answers outside FAST, and that reply is taken as an unarmored one, as
  // MIT takes it. Needs the subkey.
  bool fast = true;
};

// Time, nonces and keys, replaceable in tests.
struct TgsHooks {
  std::function<std::chrono::system_clock::time_point()> now;  // default: system_clock::now
  std::function<std::uint32_t()> nonce;                        // default: random, below 2^31
  std::chrono::microseconds kdc_offset{0};                     // KDC clock minus ours (cache header)
  std::function<Result<Key>(Enctype)> subkey;                  // default: a random key
};

// The next message to send: to a KDC of `realm`.
struct TgsSend {
  Bytes request;
  std::string realm;
  bool tcp_only = false;  // after KRB_ERR_RESPONSE_TOO_BIG
};

struct TgsResult {
  Credentials creds;
  // The KDC answered with a TGT for another realm instead of the service
  // (canonicalize was set): follow it with creds as the next TGT.
  bool referral = false;
  // The realm of that referral TGT's service (krbtgt/<realm>@...).
  std::string referral_realm;
  // Which key decrypted the reply (9: subkey, 8: session key).
  KeyUsage reply_key_usage{};
  // The reply came inside FAST, its finished checksum verified.
  bool fast_armored = false;
  // S4U2Self: the KDC confirmed the user's name in a signed PA-S4U-X509-USER
  // (MIT's KDC, Windows); false when it sent none (Samba's KDC).
  bool s4u_user_signed = false;
};

using TgsStep = std::variant<TgsSend, TgsResult>;

class TgsExchange {
 public:
  // `tgt` authenticates the request (its ticket goes into the AP-REQ): a
  // TGT, or for renew/validate the ticket to renew or validate.
  TgsExchange(const Credentials& tgt, TgsRequest request, const config::LibDefaults& defaults,
              Tracer tracer = {}, TgsHooks hooks = {});

  Result<TgsStep> start();
  Result<TgsStep> on_reply(BytesView reply);

  // The realm whose KDC is asked: the TGT's service realm (krbtgt/<this>@...).
  const std::string& kdc_realm() const { return kdc_realm_; }
  // The request as built (tests).
  const KdcReqBody& body() const { return body_; }
  const std::optional<Key>& subkey() const { return subkey_; }

 private:
  Result<TgsStep> on_tgs_rep(KdcRep rep);
  Result<void> choose_enctypes();
  Result<void> make_body();
  Result<void> add_s4u_padata(std::vector<PaData>& padata);
  void trace_request() const;
  struct OpenedReply {
    SecretBytes plain;
    KeyUsage usage;
  };
  Result<OpenedReply> open_reply(const KdcRep& rep, const std::optional<Key>& strengthen) const;
  // tgs_fast.cpp: the padata, with PA-FX-FAST when armored; the error or
  // reply taken out of FAST.
  Result<std::vector<PaData>> request_padata(Bytes ap_req, std::vector<PaData> rest);
  KrbError unwrap_error(const KrbError& outer) const;
  Result<std::optional<Key>> open_fast(KdcRep& rep, bool& armored) const;
  Result<void> check_client(const KdcRep& rep, const EncKdcRepPart& enc, bool& s4u_signed);
  Result<void> check_server(const KdcRep& rep, const EncKdcRepPart& enc, TgsResult& result) const;
  Result<void> check_key_and_times(const EncKdcRepPart& enc) const;
  Result<Bytes> make_padata_ap_req(const Bytes& body_der);

  Credentials tgt_;
  TgsRequest request_;
  const config::LibDefaults& defaults_;
  Tracer trace_;
  TgsHooks hooks_;
  std::string kdc_realm_;
  Principal server_;  // with its realm filled in
  std::vector<Enctype> enctypes_;
  KdcReqBody body_;
  std::optional<Key> subkey_;
  std::optional<Key> armor_key_;       // FAST: the request was armored with it
  std::optional<S4uUserId> s4u_sent_;  // the PA-S4U-X509-USER user-id sent
  Bytes s4u_checksum_;                 // ... and its checksum
  Bytes last_request_;
  bool sent_ = false;
  bool done_ = false;
};

// The realm a TGT gets tickets in: krbtgt/<this>@ISSUER.
std::string tgt_service_realm(const Credentials& tgt);

// The KDC options MIT copies from a TGT into a TGS-REQ (forwardable,
// proxiable, renewable when the TGT has them), plus `extra`.
std::uint32_t tgs_options_from_tgt(const Credentials& tgt, std::uint32_t extra);

// PA-FOR-USER (MS-SFU 2.2.1) for S4U2Self, with its HMAC-MD5 checksum over
// name-type, name, realm and "Kerberos" keyed with the TGT session key
// (key usage 17).
//   PA-FOR-USER ::= SEQUENCE {
//     userName    [0] PrincipalName,
//     userRealm   [1] Realm,
//     cksum       [2] Checksum,
//     auth-package [3] KerberosString }
Result<Bytes> encode_pa_for_user(const Principal& user, const Key& tgt_session_key);

}  // namespace krbkit::exchange
