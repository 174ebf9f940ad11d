// SPAKE pre-authentication (draft-ietf-kitten-krb-spake-preauth), as MIT's
// spake clpreauth module answers: a support message to the KDC's empty
// offer, then the response to its challenge. The password never leaves the
// client in a form open to offline guessing, and the AS-REP is sealed in
// K'[0], which only a client that knew the long-term key can derive.

#include <fmt/format.h>

#include <algorithm>

#include "exchange/preauth.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/crypto/spake.hpp"
#include "krbkit/proto/spake.hpp"

namespace krbkit::exchange::detail {

namespace {

std::string group_name(std::int32_t id) {
  const auto* g = spake::find_group(id);
  return g != nullptr ? std::string(g->name) : fmt::format("group {}", id);
}

std::string group_names(std::span<const std::int32_t> ids) {
  std::vector<std::string> names;
  for (auto id : ids) names.push_back(group_name(id));
  return fmt::format("{}", fmt::join(names, ", "));
}

// The support message names our groups; it is kept for the transcript.
Result<PaData> send_support(const PreauthInput& in) {
  if (in.spake_groups.empty()) return Error{Errc::unsupported, "no SPAKE group is configured"};
  Bytes der = encode(PaSpake{SpakeSupport{{in.spake_groups.begin(), in.spake_groups.end()}}});
  in.state->spake_support = der;
  return PaData{PaType::spake, std::move(der)};
}

// S = y*G + w*N and K = y*(T - w*M); the transcript hash over the support
// message (if one was sent), the challenge and S; K'[0] replaces the reply
// key and K'[1] seals the SF-NONE factor.
Result<PaData> respond(const PreauthInput& in, const SpakeChallenge& challenge, BytesView challenge_der) {
  const auto group = static_cast<spake::Group>(challenge.group);
  const BytesView support = in.state->spake_support ? BytesView(*in.state->spake_support) : BytesView{};
  KRBKIT_TRY(thash, spake::update_transcript(group, {}, support, challenge_der));
  KRBKIT_TRY(w, spake::derive_wbytes(group, in.reply_key));
  KRBKIT_TRY(y, spake::random_scalar(group));
  KRBKIT_TRY(pub, spake::public_element(group, spake::Side::client, w.view(), y.view()));
  KRBKIT_TRY(shared, spake::shared_element(group, spake::Side::client, w.view(), y.view(), challenge.pubkey));
  KRBKIT_TRY(transcript, spake::update_transcript(group, thash, pub));
  KRBKIT_TRY(k0,
             spake::derive_key(group, in.reply_key, w.view(), shared.view(), transcript, in.request_body, 0));
  KRBKIT_TRY(k1,
             spake::derive_key(group, in.reply_key, w.view(), shared.view(), transcript, in.request_body, 1));
  KRBKIT_TRY(cipher, encrypt(k1, KeyUsage::spake, encode(SpakeSecondFactor{kSpakeFactorNone, std::nullopt})));
  in.state->reply_key = std::move(k0);
  in.state->spake_answered = true;
  SpakeResponse response{std::move(pub), EncryptedData{k1.enctype, std::nullopt, std::move(cipher)}};
  return PaData{PaType::spake, encode(PaSpake{std::move(response)})};
}

Result<PaData> answer_challenge(const PreauthInput& in, const SpakeChallenge& challenge, BytesView der) {
  if (in.state->spake_answered)
    return Error{kdc_error(KdcErr::preauth_failed), "the KDC sent a second SPAKE challenge"};
  const bool permitted =
      std::find(in.spake_groups.begin(), in.spake_groups.end(), challenge.group) != in.spake_groups.end();
  if (!permitted) {
    // MIT: an optimistic challenge in a group we do not take is answered
    // with our groups; the KDC then challenges again in one of them.
    if (in.state->spake_support)
      return Error{Errc::unsupported,
                   fmt::format("the KDC's SPAKE challenge is in {}, not one of spake_preauth_groups ({})",
                               group_name(challenge.group), group_names(in.spake_groups))};
    return send_support(in);
  }
  const bool none_offered =
      std::any_of(challenge.factors.begin(), challenge.factors.end(),
                  [](const SpakeSecondFactor& f) { return f.type == kSpakeFactorNone; });
  if (!none_offered)
    return Error{Errc::unsupported,
                 "the KDC's SPAKE challenge asks for a second factor; krbkit answers only SF-NONE"};
  return respond(in, challenge, der);
}

}  // namespace

Result<PaData> make_spake(const PreauthInput& in) {
  if (in.state == nullptr) return Error{Errc::internal, "SPAKE without an exchange state"};
  if (in.hint == nullptr || in.hint->padata_value.empty()) {
    if (in.state->spake_support)
      return Error{kdc_error(KdcErr::preauth_failed),
                   "the KDC offered SPAKE again after our support message"};
    return send_support(in);
  }
  KRBKIT_TRY(message, decode_pa_spake(in.hint->padata_value));
  if (const auto* challenge = std::get_if<SpakeChallenge>(&message))
    return answer_challenge(in, *challenge, in.hint->padata_value);
  return Error{
      Errc::unsupported,
      "the KDC sent a SPAKE message other than a challenge (a second-factor round krbkit does not have)"};
}

}  // namespace krbkit::exchange::detail
