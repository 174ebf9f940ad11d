// Heimdal's kadmin session (heimdal_client.hpp); facts from Heimdal 7.8's
// lib/krb5/sendauth.c, recvauth.c, mk_priv.c, rd_priv.c and lib/kadm5.

#include "krbkit/kadm5/heimdal_client.hpp"

#include <fmt/format.h>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/der/writer.hpp"
#include "krbkit/gss/ap.hpp"
#include "krbkit/kadm5/heimdal_wire.hpp"

namespace krbkit::kadm5 {
namespace {

constexpr std::string_view kSendauthVersion{"KRB5_SENDAUTH_V1.0", 19};  // with its NUL
constexpr std::string_view kKadminVersion{"KADM0.1", 8};
constexpr auto kClockSkew = std::chrono::seconds(300);  // Heimdal's default max_skew
constexpr std::int32_t kDisallowAllTix = 0x40;

void put_framed(Bytes& out, BytesView data) {
  put_u32be(out, static_cast<std::uint32_t>(data.size()));
  out.insert(out.end(), data.begin(), data.end());
}

Result<Bytes> read_framed(net::Stream& s, const char* what) {
  std::uint8_t len[4];
  KRBKIT_CHECK(s.read_exact(len));
  const std::uint32_t n = get_u32be(len);
  if (n > kHeimdalMaxMessage)
    return Error{Errc::parse, fmt::format("{}: a {}-byte message from {}", what, n, s.peer())};
  Bytes data(n);
  KRBKIT_CHECK(s.read_exact(data));
  return data;
}

// EncKrbPrivPart as Heimdal's mk_priv writes it for kadmin: user-data,
// timestamp and usec; no sequence number (no DO_SEQUENCE) and no s-address
// (the auth context has no local address), which RFC 4120 makes mandatory
// and Heimdal's ASN.1 optional, so proto's encoder cannot write it.
Bytes enc_priv_part_without_address(BytesView plain, std::chrono::system_clock::time_point now) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(now);
  der::Writer w;
  w.application(28, [&] {
    w.sequence([&] {
      w.field(0, [&] { w.octet_string(plain); });
      w.field(1, [&] { w.generalized_time(seconds); });
      w.field(2, [&] {
        w.int32(static_cast<std::int32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(now - seconds).count()));
      });
    });
  });
  return w.take();
}

Error no_such_request(const char* what) {
  return Error{Errc::unsupported, fmt::format("Heimdal's kadmind has no {}", what)};
}

// After sendauth: the server's verdict on the versions, then an empty
// message (or a KRB-ERROR), then the AP-REP.
Result<EncApRepPart> read_sendauth_reply(net::Stream& s, const Credentials& ticket,
                                         const gss::ApReqSent& sent) {
  std::uint8_t verdict[1];
  auto got = s.read_exact(verdict);
  if (!got.ok()) return Error{Code::rpc_error, "the server closed the connection at sendauth"};
  if (verdict[0] != 0)
    return Error{Code::rpc_error, "the server refused the sendauth or kadmin protocol version"};
  KRBKIT_TRY(error, read_framed(s, "sendauth"));
  if (!error.empty()) {
    KRBKIT_TRY(e, decode_krb_error(error));
    return e.to_error();
  }
  KRBKIT_TRY(ap_rep, read_framed(s, "sendauth"));
  return gss::read_ap_rep(ap_rep, ticket.session_key, sent);
}

}  // namespace

Result<HeimdalClient> HeimdalClient::open(std::unique_ptr<net::Stream> stream, const Credentials& ticket) {
  gss::ApReqOptions options;
  options.ap_options = ap_options::mutual_required;
  options.make_subkey = false;
  KRBKIT_TRY(sent, gss::make_ap_req(ticket, options));
  Bytes hello;
  put_framed(hello, as_bytes(kSendauthVersion));
  put_framed(hello, as_bytes(kKadminVersion));
  put_framed(hello, sent.der);
  KRBKIT_CHECK(stream->write_all(hello));
  KRBKIT_TRY(rep, read_sendauth_reply(*stream, ticket, sent));
  // Heimdal's mk_priv/rd_priv: our subkey (none), else the server's, else the session key.
  const Key& key = rep.subkey ? *rep.subkey : ticket.session_key;
  HeimdalClient c(std::move(stream), key.clone(), key.clone());
  KRBKIT_CHECK(c.send_priv(heimdal::params_message(ticket.server.realm)));
  return c;
}

