// kadmin --json's getprinc and getpol documents (man/json/
// kadmin-principal.schema.json, kadmin-policy.schema.json): the fields of
// MIT's getprinc/getpol text, with times as seconds since the epoch (null
// for "never") and names as krbkit-json(7) spells them.

#include <optional>
#include <string>
#include <string_view>

#include "krbkit/base/json.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/kadm5/format.hpp"

namespace krbkit::kadm5 {
namespace {

// `key`: the string, or null when there is none.
void string_or_null(json::Writer& w, std::string_view key, const std::optional<std::string>& text) {
  w.key(key);
  if (text)
    w.value(*text);
  else
    w.null();
}

}  // namespace

std::string principal_json(const PrincipalEntry& p) {
  json::Writer w;
  w.schema(1).begin_object();
  w.member("principal", p.principal);
  auto opt_time = [&](std::string_view key, std::int32_t t) {
    w.key(key);
    if (t)
      w.value(static_cast<std::int64_t>(t));
    else
      w.null();
  };
  opt_time("expiration", p.princ_expire_time);
  opt_time("last_password_change", p.last_pwd_change);
  opt_time("password_expiration", p.pw_expiration);
  w.member("max_life", static_cast<std::int64_t>(p.max_life));
  w.member("max_renewable_life", static_cast<std::int64_t>(p.max_renewable_life));
  w.member("last_modified", static_cast<std::int64_t>(p.mod_date));
  string_or_null(w, "modified_by", p.mod_name);
  opt_time("last_success", p.last_success);
  opt_time("last_failed", p.last_failed);
  w.member("failed_attempts", p.fail_auth_count);
  w.member("kvno", p.kvno);
  w.member("mkvno", p.mkvno);
  w.key("keys").begin_array();
  for (const auto& k : p.key_data) {
    w.begin_object();
    w.member("kvno", k.kvno);
    w.member("enctype", enctype_name(static_cast<Enctype>(k.enctype)));
    w.member("salt", salttype_name(k.salttype));
    w.end_object();
  }
  w.end_array();
  w.key("attributes").begin_array();
  for (const auto& a : attribute_names(p.attributes)) w.value(a);
  w.end_array();
  string_or_null(w, "policy", p.policy);
  w.end_object();
  return w.finish();
}

std::string policy_json(const PolicyEntry& p) {
  json::Writer w;
  w.schema(1).begin_object();
  w.member("policy", p.name);
  w.member("max_password_life", static_cast<std::int64_t>(p.pw_max_life));
  w.member("min_password_life", static_cast<std::int64_t>(p.pw_min_life));
  w.member("min_password_length", static_cast<std::int64_t>(p.pw_min_length));
  w.member("min_character_classes", static_cast<std::int64_t>(p.pw_min_classes));
  w.member("old_keys_kept", static_cast<std::int64_t>(p.pw_history_num));
  w.member("max_failures", p.pw_max_fail);
  w.member("failure_count_interval", static_cast<std::int64_t>(p.pw_failcnt_interval));
  w.member("lockout_duration", static_cast<std::int64_t>(p.pw_lockout_duration));
  string_or_null(w, "allowed_keysalts", p.allowed_keysalts);
  w.end_object();
  return w.finish();
}

}  // namespace krbkit::kadm5
