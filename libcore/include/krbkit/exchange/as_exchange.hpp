#pragma once
// The AS exchange (RFC 4120 3.1) as a sans-I/O state machine, in the manner
// of MIT's krb5_init_creds_step: it never touches the network.
//
//   AsExchange as(request, defaults, keys);
//   KRBKIT_TRY(step, as.start());                  // SendToKdc: the first AS-REQ
//   while (auto* send = std::get_if<SendToKdc>(&step)) {
//     Bytes reply = ...send->request to send->realm...;
//     KRBKIT_TRY(next, as.on_reply(reply));       // next AS-REQ, or the AsResult
//     step = std::move(next);
//   }
//
// Named transitions of on_reply():
//   KRB-ERROR PREAUTH_REQUIRED   read METHOD-DATA (ETYPE-INFO2, else ETYPE-INFO,
//                                PW-SALT), derive the key, answer with the
//                                mechanism of the preauth table chosen as MIT
//                                does (preferred_preauth_types first, then the
//                                KDC's order; PA-ENCRYPTED-CHALLENGE under FAST,
//                                PA-ENC-TIMESTAMP without); same KDC (same_kdc)
//   KRB-ERROR MORE_PREAUTH_DATA_ the mechanism's next round (SPAKE: the response
//             REQUIRED           to the KDC's challenge), the cookie echoed
//   KRB-ERROR PREAUTH_FAILED /   after an optimistic PA-ENC-TIMESTAMP made from
//   PREAUTH_REQUIRED             cached etype-info: start over without it, once
//   KRB-ERROR RESPONSE_TOO_BIG   the same request again over TCP
//   KRB-ERROR SKEW               (kdc_timesync) adopt the KDC's time and send the
//                                pre-authentication again, once
//   KRB-ERROR anything else      Error{kdc_error(code)}
//   AS-REP                       decrypt with key usage 3 and check it: nonce,
//                                client and server names and realms (renamed
//                                only when canonicalization was asked for),
//                                reply and session key enctypes, times
// With AsRequest::armor every request is armored (RFC 6113): the KDC's
// errors are opened from PA-FX-ERROR and its cookie echoed, the AS-REP's
// FAST finished is checked and the reply key strengthened. A reply without
// FAST is refused (Errc::fast_not_used): nothing in it would be protected.
// Reply checks fail with Errc::reply_mismatch naming what differed.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/trace.hpp"
#include "krbkit/ccache/format.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/crypto/pkinit.hpp"
#include "krbkit/exchange/fast.hpp"
#include "krbkit/exchange/key_source.hpp"
#include "krbkit/proto/credentials.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::exchange {

namespace detail {
struct PreauthMech;
struct PreauthInput;
struct PreauthState;
}  // namespace detail

// PKINIT (RFC 4556): what the client trusts and offers. With these in an
// AsRequest the exchange may answer the KDC with PA-PK-AS-REQ; anonymous
// requests (RFC 8062) answer with nothing else. A client that is not
// anonymous signs with the first of `identities` that loads.
struct PkinitOptions {
  bool anonymous = false;
  pkinit::Trust trust;                     // pkinit_anchors, pkinit_pool, pkinit_revoke
  int dh_min_bits = 2048;                  // pkinit_dh_min_bits: the MODP group first asked for
  std::vector<std::string> kdc_hostnames;  // pkinit_kdc_hostname: dNSName SANs accepted for the KDC
  enum class Eku { kdc, server_auth, none } eku = Eku::kdc;  // pkinit_eku_checking
  std::vector<std::string> identities;  // X509_user_identity (kinit -X), else pkinit_identities
  pkinit::ClientIdentity::AskPassphrase ask_passphrase{};  // for an encrypted key or PKCS#12 file
  bool freshness = true;  // send the KDC's freshness token (-X disable_freshness=yes: not)
};

// krb5.conf's PKINIT settings for `realm`, as MIT's client reads them: the
// realm's [realms] entry, else [libdefaults]: pkinit_anchors, pkinit_pool,
// pkinit_revoke, pkinit_dh_min_bits, pkinit_kdc_hostname, pkinit_eku_checking,
// pkinit_identities.
Result<PkinitOptions> pkinit_options(const config::Profile& profile, const std::string& realm);

