// KdcErr against the table of KDC error names and messages in error.cpp:
// every row has an enumerator spelled after its RFC name, and every
// enumerator has a row. A new enumerator must be added to spelling() below,
// or -Wswitch stops the build.

#include <doctest/doctest.h>

#include <cctype>
#include <string>
#include <string_view>

#include "krbkit/base/error.hpp"

using namespace krbkit;

namespace {

std::string_view spelling(KdcErr e) {
  switch (e) {
    case KdcErr::none: return "none";
    case KdcErr::name_exp: return "name_exp";
    case KdcErr::service_exp: return "service_exp";
    case KdcErr::bad_pvno: return "bad_pvno";
    case KdcErr::c_old_mast_kvno: return "c_old_mast_kvno";
    case KdcErr::s_old_mast_kvno: return "s_old_mast_kvno";
    case KdcErr::c_principal_unknown: return "c_principal_unknown";
    case KdcErr::s_principal_unknown: return "s_principal_unknown";
    case KdcErr::principal_not_unique: return "principal_not_unique";
    case KdcErr::null_key: return "null_key";
    case KdcErr::cannot_postdate: return "cannot_postdate";
    case KdcErr::never_valid: return "never_valid";
    case KdcErr::policy: return "policy";
    case KdcErr::badoption: return "badoption";
    case KdcErr::etype_nosupp: return "etype_nosupp";
    case KdcErr::sumtype_nosupp: return "sumtype_nosupp";
    case KdcErr::padata_type_nosupp: return "padata_type_nosupp";
    case KdcErr::trtype_nosupp: return "trtype_nosupp";
    case KdcErr::client_revoked: return "client_revoked";
    case KdcErr::service_revoked: return "service_revoked";
    case KdcErr::tgt_revoked: return "tgt_revoked";
    case KdcErr::client_notyet: return "client_notyet";
    case KdcErr::service_notyet: return "service_notyet";
    case KdcErr::key_expired: return "key_expired";
    case KdcErr::preauth_failed: return "preauth_failed";
    case KdcErr::preauth_required: return "preauth_required";
    case KdcErr::server_nomatch: return "server_nomatch";
    case KdcErr::must_use_user2user: return "must_use_user2user";
    case KdcErr::path_not_accepted: return "path_not_accepted";
    case KdcErr::svc_unavailable: return "svc_unavailable";
    case KdcErr::ap_err_bad_integrity: return "ap_err_bad_integrity";
    case KdcErr::ap_err_tkt_expired: return "ap_err_tkt_expired";
    case KdcErr::ap_err_tkt_nyv: return "ap_err_tkt_nyv";
    case KdcErr::ap_err_repeat: return "ap_err_repeat";
    case KdcErr::ap_err_not_us: return "ap_err_not_us";
    case KdcErr::ap_err_badmatch: return "ap_err_badmatch";
    case KdcErr::ap_err_skew: return "ap_err_skew";
    case KdcErr::ap_err_badaddr: return "ap_err_badaddr";
    case KdcErr::ap_err_badversion: return "ap_err_badversion";
    case KdcErr::ap_err_msg_type: return "ap_err_msg_type";
    case KdcErr::ap_err_modified: return "ap_err_modified";
    case KdcErr::ap_err_badorder: return "ap_err_badorder";
    case KdcErr::ap_err_ill_cr_tkt: return "ap_err_ill_cr_tkt";
    case KdcErr::ap_err_badkeyver: return "ap_err_badkeyver";
    case KdcErr::ap_err_nokey: return "ap_err_nokey";
    case KdcErr::ap_err_mut_fail: return "ap_err_mut_fail";
    case KdcErr::ap_err_baddirection: return "ap_err_baddirection";
    case KdcErr::ap_err_method: return "ap_err_method";
    case KdcErr::ap_err_badseq: return "ap_err_badseq";
    case KdcErr::ap_err_inapp_cksum: return "ap_err_inapp_cksum";
    case KdcErr::ap_path_not_accepted: return "ap_path_not_accepted";
    case KdcErr::err_response_too_big: return "err_response_too_big";
    case KdcErr::err_generic: return "err_generic";
    case KdcErr::err_field_toolong: return "err_field_toolong";
    case KdcErr::client_not_trusted: return "client_not_trusted";
    case KdcErr::kdc_not_trusted: return "kdc_not_trusted";
    case KdcErr::invalid_sig: return "invalid_sig";
    case KdcErr::dh_key_parameters_not_accepted: return "dh_key_parameters_not_accepted";
    case KdcErr::certificate_mismatch: return "certificate_mismatch";
    case KdcErr::ap_err_no_tgt: return "ap_err_no_tgt";
    case KdcErr::wrong_realm: return "wrong_realm";
    case KdcErr::ap_err_user_to_user_required: return "ap_err_user_to_user_required";
    case KdcErr::cant_verify_certificate: return "cant_verify_certificate";
    case KdcErr::invalid_certificate: return "invalid_certificate";
    case KdcErr::revoked_certificate: return "revoked_certificate";
    case KdcErr::revocation_status_unknown: return "revocation_status_unknown";
    case KdcErr::revocation_status_unavailable: return "revocation_status_unavailable";
    case KdcErr::client_name_mismatch: return "client_name_mismatch";
    case KdcErr::kdc_name_mismatch: return "kdc_name_mismatch";
    case KdcErr::inconsistent_key_purpose: return "inconsistent_key_purpose";
    case KdcErr::digest_in_cert_not_accepted: return "digest_in_cert_not_accepted";
    case KdcErr::pa_checksum_must_be_included: return "pa_checksum_must_be_included";
    case KdcErr::digest_in_signed_data_not_accepted: return "digest_in_signed_data_not_accepted";
    case KdcErr::public_key_encryption_not_supported: return "public_key_encryption_not_supported";
    case KdcErr::ap_err_iakerb_kdc_not_found: return "ap_err_iakerb_kdc_not_found";
    case KdcErr::ap_err_iakerb_kdc_no_response: return "ap_err_iakerb_kdc_no_response";
    case KdcErr::preauth_expired: return "preauth_expired";
    case KdcErr::more_preauth_data_required: return "more_preauth_data_required";
    case KdcErr::unknown_critical_fast_options: return "unknown_critical_fast_options";
    case KdcErr::no_acceptable_kdf: return "no_acceptable_kdf";
  }
  return {};
}

// "KDC_ERR_PREAUTH_FAILED" -> "preauth_failed", "KRB_AP_ERR_SKEW" -> "ap_err_skew".
std::string enumerator_for(std::string_view rfc_name) {
  for (std::string_view prefix : {"KDC_ERR_", "KRB_"})
    if (rfc_name.substr(0, prefix.size()) == prefix) {
      rfc_name.remove_prefix(prefix.size());
      break;
    }
  std::string out;
  for (char c : rfc_name) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

}  // namespace

TEST_CASE("every KDC error table row has its KdcErr and every KdcErr a row") {
  for (int code = -256; code < 1024; ++code) {
    CAPTURE(code);
    const std::string name = kdc_error_name(code);
    const std::string_view enumerator = spelling(static_cast<KdcErr>(code));
    CHECK(name.empty() == enumerator.empty());
    if (name.empty()) continue;
    CHECK(enumerator_for(name) == enumerator);
    CHECK(Error{kdc_error(code)}.is(static_cast<KdcErr>(code)));
  }
}

TEST_CASE("Error::is tells KDC errors apart from local ones with the same number") {
  Error e{kdc_error(KdcErr::preauth_failed)};
  CHECK(e.is(KdcErr::preauth_failed));
  CHECK_FALSE(e.is(KdcErr::preauth_required));
  CHECK_FALSE(Error{Errc::integrity}.is(static_cast<KdcErr>(static_cast<int>(Errc::integrity))));
}
