#pragma once
// What a service checks on a ticket it decrypted with its keytab, beyond the
// decryption (kvno -k, kvno --decode, klist --decode): the transited realms
// against [capaths] or the realm hierarchy, as MIT's
// krb5_server_decrypt_ticket_keytab does.
//
//   KRBKIT_TRY(t, exchange::open_ticket(creds.ticket, options, profile));
//   for (const auto& p : t.problems()) ...  // "... Illegal cross-realm ticket (...)"

#include "krbkit/base/result.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/pac/ticket.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::exchange {

// config::check_transited from the ticket's client realm to `server`'s,
// whatever its transited-policy-checked flag says (MIT checks the list in
// krb5_server_decrypt_ticket_keytab regardless). KRB_AP_ERR_ILL_CR_TKT
// ("Illegal cross-realm ticket") naming the realm off the path.
Result<void> check_ticket_transit(const config::Profile& profile, const EncTicketPart& part,
                                  const Principal& server);

// pac::open_ticket, then check_ticket_transit; its failure becomes the
// ticket's transit_problem (the ticket is still shown, and is not verified).
Result<pac::DecodedTicket> open_ticket(BytesView ticket_der, const pac::DecodeOptions& options,
                                       const config::Profile& profile);

}  // namespace krbkit::exchange
