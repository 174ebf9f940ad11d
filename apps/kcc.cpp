// kcc: copy, filter and convert tickets: between credential caches of any
// type (FILE, DIR, MEMORY) and to and from KRB-CRED files (.kirbi, as
// mimikatz, Rubeus and impacket's ticketConverter use). krbkit's own command;
// MIT has none (Heimdal's closest is copy_cred_cache). The conversion and the
// filters are libcore's (exchange/krb_cred.hpp).

#include <fcntl.h>
#include <fmt/format.h>

#include <cstdio>

#include "common/cli.hpp"
#include "krbkit/base/file_io.hpp"
#include "krbkit/base/json.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/exchange/krb_cred.hpp"
#include "krbkit/present/klist.hpp"
#include "krbkit/proto/principal.hpp"

namespace {

using namespace krbkit;

// kcc's own exit statuses, beside cli::Exit's (man/kcc.1, EXIT STATUS).
enum KccExit : int {
  kExitBadFile = 10,  // the file is not a KRB-CRED (truncated, wrong tag, bad lengths)
  kExitNoKey = 11,    // the KRB-CRED is encrypted and no key given decrypts it
};

struct Options {
  std::string src, dst, file, keytab, service, enctype;
  bool valid_only = false, json = false, flags = false, enctypes = false;
};

Result<exchange::TicketFilter> filter_of(const Options& o) {
  exchange::TicketFilter f;
  f.service_glob = o.service;
  f.valid_only = o.valid_only;
  f.now = cli::now_seconds();
  if (!o.enctype.empty()) {
    KRBKIT_TRY(e, enctype_from_name(o.enctype));
    f.enctype = e;
  }
  return f;
}

Result<std::vector<keytab::KeytabEntry>> keytab_keys(const std::string& name) {
  if (name.empty()) return std::vector<keytab::KeytabEntry>{};
  KRBKIT_TRY(kt, keytab::read_keytab(name));
  if (kt.entries.empty()) return Error{Errc::keytab_no_key, "keytab " + name + " holds no key"};
  return std::move(kt.entries);
}

Result<std::vector<Credentials>> selected(const std::vector<Credentials>& creds, const Options& o,
                                          const std::string& from) {
  KRBKIT_TRY(filter, filter_of(o));
  auto chosen = exchange::select_credentials(creds, filter);
  if (chosen.empty()) return Error{Errc::no_credentials, "no ticket in " + from + " matches"};
  return chosen;
}

Result<exchange::KrbCredContents> read_kirbi(const Options& o) {
  fileio::Fd fd(::open(o.file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return fileio::errno_error(Errc::io, "cannot open", o.file, errno);
  KRBKIT_TRY(bytes, fileio::read_all(fd.get(), o.file, Errc::io));
  KRBKIT_TRY(keys, keytab_keys(o.keytab));
  return exchange::read_krb_cred(bytes, o.file, keys);
}

// Replaces the whole cache `name` (as kinit does).
Result<void> store(const std::string& name, const ccache::CacheContents& contents) {
  KRBKIT_TRY(cache, ccache::open(name));
  return cache->write(contents).context("writing " + cache->name());
}

Result<ccache::CacheContents> read_cache(const std::string& name) {
  KRBKIT_TRY(cache, ccache::open(name));
  return cache->read().context("reading " + cache->name());
}

Result<void> copy(const Options& o) {
  KRBKIT_TRY(contents, read_cache(o.src));
  KRBKIT_TRY(chosen, selected(contents.creds, o, o.src));
  contents.creds = std::move(chosen);
  return store(o.dst, contents);
}

Result<void> export_file(const Options& o) {
  KRBKIT_TRY(contents, read_cache(o.src));
  KRBKIT_TRY(chosen, selected(contents.creds, o, o.src));
  KRBKIT_TRY(keys, keytab_keys(o.keytab));
  KRBKIT_TRY(der, exchange::make_krb_cred(chosen, keys.empty() ? nullptr : &keys.front()));
  return fileio::replace_atomically(o.file, der, Errc::io);  // 0600: it holds session keys
}

ccache::CacheContents as_cache(std::vector<Credentials> creds) {
  ccache::CacheContents contents;
  contents.default_principal = creds.front().client;
  contents.creds = std::move(creds);
  return contents;
}

Result<void> import_file(const Options& o) {
  KRBKIT_TRY(read, read_kirbi(o));
  KRBKIT_TRY(chosen, selected(read.creds, o, o.file));
  return store(o.dst, as_cache(std::move(chosen)));
}

std::string enc_part_text(const exchange::KrbCredContents& read) {
  if (read.enc_etype == Enctype::null) return "Encryption: none\n";
  return fmt::format("Encryption: {}{}\n", enctype_name(read.enc_etype),
                     read.enc_kvno ? fmt::format(" kvno {}", *read.enc_kvno) : "");
}

Result<void> list(const Options& o) {
  KRBKIT_TRY(read, read_kirbi(o));
  const auto now = cli::now_seconds();
  if (read.creds.empty()) return Error{Errc::no_credentials, o.file + " holds no ticket"};
  const auto contents = as_cache(std::move(read.creds));
  if (o.json) {
    json::Writer w;
    w.schema(1).begin_object().member("file", o.file).key("enc_etype");
    read.enc_etype == Enctype::null ? w.null() : w.value(enctype_name(read.enc_etype));
    w.key("enc_kvno");
    read.enc_kvno ? w.value(*read.enc_kvno) : w.null();
    w.key("tickets");
    present::cache_json(w, o.file, "KRB-CRED", contents, false, now);
    std::fputs(w.end_object().finish().c_str(), stdout);
    return {};
  }
  present::CacheListOptions show;
  show.flags = o.flags;
  show.enctypes = o.enctypes;
  auto text = present::cache_text(o.file, contents, show, present::TimeFormat::for_current_locale(now));
  text.replace(0, text.find('\n') + 1, fmt::format("Ticket file: {}\n{}", o.file, enc_part_text(read)));
  std::fputs(text.c_str(), stdout);
  return {};
}

void add_filters(CLI::App* sub, Options& o) {
  sub->add_option("--service", o.service, "Only tickets whose server name matches this glob")
      ->type_name("GLOB");
  sub->add_option("--enctype", o.enctype, "Only tickets whose session key has this enctype")
      ->type_name("ENCTYPE");
  sub->add_flag("--valid-only", o.valid_only, "Only tickets that have not expired");
}

int exit_status(const Error& e) {
  if (e.is(Errc::parse)) return kExitBadFile;
  if (e.is(Errc::keytab_no_key) || e.is(Errc::integrity)) return kExitNoKey;
  if (e.is(Errc::io)) return cli::kExitCacheIo;  // the file could not be read or written
  return cli::exit_code_for(e);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kcc - copy, filter and convert Kerberos tickets (caches and KRB-CRED .kirbi files)"};
  cli::add_version_flag(app, "kcc");
  app.require_subcommand(1);
  Options o;
  auto* copy_cmd = app.add_subcommand("copy", "Copy the tickets of cache SRC into cache DST (replacing it)");
  copy_cmd->add_option("SRC", o.src, "Source cache")->required();
  copy_cmd->add_option("DST", o.dst, "Destination cache")->required();
  add_filters(copy_cmd, o);
  auto* export_cmd = app.add_subcommand("export", "Write the tickets of cache SRC to a KRB-CRED file");
  export_cmd->add_option("SRC", o.src, "Source cache")->required();
  export_cmd->add_option("FILE", o.file, "KRB-CRED file to write (mode 0600)")->required();
  add_filters(export_cmd, o);
  export_cmd->add_option("-k,--keytab", o.keytab, "Encrypt in the first key of this keytab")
      ->type_name("KEYTAB");
  auto* import_cmd = app.add_subcommand("import", "Write the tickets of a KRB-CRED file into cache DST");
  import_cmd->add_option("FILE", o.file, "KRB-CRED file to read")->required();
  import_cmd->add_option("DST", o.dst, "Destination cache (replaced)")->required();
  add_filters(import_cmd, o);
  import_cmd->add_option("-k,--keytab", o.keytab, "Decrypt with a key of this keytab")->type_name("KEYTAB");
  auto* list_cmd = app.add_subcommand("list", "List the tickets of a KRB-CRED file, as klist does");
  list_cmd->add_option("FILE", o.file, "KRB-CRED file to read")->required();
  list_cmd->add_option("-k,--keytab", o.keytab, "Decrypt with a key of this keytab")->type_name("KEYTAB");
  list_cmd->add_flag("-f", o.flags, "Show the ticket flags");
  list_cmd->add_flag("-e", o.enctypes, "Show the session key and ticket enctypes");
  list_cmd->add_flag("--json", o.json, "Print the tickets as JSON");
  if (int rc = cli::parse(app, argc, argv); rc >= 0) return rc;
  const cli::ErrorReport report{{}, exit_status, o.json, {}};
  if (copy_cmd->parsed())
    return cli::run_main(
        "kcc", [&] { return copy(o); }, report);
  if (export_cmd->parsed())
    return cli::run_main(
        "kcc", [&] { return export_file(o); }, report);
  if (import_cmd->parsed())
    return cli::run_main(
        "kcc", [&] { return import_file(o); }, report);
  return cli::run_main(
      "kcc", [&] { return list(o); }, report);
}
