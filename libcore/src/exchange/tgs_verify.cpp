// kvno's view of a ticket, and decrypting it with a service keytab (kvno -k),
// its transited realms checked as a service checks them.

#include <fmt/format.h>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/exchange/ticket_acceptance.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

Result<TicketInfo> ticket_info(const Credentials& creds) {
  KRBKIT_TRY(ticket, decode_ticket(creds.ticket));
  TicketInfo info;
  info.server = to_principal(ticket.sname, ticket.realm);
  info.kvno = ticket.enc_part.kvno.value_or(0);
  info.ticket_enctype = ticket.enc_part.etype;
  info.session_enctype = creds.session_key.enctype;
  return info;
}

Result<EncTicketPart> decrypt_ticket_with_keytab(const Credentials& creds, std::string_view keytab_name,
                                                 const config::Profile& profile) {
  KRBKIT_TRY(ticket, decode_ticket(creds.ticket));
  const Principal server = to_principal(ticket.sname, ticket.realm);
  const std::uint32_t kvno = ticket.enc_part.kvno.value_or(0);
  KRBKIT_TRY(keytab, keytab::read_keytab(keytab_name));
  const keytab::KeytabEntry* entry = nullptr;
  bool other_kvno = false;
  for (const auto& e : keytab.entries) {
    if (!(e.principal == server) || e.key.enctype != ticket.enc_part.etype) continue;
    if (ticket.enc_part.kvno && e.kvno != kvno && (e.kvno & 0xff) != (kvno & 0xff)) {
      other_kvno = true;
      continue;
    }
    entry = &e;
  }
  const std::string who = unparse_principal(server);
  if (!entry)
    return Error{Errc::keytab_no_key, fmt::format("{} has no {} key for {} with kvno {}{}", keytab_name,
                                                  enctype_name(ticket.enc_part.etype), who, kvno,
                                                  other_kvno ? " (only other kvnos)" : "")};
  auto plain = decrypt(entry->key, KeyUsage::kdc_rep_ticket, ticket.enc_part.cipher);
  if (!plain)
    return Error{Errc::integrity,
                 fmt::format("the ticket for {} does not decrypt with the {} key (kvno {}) in {}", who,
                             enctype_name(entry->key.enctype), entry->kvno, keytab_name)};
  KRBKIT_TRY(part, decode_enc_ticket_part(plain->view()));
  const Principal client = to_principal(part.cname, part.crealm);
  if (!(client == creds.client) || !(part.key == creds.session_key))
    return Error{Errc::reply_mismatch,
                 fmt::format("the ticket for {} decrypts but names {} or another session key", who,
                             unparse_principal(client))};
  KRBKIT_CHECK(check_ticket_transit(profile, part, server));
  return part;
}

}  // namespace krbkit::exchange
