#pragma once
// The FAST wrapping of an AS exchange (RFC 6113 5.4), used by AsExchange:
// the armored request going out, the armored reply or error coming back.

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
// the outer body in the armor key (usage 50).
Result<PaData> armor_request(const FastArmor& armor, const KdcReqBody& body, std::vector<PaData> inner);

// The KrbFastResponse in `padata`'s PA-FX-FAST, decrypted with the armor key
// (usage 52), its nonce that of the request. Errc::fast_not_used when there
// is no PA-FX-FAST (the reply is not protected); Errc::reply_mismatch when
// it does not decrypt or the nonce differs.
Result<KrbFastResponse> open_fast_response(const FastArmor& armor, const std::vector<PaData>& padata,
                                           std::uint32_t nonce);

// A KRB-ERROR answering an armored request: the KRB-ERROR inside it
// (PA-FX-ERROR) and the padata that came with it (METHOD-DATA, the cookie).
struct FastError {
  KrbError error;
  std::vector<PaData> padata;
};
Result<FastError> open_fast_error(const FastArmor& armor, const KrbError& outer, std::uint32_t nonce);

// An AS-REP answering an armored request, checked as MIT's
// krb5int_fast_process_response: the finished's ticket checksum (armor key,
// usage 53) over the ticket, the client name taken from it, the reply's
// padata replaced by the FAST response's. Gives the strengthen key if any.
Result<std::optional<Key>> open_fast_as_rep(const FastArmor& armor, KdcRep& rep, std::uint32_t nonce);

// RFC 6113 5.4.3: KRB-FX-CF2(strengthen key, reply key, "strengthenkey", "replykey").
Result<Key> strengthen_reply_key(const Key& strengthen_key, const Key& reply_key);

// RFC 6806 11: with the enc-pa-rep flag, the reply's encrypted padata must
// hold PA-REQ-ENC-PA-REP, the checksum of our request in the reply key
// (usage 56); whether it also holds PA-FX-FAST (the KDC offers FAST: MIT's
// fast_avail). Errc::reply_mismatch when the checksum is missing or wrong.
Result<bool> verify_enc_pa_rep(const EncKdcRepPart& enc, const Key& reply_key, BytesView request);

}  // namespace krbkit::exchange::detail
