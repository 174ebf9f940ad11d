// klist --json: the documented schema (libcore/include/krbkit/present/klist.hpp,
// man/klist.1 JSON OUTPUT). Times are ISO 8601 UTC plus epoch seconds, so a
// script needs neither the locale nor the time zone to read them.

#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/present/klist.hpp"
#include "krbkit/proto/constants.hpp"
#include "krbkit/proto/principal.hpp"
#include "present_internal.hpp"

namespace krbkit::present {
namespace {

bool is_zero(KerberosTime t) { return t.time_since_epoch().count() == 0; }

// "<name>": ISO time and "<name>_epoch": seconds; both null for a zero time
// when `zero_is_null`.
void time_members(json::Writer& w, std::string_view name, KerberosTime t, bool zero_is_null) {
  const std::string epoch_key = std::string(name) + "_epoch";
  if (zero_is_null && is_zero(t)) {
    w.key(name).null();
    w.key(epoch_key).null();
    return;
  }
  w.member(name, iso8601_utc(t));
  w.member(epoch_key, static_cast<std::int64_t>(t.time_since_epoch().count()));
}

}  // namespace

void credential_json(json::Writer& w, const Credentials& cred, KerberosTime now) {
  const auto ticket = decoded_ticket(cred);
  w.begin_object();
  w.member("client", unparse_principal(cred.client));
  w.member("server", unparse_principal(cred.server));
  time_members(w, "auth", cred.authtime, false);
  time_members(w, "start", effective_start(cred), false);
  time_members(w, "end", cred.endtime, false);
  time_members(w, "renew_till", cred.renew_till, true);
  w.member("expired", !(cred.endtime > now));
  w.key("flags").begin_array();
  for (const auto& name : ticket_flag_names(cred.flags)) w.value(name);
  w.end_array();
  w.member("flag_letters", ticket_flag_letters(cred.flags));
  w.member("session_enctype", enctype_name(cred.session_key.enctype));
  if (ticket) {
    w.member("ticket_enctype", enctype_name(ticket->enc_part.etype));
    if (ticket->enc_part.kvno)
      w.member("ticket_kvno", *ticket->enc_part.kvno);
    else
      w.key("ticket_kvno").null();
    const Principal server = to_principal(ticket->sname, ticket->realm);
    if (!(server == cred.server)) w.member("ticket_server", unparse_principal(server));
  } else {
    w.key("ticket_enctype").null();
    w.key("ticket_kvno").null();
  }
  w.key("addresses").begin_array();
  for (const auto& a : cred.addresses) w.value(address_text(a, true));
  w.end_array();
  w.end_object();
}

namespace {

void config_json(json::Writer& w, const Credentials& entry) {
  const auto view = ccache::config_entry_view(entry);
  w.begin_object();
  if (view) {
    w.member("key", view->key);
    if (view->principal.empty())
      w.key("principal").null();
    else
      w.member("principal", view->principal);
  } else {
    w.member("key", unparse_principal(entry.server));
    w.key("principal").null();
  }
  w.member("value", as_chars(entry.ticket));
  w.member("value_hex", to_hex(entry.ticket));
  w.end_object();
}

}  // namespace

void cache_json(json::Writer& w, std::string_view cache_name, std::string_view type,
                const ccache::CacheContents& contents, bool with_config, KerberosTime now) {
  w.begin_object();
  w.member("cache", cache_name);
  w.member("type", type);
  w.member("default_principal", unparse_principal(contents.default_principal));
  w.key("credentials").begin_array();
  for (const auto& cred : contents.creds) credential_json(w, cred, now);
  w.end_array();
  if (with_config) {
    w.key("config").begin_array();
    for (const auto& entry : contents.config_entries) config_json(w, entry);
    w.end_array();
  }
  w.end_object();
}

void collection_json(json::Writer& w, const std::vector<CollectionRow>& rows) {
  w.begin_object();
  w.key("caches").begin_array();
  for (const auto& row : rows) {
    w.begin_object();
    w.member("cache", row.cache_name);
    w.member("principal", row.principal);
    w.member("primary", row.primary);
    w.member("expired", row.expired);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void keytab_json(json::Writer& w, std::string_view keytab_name, const keytab::Keytab& keytab,
                 bool with_keys) {
  w.begin_object();
  w.member("keytab", keytab_name);
  w.key("entries").begin_array();
  for (const auto& entry : keytab.entries) {
    w.begin_object();
    w.member("kvno", entry.kvno);
    w.member("principal", unparse_principal(entry.principal));
    w.member("enctype", enctype_name(entry.key.enctype));
    time_members(w, "timestamp", entry.timestamp, false);
    if (with_keys) w.member("key", to_hex(entry.key.bytes.view()));
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace krbkit::present