// kinit -X's attributes as MIT's PKINIT module takes them:
// X509_user_identity (once; replaces pkinit_identities), X509_anchors (each
// adds one; together they replace pkinit_anchors), disable_freshness=yes.
// Others are left to `ignored`, as MIT ignores them; "-X name" means
// name=yes. Errc::invalid_argument for a second X509_user_identity.
Result<void> apply_preauth_attributes(PkinitOptions& opts, const std::vector<std::string>& attributes,
                                      std::vector<std::string>& ignored);

// The anonymous principal of RFC 8062: WELLKNOWN/ANONYMOUS@realm (the
// request) and WELLKNOWN/ANONYMOUS@WELLKNOWN:ANONYMOUS (the reply's client).
Principal anonymous_principal(std::string realm = "WELLKNOWN:ANONYMOUS");
bool is_anonymous(const Principal& p);

// What to ask for. Unset fields take krb5.conf's [libdefaults] values.
struct AsRequest {
  Principal client{};
  // The service; default krbtgt/REALM@REALM. Its realm is always the
  // client's (as MIT does for kinit -S and the kadmin/kpasswd tickets).
  std::optional<Principal> server{};
  std::optional<std::chrono::seconds> lifetime{};    // -l; default ticket_lifetime
  std::optional<std::chrono::seconds> renew_life{};  // -r; default renew_lifetime (0: not renewable)
  std::optional<std::chrono::seconds> start_in{};    // -s: postdated, valid from now + this
  std::optional<bool> forwardable{};                 // -f / -F
  std::optional<bool> proxiable{};                   // -p / -P
  std::optional<bool> with_addresses{};              // -a / -A; default !noaddresses
  std::vector<HostAddress> addresses{};              // sent when with_addresses; get_initial_credentials
                                                     // fills in local_addresses(profile) when empty
  std::optional<bool> request_pac{};                 // PA-PAC-REQUEST; nullopt: none sent
  bool canonicalize = false;                         // -C (and -E)
  // Enctypes in preference order; empty: default_tkt_enctypes (or MIT's
  // default list), restricted to what the key source has.
  std::vector<Enctype> enctypes{};
  // The client's etype-info remembered from the last time (see
  // cached_etype_info()): a password key is then made at once and sent with
  // the first request, saving a round trip.
  std::vector<EtypeInfo2Entry> cached_etype_info{};
  // FAST armor (kinit -T): every request of the exchange goes inside it.
  std::shared_ptr<const FastArmor> armor{};
  // MIT's informational padata in every request: an empty PA-AS-FRESHNESS
  // and PA-REQ-ENC-PA-REP (RFC 6806 11), whose answer says, under the reply
  // key, whether the KDC offers FAST (fast_avail). Dropped for the rest of
  // the exchange when a KDC refuses it (PREAUTH_FAILED to a request without
  // pre-authentication, as MIT's pre-1.7 fallback). false only to replay a
  // captured conversation: its reply checksums another client's bytes.
  bool informational_padata = true;
  // kinit -I: the one pre-authentication type allowed, the pa_type an
  // earlier login recorded in the input cache (MIT's allowed_preauth_type).
  std::optional<PaType> only_preauth{};
  // PKINIT; with anonymous set, `client` should be anonymous_principal(realm).
  std::shared_ptr<const PkinitOptions> pkinit{};
  // [realms] disable_encrypted_timestamp: never answer with PA-ENC-TIMESTAMP
  // (get_initial_credentials sets it from krb5.conf).
  bool no_encrypted_timestamp = false;
};

// Time and randomness, replaceable in tests.
struct AsHooks {
  std::function<std::chrono::system_clock::time_point()> now{};  // default: system_clock::now
  std::function<std::uint32_t()> nonce{};                        // default: random, below 2^31
};

// The next message to send.
struct SendToKdc {
  Bytes request;
  std::string realm;
  bool tcp_only = false;  // after KRB_ERR_RESPONSE_TOO_BIG
  bool same_kdc = false;  // send to the KDC that answered the previous request
};

