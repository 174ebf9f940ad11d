// FAST armor (RFC 6113 5.4.1) and the wrapping of AS and TGS requests and
// replies.

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "exchange/fast_wrap.hpp"
#include "exchange/request_and_reply.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/gss/ap.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

using detail::mismatch;

namespace {
Bytes pepper(std::string_view text) { return to_bytes(text); }
}  // namespace

Result<FastArmor> make_fast_armor(const Credentials& tgt) {
  gss::ApReqOptions options;  // no checksum, a fresh subkey: MIT's armor AP-REQ
  options.make_subkey = true;
  KRBKIT_TRY(sent, gss::make_ap_req(tgt, options).context("making the FAST armor AP-REQ"));
  KRBKIT_TRY(key, detail::subkey_armor_key(*sent.subkey, tgt.session_key));
  return FastArmor{KrbFastArmor{detail::kArmorApRequest, std::move(sent.der)}, std::move(key)};
}

Result<FastArmor> fast_armor_from_cache(const ccache::CacheContents& cache, std::string_view realm,
                                        KerberosTime now) {
  const Principal tgs = krbtgt_principal(realm, realm);
  for (const auto& c : cache.creds) {
    if (!(c.server == tgs)) continue;
    if (c.endtime <= now)
      return Error{Errc::armor_expired,
                   fmt::format("{} expired at {:%Y-%m-%d %H:%M:%S} UTC", detail::name_of(tgs), c.endtime)};
    return make_fast_armor(c);
  }
  return Error{Errc::armor_unreadable, fmt::format("no ticket for {} in it", detail::name_of(tgs))};
}

Result<std::shared_ptr<const FastArmor>> load_fast_armor(std::string_view cache_name, std::string_view realm,
                                                         KerberosTime now) {
  auto run = [&]() -> Result<std::shared_ptr<const FastArmor>> {
    auto cache = ccache::open(cache_name);
    if (!cache) return Error{Errc::armor_unreadable, cache.error().message()};
    if (!(*cache)->exists()) return Error{Errc::armor_not_found, std::string(cache_name)};
    auto contents = (*cache)->read();
    if (!contents)
      return Error{Errc::armor_unreadable, fmt::format("{}: {}", cache_name, contents.error().message())};
    auto armor = fast_armor_from_cache(*contents, realm, now);
    if (!armor) {
      Error e = std::move(armor).error();
      e.detail = fmt::format("{}: {}", cache_name, e.detail);
      return e;
    }
    return std::make_shared<const FastArmor>(std::move(armor).value());
  };
  return run().context("reading the FAST armor cache");
}

namespace detail {

Result<PaData> armor_request(const Key& armor_key, const std::optional<KrbFastArmor>& armor,
                             BytesView checksummed, const KdcReqBody& body, std::vector<PaData> inner) {
  const Cksumtype type = mandatory_checksum(armor_key.enctype);
  KRBKIT_TRY(sum, make_checksum(type, &armor_key, KeyUsage::fast_req_chksum, checksummed));
  KrbFastReq fast;
  fast.padata = std::move(inner);
  fast.req_body = body;
  KRBKIT_TRY(cipher, encrypt(armor_key, KeyUsage::fast_enc, encode(fast)));
  KrbFastArmoredReq armored;
  armored.armor = armor;
  armored.req_checksum = Checksum{type, std::move(sum)};
  armored.enc_fast_req = EncryptedData{armor_key.enctype, std::nullopt, std::move(cipher)};
  return PaData{PaType::fx_fast, encode_pa_fx_fast_request(armored)};
}

Result<KrbFastResponse> open_fast_response(const Key& armor_key, const std::vector<PaData>& padata,
                                           std::uint32_t nonce) {
  const PaData* pa = find_padata(padata, PaType::fx_fast);
  if (pa == nullptr)
    return Error{Errc::fast_not_used,
                 "the reply to the armored request carries no PA-FX-FAST, so nothing in it "
                 "is protected; refused"};
  KRBKIT_TRY(rep, decode_pa_fx_fast_reply(pa->padata_value));
  auto plain = decrypt(armor_key, KeyUsage::fast_rep, rep.enc_fast_rep.cipher);
  if (!plain) return mismatch("the FAST response does not decrypt with the armor key (key usage 52)");
  KRBKIT_TRY(response, decode_krb_fast_response(plain->view()));
  if (response.nonce != nonce)
    return mismatch(
        fmt::format("FAST response nonce {} does not match the request's {}", response.nonce, nonce));
  return response;
}

Result<FastError> open_fast_error(const Key& armor_key, const KrbError& outer, std::uint32_t nonce) {
  std::vector<PaData> outer_padata;
  if (outer.e_data && !outer.e_data->empty())
    if (auto md = decode_method_data(*outer.e_data, "KRB-ERROR.e-data METHOD-DATA"))
      outer_padata = std::move(*md);
  auto response = open_fast_response(armor_key, outer_padata, nonce);
  if (!response) {
    Error e = std::move(response).error();
    if (e.is(Errc::fast_not_used))
      e.detail = fmt::format("the KDC answered the armored request with {} ({}) outside FAST; refused",
                             kdc_error_name(outer.error_code), outer.error_code);
    return e;
  }
  const PaData* fx_error = find_padata(response->padata, PaType::fx_error);
  if (fx_error == nullptr) return mismatch("the FAST error reply carries no PA-FX-ERROR");
  KRBKIT_TRY(inner, decode_krb_error(fx_error->padata_value));
  return FastError{std::move(inner), std::move(response->padata)};
}

Result<std::optional<Key>> open_fast_rep(const Key& armor_key, KdcRep& rep, std::uint32_t nonce) {
  KRBKIT_TRY(response, open_fast_response(armor_key, rep.padata, nonce));
  if (!response.finished) return mismatch("FAST response missing finish message in KDC reply");
  const auto& finished = *response.finished;
  auto ok = verify_checksum(finished.ticket_checksum.cksumtype, &armor_key, KeyUsage::fast_finished,
                            encode(rep.ticket), finished.ticket_checksum.checksum);
  if (!ok)
    return mismatch("Ticket modified in KDC reply: the FAST finished checksum (key usage 53) does not match");
  rep.cname = finished.cname;
  rep.crealm = finished.crealm;
  rep.padata = std::move(response.padata);
  return std::move(response.strengthen_key);
}

Result<Key> subkey_armor_key(const Key& subkey, const Key& ticket_session_key) {
  return cf2(subkey, ticket_session_key, pepper("subkeyarmor"), pepper("ticketarmor"));
}

Result<Key> strengthen_reply_key(const Key& strengthen_key, const Key& reply_key) {
  return cf2(strengthen_key, reply_key, pepper("strengthenkey"), pepper("replykey"));
}

Result<bool> verify_enc_pa_rep(const EncKdcRepPart& enc, const Key& reply_key, BytesView request) {
  if ((enc.flags & ticket_flags::enc_pa_rep) == 0) return false;
  const PaData* pa = find_padata(enc.encrypted_pa_data, PaType::req_enc_pa_rep);
  if (pa == nullptr) return mismatch("AS-REP has the enc-pa-rep flag but no PA-REQ-ENC-PA-REP");
  KRBKIT_TRY(sum, decode_checksum(pa->padata_value));
  if (!verify_checksum(sum.cksumtype, &reply_key, KeyUsage::as_req, request, sum.checksum))
    return mismatch("AS-REP's PA-REQ-ENC-PA-REP is not the checksum of our request (key usage 56)");
  return find_padata(enc.encrypted_pa_data, PaType::fx_fast) != nullptr;
}

}  // namespace detail

}  // namespace krbkit::exchange
