// ktutil: keytab maintenance, MIT's commands at the "ktutil:  " prompt, read
// from the terminal or (script mode) from standard input. A list of entries
// is edited in memory: read_kt adds a keytab's entries, addent makes one from
// a password or a hex key, delent and clear remove, write_kt appends the list
// to a keytab file, list prints it exactly as MIT's ktutil does.

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <sstream>

#include "common/cli.hpp"
#include "common/line_editor.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/base/json.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/exchange/key_source.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/present/time_format.hpp"
#include "krbkit/proto/principal.hpp"

namespace {

using namespace krbkit;
using Args = std::vector<std::string>;

constexpr std::string_view kPrompt = "ktutil:  ";

// A secret: from the terminal without echo, else the next line of standard
// input (script mode reads commands and secrets from the same stream).
std::optional<std::string> read_secret_line(const std::string& prompt) {
  if (::isatty(0)) {
    // Echo off; back on after the line, at Ctrl-C (the read ends) and if a signal ends ktutil.
    auto secret = cli::read_hidden_line(STDIN_FILENO, stdout, prompt);
    if (!secret) return std::nullopt;
    return std::string(secret->chars());
  }
  fmt::print("{}", prompt);
  std::fflush(stdout);
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  fmt::print("\n");  // as MIT's: the line end the unechoed answer did not print
  if (!got) return std::nullopt;
  return line;
}

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

class Ktutil {
 public:
  // Runs one command line; false for quit.
  bool execute(const std::string& line);

 private:
  void read_kt(const Args& a);
  void write_kt(const Args& a);
  void list(const Args& a) const;
  void list_json(bool with_keys) const;
  void addent(const Args& a);
  void delent(const Args& a);
  Result<keytab::KeytabEntry> make_entry(const Principal& p, std::optional<Enctype> e, bool from_password,
                                         const std::string& salt, bool fetch);
  static Result<Key> make_key(const Principal& p, Enctype e, bool from_password, const std::string& salt,
                              const Bytes& params);

  std::vector<keytab::KeytabEntry> entries_;
};

void print_requests() {
  fmt::print(
      "Available ktutil requests:\n\n"
      "clear_list, clear        Clear the current keylist.\n"
      "read_kt, rkt             Read a krb5 keytab into the current keylist.\n"
      "write_kt, wkt            Write the current keylist to a krb5 keytab.\n"
      "add_entry, addent        Add an entry to the current keylist.\n"
      "delete_entry, delent     Delete an entry from the current keylist.\n"
      "list, l                  List the current keylist.\n"
      "list_requests, lr, ?     List available requests.\n"
      "quit, exit, q            Exit program.\n");
}

bool Ktutil::execute(const std::string& line) {
  std::istringstream in(line);
  Args a;
  for (std::string w; in >> w;) a.push_back(w);
  if (a.empty()) return true;
  const std::string& c = a[0];
  if (c == "quit" || c == "exit" || c == "q") return false;
  if (c == "read_kt" || c == "rkt") {
    read_kt(a);
  } else if (c == "write_kt" || c == "wkt") {
    write_kt(a);
  } else if (c == "list" || c == "l") {
    list(a);
  } else if (c == "add_entry" || c == "addent") {
    addent(a);
  } else if (c == "delete_entry" || c == "delent") {
    delent(a);
  } else if (c == "clear_list" || c == "clear") {
    entries_.clear();
  } else if (c == "list_requests" || c == "lr" || c == "?") {
    print_requests();
  } else {
    std::fflush(stdout);
    fmt::print(stderr, "ktutil: Unknown request \"{}\".  Type \"?\" for a request list.\n", c);
  }
  return true;
}

void Ktutil::read_kt(const Args& a) {
  if (a.size() != 2) {
    fmt::print(stderr, "{}: must specify keytab to read\n", a[0]);
    return;
  }
  auto kt = keytab::read_keytab(a[1]);
  if (!kt) {
    fmt::print(stderr, "{}: {} while reading keytab \"{}\"\n", a[0], kt.error().message(), a[1]);
    return;
  }
  for (auto& e : kt->entries) entries_.push_back(std::move(e));
}

void Ktutil::write_kt(const Args& a) {
  if (a.size() != 2) {
    fmt::print(stderr, "{}: must specify keytab to write\n", a[0]);
    return;
  }
  if (entries_.empty()) return;  // as MIT's: nothing to add, no file made
  auto r = keytab::append(a[1], entries_);
  if (!r) fmt::print(stderr, "{}: {} while writing keytab \"{}\"\n", a[0], r.error().message(), a[1]);
}

void Ktutil::list(const Args& a) const {
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
      fmt::print(stderr, "{}: usage: {} [-t] [-k] [-e]\n", a[0], a[0]);
      return;
    }
  }
  if (json) return list_json(show_keys);
  if (show_time) {
    fmt::print("slot KVNO Timestamp         Principal\n");
    fmt::print("---- ---- ----------------- ---------------------------------------------------\n");
  } else {
    fmt::print("slot KVNO Principal\n");
    fmt::print("---- ---- ---------------------------------------------------------------------\n");
  }
  int slot = 0;
  for (const auto& e : entries_) {
    std::string line = fmt::format("{:4} {:4} ", ++slot, e.kvno);
    if (show_time) line += timestamp_text(e.timestamp) + " ";
    line += fmt::format("{:>40}", unparse_principal(e.principal));
    if (show_etype) line += fmt::format(" ({}) ", enctype_name(e.key.enctype));
    if (show_keys) line += fmt::format(" (0x{})", to_hex(e.key.bytes.view()));
    fmt::print("{}\n", line);
  }
}

