#pragma once
// The FAST wrapping of AS and TGS exchanges (RFC 6113 5.4), used by
// AsExchange and TgsExchange: the armored request going out, the armored
// reply or error coming back.

#include <cstdint>
#include <optional>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/exchange/fast.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::exchange::detail {

// Armor type 1 (FX_FAST_ARMOR_AP_REQUEST).
inline constexpr std::int32_t kArmorApRequest = 1;

// The outer request's PA-FX-FAST: the request `inner` padata and `body` in
// a KrbFastReq encrypted in the armor key (usage 51), with the checksum of
// `checksummed` in the armor key (usage 50): the outer body of an AS-REQ,
// the PA-TGS-REQ's AP-REQ of a TGS-REQ. `armor` is absent for a TGS-REQ,
// whose armor is its own TGT (RFC 6113 5.4.1.1).
Result<PaData> armor_request(const Key& armor_key, const std::optional<KrbFastArmor>& armor,
                             BytesView checksummed, const KdcReqBody& body, std::vector<PaData> inner);
inline Result<PaData> armor_request(const FastArmor& armor, const KdcReqBody& body,
                                    std::vector<PaData> inner) {
  return armor_request(armor.armor_key, armor.armor, encode(body), body, std::move(inner));
}

// The KrbFastResponse in `padata`'s PA-FX-FAST, decrypted with the armor key
// (usage 52), its nonce that of the request. Errc::fast_not_used when there
// is no PA-FX-FAST (the reply is not protected); Errc::reply_mismatch when
// it does not decrypt or the nonce differs.
Result<KrbFastResponse> open_fast_response(const Key& armor_key, const std::vector<PaData>& padata,
                                           std::uint32_t nonce);

// A KRB-ERROR answering an armored request: the KRB-ERROR inside it
// (PA-FX-ERROR) and the padata that came with it (METHOD-DATA, the cookie).
struct FastError {
  KrbError error;
  std::vector<PaData> padata;
};
Result<FastError> open_fast_error(const Key& armor_key, const KrbError& outer, std::uint32_t nonce);

// A KDC-REP answering an armored request, checked as MIT's
// krb5int_fast_process_response: the finished's ticket checksum (armor key,
// usage 53) over the ticket, the client name taken from it, the reply's
// padata replaced by the FAST response's. Gives the strengthen key if any.
Result<std::optional<Key>> open_fast_rep(const Key& armor_key, KdcRep& rep, std::uint32_t nonce);

// RFC 6113 5.4.1.1: KRB-FX-CF2(subkey, ticket session key, "subkeyarmor",
// "ticketarmor"): the armor key of an AP-REQ armor, and the implicit armor
// key of a TGS-REQ (its authenticator's subkey and its TGT's session key).
Result<Key> subkey_armor_key(const Key& subkey, const Key& ticket_session_key);

// RFC 6113 5.4.3: KRB-FX-CF2(strengthen key, reply key, "strengthenkey", "replykey").
Result<Key> strengthen_reply_key(const Key& strengthen_key, const Key& reply_key);

// RFC 6806 11: with the enc-pa-rep flag, the reply's encrypted padata must
// hold PA-REQ-ENC-PA-REP, the checksum of our request in the reply key
// (usage 56); whether it also holds PA-FX-FAST (the KDC offers FAST: MIT's
// fast_avail). Errc::reply_mismatch when the checksum is missing or wrong.
Result<bool> verify_enc_pa_rep(const EncKdcRepPart& enc, const Key& reply_key, BytesView request);

}  // namespace krbkit::exchange::detail
