// PKINIT (RFC 4556) as the client, with a certificate or anonymous (RFC
// 8062): an ephemeral Diffie-Hellman key in an AuthPack, signed with the
// client's key (or not at all, anonymous), the KDC's signed reply checked
// against the trust anchors and its certificate's names, and the reply key
// derived from the shared secret.

#include <fmt/format.h>

#include <algorithm>

#include "exchange/preauth.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/crypto/pkinit.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/proto/pkinit.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

Principal anonymous_principal(std::string realm) {
  return Principal{NameType::wellknown, {"WELLKNOWN", "ANONYMOUS"}, std::move(realm)};
}

bool is_anonymous(const Principal& p) {
  return p.components == std::vector<std::string>{"WELLKNOWN", "ANONYMOUS"};
}

}  // namespace krbkit::exchange

namespace krbkit::exchange::detail {

namespace {

Principal client_of(const PreauthInput& in) {
  return to_principal(in.body->cname.value_or(PrincipalName{}), in.body->realm);
}

pkinit::DhGroup group_for(int bits) {
  switch (bits) {
    case 256: return pkinit::DhGroup::p256;
    case 384: return pkinit::DhGroup::p384;
    case 521: return pkinit::DhGroup::p521;
    default: return bits > 2048 ? pkinit::DhGroup::modp4096 : pkinit::DhGroup::modp2048;
  }
}

Result<AuthPack> make_auth_pack(const PreauthInput& in, const pkinit::KeyAgreement& key) {
  using namespace std::chrono;
  AuthPack pack;
  auto& pk = pack.pk_authenticator;
  pk.ctime = floor<seconds>(in.kdc_now);
  pk.cusec = static_cast<std::int32_t>(duration_cast<microseconds>(in.kdc_now - pk.ctime).count());
  pk.nonce = in.body->nonce;
  KRBKIT_TRY(checksum, make_checksum(Cksumtype::sha1, nullptr, KeyUsage{0}, in.request_body));
  pk.pa_checksum = std::move(checksum);
  if (in.method_data != nullptr && in.pkinit->freshness)
    if (const PaData* fresh = find_padata(*in.method_data, PaType::as_freshness);
        fresh && !fresh->padata_value.empty())
      pk.freshness_token = fresh->padata_value;
  KRBKIT_TRY(spki, key.public_key_info());
  pack.client_public_value = std::move(spki);
  pack.supported_kdfs = pkinit::kdf_oids();
  return pack;
}

// MIT's verify_kdc_san and verify_kdc_eku: the certificate names
// krbtgt/REALM@REALM (then its key usage is not checked), or one of the
// pkinit_kdc_hostname names (then it must carry the KDC key usage).
Result<void> check_kdc_names(const pkinit::SignerCert& cert, const PkinitOptions& opts,
                             const std::string& realm) {
  const Principal kdc = krbtgt_principal(realm, realm);
  for (const auto& der : cert.pkinit_sans)
    if (auto name = decode_krb5_principal_name(der); name && *name == kdc) return success();
  const bool dns = std::any_of(cert.dns_names.begin(), cert.dns_names.end(), [&](const std::string& n) {
    return std::find(opts.kdc_hostnames.begin(), opts.kdc_hostnames.end(), n) != opts.kdc_hostnames.end();
  });
  if (!dns)
    return Error{Errc::pkinit_kdc_name,
                 fmt::format("KDC certificate {} names neither {} nor a pkinit_kdc_hostname", cert.subject,
                             unparse_principal(kdc))};
  using Eku = PkinitOptions::Eku;
  const bool eku_ok =
      opts.eku == Eku::none || cert.eku_kdc || (opts.eku == Eku::server_auth && cert.eku_server_auth);
  if (!eku_ok)
    return Error{Errc::pkinit_kdc_name,
                 fmt::format("KDC certificate {} lacks the KDC key usage (id-pkinit-KPKdc{})", cert.subject,
                             opts.eku == Eku::server_auth ? " or serverAuth" : "")};
  return success();
}

// The reply key from the shared secret: RFC 8636's KDF when the KDC named
// one, else RFC 4556's octetstring2key over secret | serverDHNonce.
Result<Key> reply_key_from(const PreauthInput& in, const PaPkAsRep& rep, BytesView pk_as_rep, BytesView z) {
  KRBKIT_TRY(info, enctype_info(in.reply_enctype));
  Principal client = in.pkinit->anonymous ? anonymous_principal() : client_of(in);
  const Principal server = to_principal(in.body->sname.value_or(PrincipalName{}), in.body->realm);
  if (rep.kdf) {
    Bytes other = encode_kdf_other_info(*rep.kdf, client, server, in.reply_enctype, in.as_req, pk_as_rep);
    KRBKIT_TRY(seed, pkinit::kdf(*rep.kdf, z, other, info->seed_bytes));
    return random_to_key(in.reply_enctype, seed.view());
  }
  Bytes x(z.begin(), z.end());
  if (rep.server_dh_nonce) x.insert(x.end(), rep.server_dh_nonce->begin(), rep.server_dh_nonce->end());
  KRBKIT_TRY(seed, pkinit::octetstring2key(x, info->seed_bytes));
  std::fill(x.begin(), x.end(), 0);
  return random_to_key(in.reply_enctype, seed.view());
}

// MIT's identity_alt loop: the first identity that loads. A missing file
// passes to the next; a wrong pass phrase or a key of another certificate
// ends the search, as the user has something to correct.
Result<pkinit::ClientIdentity> load_identity(const PkinitOptions& opts, const Principal& client) {
  if (opts.identities.empty())
    return Error{Errc::config, "no X509_user_identity (kinit -X) and no pkinit_identities to sign with"};
  auto names_client = [&client](const pkinit::SignerCert& cert) {
    return std::any_of(cert.pkinit_sans.begin(), cert.pkinit_sans.end(), [&](const Bytes& der) {
      auto name = decode_krb5_principal_name(der);
      return name && *name == client;
    });
  };
  std::optional<Error> first;
  for (const auto& spec : opts.identities) {
    auto loaded = pkinit::ClientIdentity::load(spec, names_client, opts.ask_passphrase);
    if (loaded) return loaded;
    if (!loaded.error().is(Errc::config)) return std::move(loaded).error();
    if (!first) first = std::move(loaded).error();
  }
  return std::move(*first);
}

}  // namespace

Result<PaData> make_pkinit(const PreauthInput& in) {
  if (in.pkinit == nullptr || in.body == nullptr || in.state == nullptr)
    return Error{Errc::internal, "PKINIT without its options"};
  PreauthState& state = *in.state;
  if (!in.pkinit->anonymous && !state.pkinit_identity) {
    KRBKIT_TRY(identity, load_identity(*in.pkinit, client_of(in)));
    state.pkinit_identity = std::make_shared<const pkinit::ClientIdentity>(std::move(identity));
  }
  if (state.pkinit_dh_bits == 0) state.pkinit_dh_bits = in.pkinit->dh_min_bits;
  KRBKIT_TRY(key, pkinit::KeyAgreement::generate(group_for(state.pkinit_dh_bits)));
  KRBKIT_TRY(pack, make_auth_pack(in, key));
  auto signed_data = in.pkinit->anonymous ? pkinit::unsigned_signed_data(encode(pack), pkinit::kOidAuthData)
                                          : pkinit::signed_data(encode(pack), pkinit::kOidAuthData,
                                                                *state.pkinit_identity, in.pkinit->trust);
  if (!signed_data) return std::move(signed_data).error();
  state.pkinit_key = std::make_shared<pkinit::KeyAgreement>(std::move(key));
  return PaData{PaType::pk_as_req, encode_pa_pk_as_req(*signed_data)};
}

Result<void> process_pkinit(const PreauthInput& in, const std::vector<PaData>& reply_padata) {
  const PaData* pa = find_padata(reply_padata, PaType::pk_as_rep);
  if (pa == nullptr) return Error{Errc::reply_mismatch, "the KDC's reply to PKINIT carries no PA-PK-AS-REP"};
  if (in.state == nullptr || !in.state->pkinit_key || in.pkinit == nullptr)
    return Error{Errc::internal, "PKINIT reply without a request"};
  KRBKIT_TRY(rep, decode_pa_pk_as_rep(pa->padata_value));
  if (!rep.dh)
    return Error{Errc::reply_mismatch,
                 "the KDC answered PKINIT with RSA key transport, which was not offered"};
  KRBKIT_TRY(signed_content,
             pkinit::verify_signed_data(rep.signed_data, pkinit::kOidDhKeyData, in.pkinit->trust));
  KRBKIT_CHECK(check_kdc_names(signed_content.signer, *in.pkinit, in.body->realm));
  KRBKIT_TRY(dh, decode_kdc_dh_key_info(signed_content.content));
  if (dh.nonce != in.body->nonce)
    return Error{Errc::reply_mismatch,
                 fmt::format("KDCDHKeyInfo nonce {} is not the request's {}", dh.nonce, in.body->nonce)};
  KRBKIT_TRY(z, in.state->pkinit_key->agree(dh.subject_public_key));
  KRBKIT_TRY(key, reply_key_from(in, rep, pa->padata_value, z.view()));
  in.state->reply_key = std::move(key);
  in.state->heimdal_reply_key.reset();
  const BytesView secret = z.view();
  const auto zeros = static_cast<std::size_t>(
      std::find_if(secret.begin(), secret.end(), [](std::uint8_t b) { return b != 0; }) - secret.begin());
  if (!rep.kdf && !pkinit::is_ecdh(in.state->pkinit_key->group()) && zeros > 0 && zeros < secret.size()) {
    KRBKIT_TRY(short_key, reply_key_from(in, rep, pa->padata_value, secret.first(secret.size() - zeros)));
    in.state->heimdal_reply_key = std::move(short_key);
  }
  return success();
}

bool pkinit_retry(const KrbError& error, PreauthState& state) {
  if (!error.is(KdcErr::dh_key_parameters_not_accepted) || state.pkinit_dh_bits >= 4096) return false;
  state.pkinit_dh_bits = 4096;
  return true;
}

std::optional<Error> pkinit_refused(const KrbError& error, const PreauthState& state) {
  if (!error.is(KdcErr::preauth_failed) && !error.is(KdcErr::ap_err_bad_integrity)) return std::nullopt;
  std::string why = "the KDC refused the PKINIT request";
  const int bits = state.pkinit_dh_bits;
  if (bits == 256 || bits == 384 || bits == 521)
    why += fmt::format(" (it may not do ECDH on P-{}: pkinit_dh_min_bits = 2048 asks for MODP)", bits);
  return Error{kdc_error(KdcErr::client_not_trusted), why};
}

}  // namespace krbkit::exchange::detail
