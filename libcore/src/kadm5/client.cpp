// kadm5 RPCs (argument and result layouts: kadmin-mit.md 3.5).

#include "krbkit/kadm5/client.hpp"

#include "krbkit/kadm5/wire.hpp"
#include "krbkit/net/kdc_client.hpp"

namespace krbkit::kadm5 {
namespace {

using rpc::XdrReader;
using rpc::XdrWriter;

Error code_error(std::uint32_t code) { return Error{server_code(code)}; }

// A request's arguments that begin with the API version and a name (a
// principal, a policy, or a glob that may be null).
XdrWriter args_naming(std::uint32_t api_version, const std::optional<std::string_view>& name) {
  XdrWriter w;
  w.u32(api_version);
  wire::put_nullstring(w, name);
  return w;
}

// The reply's api_version and code; the reader is left at the results.
Result<void> read_status(XdrReader& r) {
  r.u32("api_version");
  const std::uint32_t code = r.u32("code");
  KRBKIT_CHECK(r.status());
  if (code != 0) return code_error(code);
  return success();
}

Result<std::vector<std::string>> read_name_list(XdrReader& r) {
  KRBKIT_CHECK(read_status(r));
  const std::uint32_t count = r.u32("count");
  const std::uint32_t count2 = r.u32("names.count");
  if (count != count2) r.fail("names.count", "differs from count");
  std::vector<std::string> names;
  for (std::uint32_t i = 0; i < count2 && r.ok(); ++i) names.push_back(wire::get_string(r, "names"));
  KRBKIT_CHECK(r.finish());
  return names;
}

}  // namespace

Result<Client> Client::connect(const Credentials& ticket, const ServerAddress& server,
                               const ConnectOptions& options) {
  net::KdcClient direct{config::Profile{}};  // a connection needs no krb5.conf
  return connect(ticket, server, direct, options);
}

Result<Client> Client::connect(const Credentials& ticket, const ServerAddress& server,
                               const net::RealmTransport& transport, const ConnectOptions& options) {
  KRBKIT_TRY(stream, transport.connect(net::KdcTarget{server.host, server.port, net::Transport::tcp}));
  KRBKIT_TRY(ctx, gss::InitiatorContext::create(ticket));
  auto rpc =
      rpc::GssClient::establish(std::move(stream), std::move(ctx), {kProgram, kVersion, options.service});
  if (!rpc.ok()) {
    Error e = std::move(rpc).error();
    // A refused context is a GSS-API failure to MIT's client.
    if (e.code.category() == rpc::rpc_category()) return Error{Code::gss_error, e.message()};
    return e;
  }
  Client c(std::make_unique<rpc::GssClient>(std::move(rpc).value()));
  // INIT with the newest version; step down on NEW_SERVER_API_VERSION.
  for (std::uint32_t v = options.api_version; v >= kApiVersion2; --v) {
    XdrWriter w;
    w.u32(v);
    KRBKIT_TRY(res, c.call(Proc::init, w.bytes()));
    XdrReader r(res.view(), "init result");
    auto st = read_status(r);
    if (st.ok()) {
      c.api_version_ = v;
      return c;
    }
    if (!is(st.error(), Code::new_server_api_version) || v == kApiVersion2) return std::move(st).error();
  }
  return Error{Code::new_server_api_version};
}

Result<SecretBytes> Client::call(Proc proc, BytesView args) {
  auto r = rpc_->call(static_cast<std::uint32_t>(proc), args);
  if (!r.ok()) {
    Error e = std::move(r).error();
    if (e.code.category() == rpc::rpc_category() || e.code.category() == std::system_category() ||
        e.is(Errc::io) || e.is(Errc::timeout))
      return Error{Code::rpc_error, e.message()};
    return e;
  }
  return r;
}

Result<void> Client::generic(Proc proc, BytesView args) {
  KRBKIT_TRY(res, call(proc, args));
  XdrReader r(res.view(), "generic_ret");
  KRBKIT_CHECK(read_status(r));
  return r.finish();
}

Result<PrincipalEntry> Client::get_principal(std::string_view name, std::uint32_t mask) {
  XdrWriter w = args_naming(api_version_, name);
  w.u32(mask);
  KRBKIT_TRY(res, call(Proc::get_principal, w.bytes()));
  XdrReader r(res.view(), "gprinc_ret");
  KRBKIT_CHECK(read_status(r));
  PrincipalEntry p = wire::get_principal_entry(r);
  KRBKIT_CHECK(r.finish());
  return p;
}

Result<void> Client::create_principal(const PrincipalEntry& entry, std::uint32_t mask,
                                      const std::optional<std::string_view>& password,
                                      const std::optional<std::vector<KeySalt>>& key_salts) {
  XdrWriter w;
  w.u32(api_version_);
  PrincipalEntry sent = entry;
  if (!(mask & princ_mask::policy)) sent.policy.reset();
  if (!(mask & princ_mask::tl_data)) sent.tl_data.clear();
  wire::put_principal_entry(w, sent);
  w.u32(mask);
  if (key_salts) wire::put_key_salts(w, *key_salts);
  wire::put_nullstring(w, password);
  Bytes args = w.take();
  auto r = generic(key_salts ? Proc::create_principal3 : Proc::create_principal, args);
  secure_wipe(args.data(), args.size());
  return r;
}

Result<void> Client::delete_principal(std::string_view name) {
  XdrWriter w = args_naming(api_version_, name);
  return generic(Proc::delete_principal, w.bytes());
}

Result<void> Client::modify_principal(const PrincipalEntry& entry, std::uint32_t mask) {
  XdrWriter w;
  w.u32(api_version_);
  PrincipalEntry sent = entry;
  if (!(mask & princ_mask::policy)) sent.policy.reset();
  if (!(mask & princ_mask::tl_data)) sent.tl_data.clear();
  wire::put_principal_entry(w, sent);
  w.u32(mask);
  return generic(Proc::modify_principal, w.bytes());
}

Result<void> Client::rename_principal(std::string_view from, std::string_view to) {
  XdrWriter w = args_naming(api_version_, from);
  wire::put_nullstring(w, to);
  return generic(Proc::rename_principal, w.bytes());
}

Result<std::vector<std::string>> Client::list_principals(const std::optional<std::string_view>& glob) {
  XdrWriter w = args_naming(api_version_, glob);
  KRBKIT_TRY(res, call(Proc::get_princs, w.bytes()));
  XdrReader r(res.view(), "gprincs_ret");
  return read_name_list(r);
}

Result<void> Client::change_password(std::string_view name, std::string_view password, bool keepold,
                                     const std::optional<std::vector<KeySalt>>& key_salts) {
  XdrWriter w = args_naming(api_version_, name);
  const bool v3 = keepold || key_salts;
  if (v3) {
    w.boolean(keepold);
    wire::put_key_salts(w, key_salts.value_or(std::vector<KeySalt>{}));
  }
  wire::put_nullstring(w, password);
  Bytes args = w.take();
  auto r = generic(v3 ? Proc::chpass_principal3 : Proc::chpass_principal, args);
  secure_wipe(args.data(), args.size());
  return r;
}

Result<std::vector<Key>> Client::randomize_key(std::string_view name, bool keepold,
                                               const std::optional<std::vector<KeySalt>>& key_salts) {
  XdrWriter w3 = args_naming(api_version_, name);
  w3.boolean(keepold);
  wire::put_key_salts(w3, key_salts.value_or(std::vector<KeySalt>{}));
  auto res = call(Proc::chrand_principal3, w3.bytes());
  if (!res.ok() && is(res.error(), Code::rpc_error) && !keepold && !key_salts) {
    res = call(Proc::chrand_principal, args_naming(api_version_, name).bytes());
  }
  if (!res.ok()) return std::move(res).error();
  XdrReader r(res->view(), "chrand_ret");
  KRBKIT_CHECK(read_status(r));
  std::vector<Key> keys;
  const std::uint32_t n = r.u32("keys.count");
  for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
    const auto enctype = static_cast<Enctype>(r.i32("keys.enctype"));
    Bytes k = r.opaque("keys.contents", 1024);
    keys.emplace_back(enctype, SecretBytes(BytesView(k)));
    secure_wipe(k.data(), k.size());
  }
  KRBKIT_CHECK(r.finish());
  return keys;
}

