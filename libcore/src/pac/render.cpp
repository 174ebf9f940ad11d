// The PAC as text and JSON, for kvno/klist --decode.
#include <fmt/format.h>

#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/pac/pac.hpp"
#include "krbkit/pac/ticket.hpp"

namespace krbkit::pac {

namespace {

constexpr std::size_t kNameWidth = 28;  // values start in the column after

const char* state_name(Check::State s) {
  switch (s) {
    case Check::State::verified: return "verified";
    case Check::State::failed: return "FAILED";
    case Check::State::not_checked: return "not checked";
  }
  return "?";
}

const char* state_json(Check::State s) {
  switch (s) {
    case Check::State::verified: return "verified";
    case Check::State::failed: return "failed";
    case Check::State::not_checked: return "not_checked";
  }
  return "?";
}

std::string check_text(const Check& c) {
  return c.detail.empty() ? state_name(c.state) : fmt::format("{} ({})", state_name(c.state), c.detail);
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// "0x210 (normal account, password never expires)", "0x0".
std::string flags_text(std::uint32_t value, const std::vector<std::string>& names) {
  return names.empty() ? fmt::format("0x{:x}", value) : fmt::format("0x{:x} ({})", value, joined(names));
}

// "[0x7: mandatory, enabled by default, enabled]".
std::string attributes_text(std::uint32_t attributes) {
  auto names = group_attribute_names(attributes);
  return names.empty() ? fmt::format("[0x{:x}]", attributes)
                       : fmt::format("[0x{:x}: {}]", attributes, joined(names));
}

// "513 Domain Users [0x7: mandatory, enabled by default, enabled]".
std::string group_text(std::uint32_t rid, std::uint32_t attributes) {
  std::string name = well_known_rid_name(rid);
  return fmt::format("{}{}{} {}", rid, name.empty() ? "" : " ", name, attributes_text(attributes));
}

std::string sid_text(const Sid& sid) {
  std::string name = well_known_sid_name(sid);
  return name.empty() ? sid.to_string() : fmt::format("{} ({})", sid.to_string(), name);
}

void sid_json(json::Writer& w, std::string_view name, const std::optional<Sid>& sid) {
  w.key(name);
  if (sid) {
    w.value(sid->to_string());
  } else {
    w.null();
  }
}

void time_json(json::Writer& w, std::string_view name, FileTime t) {
  w.key(name);
  if (!t.is_set() || t.is_never()) {
    w.null();
  } else {
    w.value(t.to_string());
  }
}

void names_json(json::Writer& w, std::string_view name, const std::vector<std::string>& names) {
  w.key(name).begin_array();
  for (const auto& n : names) w.value(n);
  w.end_array();
}

void groups_json(json::Writer& w, std::string_view name, const std::vector<GroupMembership>& groups,
                 const std::optional<Sid>& domain) {
  w.key(name).begin_array();
  for (const auto& g : groups) {
    w.begin_object().member("rid", g.rid);
    sid_json(w, "sid", domain ? std::optional<Sid>(domain->with_rid(g.rid)) : std::nullopt);
    w.member("name", well_known_rid_name(g.rid)).member("attributes", g.attributes);
    names_json(w, "attribute_names", group_attribute_names(g.attributes));
    w.end_object();
  }
  w.end_array();
}

void check_json(json::Writer& w, std::string_view name, const std::optional<Signature>& sig, const Check& c) {
  w.key(name);
  if (!sig) {
    w.null();
    return;
  }
  w.begin_object().member("checksum_type", static_cast<std::int64_t>(to_int(sig->type)));
  w.member("checksum_name", cksumtype_name(sig->type));
  w.member("state", state_json(c.state));
  if (!c.detail.empty()) w.member("detail", c.detail);
  if (sig->rodc_identifier) w.member("rodc_identifier", static_cast<std::uint32_t>(*sig->rodc_identifier));
  w.end_object();
}

class TextOut {
 public:
  explicit TextOut(int indent) : pad_(static_cast<std::size_t>(indent), ' ') {}
  void line(int level, std::string_view name, std::string_view value) {
    std::string lead = pad_ + std::string(static_cast<std::size_t>(level) * 2, ' ') + std::string(name) + ":";
    out_ += value.empty() ? lead + "\n" : fmt::format("{:<{}} {}\n", lead, kNameWidth, value);
  }
  // Several values: the first on the name's line, the others below it.
  void lines(int level, std::string_view name, const std::vector<std::string>& values) {
    if (values.empty()) {
      line(level, name, "none");
      return;
    }
    line(level, name, values.front());
    for (std::size_t i = 1; i < values.size(); ++i)
      out_ += fmt::format("{:<{}} {}\n", "", kNameWidth, values[i]);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string pad_, out_;
};

void logon_info_text(TextOut& t, const LogonInfo& li) {
  t.line(1, "Logon info", "");
  t.line(2, "Account", li.effective_name);
  if (!li.full_name.empty()) t.line(2, "Full name", li.full_name);
  t.line(2, "Domain",
         fmt::format("{} ({})", li.logon_domain_name,
                     li.logon_domain_id ? li.logon_domain_id->to_string() : "no SID"));
  t.line(2, "Logon server", li.logon_server);
  t.line(2, "User SID",
         li.user_sid() ? fmt::format("{} (RID {})", li.user_sid()->to_string(), li.user_id)
                       : fmt::format("RID {}", li.user_id));
  std::string primary = well_known_rid_name(li.primary_group_id);
  t.line(2, "Primary group", fmt::format("{}{}{}", li.primary_group_id, primary.empty() ? "" : " ", primary));
  std::vector<std::string> groups;
  for (const auto& g : li.groups) groups.push_back(group_text(g.rid, g.attributes));
  t.lines(2, "Groups", groups);
  std::vector<std::string> extra;
  for (const auto& s : li.extra_sids)
    extra.push_back(fmt::format("{} {}", sid_text(s.sid), attributes_text(s.attributes)));
  if (!extra.empty()) t.lines(2, "Extra SIDs", extra);
  if (li.resource_group_domain_sid) {
    std::vector<std::string> res{fmt::format("domain {}", li.resource_group_domain_sid->to_string())};
    for (const auto& g : li.resource_groups) res.push_back(group_text(g.rid, g.attributes));
    t.lines(2, "Resource groups", res);
  }
  t.line(2, "User flags", flags_text(li.user_flags, user_flag_names(li.user_flags)));
  t.line(2, "Account control",
         flags_text(li.user_account_control, account_control_names(li.user_account_control)));
  t.line(2, "Logon time", li.logon_time.to_string());
  t.line(2, "Logoff time", li.logoff_time.to_string());
  t.line(2, "Kickoff time", li.kickoff_time.to_string());
  t.line(2, "Password last set", li.password_last_set.to_string());
  t.line(2, "Password can change", li.password_can_change.to_string());
  t.line(2, "Password must change", li.password_must_change.to_string());
  t.line(2, "Logon count", fmt::format("{} (bad passwords: {})", li.logon_count, li.bad_password_count));
}

void signature_text(TextOut& t, std::string_view name, const std::optional<Signature>& sig, const Check& c) {
  if (!sig) return;
  t.line(1, name, fmt::format("{}: {}", cksumtype_name(sig->type), check_text(c)));
}

}  // namespace

std::string to_text(const Pac& pac, const Checks& checks, int indent) {
  TextOut t(indent);
  std::string types;
  for (const auto& b : pac.buffers) types += (types.empty() ? "" : ", ") + buffer_type_name(b.type);
  t.line(0, "PAC", fmt::format("version {}, {} buffers ({})", pac.version, pac.buffers.size(), types));
  if (pac.logon_info) logon_info_text(t, *pac.logon_info);
  if (const auto& u = pac.upn_dns_info) {
    t.line(1, "UPN and DNS info", "");
    t.line(2, "UPN", u->upn + ((u->flags & 1) ? " (constructed: the account has no UPN)" : ""));
    t.line(2, "DNS domain", u->dns_domain);
    t.line(2, "Flags", flags_text(u->flags, [&] {
             std::vector<std::string> n;
             if (u->flags & 1) n.emplace_back("no UPN");
             if (u->flags & 2) n.emplace_back("SAM name and SID");
             return n;
           }()));
    if (u->sam_name) t.line(2, "SAM name", *u->sam_name);
    if (u->sid) t.line(2, "SID", u->sid->to_string());
  }
  if (const auto& c = pac.client_info) {
    t.line(1, "Client info", "");
    t.line(2, "Name", c->name);
    t.line(2, "Client ID (authtime)", c->client_id.to_string());
    if (checks.client.state != Check::State::not_checked) t.line(2, "Check", check_text(checks.client));
  }
  if (pac.attributes) {
    std::vector<std::string> n;
    if (*pac.attributes & 1) n.emplace_back("PAC requested");
    if (*pac.attributes & 2) n.emplace_back("PAC given");
    t.line(1, "Attributes", flags_text(*pac.attributes, n));
  }
  if (pac.requestor) t.line(1, "Requestor SID", pac.requestor->to_string());
  signature_text(t, "Server signature", pac.server_signature, checks.server);
  signature_text(t, "KDC signature", pac.kdc_signature, checks.kdc);
  signature_text(t, "Ticket signature", pac.ticket_signature, checks.ticket);
  signature_text(t, "Full signature", pac.full_signature, checks.full);
  return t.take();
}

namespace {

void extra_sids_json(json::Writer& w, const std::vector<SidAndAttributes>& sids) {
  w.key("extra_sids").begin_array();
  for (const auto& s : sids) {
    w.begin_object().member("sid", s.sid.to_string()).member("name", well_known_sid_name(s.sid));
    w.member("attributes", s.attributes);
    names_json(w, "attribute_names", group_attribute_names(s.attributes));
    w.end_object();
  }
  w.end_array();
}

void logon_info_json(json::Writer& w, const LogonInfo& li) {
  w.begin_object();
  w.member("account", li.effective_name).member("full_name", li.full_name);
  w.member("domain", li.logon_domain_name).member("logon_server", li.logon_server);
  sid_json(w, "domain_sid", li.logon_domain_id);
  sid_json(w, "user_sid", li.user_sid());
  w.member("user_rid", li.user_id).member("primary_group_rid", li.primary_group_id);
  groups_json(w, "groups", li.groups, li.logon_domain_id);
  extra_sids_json(w, li.extra_sids);
  sid_json(w, "resource_group_domain_sid", li.resource_group_domain_sid);
  groups_json(w, "resource_groups", li.resource_groups, li.resource_group_domain_sid);
  w.member("user_flags", li.user_flags);
  names_json(w, "user_flag_names", user_flag_names(li.user_flags));
  w.member("user_account_control", li.user_account_control);
  names_json(w, "user_account_control_names", account_control_names(li.user_account_control));
  time_json(w, "logon_time", li.logon_time);
  time_json(w, "logoff_time", li.logoff_time);
  time_json(w, "kickoff_time", li.kickoff_time);
  time_json(w, "password_last_set", li.password_last_set);
  time_json(w, "password_can_change", li.password_can_change);
  time_json(w, "password_must_change", li.password_must_change);
  w.member("logon_count", static_cast<std::uint32_t>(li.logon_count));
  w.member("bad_password_count", static_cast<std::uint32_t>(li.bad_password_count));
  w.end_object();
}

void upn_dns_info_json(json::Writer& w, const UpnDnsInfo& u) {
  w.begin_object().member("upn", u.upn).member("dns_domain", u.dns_domain).member("flags", u.flags);
  if (u.sam_name) w.member("sam_name", *u.sam_name);
  if (u.sid) w.member("sid", u.sid->to_string());
  w.end_object();
}

void client_info_json(json::Writer& w, const ClientInfo& c, const Check& check) {
  w.begin_object().member("name", c.name);
  time_json(w, "client_id", c.client_id);
  w.member("state", state_json(check.state));
  if (!check.detail.empty()) w.member("detail", check.detail);
  w.end_object();
}

// `key`: the object `write` makes of the value, or null without one.
template <class T, class Write>
void optional_json(json::Writer& w, std::string_view key, const std::optional<T>& value, Write&& write) {
  w.key(key);
  if (value) {
    write(*value);
  } else {
    w.null();
  }
}

}  // namespace

void to_json(json::Writer& w, const Pac& pac, const Checks& checks) {
  w.member("version", pac.version);
  w.key("buffers").begin_array();
  for (const auto& b : pac.buffers) {
    w.begin_object().member("type", b.type).member("name", buffer_type_name(b.type));
    w.member("size", static_cast<std::uint64_t>(b.data.size())).end_object();
  }
  w.end_array();
  optional_json(w, "logon_info", pac.logon_info, [&](const LogonInfo& li) { logon_info_json(w, li); });
  optional_json(w, "upn_dns_info", pac.upn_dns_info, [&](const UpnDnsInfo& u) { upn_dns_info_json(w, u); });
  optional_json(w, "client_info", pac.client_info,
                [&](const ClientInfo& c) { client_info_json(w, c, checks.client); });
  optional_json(w, "attributes", pac.attributes, [&](std::uint32_t a) { w.value(a); });
  sid_json(w, "requestor_sid", pac.requestor);
  check_json(w, "server_signature", pac.server_signature, checks.server);
  check_json(w, "kdc_signature", pac.kdc_signature, checks.kdc);
  check_json(w, "ticket_signature", pac.ticket_signature, checks.ticket);
  check_json(w, "full_signature", pac.full_signature, checks.full);
}

}  // namespace krbkit::pac
