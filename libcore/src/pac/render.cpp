// The PAC as text and JSON, for kvno/klist --decode.
#include <fmt/format.h>

#include "krbkit/pac/pac.hpp"

namespace krbkit::pac {

namespace {

const char* state_name(Check::State s) {
  switch (s) {
    case Check::State::verified: return "verified";
    case Check::State::failed: return "FAILED";
    case Check::State::not_checked: return "not checked";
  }
  return "?";
}

std::string check_text(const Check& c) {
  return c.detail.empty() ? state_name(c.state) : fmt::format("{} ({})", state_name(c.state), c.detail);
}

std::string rid_list(const std::vector<GroupMembership>& groups) {
  std::string out;
  for (const auto& g : groups) out += fmt::format("{}{}", out.empty() ? "" : ", ", g.rid);
  return out.empty() ? "none" : out;
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

void groups_json(json::Writer& w, std::string_view name, const std::vector<GroupMembership>& groups) {
  w.key(name).begin_array();
  for (const auto& g : groups)
    w.begin_object().member("rid", g.rid).member("attributes", g.attributes).end_object();
  w.end_array();
}

void check_json(json::Writer& w, std::string_view name, const std::optional<Signature>& sig, const Check& c) {
  w.key(name);
  if (!sig) {
    w.null();
    return;
  }
  w.begin_object().member("checksum_type", static_cast<std::int64_t>(to_int(sig->type)));
  w.member("state", c.state == Check::State::verified ? "verified"
                    : c.state == Check::State::failed ? "failed"
                                                      : "not_checked");
  if (!c.detail.empty()) w.member("detail", c.detail);
  w.end_object();
}

}  // namespace

std::string to_text(const Pac& pac, const Checks& checks, int indent) {
  std::string out;
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  auto line = [&](int level, std::string_view name, std::string_view value) {
    std::string lead = pad + std::string(static_cast<std::size_t>(level) * 2, ' ') + std::string(name) + ":";
    out += value.empty() ? lead + "\n" : fmt::format("{:<24} {}\n", lead, value);
  };
  std::string types;
  for (const auto& b : pac.buffers) types += (types.empty() ? "" : ", ") + buffer_type_name(b.type);
  line(0, "PAC", fmt::format("version {}, {} buffers ({})", pac.version, pac.buffers.size(), types));
  if (const auto& li = pac.logon_info) {
    line(1, "Logon info", "");
    line(2, "Account", li->effective_name);
    if (!li->full_name.empty()) line(2, "Full name", li->full_name);
    line(2, "Domain",
         fmt::format("{} ({})", li->logon_domain_name,
                     li->logon_domain_id ? li->logon_domain_id->to_string() : "no SID"));
    line(2, "Logon server", li->logon_server);
    line(2, "User SID", li->user_sid() ? li->user_sid()->to_string() : fmt::format("RID {}", li->user_id));
    line(2, "Primary group RID", fmt::format("{}", li->primary_group_id));
    line(2, "Group RIDs", rid_list(li->groups));
    for (const auto& s : li->extra_sids)
      line(2, "Extra SID", fmt::format("{} (attributes 0x{:x})", s.sid.to_string(), s.attributes));
    if (li->resource_group_domain_sid)
      line(2, "Resource groups",
           fmt::format("{}: {}", li->resource_group_domain_sid->to_string(), rid_list(li->resource_groups)));
    line(2, "User flags", fmt::format("0x{:x}", li->user_flags));
    line(2, "Account control", fmt::format("0x{:x}", li->user_account_control));
    line(2, "Logon time", li->logon_time.to_string());
    line(2, "Logoff time", li->logoff_time.to_string());
    line(2, "Kickoff time", li->kickoff_time.to_string());
    line(2, "Password last set", li->password_last_set.to_string());
    line(2, "Password can change", li->password_can_change.to_string());
    line(2, "Password must change", li->password_must_change.to_string());
    line(2, "Logon count", fmt::format("{} (bad passwords: {})", li->logon_count, li->bad_password_count));
  }
  if (const auto& u = pac.upn_dns_info) {
    line(1, "UPN and DNS info", "");
    line(2, "UPN", u->upn + ((u->flags & 1) ? " (constructed: the account has no UPN)" : ""));
    line(2, "DNS domain", u->dns_domain);
    if (u->sam_name) line(2, "SAM name", *u->sam_name);
    if (u->sid) line(2, "SID", u->sid->to_string());
  }
  if (const auto& c = pac.client_info) {
    line(1, "Client info", "");
    line(2, "Name", c->name);
    line(2, "Client ID (authtime)", c->client_id.to_string());
  }
  if (pac.attributes) line(1, "Attributes", fmt::format("0x{:x}", *pac.attributes));
  if (pac.requestor) line(1, "Requestor SID", pac.requestor->to_string());
  if (pac.server_signature)
    line(1, "Server signature",
         fmt::format("checksum type {}: {}", to_int(pac.server_signature->type), check_text(checks.server)));
  if (pac.kdc_signature)
    line(1, "KDC signature",
         fmt::format("checksum type {}: {}", to_int(pac.kdc_signature->type), check_text(checks.kdc)));
  if (pac.ticket_signature)
    line(1, "Ticket signature", fmt::format("checksum type {}: present", to_int(pac.ticket_signature->type)));
  if (pac.full_signature)
    line(1, "Full signature", fmt::format("checksum type {}: present", to_int(pac.full_signature->type)));
  return out;
}

void to_json(json::Writer& w, const Pac& pac, const Checks& checks) {
  w.member("version", pac.version);
  w.key("buffers").begin_array();
  for (const auto& b : pac.buffers) {
    w.begin_object().member("type", b.type).member("name", buffer_type_name(b.type));
    w.member("size", static_cast<std::uint64_t>(b.data.size())).end_object();
  }
  w.end_array();
  w.key("logon_info");
  if (const auto& li = pac.logon_info) {
    w.begin_object();
    w.member("account", li->effective_name).member("full_name", li->full_name);
    w.member("domain", li->logon_domain_name).member("logon_server", li->logon_server);
    sid_json(w, "domain_sid", li->logon_domain_id);
    sid_json(w, "user_sid", li->user_sid());
    w.member("user_rid", li->user_id).member("primary_group_rid", li->primary_group_id);
    groups_json(w, "groups", li->groups);
    w.key("extra_sids").begin_array();
    for (const auto& s : li->extra_sids)
      w.begin_object().member("sid", s.sid.to_string()).member("attributes", s.attributes).end_object();
    w.end_array();
    sid_json(w, "resource_group_domain_sid", li->resource_group_domain_sid);
    groups_json(w, "resource_groups", li->resource_groups);
    w.member("user_flags", li->user_flags).member("user_account_control", li->user_account_control);
    time_json(w, "logon_time", li->logon_time);
    time_json(w, "logoff_time", li->logoff_time);
    time_json(w, "kickoff_time", li->kickoff_time);
    time_json(w, "password_last_set", li->password_last_set);
    time_json(w, "password_can_change", li->password_can_change);
    time_json(w, "password_must_change", li->password_must_change);
    w.member("logon_count", static_cast<std::uint32_t>(li->logon_count));
    w.member("bad_password_count", static_cast<std::uint32_t>(li->bad_password_count));
    w.end_object();
  } else {
    w.null();
  }
  w.key("upn_dns_info");
  if (const auto& u = pac.upn_dns_info) {
    w.begin_object().member("upn", u->upn).member("dns_domain", u->dns_domain).member("flags", u->flags);
    if (u->sam_name) w.member("sam_name", *u->sam_name);
    if (u->sid) w.member("sid", u->sid->to_string());
    w.end_object();
  } else {
    w.null();
  }
  w.key("client_info");
  if (const auto& c = pac.client_info) {
    w.begin_object().member("name", c->name);
    time_json(w, "client_id", c->client_id);
    w.end_object();
  } else {
    w.null();
  }
  check_json(w, "server_signature", pac.server_signature, checks.server);
  check_json(w, "kdc_signature", pac.kdc_signature, checks.kdc);
}

}  // namespace krbkit::pac