Result<std::uint32_t> Client::get_privileges() {
  XdrWriter w;
  w.u32(api_version_);
  KRBKIT_TRY(res, call(Proc::get_privs, w.bytes()));
  XdrReader r(res.view(), "getprivs_ret");
  r.u32("api_version");
  const std::uint32_t code = r.u32("code");
  const std::uint32_t privs = r.u32("privs");
  KRBKIT_CHECK(r.finish());
  if (code != 0) return code_error(code);
  return privs;
}

Result<void> Client::create_policy(const PolicyEntry& policy, std::uint32_t mask) {
  XdrWriter w;
  w.u32(api_version_);
  wire::put_policy_entry(w, policy, api_version_);
  w.u32(mask | policy_mask::policy);
  return generic(Proc::create_policy, w.bytes());
}

Result<void> Client::delete_policy(std::string_view name) {
  XdrWriter w = args_naming(api_version_, name);
  return generic(Proc::delete_policy, w.bytes());
}

Result<void> Client::modify_policy(const PolicyEntry& policy, std::uint32_t mask) {
  XdrWriter w;
  w.u32(api_version_);
  wire::put_policy_entry(w, policy, api_version_);
  w.u32(mask);
  return generic(Proc::modify_policy, w.bytes());
}

Result<PolicyEntry> Client::get_policy(std::string_view name) {
  XdrWriter w = args_naming(api_version_, name);
  KRBKIT_TRY(res, call(Proc::get_policy, w.bytes()));
  XdrReader r(res.view(), "gpol_ret");
  const std::uint32_t version = r.u32("api_version");
  const std::uint32_t code = r.u32("code");
  KRBKIT_CHECK(r.status());
  if (code != 0) return code_error(code);
  PolicyEntry p = wire::get_policy_entry(r, version);
  KRBKIT_CHECK(r.finish());
  return p;
}