// What a successful exchange gives.
struct AsResult {
  Credentials creds;
  // The KDC's clock minus ours, learned from the reply (kdc_timesync).
  std::optional<ccache::KdcOffset> kdc_offset;
  // The pre-authentication used, if any, and the etype-info of the key, for
  // the cache (remember_etype_info()).
  std::optional<PaType> pa_type;
  // The KDC said, in the reply's encrypted padata, that it offers FAST.
  bool fast_avail = false;
  std::vector<EtypeInfo2Entry> etype_info;
  std::vector<LastReqEntry> last_req;
  std::optional<KerberosTime> key_expiration;
  // The certificate identity a PKINIT login signed with ("FILE:cert,key").
  std::optional<std::string> pkinit_identity;
  // The exchange was armored (FAST, RFC 6113).
  bool fast = false;
  // The KDC that sent the reply ("127.0.0.1:88/udp", an HTTPS proxy's URL);
  // set by drive(), empty when the exchange ran without it.
  std::string kdc;
};

using AsStep = std::variant<SendToKdc, AsResult>;

class AsExchange {
 public:
  AsExchange(AsRequest request, const config::LibDefaults& defaults, KeySource& keys, Tracer tracer = {},
             AsHooks hooks = {});

  // The first AS-REQ.
  Result<AsStep> start();
  // A reply from the KDC: the next AS-REQ or the credentials.
  Result<AsStep> on_reply(BytesView reply);

  const Principal& client() const { return request_.client; }
  const Principal& server() const { return server_; }
  // The enctypes requested, in order.
  const std::vector<Enctype>& enctypes() const { return enctypes_; }
  // The nonce of the current request (tests).
  std::uint32_t nonce() const { return body_.nonce; }
  // The kvno of the service key the last AS-REP's ticket is encrypted in,
  // as the KDC wrote it in the clear, whether or not the reply decrypted
  // (kvno --audit asks for a ticket to the client itself, and so learns the
  // KDC's kvno of the client's key).
  std::optional<std::uint32_t> ticket_kvno() const { return ticket_kvno_; }
  // The exchange failed because the KDC offered nothing usable outside FAST
  // but FAST itself: armor would have let it go on.
  bool fast_required() const { return fast_required_; }

 private:
  enum class State { initial, sent_plain, sent_preauth, done };

  using PreauthMech = detail::PreauthMech;
  // `fast_padata`: the padata that came with an error inside FAST.
  Result<AsStep> on_error(const KrbError& err, std::optional<std::vector<PaData>> fast_padata);
  Result<AsStep> on_preauth_required(const KrbError& err, std::optional<std::vector<PaData>> fast_padata);
  Result<AsStep> on_more_preauth_data(const KrbError& err, std::optional<std::vector<PaData>> fast_padata);
  // The padata an error came with (inside FAST, else its e-data METHOD-DATA);
  // its PA-FX-COOKIE is kept to echo.
  Result<std::vector<PaData>> error_padata(const KrbError& err,
                                           std::optional<std::vector<PaData>> fast_padata);
  Result<AsStep> send_with_etype_info(const PreauthMech& mech);
  Result<AsStep> on_as_rep(KdcRep rep);
  // The reply opened (FAST) and the key it is encrypted in, in reply_key_.
  Result<void> open_reply_key(KdcRep& rep);
  // reply_key_ from a pre-authentication key: as it is, or strengthened under FAST.
  Result<void> set_reply_key(const Key& base);
  detail::PreauthInput preauth_input(const PaData* hint) const;
  // The reply key: the pre-authentication key if its enctype matches, else
  // one made from the reply's own etype-info (or the default salt).
  Result<void> choose_reply_key(const KdcRep& rep);
  // RFC 4120 3.1.5 and MIT's verify_as_reply: the reply answers our request.
  Result<void> verify_reply(const KdcRep& rep, const EncKdcRepPart& enc) const;
  AsResult result_of(const KdcRep& rep, EncKdcRepPart enc) const;
  Result<AsStep> send_with_preauth(const EtypeInfo2Entry& info, const PreauthMech& mech, bool same_kdc);
  Result<AsStep> send_plain();
  Result<Bytes> encode_request(std::vector<PaData> padata) const;
  std::chrono::system_clock::time_point now() const;
  std::chrono::system_clock::time_point kdc_now() const { return now() + offset_; }

