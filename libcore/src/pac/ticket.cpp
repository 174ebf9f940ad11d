// Opening a service ticket with the service's keys and checking its PAC
// (klist/kvno --decode). Rendering is in ticket_render.cpp.
#include "krbkit/pac/ticket.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::pac {

namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// AD compares names without case; a keytab exported by samba-tool may spell
// the SPN differently from the request.
bool same_principal(const Principal& a, const Principal& b) {
  if (a == b) return true;
  if (a.components.size() != b.components.size() || !iequal(a.realm, b.realm)) return false;
  for (std::size_t i = 0; i < a.components.size(); ++i)
    if (!iequal(a.components[i], b.components[i])) return false;
  return true;
}

bool kvno_fits(std::uint32_t entry, std::uint32_t wanted) {
  return entry == wanted || (entry & 0xff) == (wanted & 0xff);  // 8-bit kvnos wrap
}

// "kvno 3 aes256-cts-hmac-sha1-96, kvno 3 rc4-hmac" for the principal's entries.
std::string what_keytab_has(const std::vector<ServiceKey>& keys, const Principal& server) {
  std::string out;
  for (const auto& k : keys) {
    if (!same_principal(k.principal, server)) continue;
    out += fmt::format("{}kvno {} {}", out.empty() ? "" : ", ", k.kvno, enctype_name(k.key.enctype));
  }
  return out.empty() ? "it has no entry for that principal" : "it has " + out;
}

bool keyed(Cksumtype c) {
  auto info = cksumtype_info(c);
  return info && (*info)->keyed;
}

// "arcfour-hmac" for hmac-md5-rc4: the enctype whose keys make that checksum.
std::string enctype_signing_with(Cksumtype c) {
  for (Enctype e : supported_enctypes())
    if (mandatory_checksum(e) == c) return enctype_name(e);
  return cksumtype_name(c) + "'s";
}

Check inappropriate(Cksumtype c) {
  return {Check::State::failed,
          fmt::format("{} is not a keyed checksum: anyone can make it over changed data "
                      "(KRB_AP_ERR_INAPP_CKSUM)",
                      cksumtype_name(c))};
}

Check server_check(const Pac& pac, const Key& key) {
  if (!pac.server_signature) return {Check::State::failed, "the PAC has no server signature"};
  const Cksumtype type = pac.server_signature->type;
  if (!keyed(type)) return inappropriate(type);
  if (type != mandatory_checksum(key.enctype))
    return {Check::State::failed,
            fmt::format("{} is not the checksum of the service's {} key, {} (KRB_AP_ERR_INAPP_CKSUM)",
                        cksumtype_name(type), enctype_name(key.enctype),
                        cksumtype_name(mandatory_checksum(key.enctype)))};
  auto r = verify_server_signature(pac, key);
  if (r) return {Check::State::verified, "with the service key"};
  return {Check::State::failed, fmt::format("does not verify with the service's {} key: the PAC was changed",
                                            enctype_name(key.enctype))};
}

// A signature keyed with krbtgt's key (KDC, ticket, full): every krbtgt key
// whose enctype's checksum is the signature's type is tried.
template <typename Verify>
Check krbtgt_check(const Signature& sig, Verify verify, const DecodeOptions& o) {
  if (!keyed(sig.type)) return inappropriate(sig.type);
  if (o.krbtgt_keys.empty() && o.krbtgt_keytab_name.empty())
    return {Check::State::not_checked, "needs the KDC's key"};
  int tried = 0;
  for (const auto& k : o.krbtgt_keys) {
    if (mandatory_checksum(k.key.enctype) != sig.type) continue;
    ++tried;
    if (verify(k.key)) return {Check::State::verified, "with krbtgt's key"};
  }
  const std::string enctype = enctype_signing_with(sig.type);
  if (tried == 0)
    return {Check::State::not_checked, fmt::format("{} has no {} key", o.krbtgt_keytab_name, enctype)};
  return {Check::State::failed, fmt::format("does not verify with the {} {} key{} in {}", tried, enctype,
                                            tried == 1 ? "" : "s", o.krbtgt_keytab_name)};
}

void check_krbtgt_signatures(DecodedTicket& t, const Pac& pac, const DecodeOptions& o) {
  t.krbtgt_keys_given = !o.krbtgt_keys.empty() || !o.krbtgt_keytab_name.empty();
  t.checks.kdc = pac.kdc_signature
                     ? krbtgt_check(
                           *pac.kdc_signature, [&](const Key& k) { return verify_kdc_signature(pac, k); }, o)
                     : Check{Check::State::failed, "the PAC has no KDC signature"};
  // MIT 1.20+ and AD (since the CVE-2020-17049 fix) sign service tickets;
  // only the KDCs patched for CVE-2022-37967 add the full signature.
  if (pac.ticket_signature && should_have_ticket_signature(t.server))
    t.checks.ticket = krbtgt_check(
        *pac.ticket_signature, [&](const Key& k) { return verify_ticket_signature(pac, t.part, k); }, o);
  if (pac.full_signature)
    t.checks.full = krbtgt_check(
        *pac.full_signature, [&](const Key& k) { return verify_full_signature(pac, k); }, o);
}

// CLIENT_INFO (MS-PAC 2.7): the client's name without the realm, and the
// ticket's authtime.
Check client_check(const Pac& pac, const EncTicketPart& part) {
  if (!pac.client_info) return {Check::State::failed, "the PAC has no CLIENT_INFO"};
  std::string name;
  for (const auto& c : part.cname.name_string) name += (name.empty() ? "" : "/") + c;
  const auto& ci = *pac.client_info;
  const auto authtime = part.authtime.time_since_epoch().count();
  std::vector<std::string> wrong;
  if (!iequal(ci.name, name))
    wrong.push_back(fmt::format("names '{}', the ticket's client is '{}'", ci.name, name));
  if (ci.client_id.unix_seconds() != authtime)
    wrong.push_back(fmt::format("client ID {} is not the ticket's authtime", ci.client_id.to_string()));
  if (wrong.empty()) return {Check::State::verified, "matches the ticket's client and authtime"};
  std::string detail;
  for (const auto& w : wrong) detail += (detail.empty() ? "" : "; ") + w;
  return {Check::State::failed, detail};
}