// list --json: { "entries": [ { "slot", "kvno", "principal", "enctype",
// "timestamp" (ISO 8601 UTC), "timestamp_epoch", "key" (hex, with -k only) } ] }
// (the entry members of klist -k --json, plus the slot delent takes).
void Ktutil::list_json(bool with_keys) const {
  json::Writer w;
  w.begin_object();
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
  fmt::print("{}", w.finish());
}

// The entry's key: from a hex key or a password; with `fetch`, the salt (and,
// when `e` is not given, the enctype) the KDC names for the principal.
Result<keytab::KeytabEntry> Ktutil::make_entry(const Principal& p, std::optional<Enctype> e,
                                               bool from_password, const std::string& salt, bool fetch) {
  const std::string name = unparse_principal(p);
  std::string s = salt.empty() ? exchange::default_salt(p) : salt;
  Bytes params;
  if (fetch) {
    auto env = Environment::from_process();
    KRBKIT_TRY(profile, config::load_profile(env));
    KRBKIT_TRY(info, exchange::fetch_etype_info(profile, p, e, Tracer::from_process()));
    e = info.etype;
    if (info.salt) s = *info.salt;
    if (info.s2kparams) params = *info.s2kparams;
  }
  keytab::KeytabEntry entry;
  entry.principal = p;
  KRBKIT_TRY(key, make_key(p, *e, from_password, s, params));
  entry.key = std::move(key);
  return entry;
}

Result<Key> Ktutil::make_key(const Principal& p, Enctype e, bool from_password, const std::string& s,
                             const Bytes& params) {
  const std::string name = unparse_principal(p);
  if (!from_password) {
    auto hex_key = read_secret_line(fmt::format("Key for {} (hex): ", name));
    if (!hex_key) return Error{Errc::cancelled, "no key given"};
    Bytes raw;
    if (!from_hex(*hex_key, raw)) return Error{Errc::invalid_argument, "the key is not hex"};
    KRBKIT_TRY(info, enctype_info(e, CryptoPolicy{true}));
    if (raw.size() != info->key_bytes)
      return Error{Errc::invalid_argument,
                   fmt::format("a {} key is {} bytes, not {}", enctype_name(e), info->key_bytes, raw.size())};
    Key key{e, SecretBytes(BytesView(raw))};
    secure_wipe(raw.data(), raw.size());
    return key;
  }
  auto pw = read_secret_line(fmt::format("Password for {}: ", name));
  if (!pw) return Error{Errc::cancelled, "no password given"};
  SecretBytes password{std::string_view(*pw)};
  secure_wipe(pw->data(), pw->size());
  return string_to_key(e, password.chars(), as_bytes(s), params, CryptoPolicy{true});
}

