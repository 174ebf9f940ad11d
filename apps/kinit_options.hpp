#pragma once
// kinit's options that fill a struct of their own: the ticket's (-l, -r, -f
// ...) and --keep-renewed's (kinit_keep.hpp).

#include "common/cli.hpp"
#include "kinit_keep.hpp"
#include "krbkit/exchange/login.hpp"

namespace krbkit::kinit {

// -l -s -r -f -F -p -P -a -A -C -E --request-pac --no-request-pac
void add_ticket_options(cli::App& app, exchange::TicketOptions& ticket);

}  // namespace krbkit::kinit
