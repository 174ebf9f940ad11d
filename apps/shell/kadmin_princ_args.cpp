// kadmin_parse_princ_args (MIT's kadmin.c), restated.

#include "shell/kadmin_princ_args.hpp"

#include <cstdlib>
#include <ctime>

#include "krbkit/kadm5/format.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::shell {
namespace {

using namespace kadm5;

std::time_t now() { return std::time(nullptr); }

void put_le32(Bytes& b, std::int32_t v) {
  for (int i = 0; i < 4; ++i)
    b.push_back(static_cast<std::uint8_t>(static_cast<std::uint32_t>(v) >> (8 * i)));
}

constexpr std::string_view kAttributesHelp =
    "\tattributes are:\n"
    "\t\tallow_postdated allow_forwardable allow_tgs_req allow_renewable\n"
    "\t\tallow_proxiable allow_dup_skey allow_tix requires_preauth\n"
    "\t\trequires_hwauth needchange allow_svr password_changing_service\n"
    "\t\tok_as_delegate ok_to_auth_as_delegate no_auth_data_required\n"
    "\t\tlockdown_keys\n"
    "\nwhere,\n\t[-x db_princ_args]* - any number of database specific arguments.\n"
    "\t\t\tLook at each database documentation for supported arguments\n";

const Error kUsage{Errc::invalid_argument, "usage"};

bool takes_value(const std::string& o) {
  for (std::string_view v :
       {"-x", "-expire", "-pwexpire", "-maxlife", "-maxrenewlife", "-kvno", "-policy", "-pw", "-e"})
    if (o == v) return true;
  return false;
}

// An option with a value (takes_value).
Result<void> set_option(const std::string& o, const std::string& v, PrincArgs& p) {
  if (o == "-x") {
    Bytes contents(v.begin(), v.end());
    contents.push_back(0);
    p.entry.tl_data.push_back({tl_type::db_args, std::move(contents)});
    p.mask |= princ_mask::tl_data;
  } else if (o == "-expire" || o == "-pwexpire") {
    KRBKIT_TRY(d, parse_date(v, now()));
    (o == "-expire" ? p.entry.princ_expire_time : p.entry.pw_expiration) = d;
    p.mask |= o == "-expire" ? princ_mask::princ_expire_time : princ_mask::pw_expiration;
  } else if (o == "-maxlife" || o == "-maxrenewlife") {
    KRBKIT_TRY(d, parse_duration(v, now()));
    (o == "-maxlife" ? p.entry.max_life : p.entry.max_renewable_life) = d;
    p.mask |= o == "-maxlife" ? princ_mask::max_life : princ_mask::max_rlife;
  } else if (o == "-kvno") {
    p.entry.kvno = static_cast<std::uint32_t>(std::atoi(v.c_str()));
    p.mask |= princ_mask::kvno;
  } else if (o == "-policy") {
    p.entry.policy = v;
    p.mask |= princ_mask::policy;
  } else if (o == "-pw") {
    p.password = v;
  } else {  // -e
    KRBKIT_TRY(ks, parse_key_salts(v));
    p.key_salts = std::move(ks);
  }
  return success();
}

// An option without a value, or a {+|-}attribute.
Result<void> set_flag(const std::string& o, PrincArgs& p) {
  if (o == "-clearpolicy") {
    p.entry.policy.reset();
    p.mask |= princ_mask::policy_clr;
  } else if (o == "-randkey") {
    p.randkey = true;
  } else if (o == "-nokey") {
    p.nokey = true;
  } else if (o == "-unlock") {
    p.entry.fail_auth_count = 0;
    p.mask |= princ_mask::fail_auth_count;
    Bytes stamp;
    put_le32(stamp, static_cast<std::int32_t>(now()));
    p.entry.tl_data.push_back({tl_type::last_admin_unlock, std::move(stamp)});
    p.mask |= princ_mask::tl_data;
  } else {
    if (!apply_flag_spec(o, p.entry.attributes).ok()) return kUsage;
    p.mask |= princ_mask::attributes;
  }
  return success();
}

}  // namespace

std::string addprinc_usage() {
  return std::string("usage: add_principal [options] principal\n\toptions are:\n") +
         "\t\t[-randkey|-nokey] [-x db_princ_args]* [-expire expdate] [-pwexpire pwexpdate] [-maxlife "
         "maxtixlife]\n"
         "\t\t[-kvno kvno] [-policy policy] [-clearpolicy]\n"
         "\t\t[-pw password] [-maxrenewlife maxrenewlife]\n"
         "\t\t[-e keysaltlist]\n\t\t[{+|-}attribute]\n" +
         std::string(kAttributesHelp);
}

std::string modprinc_usage() {
  return std::string("usage: modify_principal [options] principal\n\toptions are:\n") +
         "\t\t[-x db_princ_args]* [-expire expdate] [-pwexpire pwexpdate] [-maxlife maxtixlife]\n"
         "\t\t[-kvno kvno] [-policy policy] [-clearpolicy]\n"
         "\t\t[-maxrenewlife maxrenewlife] [-unlock] [{+|-}attribute]\n" +
         std::string(kAttributesHelp);
}

// kadmin_parse_princ_args: options, then the principal as the last word.
Result<PrincArgs> parse_princ_args(const Words& a, const std::string& realm, std::int32_t attributes) {
  PrincArgs p;
  p.entry.attributes = attributes;
  if (a.size() < 2) return kUsage;
  for (std::size_t i = 1; i < a.size() - 1; ++i) {
    if (!takes_value(a[i])) {
      KRBKIT_CHECK(set_flag(a[i], p));
      continue;
    }
    if (i + 1 >= a.size() - 1) return kUsage;  // the value may not be the principal
    KRBKIT_CHECK(set_option(a[i], a[i + 1], p));
    ++i;
  }
  KRBKIT_TRY(name, parse_principal(a.back(), realm));
  p.entry.principal = unparse_principal(name);
  return p;
}

}  // namespace krbkit::shell
