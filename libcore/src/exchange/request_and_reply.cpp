#include "exchange/request_and_reply.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "krbkit/base/error_facts.hpp"
#include "krbkit/config/values.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange::detail {

Result<std::uint32_t> random_nonce() {
  KRBKIT_TRY(n, random_u32().context("making a request nonce"));
  return n & 0x7fffffffu;
}

Result<std::uint32_t> nonce_from(const std::function<std::uint32_t()>& hook) {
  if (hook) return hook();
  return random_nonce();
}

bool contains(const std::vector<Enctype>& list, Enctype e) {
  return std::find(list.begin(), list.end(), e) != list.end();
}

std::string enctype_list(const std::vector<Enctype>& list) {
  std::string out;
  for (auto e : list) out += (out.empty() ? "" : ", ") + enctype_name(e);
  return out;
}

std::vector<Enctype> default_enctype_list() {
  auto d = config::default_enctypes();
  return {d.begin(), d.end()};
}

std::string name_of(const Principal& p) { return unparse_principal(p); }

Error mismatch(std::string what) { return Error{Errc::reply_mismatch, std::move(what)}; }

Credentials credentials_from_reply(const KdcRep& rep, EncKdcRepPart enc) {
  Credentials c;
  c.client = rep.client();
  c.server = enc.server();
  c.session_key = std::move(enc.key);
  c.authtime = enc.authtime;
  c.starttime = enc.starttime.value_or(enc.authtime);
  c.endtime = enc.endtime;
  c.renew_till = enc.renew_till.value_or(KerberosTime{});
  c.flags = enc.flags;
  c.addresses = std::move(enc.caddr);
  c.ticket = encode(rep.ticket);
  return c;
}

bool is_kdc_reply(BytesView data, MsgType reply_type) {
  auto reply = decode_kdc_reply(data);
  if (!reply) return false;
  if (const auto* rep = std::get_if<KdcRep>(&reply.value())) return rep->msg_type == reply_type;
  return true;
}

std::string answered_by(const net::Reply& reply) {
  if (reply.from.transport == net::Transport::https) return net::to_string(reply.from);
  return fmt::format("{}/{}", reply.address, net::transport_name(reply.transport));
}

void note_kdc_origin(Error& error, const net::Reply& reply) {
  if (error.code.category() != kdc_category()) return;
  std::optional<std::int64_t> kdc_time;
  if (auto err = decode_krb_error(reply.data)) kdc_time = err->stime.time_since_epoch().count();
  attach_kdc_origin(error, answered_by(reply), kdc_time);
}

}  // namespace krbkit::exchange::detail