  AsRequest request_;
  const config::LibDefaults& defaults_;
  KeySource& keys_;
  Tracer trace_;
  AsHooks hooks_;
  Principal server_;
  std::vector<Enctype> enctypes_;
  std::vector<Enctype> permitted_;
  KdcReqBody body_;
  State state_ = State::initial;
  Bytes last_request_;
  std::optional<Key> as_key_;  // the key made for pre-authentication
  std::optional<EtypeInfo2Entry> as_key_info_;
  std::optional<PaType> pa_type_;
  const PreauthMech* mech_ = nullptr;  // the mechanism of the last pre-authenticated request
  std::vector<PaData> method_data_;    // the KDC's last METHOD-DATA
  std::optional<PaData> cookie_;       // PA-FX-COOKIE to echo (with or without FAST, as MIT does)
  Bytes body_der_;                     // body_ encoded (SPAKE's key derivation covers it)
  std::shared_ptr<detail::PreauthState> preauth_state_;  // what the mechanisms keep between rounds
  std::optional<Key> reply_key_;                         // the key the AS-REP is encrypted in
  std::optional<Key> strengthen_key_;                    // FAST's strengthen key of the reply
  Key no_key_{};                                         // what a mechanism without a long-term key sees
  bool retried_mech_ = false;                            // a mechanism's own retry (PKINIT's DH group) done
  bool fast_avail_ = false;
  std::optional<std::uint32_t> ticket_kvno_;
  bool info_padata_sent_ = false;  // the last request asked for PA-REQ-ENC-PA-REP
  bool optimistic_ = false;        // preauth sent from cached etype-info
  bool retried_optimistic_ = false;
  bool retried_skew_ = false;
  bool fast_required_ = false;
  std::chrono::microseconds offset_{0};  // KDC clock minus ours, once learned from a SKEW error
  std::chrono::system_clock::time_point request_time_{};
};

// The KDC options an AsRequest gives with `defaults` (for traces and tests).
std::uint32_t as_kdc_options(const AsRequest& request, const config::LibDefaults& defaults);

// The enctypes to request: `wanted` (else default_tkt_enctypes, else MIT's
// default list), weak ones dropped unless allowed, restricted to `available`
// when given. Errc::unsupported_enctype when nothing is left.
Result<std::vector<Enctype>> request_enctypes(const std::vector<Enctype>& wanted,
                                              const config::LibDefaults& defaults,
                                              const std::optional<std::vector<Enctype>>& available);

// The pre-authentication AsExchange answers `method_data` with, chosen as
// MIT's k5_preauth chooses: `preferred` types first (preferred_preauth_types),
// then the KDC's order; only mechanisms that work with (`fast`) or without
// FAST as the request is armored or not. nullopt when none fits.
std::optional<PaType> choose_preauth(const std::vector<PaData>& method_data,
                                     const std::vector<std::int32_t>& preferred, bool fast);

// ---- etype-info in the cache (one round trip less next time) ----

// Cache config key of krbkit's own entry: DER ETYPE-INFO2 about the principal.
inline constexpr std::string_view kEtypeInfoConfigKey = "krbkit_etype_info";
// MIT's entry naming the pre-authentication type used, in decimal ("2").
inline constexpr std::string_view kPaTypeConfigKey = "pa_type";
// MIT's entry saying that the KDC offers FAST ("yes").
inline constexpr std::string_view kFastAvailConfigKey = "fast_avail";
// MIT's entry naming the realm of the TGT when the client's realm is not it
// (anonymous caches: WELLKNOWN:ANONYMOUS).
inline constexpr std::string_view kStartRealmConfigKey = "start_realm";
// MIT's entry of the pre-authentication modules' state, a JSON object:
// {"X509_user_identity":"FILE:cert,key"} after a certificate login.
inline constexpr std::string_view kPaConfigDataKey = "pa_config_data";

// The remembered etype-info for `client`, empty when there is none (or it
// does not parse).
std::vector<EtypeInfo2Entry> cached_etype_info(const ccache::CacheContents& cache, const Principal& client);

// The pa_type config entry the cache holds for `server` (MIT's
// KRB5_CC_CONF_PA_TYPE), nullopt when none or not a number.
std::optional<PaType> recorded_pa_type(const ccache::CacheContents& cache, const Principal& server);

// A whole new cache holding `result`: its client as default principal, the
// credential, the KDC offset in the header, and (after pre-authentication
// with a password) the pa_type and etype-info config entries; fast_avail
// when the KDC said it offers FAST; start_realm for an anonymous client;
// pa_config_data naming the identity of a certificate login.
ccache::CacheContents cache_contents(const AsResult& result);

}  // namespace krbkit::exchange
