// A decoded service ticket as text (aligned sections, for admins) and JSON.
#include <arpa/inet.h>
#include <fmt/format.h>

#include <ctime>

#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/pac/ticket.hpp"
#include "krbkit/proto/constants.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::pac {

namespace {

constexpr int kIndent = 2;  // the PAC's section sits inside the ticket's

std::string iso_time(KerberosTime t) {
  std::time_t s = static_cast<std::time_t>(t.time_since_epoch().count());
  std::tm tm{};
  if (!gmtime_r(&s, &tm)) return fmt::format("{}", t.time_since_epoch().count());
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string address_text(const HostAddress& a) {
  char buf[64];
  if (a.type == address_type::ipv4 && a.address.size() == 4 &&
      ::inet_ntop(AF_INET, a.address.data(), buf, sizeof buf))
    return buf;
  if (a.type == address_type::ipv6 && a.address.size() == 16 &&
      ::inet_ntop(AF_INET6, a.address.data(), buf, sizeof buf))
    return buf;
  std::string name(address_type_name(a.type));
  return fmt::format("{} {}", name.empty() ? fmt::format("type {}", a.type) : name, to_hex(a.address));
}

std::string ad_type_name(std::int32_t type) {
  switch (type) {
    case ad_type::if_relevant: return "AD-IF-RELEVANT";
    case ad_type::intended_for_server: return "AD-INTENDED-FOR-SERVER";
    case ad_type::kdc_issued: return "AD-KDC-ISSUED";
    case ad_type::and_or: return "AD-AND-OR";
    case ad_type::mandatory_for_kdc: return "AD-MANDATORY-FOR-KDC";
    case ad_type::fx_fast_armor: return "AD-FX-FAST-ARMOR";
    case ad_type::fx_fast_used: return "AD-FX-FAST-USED";
    case ad_type::cammac: return "AD-CAMMAC";
    case ad_type::auth_indicator: return "AD-AUTHENTICATION-INDICATOR";
    case ad_type::win2k_pac: return "AD-WIN2K-PAC";
    case ad_type::etype_negotiation: return "AD-ETYPE-NEGOTIATION";
    case 141: return "KERB-AUTH-DATA-TOKEN-RESTRICTIONS";
    case 142: return "KERB-LOCAL";
    case 143: return "AD-AUTH-DATA-AP-OPTIONS";
    case 144: return "KERB-AUTH-DATA-CLIENT-TARGET";
    default: return fmt::format("type {}", type);
  }
}

// One element; AD-IF-RELEVANT with what it contains.
struct AdElement {
  std::int32_t type = 0;
  std::size_t size = 0;
  std::vector<AdElement> inner;
};

std::vector<AdElement> ad_elements(const AuthorizationData& ad, int depth = 0) {
  std::vector<AdElement> out;
  for (const auto& e : ad) {
    AdElement el{e.type, e.data.size(), {}};
    if (e.type == ad_type::if_relevant && depth < 4)
      if (auto inner = decode_authorization_data(e.data, "AD-IF-RELEVANT"))
        el.inner = ad_elements(*inner, depth + 1);
    out.push_back(std::move(el));
  }
  return out;
}

std::string ad_text(const AdElement& e) {
  std::string out = fmt::format("{} ({} bytes)", ad_type_name(e.type), e.size);
  if (!e.inner.empty()) {
    std::string inner;
    for (const auto& i : e.inner) inner += (inner.empty() ? "" : ", ") + ad_text(i);
    out += ": " + inner;
  }
  return out;
}

void ad_json(json::Writer& w, const std::vector<AdElement>& elements) {
  w.begin_array();
  for (const auto& e : elements) {
    w.begin_object().member("type", static_cast<std::int64_t>(e.type)).member("name", ad_type_name(e.type));
    w.member("size", static_cast<std::uint64_t>(e.size));
    if (!e.inner.empty()) {
      w.key("elements");
      ad_json(w, e.inner);
    }
    w.end_object();
  }
  w.end_array();
}

std::string transited_text(const TransitedEncoding& t) {
  if (t.contents.empty()) return "none (the client's realm issued it)";
  return fmt::format("{} (type {})", std::string(t.contents.begin(), t.contents.end()), t.tr_type);
}

std::string flags_text(std::uint32_t flags) {
  std::string names;
  for (const auto& n : ticket_flag_names(flags)) names += (names.empty() ? "" : ", ") + n;
  return names.empty() ? "none" : fmt::format("{} ({})", names, ticket_flag_letters(flags));
}

void optional_time_json(json::Writer& w, std::string_view name, const std::optional<KerberosTime>& t) {
  w.key(name);
  if (t) {
    w.value(iso_time(*t));
  } else {
    w.null();
  }
}

void line(std::string& out, int level, std::string_view name, std::string_view value) {
  std::string lead = std::string(static_cast<std::size_t>(level) * 2, ' ') + std::string(name) + ":";
  out += fmt::format("{:<28} {}\n", lead, value);
}

}  // namespace

std::string ticket_text(const DecodedTicket& t) {
  std::string out = fmt::format("Ticket for {}\n", unparse_principal(t.server));
  const auto& p = t.part;
  line(out, 1, "Encrypted with",
       fmt::format("{}, {}", enctype_name(t.enctype), t.kvno ? fmt::format("kvno {}", t.kvno) : "no kvno"));
  line(out, 1, "Decrypted with", fmt::format("{} (kvno {})", t.keytab_name, t.key_kvno));
  line(out, 1, "Client", unparse_principal(to_principal(p.cname, p.crealm)));
  line(out, 1, "Flags", flags_text(p.flags));
  line(out, 1, "Session key", enctype_name(p.key.enctype));
  line(out, 1, "Auth time", iso_time(p.authtime));
  line(out, 1, "Start time", p.starttime ? iso_time(*p.starttime) : "not set (the auth time)");
  line(out, 1, "End time", iso_time(p.endtime));
  if (p.renew_till) line(out, 1, "Renew until", iso_time(*p.renew_till));
  line(out, 1, "Transited", transited_text(p.transited));
  if (!t.transit_problem.empty()) line(out, 1, "Transit check", "FAILED: " + t.transit_problem);
  std::string addresses;
  for (const auto& a : p.caddr) addresses += (addresses.empty() ? "" : ", ") + address_text(a);
  line(out, 1, "Addresses", addresses.empty() ? "none (usable from any address)" : addresses);
  std::vector<AdElement> ad = ad_elements(p.authorization_data);
  if (ad.empty()) line(out, 1, "Authorization data", "none");
  for (std::size_t i = 0; i < ad.size(); ++i)
    line(out, 1, i == 0 ? "Authorization data" : "", ad_text(ad[i]));
  if (!t.cache_mismatch.empty()) line(out, 1, "Cache entry", "MISMATCH: " + t.cache_mismatch);
  if (t.pac) {
    out += to_text(*t.pac, t.checks, kIndent);
  } else if (!t.pac_error.empty()) {
    line(out, 1, "PAC", "damaged: " + t.pac_error);
  } else {
    line(out, 1, "PAC", "no PAC (the KDC put none in this ticket)");
  }
  return out;
}

void ticket_json(json::Writer& w, const DecodedTicket& t) {
  const auto& p = t.part;
  w.begin_object();
  w.member("server", unparse_principal(t.server)).member("kvno", t.kvno);
  w.member("enctype", enctype_name(t.enctype));
  w.member("keytab", t.keytab_name).member("key_kvno", t.key_kvno);
  w.member("client", unparse_principal(to_principal(p.cname, p.crealm)));
  w.key("flags").begin_array();
  for (const auto& n : ticket_flag_names(p.flags)) w.value(n);
  w.end_array();
  w.member("flag_letters", ticket_flag_letters(p.flags));
  w.member("session_enctype", enctype_name(p.key.enctype));
  w.member("authtime", iso_time(p.authtime));
  optional_time_json(w, "starttime", p.starttime);
  w.member("endtime", iso_time(p.endtime));
  optional_time_json(w, "renew_till", p.renew_till);
  w.key("transited").begin_object().member("type", static_cast<std::int64_t>(p.transited.tr_type));
  w.member("contents", std::string(p.transited.contents.begin(), p.transited.contents.end()));
  if (!t.transit_problem.empty()) w.member("check_failed", t.transit_problem);
  w.end_object();
  w.key("addresses").begin_array();
  for (const auto& a : p.caddr) w.value(address_text(a));
  w.end_array();
  w.key("authorization_data");
  ad_json(w, ad_elements(p.authorization_data));
  w.key("pac");
  if (t.pac) {
    w.begin_object();
    to_json(w, *t.pac, t.checks);
    w.end_object();
  } else {
    w.null();
  }
  if (!t.pac_error.empty()) w.member("pac_error", t.pac_error);
  w.member("verified", t.verified());
  w.key("problems").begin_array();
  for (const auto& problem : t.problems()) w.value(problem);
  w.end_array();
  w.end_object();
}

}  // namespace krbkit::pac