Result<void> HeimdalClient::send_priv(BytesView plain) {
  Bytes encoded = enc_priv_part_without_address(plain, std::chrono::system_clock::now());
  auto cipher = encrypt(send_key_, KeyUsage::krb_priv_enc_part, encoded);
  secure_wipe(encoded.data(), encoded.size());
  if (!cipher.ok()) return std::move(cipher).error();
  KrbPriv priv;
  priv.enc_part.etype = send_key_.enctype;
  priv.enc_part.cipher = std::move(cipher).value();
  Bytes out;
  put_framed(out, encode(priv));
  return stream_->write_all(out);
}

Result<SecretBytes> HeimdalClient::receive_priv() {
  KRBKIT_TRY(der, read_framed(*stream_, "Heimdal kadmin reply"));
  KRBKIT_TRY(priv, decode_krb_priv(der));
  KRBKIT_TRY(plain, decrypt(receive_key_, KeyUsage::krb_priv_enc_part, priv.enc_part.cipher));
  KRBKIT_TRY(part, decode_enc_krb_priv_part(plain.view()));
  SecretBytes data(part.user_data);
  secure_wipe(part.user_data.data(), part.user_data.size());
  // rd_priv's check with DO_TIME, the only replay defence Heimdal's session has.
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (!part.timestamp || std::chrono::abs(*part.timestamp - now) > kClockSkew)
    return Error{kdc_error(KdcErr::ap_err_skew), "Heimdal kadmin reply timestamp is missing or too far off"};
  return data;
}

Result<SecretBytes> HeimdalClient::call(BytesView request) {
  auto r = send_priv(request);
  Result<SecretBytes> reply = r.ok() ? receive_priv() : Result<SecretBytes>(std::move(r).error());
  if (!reply.ok() && (reply.error().is(Errc::io) || reply.error().is(Errc::timeout) ||
                      reply.error().code.category() == std::system_category()))
    return Error{Code::rpc_error, reply.error().message()};
  return reply;
}

Result<PrincipalEntry> HeimdalClient::get_principal(std::string_view name, std::uint32_t mask) {
  KRBKIT_TRY(req, heimdal::get_request(name, mask));
  KRBKIT_TRY(reply, call(req));
  KRBKIT_TRY(got, heimdal::read_get_reply(reply.view()));
  // Heimdal names "default" the policy of a principal that has none, and
  // has no policy objects at all.
  if (got.entry.policy == "default") got.entry.policy.reset();
  return std::move(got.entry);
}

Result<void> HeimdalClient::create_principal(const PrincipalEntry& entry, std::uint32_t mask,
                                             const std::optional<std::string_view>& password,
                                             const std::optional<std::vector<KeySalt>>& key_salts) {
  if (mask & princ_mask::key_data) return no_such_request("principals without keys (-nokey)");
  if (password) {
    if (key_salts) return no_such_request("key/salt lists with a password (-e)");
    KRBKIT_TRY(req, heimdal::create_request(entry, mask, *password));
    Result<SecretBytes> reply = call(req);
    secure_wipe(req.data(), req.size());
    if (!reply.ok()) return std::move(reply).error();
    return heimdal::read_code_reply(reply->view());
  }
  Bytes seed(24);
  KRBKIT_CHECK(random_fill(seed.data(), seed.size()));
  std::string dummy;
  for (auto b : seed) dummy.push_back(static_cast<char>('!' + b % 94));
  PrincipalEntry locked = entry;
  locked.attributes |= kDisallowAllTix;
  KRBKIT_TRY(req, heimdal::create_request(locked, mask | princ_mask::attributes, dummy));
  secure_wipe(dummy.data(), dummy.size());
  KRBKIT_TRY(reply, call(req));
  secure_wipe(req.data(), req.size());
  KRBKIT_CHECK(heimdal::read_code_reply(reply.view()));
  KRBKIT_CHECK(randomize_key(entry.principal, false, key_salts));
  PrincipalEntry opened = entry;
  opened.kvno = 1;
  return modify_principal(opened, princ_mask::attributes | princ_mask::kvno);
}

