// kadm5 XDR (MIT kadm_rpc_xdr.c layouts, restated in kadmin-mit.md 3).

#include "krbkit/kadm5/wire.hpp"

#include <algorithm>

namespace krbkit::kadm5::wire {
namespace {

void put_tl_data(rpc::XdrWriter& w, const std::vector<TlData>& tl) {
  // nulltype: 1 = absent
  if (tl.empty()) {
    w.u32(1);
    return;
  }
  w.u32(0);
  for (const auto& t : tl) {
    w.u32(1);
    w.i32(t.type);
    w.opaque(t.contents);
  }
  w.u32(0);
}

std::vector<TlData> get_tl_data(rpc::XdrReader& r) {
  std::vector<TlData> out;
  if (r.u32("tl_data.is_null") == 1) return out;
  while (r.ok() && r.u32("tl_data.more") == 1) {
    TlData t;
    t.type = r.i32("tl_data.type");
    t.contents = r.opaque("tl_data.contents", 1 << 16);
    out.push_back(std::move(t));
    if (out.size() > 4096) r.fail("tl_data", "too many entries");
  }
  std::reverse(out.begin(), out.end());  // MIT's decoder builds the list backwards
  return out;
}

}  // namespace

void put_nullstring(rpc::XdrWriter& w, const std::optional<std::string_view>& s) {
  if (!s) {
    w.u32(0);
    return;
  }
  Bytes b(s->begin(), s->end());
  b.push_back(0);
  w.opaque(b);
}

std::optional<std::string> get_nullstring(rpc::XdrReader& r, const char* field) {
  Bytes b = r.opaque(field, 1 << 16);
  if (!r.ok() || b.empty()) return std::nullopt;
  if (b.back() != 0 || std::find(b.begin(), b.end() - 1, 0) != b.end() - 1) {
    r.fail(field, "string is not NUL-terminated or holds a NUL");
    return std::nullopt;
  }
  return std::string(b.begin(), b.end() - 1);
}

std::string get_string(rpc::XdrReader& r, const char* field) {
  auto s = get_nullstring(r, field);
  if (!s && r.ok()) r.fail(field, "missing");
  return s.value_or(std::string());
}

void put_principal_entry(rpc::XdrWriter& w, const PrincipalEntry& p) {
  put_nullstring(w, p.principal);
  w.i32(p.princ_expire_time);
  w.i32(p.last_pwd_change);
  w.i32(p.pw_expiration);
  w.i32(p.max_life);
  w.u32(1);  // mod_name: always sent as absent (the server fills it in)
  w.i32(p.mod_date);
  w.i32(p.attributes);
  w.u32(p.kvno);
  w.u32(p.mkvno);
  put_nullstring(w, p.policy ? std::optional<std::string_view>(*p.policy) : std::nullopt);
  w.i32(p.aux_attributes);
  w.i32(p.max_renewable_life);
  w.i32(p.last_success);
  w.i32(p.last_failed);
  w.u32(p.fail_auth_count);
  w.i32(0);  // n_key_data: keys are never sent in a record
  w.i32(static_cast<std::int32_t>(p.tl_data.size()));
  put_tl_data(w, p.tl_data);
  w.u32(0);  // key_data array
}

PrincipalEntry get_principal_entry(rpc::XdrReader& r) {
  PrincipalEntry p;
  p.principal = get_nullstring(r, "principal").value_or("");
  p.princ_expire_time = r.i32("princ_expire_time");
  p.last_pwd_change = r.i32("last_pwd_change");
  p.pw_expiration = r.i32("pw_expiration");
  p.max_life = r.i32("max_life");
  if (r.u32("mod_name.is_null") == 0) p.mod_name = get_nullstring(r, "mod_name");
  p.mod_date = r.i32("mod_date");
  p.attributes = r.i32("attributes");
  p.kvno = r.u32("kvno");
  p.mkvno = r.u32("mkvno");
  p.policy = get_nullstring(r, "policy");
  p.aux_attributes = r.i32("aux_attributes");
  p.max_renewable_life = r.i32("max_renewable_life");
  p.last_success = r.i32("last_success");
  p.last_failed = r.i32("last_failed");
  p.fail_auth_count = r.u32("fail_auth_count");
  p.n_key_data = r.i32("n_key_data");
  if (p.n_key_data < 0) r.fail("n_key_data", "negative");
  r.i32("n_tl_data");
  p.tl_data = get_tl_data(r);
  const std::uint32_t n = r.u32("key_data.count");
  if (n > static_cast<std::uint32_t>(std::max(p.n_key_data, 0)))
    r.fail("key_data.count", "exceeds n_key_data");
  for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
    KeyInfo k;
    k.ver = r.i32("key_data.ver");
    k.kvno = r.u32("key_data.kvno");
    k.enctype = r.i32("key_data.enctype");
    if (k.ver > 1) k.salttype = r.i32("key_data.salttype");
    p.key_data.push_back(k);
  }
  return p;
}

void put_policy_entry(rpc::XdrWriter& w, const PolicyEntry& p, std::uint32_t api_version) {
  put_nullstring(w, p.name);
  w.i32(p.pw_min_life);
  w.i32(p.pw_max_life);
  w.i32(p.pw_min_length);
  w.i32(p.pw_min_classes);
  w.i32(p.pw_history_num);
  w.i32(p.policy_refcnt);
  if (api_version >= kApiVersion3) {
    w.u32(p.pw_max_fail);
    w.i32(p.pw_failcnt_interval);
    w.i32(p.pw_lockout_duration);
  }
  if (api_version >= kApiVersion4) {
    w.i32(p.attributes);
    w.i32(p.max_life);
    w.i32(p.max_renewable_life);
    put_nullstring(w,
                   p.allowed_keysalts ? std::optional<std::string_view>(*p.allowed_keysalts) : std::nullopt);
    w.i32(static_cast<std::int32_t>(p.tl_data.size()));
    put_tl_data(w, p.tl_data);
  }
}

PolicyEntry get_policy_entry(rpc::XdrReader& r, std::uint32_t api_version) {
  PolicyEntry p;
  p.name = get_nullstring(r, "policy").value_or("");
  p.pw_min_life = r.i32("pw_min_life");
  p.pw_max_life = r.i32("pw_max_life");
  p.pw_min_length = r.i32("pw_min_length");
  p.pw_min_classes = r.i32("pw_min_classes");
  p.pw_history_num = r.i32("pw_history_num");
  p.policy_refcnt = r.i32("policy_refcnt");
  if (api_version >= kApiVersion3) {
    p.pw_max_fail = r.u32("pw_max_fail");
    p.pw_failcnt_interval = r.i32("pw_failcnt_interval");
    p.pw_lockout_duration = r.i32("pw_lockout_duration");
  }
  if (api_version >= kApiVersion4) {
    p.attributes = r.i32("attributes");
    p.max_life = r.i32("max_life");
    p.max_renewable_life = r.i32("max_renewable_life");
    p.allowed_keysalts = get_nullstring(r, "allowed_keysalts");
    r.i32("n_tl_data");
    p.tl_data = get_tl_data(r);
  }
  return p;
}

void put_key_salts(rpc::XdrWriter& w, const std::vector<KeySalt>& ks) {
  w.u32(static_cast<std::uint32_t>(ks.size()));
  for (const auto& k : ks) {
    w.i32(to_int(k.enctype));
    w.i32(k.salttype);
  }
}

}  // namespace krbkit::kadm5::wire
