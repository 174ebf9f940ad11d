// kadmin's principal requests: add, modify, get, list (MIT's kadmin.c
// behaviour and wording, restated).

#include <fmt/format.h>

#include "krbkit/base/json.hpp"
#include "krbkit/kadm5/errors.hpp"
#include "krbkit/kadm5/format.hpp"
#include "krbkit/proto/principal.hpp"
#include "shell/kadmin_princ_args.hpp"
#include "shell/kadmin_shell.hpp"

namespace krbkit::shell {

using namespace kadm5;

// With no -policy and no -clearpolicy, the "default" policy when it exists.
void KadminShell::assign_default_policy(PrincipalEntry& entry, std::uint32_t& mask) {
  if (mask & princ_mask::policy) {
    if (!options_.script_mode && !policy_exists(*entry.policy))
      io_.err(fmt::format("WARNING: policy \"{}\" does not exist", *entry.policy));
  } else if (!(mask & princ_mask::policy_clr)) {
    if (policy_exists("default")) {
      if (!options_.script_mode)
        io_.err(fmt::format("No policy specified for {}; assigning \"default\"", entry.principal));
      entry.policy = "default";
      mask |= princ_mask::policy;
    } else if (!options_.script_mode) {
      io_.err(fmt::format("No policy specified for {}; defaulting to no policy", entry.principal));
    }
  }
  mask &= ~princ_mask::policy_clr;
}

// An old server (before 1.8) cannot create with random keys: create with a
// dummy password and tickets disallowed, then randomize and allow tickets.
Outcome KadminShell::create_with_dummy_password(PrincipalEntry entry, std::uint32_t mask,
                                                const std::optional<std::vector<KeySalt>>& key_salts,
                                                bool nokey) {
  const std::string canon = entry.principal;
  std::string dummy = "6F a[";
  for (std::size_t i = dummy.size(); i < 255; ++i) dummy.push_back(static_cast<char>('a' + i % 26));
  entry.attributes |= 0x40;
  mask |= princ_mask::attributes;
  auto r = admin_.create_principal(entry, mask, dummy, key_salts);
  if (!r.ok() && is(r.error(), Code::bad_mask) && nokey) {
    io_.err(fmt::format("Admin server does not support -nokey while creating \"{}\"", canon));
    return Outcome::failed;
  }
  if (!r.ok()) return fail("add_principal", r.error(), fmt::format("while creating \"{}\".", canon));
  auto k = admin_.randomize_key(canon, false, key_salts);
  if (!k.ok())
    return fail("add_principal", k.error(), fmt::format("while randomizing key for \"{}\".", canon));
  entry.attributes &= ~0x40;
  auto m = admin_.modify_principal(entry, princ_mask::attributes);
  if (!m.ok())
    return fail("add_principal", m.error(),
                fmt::format("while clearing DISALLOW_ALL_TIX for \"{}\".", canon));
  info(fmt::format("Principal \"{}\" created.\n", canon));
  return Outcome::ok;
}

Outcome KadminShell::add_principal(const Words& a) {
  auto parsed = parse_princ_args(a, options_.realm, 0);
  if (!parsed.ok()) {
    if (parsed.error().detail != "usage") io_.err("add_principal: " + parsed.error().message());
    return usage(addprinc_usage());
  }
  PrincArgs& p = *parsed;
  const std::string canon = p.entry.principal;
  assign_default_policy(p.entry, p.mask);
  std::optional<SecretBytes> prompted;
  std::optional<std::string_view> password;
  if (p.nokey) {
    p.mask |= princ_mask::key_data;
  } else if (!p.randkey) {
    if (p.password) {
      password = *p.password;
    } else {
      auto pw = new_password(canon);
      if (!pw.ok())
        return fail("add_principal", pw.error(), fmt::format("while reading password for \"{}\".", canon));
      prompted = std::move(pw).value();
      password = prompted->chars();
    }
  }
  p.mask |= princ_mask::principal;
  auto r = admin_.create_principal(p.entry, p.mask, password, p.key_salts);
  if (!r.ok() && r.error().code == server_code(22) && p.randkey)
    return create_with_dummy_password(p.entry, p.mask, p.key_salts, p.nokey);
  if (!r.ok() && is(r.error(), Code::bad_mask) && p.nokey) {
    io_.err(fmt::format("Admin server does not support -nokey while creating \"{}\"", canon));
    return Outcome::failed;
  }
  if (!r.ok()) return fail("add_principal", r.error(), fmt::format("while creating \"{}\".", canon));
  info(fmt::format("Principal \"{}\" created.\n", canon));
  return Outcome::ok;
}

Outcome KadminShell::modify_principal(const Words& a) {
  if (a.size() < 2) return usage(modprinc_usage());
  auto canon = canonical(a.back());
  if (!canon.ok()) return fail("modify_principal", canon.error(), "while parsing principal");
  auto old = admin_.get_principal(*canon, princ_mask::normal);
  if (!old.ok()) return fail("modify_principal", old.error(), fmt::format("while getting \"{}\".", *canon));
  auto parsed = parse_princ_args(a, options_.realm, old->attributes);
  if (!parsed.ok() || parsed->key_salts || parsed->randkey || parsed->nokey || parsed->password) {
    if (!parsed.ok() && parsed.error().detail != "usage")
      io_.err("modify_principal: " + parsed.error().message());
    return usage(modprinc_usage());
  }
  PrincArgs& p = *parsed;
  if ((p.mask & princ_mask::policy) && !options_.script_mode && !policy_exists(*p.entry.policy))
    io_.err(fmt::format("WARNING: policy \"{}\" does not exist", *p.entry.policy));
  if (p.mask) {
    auto r = admin_.modify_principal(p.entry, p.mask);
    if (!r.ok()) return fail("modify_principal", r.error(), fmt::format("while modifying \"{}\".", *canon));
  }
  info(fmt::format("Principal \"{}\" modified.\n", *canon));
  return Outcome::ok;
}

Outcome KadminShell::get_principal(const Words& a) {
  if (!(a.size() == 2 || (a.size() == 3 && a[1] == "-terse")))
    return usage("usage: get_principal [-terse] principal");
  auto canon = canonical(a.back());
  if (!canon.ok()) return fail("get_principal", canon.error(), "while parsing principal");
  auto p = admin_.get_principal(*canon, princ_mask::normal | princ_mask::key_data);
  if (!p.ok()) return fail("get_principal", p.error(), fmt::format("while retrieving \"{}\".", *canon));
  if (options_.json) {
    io_.out(principal_json(*p));
  } else if (a.size() == 3) {
    io_.out(format_principal_terse(*p));
  } else {
    const bool missing = p->policy && !policy_exists(*p->policy);
    io_.out(format_principal(*p, missing));
  }
  return Outcome::ok;
}

// listprincs / listpols: one name a line, or under --json
// {"schema": 1, "principals" (or "policies"): [names]}.
Outcome KadminShell::print_names(std::string_view who, std::string_view json_key,
                                 const Result<std::vector<std::string>>& names) {
  if (!names.ok()) return fail(who, names.error(), "while retrieving list.");
  if (!options_.json) {
    for (const auto& n : *names) io_.out(n + "\n");
    return Outcome::ok;
  }
  json::Writer w;
  w.schema(1).begin_object().key(json_key).begin_array();
  for (const auto& n : *names) w.value(n);
  w.end_array().end_object();
  io_.out(w.finish());
  return Outcome::ok;
}

Outcome KadminShell::list_principals(const Words& a) {
  if (a.size() > 2) return usage("usage: get_principals [expression]");
  return print_names("get_principals", "principals", admin_.list_principals(expression(a)));
}

}  // namespace krbkit::shell