void Ktutil::addent(const Args& a) {
  const std::string usage =
      "usage: " + a[0] + " (-key | -password) -p principal -k kvno [-e enctype] [-f|-s salt]";
  std::string princ, kvno_text, etype, salt;
  bool password = false, key = false, fetch = false;
  for (std::size_t i = 1; i < a.size(); ++i) {
    const std::string& o = a[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= a.size()) return false;
      out = a[++i];
      return true;
    };
    bool ok = true;
    if (o == "-password") {
      password = true;
    } else if (o == "-key") {
      key = true;
    } else if (o == "-f" || o == "-fetch") {
      fetch = true;
    } else if (o == "-p") {
      ok = value(princ);
    } else if (o == "-k") {
      ok = value(kvno_text);
    } else if (o == "-e") {
      ok = value(etype);
    } else if (o == "-s" || o == "-salt") {
      ok = value(salt);
    } else {
      ok = false;
    }
    if (!ok) {
      fmt::print(stderr, "{}\n", usage);
      return;
    }
  }
  if (password == key || princ.empty() || kvno_text.empty() || (fetch && !salt.empty())) {
    fmt::print(stderr, "{}\n", usage);
    return;
  }
  // -e may be left out with -f: the KDC's enctype then (MIT 1.19+).
  if (etype.empty() && !fetch) {
    fmt::print(stderr, "enctype must be specified if not using -f\n");
    return;
  }
  auto fail = [&](const Error& e, const std::string& doing) {
    std::fflush(stdout);
    fmt::print(stderr, "{}: {} while {}\n", a[0], e.message(), doing);
  };
  auto env = Environment::from_process();
  std::string realm;
  if (auto profile = config::load_profile(env))
    if (auto d = config::LibDefaults::from(*profile)) realm = d->default_realm.value_or("");
  auto p = parse_principal(princ, realm);
  if (!p) return fail(p.error(), "adding new entry");  // MIT's wording for every failure here
  std::optional<Enctype> e;
  if (!etype.empty()) {
    auto named = enctype_from_name(etype);
    if (!named) return fail(named.error(), "adding new entry");
    e = *named;
  }
  // MIT's atoi(): "x" is kvno 0 and the password is still read, so a script's
  // next line is never taken for a command.
  const auto kvno = static_cast<std::uint32_t>(c_atoi(kvno_text));
  auto entry = make_entry(*p, e, password, salt, fetch);
  if (!entry) return fail(entry.error(), "adding new entry");
  entry->kvno = kvno;
  entry->timestamp = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  entries_.push_back(std::move(entry).value());
}

void Ktutil::delent(const Args& a) {
  if (a.size() != 2) {
    fmt::print(stderr, "{}: must specify entry to delete\n", a[0]);
    return;
  }
  const int slot = c_atoi(a[1]);
  if (slot < 1 || static_cast<std::size_t>(slot) > entries_.size()) {
    fmt::print(stderr, "{}: Invalid argument while deleting entry {}\n", a[0], slot);
    return;
  }
  entries_.erase(entries_.begin() + (slot - 1));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ktutil - Kerberos keytab file maintenance utility (commands from the terminal or stdin)"};
  krbkit::cli::add_version_flag(app, "ktutil");
  if (int rc = krbkit::cli::parse(app, argc, argv); rc >= 0) return rc;
  Ktutil kt;
  krbkit::cli::LineEditor editor;  // on a terminal: the line can be edited, Up recalls
  const bool echo = !::isatty(0);
  std::string line;
  for (;;) {
    if (editor.active()) {
      auto got = editor.read_line(kPrompt);
      if (!got) {
        fmt::print("\n");
        break;
      }
      line = std::move(*got);
    } else {
      fmt::print("{}", kPrompt);
      std::fflush(stdout);
      if (!std::getline(std::cin, line)) {
        fmt::print("\n");
        break;
      }
      if (echo) fmt::print("{}\n", line);
      std::fflush(stdout);
    }
    if (!kt.execute(line)) break;
  }
  return 0;
}
