#pragma once
// Key usage numbers: which purpose a key encrypts or checksums for, mixed
// into the derived keys so a ciphertext made for one purpose does not
// decrypt for another. They live in base because the crypto takes them and
// the protocol code names them. A number with no enumerator (from a
// published test vector, say) is written KeyUsage{n}.

#include <cstdint>

namespace krbkit {

// Key usage numbers (RFC 4120 7.5.1, RFC 4121, RFC 6113, RFC 6560, MIT additions).
enum class KeyUsage : std::int32_t {
  as_req_pa_enc_ts = 1,
  kdc_rep_ticket = 2,
  as_rep_enc_part = 3,
  tgs_req_ad_session_key = 4,
  tgs_req_ad_subkey = 5,
  tgs_req_auth_cksum = 6,
  tgs_req_authenticator = 7,
  tgs_rep_enc_part_session_key = 8,
  tgs_rep_enc_part_subkey = 9,
  ap_req_auth_cksum = 10,
  ap_req_authenticator = 11,
  ap_rep_enc_part = 12,
  krb_priv_enc_part = 13,
  krb_cred_enc_part = 14,
  krb_safe_cksum = 15,
  app_data_encrypt = 16,
  app_data_cksum = 17,  // also MS-PAC and MS-SFU KERB_NON_KERB_CKSUM_SALT
  krb_error_cksum = 18,
  ad_kdc_issued_cksum = 19,
  ad_mte = 20,
  ad_ite = 21,
  gss_tok_mic = 22,  // RFC 1964 tokens (rc4-hmac maps 23 to 13)
  gss_tok_wrap_integ = 23,
  gss_tok_wrap_priv = 24,
  gss_acceptor_seal = 22,  // RFC 4121 per-message tokens
  gss_acceptor_sign = 23,
  gss_initiator_seal = 24,
  gss_initiator_sign = 25,
  pa_sam_challenge_cksum = 25,
  pa_s4u_x509_user_request = 26,
  pa_s4u_x509_user_reply = 27,
  ad_signedpath = -21,
  finished = 41,
  iakerb_finished = 42,
  pa_pkinit_kx = 44,
  pa_otp_request = 45,
  fast_req_chksum = 50,
  fast_enc = 51,
  fast_rep = 52,
  fast_finished = 53,
  enc_challenge_client = 54,
  enc_challenge_kdc = 55,
  as_req = 56,
  cammac = 64,
  spake = 65,
  pa_fx_cookie = 513,
  pa_as_freshness = 514,
};

}  // namespace krbkit
