#pragma once
// The pre-authentication mechanisms krbkit can answer with, as one table
// (MIT's clpreauth modules, Heimdal's patypes[] in C++), and the reading of
// the KDC's etype-info. A mechanism is added by adding a row; the AS
// exchange's loop stays as it is.
//
// A row names its PA type, whether it works only inside FAST (encrypted
// challenge), never inside it (encrypted timestamp: MIT's client does not
// use it under FAST, the armor protects a better factor), or either, and its
// steps:
//   prepare   the PA-DATA for the next AS-REQ, from the KDC's METHOD-DATA
//             entry (the hint) and the reply key;
//   process   the KDC's padata in the AS-REP (inside FAST when armored): a
//             row that expects something there checks it;
//   retry     whether an error after our PA-DATA may be answered by preparing
//             it again (clock skew: with the KDC's time).
// A mechanism of several rounds (SPAKE: support, challenge, response) is
// prepared again for each KDC_ERR_MORE_PREAUTH_DATA_REQUIRED, with the
// KDC's new PA-DATA as the hint, and keeps what it needs in PreauthState.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "krbkit/base/key.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::pkinit {
class KeyAgreement;
class ClientIdentity;
}  // namespace krbkit::pkinit
namespace krbkit::exchange {
struct PkinitOptions;
}

