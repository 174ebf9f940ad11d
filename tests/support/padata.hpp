#pragma once
// What an AS-REQ carries besides MIT's informational padata (the empty
// PA-AS-FRESHNESS and PA-REQ-ENC-PA-REP every request has): its
// pre-authentication, cookie and PAC request.

#include <algorithm>
#include <vector>

#include "krbkit/proto/messages.hpp"

namespace krbkit::test {

inline std::vector<PaData> preauth_padata(const KdcReq& req) {
  std::vector<PaData> out;
  std::copy_if(req.padata.begin(), req.padata.end(), std::back_inserter(out), [](const PaData& pa) {
    return pa.padata_type != PaType::as_freshness && pa.padata_type != PaType::req_enc_pa_rep;
  });
  return out;
}

}  // namespace krbkit::test
