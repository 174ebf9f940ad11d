// FAST for TGS requests (RFC 6113 5.4.1.1), as MIT's send_tgs.c and fast.c
// do it: the TGT armors its own request, with the armor key
// KRB-FX-CF2(authenticator subkey, TGT session key). No I/O here.

#include <fmt/format.h>

#include "exchange/fast_wrap.hpp"
#include "exchange/request_and_reply.hpp"
#include "krbkit/exchange/tgs_exchange.hpp"

namespace krbkit::exchange {

// MIT's order: PA-TGS-REQ, PA-FX-FAST, then the rest, which also goes inside
// the armored request (a KDC without FAST reads it outside). The request
// checksum covers the PA-TGS-REQ's AP-REQ.
Result<std::vector<PaData>> TgsExchange::request_padata(Bytes ap_req, std::vector<PaData> rest) {
  std::vector<PaData> padata;
  if (request_.fast && subkey_) {
    KRBKIT_TRY(key, detail::subkey_armor_key(*subkey_, tgt_.session_key));
    KRBKIT_TRY(fx_fast, detail::armor_request(key, std::nullopt, ap_req, body_, rest));
    armor_key_ = std::move(key);
    trace_("Armoring the TGS request with FAST (its TGT as the armor)");
    padata.push_back(PaData{PaType::tgs_req, std::move(ap_req)});
    padata.push_back(std::move(fx_fast));
  } else {
    padata.push_back(PaData{PaType::tgs_req, std::move(ap_req)});
  }
  for (auto& pa : rest) padata.push_back(std::move(pa));
  return padata;
}

// The KRB-ERROR inside FAST when the KDC answered in it; else the outer one
// as it came (a KDC without FAST), as MIT's krb5int_fast_process_error.
KrbError TgsExchange::unwrap_error(const KrbError& outer) const {
  if (!armor_key_) return outer;
  auto fast = detail::open_fast_error(*armor_key_, outer, body_.nonce);
  if (!fast) {
    trace_("TGS error outside FAST: {}", fast.error().message());
    return outer;
  }
  trace_("Received FAST error reply for the TGS request");
  return std::move(fast->error);
}

// An armored request's reply inside FAST: its finished checksum verified,
// the client taken from it, the strengthen key returned. A reply without
// PA-FX-FAST comes from a KDC that does not offer FAST and is read as an
// unarmored one (MIT's krb5int_decode_tgs_rep).
Result<std::optional<Key>> TgsExchange::open_fast(KdcRep& rep, bool& armored) const {
  armored = false;
  if (!armor_key_) return std::optional<Key>{};
  if (find_padata(rep.padata, PaType::fx_fast) == nullptr) {
    trace_("The KDC answered the armored TGS request outside FAST (it does not offer FAST)");
    return std::optional<Key>{};
  }
  KRBKIT_TRY(strengthen, detail::open_fast_rep(*armor_key_, rep, body_.nonce));
  armored = true;
  trace_("Processed FAST response{}", strengthen ? "; reply key strengthened" : "");
  return strengthen;
}

}  // namespace krbkit::exchange
