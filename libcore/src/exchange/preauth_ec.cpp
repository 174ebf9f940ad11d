// Encrypted challenge (RFC 6113 5.4.6), the FAST factor MIT's KDC offers for
// passwords: both sides prove the long-term key under the armor key.

#include <fmt/format.h>

#include "exchange/preauth.hpp"
#include "krbkit/crypto/crypto.hpp"

namespace krbkit::exchange::detail {

namespace {

Result<Key> challenge_key(const PreauthInput& in, std::string_view armor_pepper) {
  if (in.armor_key == nullptr) return Error{Errc::internal, "encrypted challenge without a FAST armor key"};
  return cf2(*in.armor_key, in.reply_key, as_bytes(armor_pepper),
             as_bytes(std::string_view("challengelongterm")));
}

}  // namespace

Result<PaData> make_enc_challenge(const PreauthInput& in) {
  using namespace std::chrono;
  KRBKIT_TRY(key, challenge_key(in, "clientchallengearmor"));
  PaEncTsEnc ts;
  ts.patimestamp = floor<seconds>(in.kdc_now);
  ts.pausec = static_cast<std::int32_t>(duration_cast<microseconds>(in.kdc_now - ts.patimestamp).count());
  KRBKIT_TRY(cipher, encrypt(key, KeyUsage::enc_challenge_client, encode(ts)));
  EncryptedData data{key.enctype, std::nullopt, std::move(cipher)};
  return PaData{PaType::encrypted_challenge, encode(data)};
}

Result<void> verify_kdc_challenge(const PreauthInput& in, const std::vector<PaData>& reply_padata) {
  using namespace std::chrono;
  const PaData* pa = find_padata(reply_padata, PaType::encrypted_challenge);
  if (pa == nullptr)
    return Error{Errc::reply_mismatch, "the KDC's reply to an encrypted challenge carries none of its own"};
  KRBKIT_TRY(key, challenge_key(in, "kdcchallengearmor"));
  KRBKIT_TRY(data, decode_encrypted_data(pa->padata_value));
  auto plain = decrypt(key, KeyUsage::enc_challenge_kdc, data.cipher);
  if (!plain) {
    // Heimdal's KDC before 8 encrypts its challenge in the client challenge
    // key (kdc/kerberos5.c make_pa_enc_challange). That proves the same: the
    // KDC knows the long-term key. (MIT's client ignores a failure here.)
    KRBKIT_TRY(client_key, challenge_key(in, "clientchallengearmor"));
    plain = decrypt(client_key, KeyUsage::enc_challenge_kdc, data.cipher);
  }
  if (!plain)
    return Error{Errc::reply_mismatch,
                 "the KDC's encrypted challenge does not decrypt with the KDC challenge key (key usage 55)"};
  KRBKIT_TRY(ts, decode_pa_enc_ts_enc(plain->view()));
  const auto diff = duration_cast<seconds>(system_clock::time_point(ts.patimestamp.time_since_epoch()) -
                                           floor<seconds>(in.kdc_now));
  if (diff > in.clockskew || -diff > in.clockskew)
    return Error{Errc::reply_mismatch,
                 fmt::format("the KDC's encrypted challenge is {} s away from our time", diff.count())};
  return success();
}

}  // namespace krbkit::exchange::detail
