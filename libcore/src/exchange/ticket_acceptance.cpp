// The transited-realm check of tickets opened with a keytab.

#include "krbkit/exchange/ticket_acceptance.hpp"

#include "krbkit/config/transited.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

Result<void> check_ticket_transit(const config::Profile& profile, const EncTicketPart& part,
                                  const Principal& server) {
  return config::check_transited(profile, as_chars(part.transited.contents), part.crealm, server.realm);
}

Result<pac::DecodedTicket> open_ticket(BytesView ticket_der, const pac::DecodeOptions& options,
                                       const config::Profile& profile) {
  KRBKIT_TRY(t, pac::open_ticket(ticket_der, options));
  if (auto checked = check_ticket_transit(profile, t.part, t.server); !checked)
    t.transit_problem = checked.error().message();
  return t;
}

}  // namespace krbkit::exchange