Result<void> HeimdalClient::delete_principal(std::string_view name) {
  KRBKIT_TRY(req, heimdal::delete_request(name));
  KRBKIT_TRY(reply, call(req));
  return heimdal::read_code_reply(reply.view());
}

Result<void> HeimdalClient::modify_principal(const PrincipalEntry& entry, std::uint32_t mask) {
  KRBKIT_TRY(req, heimdal::modify_request(entry, mask));
  KRBKIT_TRY(reply, call(req));
  return heimdal::read_code_reply(reply.view());
}

Result<void> HeimdalClient::rename_principal(std::string_view from, std::string_view to) {
  KRBKIT_TRY(req, heimdal::rename_request(from, to));
  KRBKIT_TRY(reply, call(req));
  return heimdal::read_code_reply(reply.view());
}

Result<std::vector<std::string>> HeimdalClient::list_principals(const std::optional<std::string_view>& glob) {
  KRBKIT_TRY(reply, call(heimdal::get_princs_request(glob)));
  return heimdal::read_princs_reply(reply.view());
}

Result<void> HeimdalClient::change_password(std::string_view name, std::string_view password, bool keepold,
                                            const std::optional<std::vector<KeySalt>>& key_salts) {
  if (key_salts) return no_such_request("key/salt lists with a password (-e)");
  KRBKIT_TRY(req, heimdal::chpass_request(name, password, keepold));
  Result<SecretBytes> reply = call(req);
  secure_wipe(req.data(), req.size());
  if (!reply.ok()) return std::move(reply).error();
  return heimdal::read_code_reply(reply->view());
}

Result<std::vector<Key>> HeimdalClient::randomize_key(std::string_view name, bool keepold,
                                                      const std::optional<std::vector<KeySalt>>& key_salts) {
  KRBKIT_TRY(req, heimdal::randkey_request(name, keepold, key_salts));
  KRBKIT_TRY(reply, call(req));
  return heimdal::read_randkey_reply(reply.view());
}

Result<std::uint32_t> HeimdalClient::get_privileges() {
  KRBKIT_TRY(reply, call(heimdal::get_privs_request()));
  return heimdal::read_privs_reply(reply.view());
}

Result<void> HeimdalClient::create_policy(const PolicyEntry&, std::uint32_t) {
  return no_such_request("policies");
}
Result<void> HeimdalClient::delete_policy(std::string_view) { return no_such_request("policies"); }
Result<void> HeimdalClient::modify_policy(const PolicyEntry&, std::uint32_t) {
  return no_such_request("policies");
}
Result<PolicyEntry> HeimdalClient::get_policy(std::string_view) { return no_such_request("policies"); }
Result<std::vector<std::string>> HeimdalClient::list_policies(const std::optional<std::string_view>&) {
  return no_such_request("policies");
}
Result<void> HeimdalClient::purge_keys(std::string_view, std::int32_t) {
  return no_such_request("purgekeys");
}
Result<std::vector<std::pair<std::string, std::string>>> HeimdalClient::get_strings(std::string_view) {
  return no_such_request("string attributes");
}
Result<void> HeimdalClient::set_string(std::string_view, std::string_view,
                                       const std::optional<std::string_view>&) {
  return no_such_request("string attributes");
}

Result<std::vector<ExtractedKey>> HeimdalClient::extract_keys(std::string_view name, std::uint32_t kvno) {
  KRBKIT_TRY(req,
             heimdal::get_request(name, princ_mask::principal | princ_mask::kvno | princ_mask::key_data));
  KRBKIT_TRY(reply, call(req));
  KRBKIT_TRY(got, heimdal::read_get_reply(reply.view()));
  std::vector<ExtractedKey> keys;
  for (auto& k : got.keys)
    if (kvno == 0 || k.kvno == kvno) keys.push_back(std::move(k));
  return keys;
}

}  // namespace krbkit::kadm5
