// ktutil's add_entry: a key from a password (string-to-key with the default
// salt, a given one, or the KDC's) or from a hex key.

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/exchange/key_source.hpp"
#include "krbkit/proto/principal.hpp"
#include "shell/ktutil_shell.hpp"

namespace krbkit::shell {
namespace {

struct AddentArgs {
  std::string principal, kvno, enctype, salt;
  bool password = false, key = false, fetch = false;
};

// The options as MIT's ktutil_add_entry reads them; false for a usage error.
bool parse_addent(const Words& a, AddentArgs& out) {
  for (std::size_t i = 1; i < a.size(); ++i) {
    const std::string& o = a[i];
    auto value = [&](std::string& field) {
      if (i + 1 >= a.size()) return false;
      field = a[++i];
      return true;
    };
    bool ok = true;
    if (o == "-password") {
      out.password = true;
    } else if (o == "-key") {
      out.key = true;
    } else if (o == "-f" || o == "-fetch") {
      out.fetch = true;
    } else if (o == "-p") {
      ok = value(out.principal);
    } else if (o == "-k") {
      ok = value(out.kvno);
    } else if (o == "-e") {
      ok = value(out.enctype);
    } else if (o == "-s" || o == "-salt") {
      ok = value(out.salt);
    } else {
      ok = false;
    }
    if (!ok) return false;
  }
  return out.password != out.key && !out.principal.empty() && !out.kvno.empty() &&
         !(out.fetch && !out.salt.empty());
}

}  // namespace

Outcome KtutilShell::addent(const Words& a) {
  AddentArgs args;
  if (!parse_addent(a, args)) {
    io_.err("usage: " + a[0] + " (-key | -password) -p principal -k kvno [-e enctype] [-f|-s salt]");
    return Outcome::failed;
  }
  // -e may be left out with -f: the KDC's enctype then (MIT 1.19+).
  if (args.enctype.empty() && !args.fetch) {
    io_.err("enctype must be specified if not using -f");
    return Outcome::failed;
  }
  const std::string doing = "adding new entry";  // MIT's wording for every failure here
  auto p = parse_principal(args.principal, realm_.default_realm());
  if (!p) return fail(a[0], p.error(), doing);
  std::optional<Enctype> e;
  if (!args.enctype.empty()) {
    auto named = enctype_from_name(args.enctype);
    if (!named) return fail(a[0], named.error(), doing);
    e = *named;
  }
  // MIT's atoi(): "x" is kvno 0 and the password is still read, so a script's
  // next line is never taken for a command.
  const auto kvno = static_cast<std::uint32_t>(std::strtol(args.kvno.c_str(), nullptr, 10));
  auto entry = make_entry(*p, e, args.password, args.salt, args.fetch);
  if (!entry) return fail(a[0], entry.error(), doing);
  entry->kvno = kvno;
  entry->timestamp = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  entries_.push_back(std::move(entry).value());
  return Outcome::ok;
}

// The entry's key: from a hex key or a password; with `fetch`, the salt (and,
// when `e` is not given, the enctype) the KDC names for the principal.
Result<keytab::KeytabEntry> KtutilShell::make_entry(const Principal& p, std::optional<Enctype> e,
                                                    bool from_password, const std::string& salt, bool fetch) {
  std::string s = salt.empty() ? exchange::default_salt(p) : salt;
  Bytes params;
  if (fetch) {
    KRBKIT_TRY(info, realm_.fetch_etype_info(p, e));
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

Result<Key> KtutilShell::make_key(const Principal& p, Enctype e, bool from_password, const std::string& s,
                                  const Bytes& params) {
  const std::string name = unparse_principal(p);
  if (!from_password) {
    auto hex_key = io_.secret(fmt::format("Key for {} (hex): ", name));
    if (!hex_key) return Error{Errc::cancelled, "no key given"};
    Bytes raw;
    if (!from_hex(hex_key->chars(), raw)) return Error{Errc::invalid_argument, "the key is not hex"};
    Key key{e, SecretBytes(BytesView(raw))};
    secure_wipe(raw.data(), raw.size());
    KRBKIT_TRY(info, enctype_info(e, CryptoPolicy{true}));
    if (key.bytes.size() != info->key_bytes)
      return Error{Errc::invalid_argument, fmt::format("a {} key is {} bytes, not {}", enctype_name(e),
                                                       info->key_bytes, key.bytes.size())};
    return key;
  }
  auto password = io_.secret(fmt::format("Password for {}: ", name));
  if (!password) return Error{Errc::cancelled, "no password given"};
  return string_to_key(e, password->chars(), as_bytes(s), params, CryptoPolicy{true});
}

}  // namespace krbkit::shell