Result<std::vector<std::string>> Client::list_policies(const std::optional<std::string_view>& glob) {
  XdrWriter w = args_naming(api_version_, glob);
  KRBKIT_TRY(res, call(Proc::get_pols, w.bytes()));
  XdrReader r(res.view(), "gpols_ret");
  return read_name_list(r);
}

Result<void> Client::purge_keys(std::string_view name, std::int32_t keepkvno) {
  XdrWriter w = args_naming(api_version_, name);
  w.i32(keepkvno);
  return generic(Proc::purgekeys, w.bytes());
}

Result<std::vector<std::pair<std::string, std::string>>> Client::get_strings(std::string_view name) {
  XdrWriter w = args_naming(api_version_, name);
  KRBKIT_TRY(res, call(Proc::get_strings, w.bytes()));
  XdrReader r(res.view(), "gstrings_ret");
  KRBKIT_CHECK(read_status(r));
  const std::uint32_t count = r.u32("count");
  const std::uint32_t count2 = r.u32("strings.count");
  if (count != count2) r.fail("strings.count", "differs from count");
  std::vector<std::pair<std::string, std::string>> out;
  for (std::uint32_t i = 0; i < count2 && r.ok(); ++i) {
    std::string key = wire::get_string(r, "strings.key");
    std::string value = wire::get_string(r, "strings.value");
    out.emplace_back(std::move(key), std::move(value));
  }
  KRBKIT_CHECK(r.finish());
  return out;
}

Result<void> Client::set_string(std::string_view name, std::string_view key,
                                const std::optional<std::string_view>& value) {
  XdrWriter w = args_naming(api_version_, name);
  wire::put_nullstring(w, key);
  wire::put_nullstring(w, value);
  return generic(Proc::set_string, w.bytes());
}

Result<std::vector<ExtractedKey>> Client::extract_keys(std::string_view name, std::uint32_t kvno) {
  XdrWriter w = args_naming(api_version_, name);
  w.u32(kvno);
  KRBKIT_TRY(res, call(Proc::extract_keys, w.bytes()));
  XdrReader r(res.view(), "getpkeys_ret");
  KRBKIT_CHECK(read_status(r));
  std::vector<ExtractedKey> keys;
  const std::uint32_t n = r.u32("keys.count");
  for (std::uint32_t i = 0; i < n && r.ok(); ++i) {
    ExtractedKey k;
    k.kvno = r.u32("keys.kvno");
    const auto enctype = static_cast<Enctype>(r.i32("keys.enctype"));
    Bytes bytes = r.opaque("keys.contents", 1024);
    k.key = Key(enctype, SecretBytes(BytesView(bytes)));
    secure_wipe(bytes.data(), bytes.size());
    k.salttype = r.i32("keys.salt_type");
    k.salt = r.opaque("keys.salt", 4096);
    keys.push_back(std::move(k));
  }
  KRBKIT_CHECK(r.finish());
  return keys;
}

Result<void> Client::close() {
  if (!rpc_) return success();
  auto r = rpc_->destroy();
  return r;
}

}  // namespace krbkit::kadm5
