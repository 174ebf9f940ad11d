// KRB-CRED (RFC 4120 5.8) to and from cache credentials, and kcc's ticket
// selection. See krbkit/exchange/krb_cred.hpp.
#include "krbkit/exchange/krb_cred.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/proto/messages.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

bool filter_matches(const TicketFilter& filter, const Credentials& cred) {
  if (filter.enctype && cred.session_key.enctype != *filter.enctype) return false;
  if (filter.valid_only && cred.endtime <= filter.now) return false;
  if (filter.service_glob.empty()) return true;
  const auto server = unparse_principal(cred.server);
  return fnmatch(filter.service_glob.c_str(), server.c_str(), 0) == 0;
}

std::vector<Credentials> select_credentials(const std::vector<Credentials>& creds,
                                            const TicketFilter& filter) {
  std::vector<Credentials> selected;
  for (const auto& c : creds)
    if (filter_matches(filter, c)) selected.push_back(c.clone());
  return selected;
}

namespace {

KrbCredInfo info_of(const Credentials& c) {
  KrbCredInfo info;
  info.key = c.session_key.clone();
  info.prealm = c.client.realm;
  info.pname = to_principal_name(c.client);
  info.flags = c.flags;
  info.authtime = c.authtime;
  // Every time, zero ones too (1970-01-01, read back as zero): impacket's
  // ticketConverter cannot read a KrbCredInfo without starttime and renew-till.
  info.starttime = c.starttime;
  info.endtime = c.endtime;
  info.renew_till = c.renew_till;
  info.srealm = c.server.realm;
  info.sname = to_principal_name(c.server);
  info.caddr = c.addresses;
  return info;
}

// The credential a KrbCredInfo describes; the ticket names the server when the info does not.
Result<Credentials> credentials_of(KrbCredInfo& info, const Ticket& ticket, std::size_t index) {
  if (!info.pname || !info.prealm)
    return Error{Errc::invalid_argument,
                 fmt::format("KRB-CRED ticket-info {}: no client name (pname, prealm)", index)};
  Credentials c;
  c.client = to_principal(*info.pname, *info.prealm);
  c.server = to_principal(info.sname.value_or(ticket.sname), info.srealm.value_or(ticket.realm));
  c.session_key = std::move(info.key);
  c.flags = info.flags.value_or(0);
  c.authtime = info.authtime.value_or(KerberosTime{});
  c.starttime = info.starttime.value_or(KerberosTime{});
  c.endtime = info.endtime.value_or(KerberosTime{});
  c.renew_till = info.renew_till.value_or(KerberosTime{});
  c.addresses = std::move(info.caddr);
  c.ticket = encode(ticket);  // the DER as read, byte for byte
  return c;
}

// The enc-part's plaintext: the cipher itself for etype 0, else decrypted
// with a matching key.
Result<Bytes> open_enc_part(const EncryptedData& enc, const std::vector<keytab::KeytabEntry>& keys) {
  if (enc.etype == Enctype::null) return enc.cipher;
  bool any_of_enctype = false;
  for (const auto& entry : keys) {
    if (entry.key.enctype != enc.etype) continue;
    if (enc.kvno && entry.kvno != 0 && entry.kvno != *enc.kvno) continue;
    any_of_enctype = true;
    auto plain = decrypt(entry.key, KeyUsage::krb_cred_enc_part, enc.cipher);
    if (plain.ok()) return Bytes(plain->view().begin(), plain->view().end());
  }
  const auto what = fmt::format("the KRB-CRED is encrypted in {}{}", enctype_name(enc.etype),
                                enc.kvno ? fmt::format(" kvno {}", *enc.kvno) : "");
  if (!any_of_enctype)
    return Error{Errc::keytab_no_key, what + "; no key of that enctype (and kvno) was given"};
  return Error{Errc::integrity, what + "; no key given decrypts it"};
}

}  // namespace

Result<Bytes> make_krb_cred(const std::vector<Credentials>& creds, const keytab::KeytabEntry* key) {
  if (creds.empty()) return Error{Errc::invalid_argument, "no tickets to put in a KRB-CRED"};
  KrbCred message;
  EncKrbCredPart part;
  for (const auto& c : creds) {
    auto ticket = decode_ticket(c.ticket);
    if (!ticket.ok())
      return Error{Errc::invalid_argument,
                   fmt::format("the ticket for {} does not decode: {}", unparse_principal(c.server),
                               ticket.error().message())};
    message.tickets.push_back(std::move(*ticket));
    part.ticket_info.push_back(info_of(c));
  }
  Bytes plain = encode(part);
  if (!key) {
    message.enc_part.cipher = std::move(plain);
    return encode(message);
  }
  KRBKIT_TRY(cipher, encrypt(key->key, KeyUsage::krb_cred_enc_part, plain));
  message.enc_part = EncryptedData{key->key.enctype, key->kvno, std::move(cipher)};
  return encode(message);
}

Result<KrbCredContents> read_krb_cred(BytesView der, std::string_view source,
                                      const std::vector<keytab::KeytabEntry>& keys) {
  const auto where = "reading " + std::string(source);
  auto message = decode_krb_cred(der);
  if (!message.ok()) return std::move(message).context(where).error();
  auto plain = open_enc_part(message->enc_part, keys);
  if (!plain.ok()) return std::move(plain).context(where).error();
  auto part = decode_enc_krb_cred_part(*plain);
  if (!part.ok()) return std::move(part).context(where).error();
  if (part->ticket_info.size() != message->tickets.size())
    return Error{Errc::parse, fmt::format("{}: KRB-CRED holds {} tickets but {} ticket-info entries", source,
                                          message->tickets.size(), part->ticket_info.size())};
  KrbCredContents out;
  out.enc_etype = message->enc_part.etype;
  out.enc_kvno = message->enc_part.kvno;
  for (std::size_t i = 0; i < message->tickets.size(); ++i) {
    auto cred = credentials_of(part->ticket_info[i], message->tickets[i], i);
    if (!cred.ok()) return std::move(cred).context(where).error();
    out.creds.push_back(std::move(*cred));
  }
  return out;
}

}  // namespace krbkit::exchange
