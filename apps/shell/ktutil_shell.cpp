// ktutil's requests (MIT's ktutil.c / ktutil_funcs.c behaviour and wording, restated).

#include "shell/ktutil_shell.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <ctime>
#include <sstream>

#include "krbkit/base/json.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/present/time_format.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::shell {

struct KtutilTable {
  using K = KtutilShell;
  static constexpr std::array<Request<K>, 8> kRequests{{
      {{"clear_list", "clear"}, "Clear the current keylist.", "", &K::clear},
      {{"read_kt", "rkt"}, "Read a krb5 keytab into the current keylist.", "", &K::read_kt},
      {{"write_kt", "wkt"}, "Write the current keylist to a krb5 keytab.", "", &K::write_kt},
      {{"add_entry", "addent"},
       "Add an entry to the current keylist.",
       "-key -password -p -k -e -f -s",
       &K::addent},
      {{"delete_entry", "delent"}, "Delete an entry from the current keylist.", "", &K::delent},
      {{"list", "l"}, "List the current keylist.", "-t -k -e --json", &K::list},
      {{"list_requests", "lr", "?"}, "List available requests.", "", &K::list_requests},
      {{"quit", "exit", "q"}, "Exit program.", "", &K::quit},
  }};
};

namespace {

// A number as MIT's ktutil reads it, with C's atoi(): leading blanks, a
// sign and digits ("3x" is 3), 0 when there are none.
int c_atoi(const std::string& text) { return static_cast<int>(std::strtol(text.c_str(), nullptr, 10)); }

std::string timestamp_text(KerberosTime t) {
  // Not system_clock::to_time_t: its nanoseconds overflow after 2262.
  std::time_t tt = static_cast<std::time_t>(t.time_since_epoch().count());
  std::tm tm{};
  ::localtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%x %X", &tm);
  return buf;
}

}  // namespace

std::vector<std::string_view> KtutilShell::request_names() { return names_of(KtutilTable::kRequests); }

std::vector<std::string_view> KtutilShell::request_options(std::string_view request) {
  return options_of(KtutilTable::kRequests, request);
}

Outcome KtutilShell::run(const std::string& line) {
  std::istringstream in(line);
  Words a;
  for (std::string w; in >> w;) a.push_back(w);
  if (a.empty()) return Outcome::ok;
  if (const auto* r = find_request(KtutilTable::kRequests, a[0])) return (this->*r->handler)(a);
  io_.err(fmt::format("ktutil: Unknown request \"{}\".  Type \"?\" for a request list.", a[0]));
  return Outcome::failed;
}

Outcome KtutilShell::fail(const std::string& request, const Error& e, const std::string& doing) {
  io_.err(fmt::format("{}: {} while {}", request, e.message(), doing));
  return Outcome::failed;
}

Outcome KtutilShell::clear(const Words&) {
  entries_.clear();
  return Outcome::ok;
}

Outcome KtutilShell::list_requests(const Words&) {
  io_.out(request_listing("ktutil", KtutilTable::kRequests));
  return Outcome::ok;
}

Outcome KtutilShell::quit(const Words&) { return Outcome::quit; }

Outcome KtutilShell::read_kt(const Words& a) {
  if (a.size() != 2) {
    io_.err(a[0] + ": must specify keytab to read");
    return Outcome::failed;
  }
  auto kt = keytab::read_keytab(a[1]);
  if (!kt) return fail(a[0], kt.error(), "reading keytab \"" + a[1] + "\"");
  for (auto& e : kt->entries) entries_.push_back(std::move(e));
  return Outcome::ok;
}

Outcome KtutilShell::write_kt(const Words& a) {
  if (a.size() != 2) {
    io_.err(a[0] + ": must specify keytab to write");
    return Outcome::failed;
  }
  if (entries_.empty()) return Outcome::ok;  // as MIT's: nothing to add, no file made
  auto r = keytab::append(a[1], entries_);
  if (!r) return fail(a[0], r.error(), "writing keytab \"" + a[1] + "\"");
  return Outcome::ok;
}

Outcome KtutilShell::list(const Words& a) {
  bool show_time = false, show_keys = false, show_etype = false, json = false;
  for (std::size_t i = 1; i < a.size(); ++i) {
    if (a[i] == "-t" || a[i] == "-time") {
      show_time = true;
    } else if (a[i] == "-k" || a[i] == "-keys") {
      show_keys = true;
    } else if (a[i] == "-e" || a[i] == "-enctype") {
      show_etype = true;
    } else if (a[i] == "--json" || a[i] == "-j") {
      json = true;
    } else {
      io_.err(fmt::format("{}: usage: {} [-t] [-k] [-e]", a[0], a[0]));
      return Outcome::failed;
    }
  }
  if (json)
    list_json(show_keys);
  else
    list_text(show_time, show_keys, show_etype);
  return Outcome::ok;
}

void KtutilShell::list_text(bool show_time, bool show_keys, bool show_etype) const {
  if (show_time) {
    io_.out("slot KVNO Timestamp         Principal\n");
    io_.out("---- ---- ----------------- ---------------------------------------------------\n");
  } else {
    io_.out("slot KVNO Principal\n");
    io_.out("---- ---- ---------------------------------------------------------------------\n");
  }
  int slot = 0;
  for (const auto& e : entries_) {
    std::string line = fmt::format("{:4} {:4} ", ++slot, e.kvno);
    if (show_time) line += timestamp_text(e.timestamp) + " ";
    line += fmt::format("{:>40}", unparse_principal(e.principal));
    if (show_etype) line += fmt::format(" ({}) ", enctype_name(e.key.enctype));
    if (show_keys) line += fmt::format(" (0x{})", to_hex(e.key.bytes.view()));
    io_.out(line + "\n");
  }
}

// list --json: { "entries": [ { "slot", "kvno", "principal", "enctype",
// "timestamp" (ISO 8601 UTC), "timestamp_epoch", "key" (hex, with -k only) } ] }
// (the entry members of klist -k --json, plus the slot delent takes).
void KtutilShell::list_json(bool with_keys) const {
  json::Writer w;
  w.schema(1).begin_object();
  w.key("entries").begin_array();
  int slot = 0;
  for (const auto& e : entries_) {
    w.begin_object();
    w.member("slot", ++slot);
    w.member("kvno", e.kvno);
    w.member("principal", unparse_principal(e.principal));
    w.member("enctype", enctype_name(e.key.enctype));
    w.member("timestamp", present::iso8601_utc(e.timestamp));
    w.member("timestamp_epoch", static_cast<std::int64_t>(e.timestamp.time_since_epoch().count()));
    if (with_keys) w.member("key", to_hex(e.key.bytes.view()));
    w.end_object();
  }
  w.end_array();
  w.end_object();
  io_.out(w.finish());
}

Outcome KtutilShell::delent(const Words& a) {
  if (a.size() != 2) {
    io_.err(a[0] + ": must specify entry to delete");
    return Outcome::failed;
  }
  const int slot = c_atoi(a[1]);
  if (slot < 1 || static_cast<std::size_t>(slot) > entries_.size()) {
    io_.err(fmt::format("{}: Invalid argument while deleting entry {}", a[0], slot));
    return Outcome::failed;
  }
  entries_.erase(entries_.begin() + (slot - 1));
  return Outcome::ok;
}

}  // namespace krbkit::shell
