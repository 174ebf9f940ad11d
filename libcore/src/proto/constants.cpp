#include "krbkit/proto/constants.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace krbkit {
namespace {

template <class T, std::size_t N>
std::string_view lookup(const std::array<std::pair<T, std::string_view>, N>& table, T key) {
  for (const auto& [k, name] : table)
    if (k == key) return name;
  return {};
}

constexpr std::array<std::pair<MsgType, std::string_view>, 10> kMsgTypes{{
    {MsgType::as_req, "AS-REQ"},
    {MsgType::as_rep, "AS-REP"},
    {MsgType::tgs_req, "TGS-REQ"},
    {MsgType::tgs_rep, "TGS-REP"},
    {MsgType::ap_req, "AP-REQ"},
    {MsgType::ap_rep, "AP-REP"},
    {MsgType::krb_safe, "KRB-SAFE"},
    {MsgType::krb_priv, "KRB-PRIV"},
    {MsgType::krb_cred, "KRB-CRED"},
    {MsgType::krb_error, "KRB-ERROR"},
}};

constexpr std::array<std::pair<PaType, std::string_view>, 37> kPaTypes{{
    {PaType::tgs_req, "PA-TGS-REQ"},
    {PaType::enc_timestamp, "PA-ENC-TIMESTAMP"},
    {PaType::pw_salt, "PA-PW-SALT"},
    {PaType::enc_unix_time, "PA-ENC-UNIX-TIME"},
    {PaType::afs3_salt, "PA-AFS3-SALT"},
    {PaType::etype_info, "PA-ETYPE-INFO"},
    {PaType::sam_challenge, "PA-SAM-CHALLENGE"},
    {PaType::sam_response, "PA-SAM-RESPONSE"},
    {PaType::pk_as_req_old, "PA-PK-AS-REQ_OLD"},
    {PaType::pk_as_rep_old, "PA-PK-AS-REP_OLD"},
    {PaType::pk_as_req, "PA-PK-AS-REQ"},
    {PaType::pk_as_rep, "PA-PK-AS-REP"},
    {PaType::etype_info2, "PA-ETYPE-INFO2"},
    {PaType::svr_referral_info, "PA-SVR-REFERRAL-INFO"},
    {PaType::sam_redirect, "PA-SAM-REDIRECT"},
    {PaType::get_from_typed_data, "PA-GET-FROM-TYPED-DATA"},
    {PaType::referral, "PA-REFERRAL"},
    {PaType::pac_request, "PA-PAC-REQUEST"},
    {PaType::for_user, "PA-FOR-USER"},
    {PaType::s4u_x509_user, "PA-S4U-X509-USER"},
    {PaType::as_checksum, "PA-AS-CHECKSUM"},
    {PaType::fx_cookie, "PA-FX-COOKIE"},
    {PaType::authentication_set, "PA-AUTHENTICATION-SET"},
    {PaType::auth_set_selected, "PA-AUTH-SET-SELECTED"},
    {PaType::fx_fast, "PA-FX-FAST"},
    {PaType::fx_error, "PA-FX-ERROR"},
    {PaType::encrypted_challenge, "PA-ENCRYPTED-CHALLENGE"},
    {PaType::otp_challenge, "PA-OTP-CHALLENGE"},
    {PaType::otp_request, "PA-OTP-REQUEST"},
    {PaType::otp_pin_change, "PA-OTP-PIN-CHANGE"},
    {PaType::pkinit_kx, "PA-PKINIT-KX"},
    {PaType::req_enc_pa_rep, "PA-REQ-ENC-PA-REP"},
    {PaType::as_freshness, "PA-AS-FRESHNESS"},
    {PaType::spake, "PA-SPAKE"},
    {PaType::redhat_idp_oauth2, "PA-REDHAT-IDP-OAUTH2"},
    {PaType::redhat_passkey, "PA-REDHAT-PASSKEY"},
    {PaType::pac_options, "PA-PAC-OPTIONS"},
}};

constexpr std::array<std::pair<std::int32_t, std::string_view>, 9> kAddressTypes{{
    {address_type::ipv4, "IPv4"},
    {address_type::directional, "directional"},
    {address_type::chaosnet, "ChaosNet"},
    {address_type::xns, "XNS"},
    {address_type::iso, "ISO"},
    {address_type::decnet, "DECnet"},
    {address_type::appletalk, "AppleTalk"},
    {address_type::netbios, "NetBIOS"},
    {address_type::ipv6, "IPv6"},
}};

// RFC 4120 names of the TicketFlags bits (index = bit number).
constexpr std::array<std::string_view, 17> kTicketFlagNames{"reserved",
                                                            "forwardable",
                                                            "forwarded",
                                                            "proxiable",
                                                            "proxy",
                                                            "may-postdate",
                                                            "postdated",
                                                            "invalid",
                                                            "renewable",
                                                            "initial",
                                                            "pre-authent",
                                                            "hw-authent",
                                                            "transited-policy-checked",
                                                            "ok-as-delegate",
                                                            "",
                                                            "enc-pa-rep",
                                                            "anonymous"};

// MIT klist's flags_string(): the letters in the order it tests them.
constexpr std::array<std::pair<std::uint32_t, char>, 14> kKlistLetters{{
    {ticket_flags::forwardable, 'F'},
    {ticket_flags::forwarded, 'f'},
    {ticket_flags::proxiable, 'P'},
    {ticket_flags::proxy, 'p'},
    {ticket_flags::may_postdate, 'D'},
    {ticket_flags::postdated, 'd'},
    {ticket_flags::invalid, 'i'},
    {ticket_flags::renewable, 'R'},
    {ticket_flags::initial, 'I'},
    {ticket_flags::hw_authent, 'H'},
    {ticket_flags::pre_authent, 'A'},
    {ticket_flags::transited_policy_checked, 'T'},
    {ticket_flags::ok_as_delegate, 'O'},
    {ticket_flags::anonymous, 'a'},
}};

// RFC 4120 / RFC 6806 / MS-SFU names of the KDCOptions bits (index = bit number).
constexpr std::array<std::string_view, 32> kKdcOptionNames{"reserved",
                                                           "forwardable",
                                                           "forwarded",
                                                           "proxiable",
                                                           "proxy",
                                                           "allow-postdate",
                                                           "postdated",
                                                           "",
                                                           "renewable",
                                                           "",
                                                           "",
                                                           "",
                                                           "",
                                                           "",
                                                           "cname-in-addl-tkt",
                                                           "canonicalize",
                                                           "request-anonymous",
                                                           "",
                                                           "",
                                                           "",
                                                           "",
                                                           "",
                                                           "",
                                                           "",
                                                           "",
                                                           "",
                                                           "disable-transited-check",
                                                           "renewable-ok",
                                                           "enc-tkt-in-skey",
                                                           "",
                                                           "renew",
                                                           "validate"};

template <std::size_t N>
std::vector<std::string> bit_names(std::uint32_t bits, const std::array<std::string_view, N>& names) {
  std::vector<std::string> out;
  for (unsigned n = 0; n < 32; ++n) {
    if (!(bits & flag_bit(n))) continue;
    if (n < N && !names[n].empty())
      out.emplace_back(names[n]);
    else
      out.push_back(fmt::format("bit-{}", n));
  }
  return out;
}

}  // namespace

std::string_view msg_type_name(MsgType t) { return lookup(kMsgTypes, t); }
std::string_view pa_type_name(PaType t) { return lookup(kPaTypes, t); }
std::string pa_type_display(PaType t) {
  auto name = pa_type_name(t);
  auto n = static_cast<std::int32_t>(t);
  return name.empty() ? fmt::format("({})", n) : fmt::format("{} ({})", name, n);
}
std::string_view address_type_name(std::int32_t type) { return lookup(kAddressTypes, type); }

std::string ticket_flag_letters(std::uint32_t flags) {
  std::string out;
  for (const auto& [bit, letter] : kKlistLetters)
    if (flags & bit) out.push_back(letter);
  return out;
}

std::vector<std::string> ticket_flag_names(std::uint32_t flags) { return bit_names(flags, kTicketFlagNames); }
std::vector<std::string> kdc_option_names(std::uint32_t options) {
  return bit_names(options, kKdcOptionNames);
}

}  // namespace krbkit
