#pragma once
// The PA-SPAKE messages (draft-ietf-kitten-krb-spake-preauth section 7,
// MIT's k5-spake.h), each declared under its ASN.1. The value of a PA-DATA
// of type PA-SPAKE (151) is one PA-SPAKE; an empty value is the KDC's offer
// of SPAKE without a challenge.

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit {

// SPAKESupport ::= SEQUENCE {
//         groups      [0] SEQUENCE (SIZE(1..MAX)) OF Int32,
//         ...
// }
struct SpakeSupport {
  std::vector<std::int32_t> groups;
  friend bool operator==(const SpakeSupport&, const SpakeSupport&) = default;
};

// SPAKESecondFactor ::= SEQUENCE {
//         type        [0] Int32,
//         data        [1] OCTET STRING OPTIONAL
// }
struct SpakeSecondFactor {
  std::int32_t type = 0;  // 1: SF-NONE, no second factor
  std::optional<Bytes> data;
  friend bool operator==(const SpakeSecondFactor&, const SpakeSecondFactor&) = default;
};
inline constexpr std::int32_t kSpakeFactorNone = 1;

// SPAKEChallenge ::= SEQUENCE {
//         group       [0] Int32,
//         pubkey      [1] OCTET STRING,
//         factors     [2] SEQUENCE (SIZE(1..MAX)) OF SPAKESecondFactor,
//         ...
// }
struct SpakeChallenge {
  std::int32_t group = 0;
  Bytes pubkey;
  std::vector<SpakeSecondFactor> factors;
  friend bool operator==(const SpakeChallenge&, const SpakeChallenge&) = default;
};

// SPAKEResponse ::= SEQUENCE {
//         pubkey      [0] OCTET STRING,
//         factor      [1] EncryptedData, -- SPAKESecondFactor
//         ...
// }
struct SpakeResponse {
  Bytes pubkey;
  EncryptedData factor;
  friend bool operator==(const SpakeResponse&, const SpakeResponse&) = default;
};

// encdata [3] EncryptedData: a further second-factor round.
struct SpakeEncdata {
  EncryptedData data;
  friend bool operator==(const SpakeEncdata&, const SpakeEncdata&) = default;
};

// PA-SPAKE ::= CHOICE {
//         support     [0] SPAKESupport,
//         challenge   [1] SPAKEChallenge,
//         response    [2] SPAKEResponse,
//         encdata     [3] EncryptedData,
//         ...
// }
using PaSpake = std::variant<SpakeSupport, SpakeChallenge, SpakeResponse, SpakeEncdata>;

Bytes encode(const PaSpake&);
Bytes encode(const SpakeSecondFactor&);
// Strict DER; errors name the field ("PA-SPAKE.challenge.pubkey: ...").
Result<PaSpake> decode_pa_spake(BytesView der);
Result<SpakeSecondFactor> decode_spake_second_factor(BytesView der);

}  // namespace krbkit