namespace krbkit::exchange::detail {

enum class FastUse { never, either, required };

// What the mechanisms keep between the requests of one exchange.
struct PreauthState {
  std::optional<Bytes> spake_support;  // the SPAKE support message sent (part of the transcript)
  bool spake_answered = false;         // a SPAKE challenge was answered
  // A key that replaces the long-term key as the AS-REP's reply key (SPAKE's
  // K'[0], PKINIT's key from the Diffie-Hellman exchange).
  std::optional<Key> reply_key;
  // Heimdal's KDC (7.8; kdc/pkinit.c generate_dh_keyblock) pads a DH secret
  // that begins with zero bytes, then hashes it at its unpadded length: for
  // 1 exchange in 256 its reply key is octetstring2key of the padded secret
  // cut short by that many bytes. That key, tried when reply_key fails.
  std::optional<Key> heimdal_reply_key;
  std::shared_ptr<pkinit::KeyAgreement> pkinit_key;  // the ephemeral key of the last PA-PK-AS-REQ
  int pkinit_dh_bits = 0;                            // the MODP group asked for (after error 65: 4096)
  std::shared_ptr<const pkinit::ClientIdentity> pkinit_identity;  // loaded once: the pass phrase asked once
};

// What a mechanism's steps work with.
struct PreauthInput {
  const Key& reply_key;  // the client's long-term key (password or keytab)
  const Key* armor_key;  // the FAST armor key; null without FAST
  const PaData* hint;    // the KDC's METHOD-DATA entry of this type; null when guessing
  std::chrono::system_clock::time_point kdc_now;
  std::chrono::seconds clockskew{300};
  BytesView request_body;                        // DER KDC-REQ-BODY of the request being prepared
  std::span<const std::int32_t> spake_groups{};  // spake_preauth_groups
  PreauthState* state = nullptr;
  // For PKINIT: the request's names and nonce, the KDC's whole METHOD-DATA
  // (its freshness token), and, when processing the reply, the AS-REQ as
  // sent and the reply's enctype (the KDF covers both).
  const PkinitOptions* pkinit = nullptr;
  const KdcReqBody* body = nullptr;
  const std::vector<PaData>* method_data = nullptr;
  BytesView as_req{};
  Enctype reply_enctype = Enctype::null;
};

struct PreauthMech {
  PaType type;
  std::string_view name;  // as MIT's traces name the module
  FastUse fast;
  bool long_term_key;  // answers with the client's password or keytab key (PKINIT does not)
  Result<PaData> (*prepare)(const PreauthInput& in);
  Result<void> (*process)(const PreauthInput& in, const std::vector<PaData>& reply_padata);  // may be null
  bool (*retry)(const KrbError& error);
};

// Every row, in the table's order.
std::span<const PreauthMech> preauth_mechanisms();
// The row of `type`, or null.
const PreauthMech* find_mechanism(PaType type);
// The mechanism to answer METHOD-DATA with, as MIT's k5_preauth chooses:
// the KDC's entries reordered so that `preferred` types come first (in that
// order), then the first entry with a row that fits `fast` (whether the
// request is armored) and is not `off` (SPAKE without spake_preauth_groups).
// Null when none fits.
const PreauthMech* choose_mechanism(const std::vector<PaData>& method_data,
                                    const std::vector<std::int32_t>& preferred, bool fast,
                                    std::span<const PaType> off = {});
// "PA-ENC-TIMESTAMP (2), PA-ENCRYPTED-CHALLENGE (138)": what choose_mechanism can answer with `fast`.
std::string supported_list(bool fast, std::span<const PaType> off = {});

// PA-ENC-TIMESTAMP (RFC 4120 5.2.7.2): PA-ENC-TS-ENC encrypted with key usage 1.
Result<PaData> make_enc_timestamp(const PreauthInput& in);
// PA-ENCRYPTED-CHALLENGE (RFC 6113 5.4.6): PA-ENC-TS-ENC in the client
// challenge key, KRB-FX-CF2(armor key, reply key, "clientchallengearmor",
// "challengelongterm"), key usage 54.
Result<PaData> make_enc_challenge(const PreauthInput& in);
// The KDC's PA-ENCRYPTED-CHALLENGE in the AS-REP decrypts with the KDC
// challenge key ("kdcchallengearmor", key usage 55) and holds a time within
// the clock skew: the KDC knew the client's key. Errc::reply_mismatch else.
Result<void> verify_kdc_challenge(const PreauthInput& in, const std::vector<PaData>& reply_padata);
// The time-based mechanisms try again after KRB_AP_ERR_SKEW.
bool retry_on_skew(const KrbError& error);
bool no_retry(const KrbError& error);

// PA-SPAKE (draft-ietf-kitten-krb-spake-preauth, MIT's spake module): to an
// empty hint, a support message naming spake_groups; to a challenge in one
// of them, the response: S and the SF-NONE factor in K'[1], with K'[0] left
// in state->reply_key; to a challenge in another group, the support message
// (once). Errc::unsupported for a challenge without SF-NONE.
Result<PaData> make_spake(const PreauthInput& in);

// PA-PK-AS-REQ (RFC 4556, RFC 8062 for the anonymous client): an AuthPack
// with an ephemeral DH or ECDH key, in a SignedData signed with the client's
// certificate identity (the first of PkinitOptions::identities that loads),
// or without signers for the anonymous client; the key is kept in state. process: the KDC's PA-PK-AS-REP
// verified against the trust anchors and its certificate's names, the reply key derived (RFC 8636 KDF or
// octetstring2key) into state->reply_key.
Result<PaData> make_pkinit(const PreauthInput& in);
Result<void> process_pkinit(const PreauthInput& in, const std::vector<PaData>& reply_padata);
// KDC_ERR_DH_KEY_PARAMETERS_NOT_ACCEPTED: as MIT, once more with 4096 bits.
bool pkinit_retry(const KrbError& error, PreauthState& state);
// An answer to a PKINIT request that is not about a password: MIT's KDC
// refuses one with PREAUTH_FAILED, Heimdal 7.8's with KRB_AP_ERR_BAD_INTEGRITY
// (31) for any it cannot decode or verify, ECDH it was built without
// included (kdc/kerberos5.c pa_pkinit_validate). Otherwise std::nullopt.
std::optional<Error> pkinit_refused(const KrbError& error, const PreauthState& state);

// The etype-info in METHOD-DATA (or an AS-REP's padata): ETYPE-INFO2, else
// ETYPE-INFO converted; a PW-SALT gives the salt of entries without one.
// Empty when there is none; an error when one is present but malformed.
Result<std::vector<EtypeInfo2Entry>> read_etype_info(const std::vector<PaData>& padata);

// The entry's salt, else the principal's default salt (RFC 4120 4).
std::string salt_of(const EtypeInfo2Entry& info, const Principal& client);

// "PA-ETYPE-INFO2 (19), PA-ENC-TIMESTAMP (2)" for traces.
std::string padata_list(const std::vector<PaData>& padata);

}  // namespace krbkit::exchange::detail
