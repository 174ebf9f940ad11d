// kinit's ticket options, --keep-renewed's, and the command after "--".
#include "kinit_options.hpp"

#include <cstring>

namespace krbkit::kinit {

void add_ticket_options(cli::App& app, exchange::TicketOptions& ticket) {
  app.add_option("-l,--lifetime", ticket.lifetime, "Ticket lifetime (e.g. 10h, 1d2h, 36000)");
  app.add_option("-s,--start-time", ticket.start_time,
                 "Postdate: the ticket becomes valid after this duration");
  app.add_option("-r,--renewable-life", ticket.renewable_life, "Renewable lifetime");
  auto* f = app.add_flag("-f,--forwardable", ticket.forwardable, "Forwardable ticket");
  app.add_flag("-F,--no-forwardable", ticket.not_forwardable, "Not forwardable")->excludes(f);
  auto* p = app.add_flag("-p,--proxiable", ticket.proxiable, "Proxiable ticket");
  app.add_flag("-P,--no-proxiable", ticket.not_proxiable, "Not proxiable")->excludes(p);
  auto* a = app.add_flag("-a", ticket.addresses, "Include the local addresses");
  app.add_flag("-A,--no-addresses", ticket.no_addresses, "No addresses")->excludes(a);
  app.add_flag("-C,--canonicalize", ticket.canonicalize, "Ask the KDC to canonicalize the principal name");
  app.add_flag("-E,--enterprise", ticket.enterprise, "Treat the principal as an enterprise name");
  app.add_option("-I,--input-cache", ticket.input_cache,
                 "Pre-authenticate only as the earlier login recorded in this cache");
  auto* rp = app.add_flag("--request-pac", ticket.request_pac, "Ask for a PAC");
  app.add_flag("--no-request-pac", ticket.no_request_pac, "Ask for no PAC")->excludes(rp);
}

void add_keep_options(cli::App& app, KeepOptions& keep) {
  auto* k =
      app.add_flag("--keep-renewed", keep.enabled,
                   "Keep the ticket renewed until it no longer can be, or while the command after -- runs");
  app.add_option("--renew-at", keep.renew_at,
                 "With --keep-renewed: renew after this part of the lifetime (80%)")
      ->needs(k);
  app.add_flag("--quiet", keep.quiet, "With --keep-renewed: no line per renewal")->needs(k);
  app.add_option("--pid-file", keep.pid_file, "With --keep-renewed: write kinit's pid to this file")
      ->needs(k);
  app.add_option("--command-pid-file", keep.command_pid_file, "With a command: write its pid to this file")
      ->needs(k);
}

int split_command(int argc, char** argv, std::vector<std::string>& command) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--") == 0) {
      command.assign(argv + i + 1, argv + argc);
      return i;
    }
  return argc;
}

Result<void> check_keep_options(const KeepOptions& keep, const KeepChecks& checks) {
  auto usage = [](const char* what) { return Error{Errc::invalid_argument, what}; };
  if (!keep.enabled && !keep.command.empty()) return usage("a command after -- needs --keep-renewed");
  if (!keep.enabled) return success();
  if (checks.separator && keep.command.empty()) return usage("no command after --");
  if (checks.validate) return usage("--keep-renewed keeps a TGT renewed; -v validates one once");
  if (checks.service) return usage("--keep-renewed keeps a TGT renewed, not a ticket for -S's service");
  if (!keep.command_pid_file.empty() && keep.command.empty())
    return usage("--command-pid-file needs a command after --");
  return success();
}

}  // namespace krbkit::kinit
