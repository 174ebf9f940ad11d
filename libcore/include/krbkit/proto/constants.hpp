#pragma once
// RFC 4120 numbers with their names: message types, PA-DATA types, ticket
// flags and KDC options (with MIT klist -f letters), AP options, address
// types, authorization-data types and key usages. Name types are in
// basic_types.hpp (NameType); enctypes in base/enctype.hpp; KDC error codes
// in base/error.hpp (kdc_category, kdc_error_name).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/key_usage.hpp"
#include "krbkit/proto/basic_types.hpp"

namespace krbkit {

// RFC 4120 7.5.7
enum class MsgType : std::int32_t {
  as_req = 10,
  as_rep = 11,
  tgs_req = 12,
  tgs_rep = 13,
  ap_req = 14,
  ap_rep = 15,
  krb_safe = 20,
  krb_priv = 21,
  krb_cred = 22,
  krb_error = 30,
};
// "AS-REQ", ..., or "" if unknown.
std::string_view msg_type_name(MsgType t);

// PA-DATA types (IANA "Kerberos Pre-authentication and Typed Data").
enum class PaType : std::int32_t {
  tgs_req = 1,
  enc_timestamp = 2,
  pw_salt = 3,
  enc_unix_time = 5,
  afs3_salt = 10,
  etype_info = 11,
  sam_challenge = 12,
  sam_response = 13,
  pk_as_req_old = 14,
  pk_as_rep_old = 15,
  pk_as_req = 16,
  pk_as_rep = 17,
  etype_info2 = 19,
  svr_referral_info = 20,  // also PA-USE-SPECIFIED-KVNO
  sam_redirect = 21,
  get_from_typed_data = 22,
  referral = 25,
  pac_request = 128,
  for_user = 129,
  s4u_x509_user = 130,
  as_checksum = 132,
  fx_cookie = 133,
  authentication_set = 134,
  auth_set_selected = 135,
  fx_fast = 136,
  fx_error = 137,
  encrypted_challenge = 138,
  otp_challenge = 141,
  otp_request = 142,
  otp_pin_change = 144,
  pkinit_kx = 147,
  req_enc_pa_rep = 149,
  as_freshness = 150,
  spake = 151,
  redhat_idp_oauth2 = 152,
  redhat_passkey = 153,
  pac_options = 167,
};
// "PA-ENC-TIMESTAMP", ..., or "" if unknown.
std::string_view pa_type_name(PaType t);
// For traces, as MIT prints them: "PA-ETYPE-INFO2 (19)", or "(1234)" if unknown.
std::string pa_type_display(PaType t);

// Flags are KerberosFlags as a 32-bit number whose most significant bit is
// bit 0 of the BIT STRING (the layout MIT and the ccache format use).
constexpr std::uint32_t flag_bit(unsigned n) { return 0x80000000u >> n; }

// TicketFlags (RFC 4120 5.3, RFC 6806 enc-pa-rep, RFC 6112 anonymous).
namespace ticket_flags {
inline constexpr std::uint32_t forwardable = flag_bit(1);
inline constexpr std::uint32_t forwarded = flag_bit(2);
inline constexpr std::uint32_t proxiable = flag_bit(3);
inline constexpr std::uint32_t proxy = flag_bit(4);
inline constexpr std::uint32_t may_postdate = flag_bit(5);
inline constexpr std::uint32_t postdated = flag_bit(6);
inline constexpr std::uint32_t invalid = flag_bit(7);
inline constexpr std::uint32_t renewable = flag_bit(8);
inline constexpr std::uint32_t initial = flag_bit(9);
inline constexpr std::uint32_t pre_authent = flag_bit(10);
inline constexpr std::uint32_t hw_authent = flag_bit(11);
inline constexpr std::uint32_t transited_policy_checked = flag_bit(12);
inline constexpr std::uint32_t ok_as_delegate = flag_bit(13);
inline constexpr std::uint32_t enc_pa_rep = flag_bit(15);
inline constexpr std::uint32_t anonymous = flag_bit(16);
}  // namespace ticket_flags

// The letters MIT `klist -f` prints, in its order: F f P p D d i R I H A T O a.
std::string ticket_flag_letters(std::uint32_t flags);
// RFC names of the set flags, in bit order ("forwardable", "renewable",
// "pre-authent", ...); unknown bits as "bit-N".
std::vector<std::string> ticket_flag_names(std::uint32_t flags);

// KDCOptions (RFC 4120 5.4.1, RFC 6806 canonicalize, MS-SFU cname-in-addl-tkt).
namespace kdc_options {
inline constexpr std::uint32_t forwardable = flag_bit(1);
inline constexpr std::uint32_t forwarded = flag_bit(2);
inline constexpr std::uint32_t proxiable = flag_bit(3);
inline constexpr std::uint32_t proxy = flag_bit(4);
inline constexpr std::uint32_t allow_postdate = flag_bit(5);
inline constexpr std::uint32_t postdated = flag_bit(6);
inline constexpr std::uint32_t renewable = flag_bit(8);
inline constexpr std::uint32_t cname_in_addl_tkt = flag_bit(14);
inline constexpr std::uint32_t canonicalize = flag_bit(15);
inline constexpr std::uint32_t request_anonymous = flag_bit(16);
inline constexpr std::uint32_t disable_transited_check = flag_bit(26);
inline constexpr std::uint32_t renewable_ok = flag_bit(27);
inline constexpr std::uint32_t enc_tkt_in_skey = flag_bit(28);
inline constexpr std::uint32_t renew = flag_bit(30);
inline constexpr std::uint32_t validate = flag_bit(31);
}  // namespace kdc_options
// RFC names of the set options ("forwardable", "renewable-ok", ...); unknown bits as "bit-N".
std::vector<std::string> kdc_option_names(std::uint32_t options);

// APOptions (RFC 4120 5.5.1).
namespace ap_options {
inline constexpr std::uint32_t use_session_key = flag_bit(1);
inline constexpr std::uint32_t mutual_required = flag_bit(2);
}  // namespace ap_options

// FastOptions (RFC 6113 5.4.1).
namespace fast_options {
inline constexpr std::uint32_t hide_client_names = flag_bit(1);
inline constexpr std::uint32_t kdc_follow_referrals = flag_bit(16);
}  // namespace fast_options

// HostAddress addr-type (RFC 4120 7.5.3).
namespace address_type {
inline constexpr std::int32_t ipv4 = 2;
inline constexpr std::int32_t directional = 3;
inline constexpr std::int32_t chaosnet = 5;
inline constexpr std::int32_t xns = 6;
inline constexpr std::int32_t iso = 7;
inline constexpr std::int32_t decnet = 12;
inline constexpr std::int32_t appletalk = 16;
inline constexpr std::int32_t netbios = 20;
inline constexpr std::int32_t ipv6 = 24;
}  // namespace address_type
// "IPv4", "IPv6", "NetBIOS", ..., or "" if unknown.
std::string_view address_type_name(std::int32_t type);

// ad-type (RFC 4120 7.5.4, MS-PAC, RFC 6113).
namespace ad_type {
inline constexpr std::int32_t if_relevant = 1;
inline constexpr std::int32_t intended_for_server = 2;
inline constexpr std::int32_t intended_for_application_class = 3;
inline constexpr std::int32_t kdc_issued = 4;
inline constexpr std::int32_t and_or = 5;
inline constexpr std::int32_t mandatory_ticket_extensions = 6;
inline constexpr std::int32_t in_ticket_extensions = 7;
inline constexpr std::int32_t mandatory_for_kdc = 8;
inline constexpr std::int32_t fx_fast_armor = 71;
inline constexpr std::int32_t fx_fast_used = 72;
inline constexpr std::int32_t win2k_pac = 128;
inline constexpr std::int32_t etype_negotiation = 129;
inline constexpr std::int32_t cammac = 96;
inline constexpr std::int32_t auth_indicator = 97;
}  // namespace ad_type

}  // namespace krbkit