// The ticket's EncTicketPart, opened with the newest fitting key of the
// keytab (newest first when the ticket names no kvno); `used` is that key.
Result<EncTicketPart> decrypt_part(const Ticket& ticket, DecodedTicket& t, const DecodeOptions& o,
                                   const ServiceKey*& used) {
  const std::string who = unparse_principal(t.server);
  const std::string kvno_text = ticket.enc_part.kvno ? fmt::format("kvno {}", t.kvno) : "no kvno";
  std::vector<const ServiceKey*> fitting;
  for (const auto& k : o.service_keys) {
    if (!same_principal(k.principal, t.server) || k.key.enctype != t.enctype) continue;
    if (ticket.enc_part.kvno && !kvno_fits(k.kvno, t.kvno)) continue;
    fitting.push_back(&k);
  }
  std::stable_sort(fitting.begin(), fitting.end(),
                   [](const ServiceKey* a, const ServiceKey* b) { return a->kvno > b->kvno; });
  if (fitting.empty())
    return Error{Errc::keytab_no_key,
                 fmt::format("{} has no key for {} with {} and enctype {}; {}", o.keytab_name, who, kvno_text,
                             enctype_name(t.enctype), what_keytab_has(o.service_keys, t.server))};
  for (const auto* k : fitting) {
    if (auto plain = decrypt(k->key, KeyUsage::kdc_rep_ticket, ticket.enc_part.cipher)) {
      used = k;
      t.key_kvno = k->kvno;
      return decode_enc_ticket_part(plain->view());
    }
  }
  return Error{
      Errc::integrity,
      fmt::format("the ticket for {} ({}, {}) does not decrypt with the key in {}: the keytab's key is "
                  "not the service's current key, or the ticket was modified",
                  who, kvno_text, enctype_name(t.enctype), o.keytab_name)};
}

// Whether the ticket is the one the cache holds it as (klist --decode).
void compare_with_cache(DecodedTicket& t, const DecodeOptions& o) {
  const Principal client = to_principal(t.part.cname, t.part.crealm);
  if (o.expected_client && !(client == *o.expected_client))
    t.cache_mismatch = fmt::format("the ticket names client {}, the cache {}", unparse_principal(client),
                                   unparse_principal(*o.expected_client));
  else if (o.expected_session_key && !(t.part.key == *o.expected_session_key))
    t.cache_mismatch = "the ticket's session key is not the one in the cache";
}

}  // namespace

Result<DecodedTicket> open_ticket(BytesView ticket_der, const DecodeOptions& o) {
  KRBKIT_TRY(ticket, krbkit::decode_ticket(ticket_der));
  DecodedTicket t;
  t.server = to_principal(ticket.sname, ticket.realm);
  t.kvno = ticket.enc_part.kvno.value_or(0);
  t.enctype = ticket.enc_part.etype;
  t.keytab_name = o.keytab_name;
  const ServiceKey* used = nullptr;
  KRBKIT_TRY(part, decrypt_part(ticket, t, o, used));
  t.part = std::move(part);
  if (o.expected_client || o.expected_session_key) compare_with_cache(t, o);

  auto found = find_pac(t.part.authorization_data);
  if (!found) {
    t.pac_error = found.error().message();
    return t;
  }
  if (!*found) return t;
  auto pac = decode(**found);
  if (!pac) {
    t.pac_error = pac.error().message();
    return t;
  }
  t.checks.server = server_check(*pac, used->key);
  check_krbtgt_signatures(t, *pac, o);
  t.checks.client = client_check(*pac, t.part);
  t.pac = std::move(pac).value();
  return t;
}

bool DecodedTicket::verified() const { return problems().empty(); }

std::vector<std::string> DecodedTicket::problems() const {
  std::vector<std::string> out;
  const std::string who = unparse_principal(server);
  if (!cache_mismatch.empty()) out.push_back(fmt::format("ticket for {}: {}", who, cache_mismatch));
  if (!transit_problem.empty()) out.push_back(fmt::format("ticket for {}: {}", who, transit_problem));
  if (!pac_error.empty())
    out.push_back(fmt::format("ticket for {}: the PAC does not decode: {}", who, pac_error));
  auto add = [&](const Check& c, std::string_view what) {
    if (c.state == Check::State::failed)
      out.push_back(fmt::format("ticket for {}: {} FAILED: {}", who, what, c.detail));
  };
  // Asked to check krbtgt's signatures, one that could not be checked is no pass.
  auto add_krbtgt = [&](const Check& c, const std::optional<Signature>& sig, std::string_view what) {
    add(c, what);
    if (krbtgt_keys_given && sig && c.state == Check::State::not_checked)
      out.push_back(fmt::format("ticket for {}: {} NOT CHECKED: {}", who, what, c.detail));
  };
  add(checks.server, "PAC server signature");
  add(checks.client, "PAC client info");
  if (pac) {
    add_krbtgt(checks.kdc, pac->kdc_signature, "PAC KDC signature");
    if (should_have_ticket_signature(server))
      add_krbtgt(checks.ticket, pac->ticket_signature, "PAC ticket signature");
    add_krbtgt(checks.full, pac->full_signature, "PAC full signature");
  }
  return out;
}

}  // namespace krbkit::pac
