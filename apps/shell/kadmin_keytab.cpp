// kadmin's ktadd (writes the keys the server gives) and ktremove (local
// only), MIT's keytab.c behaviour and wording, restated.

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>

#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/kadm5/format.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/proto/principal.hpp"
#include "shell/kadmin_shell.hpp"

namespace krbkit::shell {

using namespace kadm5;

namespace {

// MIT's ktadd/ktremove print WRFILE: names; the keytab module reads FILE: ones.
std::pair<std::string, std::string> keytab_names(const std::string& given) {
  std::string path = given;
  for (std::string_view prefix : {"WRFILE:", "FILE:"})
    if (path.rfind(prefix, 0) == 0) path.erase(0, prefix.size());
  return {"FILE:" + path, "WRFILE:" + path};
}

}  // namespace

Outcome KadminShell::ktadd(const Words& a) {
  const std::string use =
      "usage: ktadd [-k[eytab] keytab] [-q] [-e keysaltlist] [-norandkey] [principal | -glob princ-exp] "
      "[...]";
  std::string kt = options_.default_keytab;
  bool quiet = false, norandkey = false;
  std::optional<std::vector<KeySalt>> ks;
  std::vector<std::string> names;
  std::size_t i = 1;
  for (; i < a.size() && a[i][0] == '-'; ++i) {
    if ((a[i] == "-k" || a[i] == "-keytab") && i + 1 < a.size()) {
      kt = a[++i];
    } else if (a[i] == "-q") {
      quiet = true;
    } else if (a[i] == "-norandkey") {
      norandkey = true;
    } else if (a[i] == "-e" && i + 1 < a.size()) {
      auto parsed = parse_key_salts(a[++i]);
      if (!parsed.ok()) return fail("ktadd", parsed.error(), "while parsing keysalts " + a[i]);
      ks = std::move(parsed).value();
    } else if (a[i] == "-glob" && i + 1 < a.size()) {
      auto list = admin_.list_principals(std::string_view(a[++i]));
      if (!list.ok()) return fail("kadmin", list.error(), "while expanding expression \"" + a[i] + "\".");
      names.insert(names.end(), list->begin(), list->end());
    } else {
      return usage(use);
    }
  }
  for (; i < a.size(); ++i) names.push_back(a[i]);
  if (names.empty() || (norandkey && ks)) return usage(use);
  bool failed = false;
  for (const auto& n : names)
    if (add_to_keytab(n, kt, norandkey, ks, quiet) != Outcome::ok) failed = true;
  return failed ? Outcome::failed : Outcome::ok;
}

// ktadd for one principal: its current keys (-norandkey) or new random ones.
Outcome KadminShell::add_to_keytab(const std::string& name, const std::string& keytab, bool norandkey,
                                   const std::optional<std::vector<KeySalt>>& ks, bool quiet) {
  auto canon = canonical(name);
  if (!canon.ok()) return fail("kadmin", canon.error(), "while parsing -add principal name " + name);
  std::vector<keytab::KeytabEntry> entries;
  auto principal = parse_principal(*canon, options_.realm).value();
  const auto stamp = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  if (norandkey) {
    auto keys = admin_.extract_keys(*canon, 0);
    if (!keys.ok()) return fail("kadmin", keys.error(), fmt::format("while retrieving {}'s keys", *canon));
    for (auto& k : *keys) entries.push_back({principal, stamp, k.kvno, std::move(k.key)});
  } else {
    auto keys = admin_.randomize_key(*canon, false, ks);
    if (!keys.ok()) return fail("kadmin", keys.error(), fmt::format("while changing {}'s key", *canon));
    auto rec = admin_.get_principal(*canon, princ_mask::normal);
    if (!rec.ok()) return fail("kadmin", rec.error(), fmt::format("while retrieving principal {}", *canon));
    for (auto& k : *keys) entries.push_back({principal, stamp, rec->kvno, std::move(k)});
  }
  auto [kt_file, kt_shown] = keytab_names(keytab);
  auto w = keytab::append(kt_file, entries);
  if (!w.ok()) return fail("kadmin", w.error(), "while adding key to keytab");
  if (!quiet)
    for (const auto& e : entries)
      info(fmt::format("Entry for principal {} with kvno {}, encryption type {} added to keytab {}.\n",
                       *canon, e.kvno, enctype_name(e.key.enctype), kt_shown));
  return Outcome::ok;
}

Outcome KadminShell::ktremove(const Words& a) {
  const std::string use = "usage: ktremove [-k[eytab] keytab] [-q] principal [kvno|\"all\"|\"old\"]";
  std::string kt = options_.default_keytab;
  bool quiet = false;
  std::size_t i = 1;
  for (; i < a.size() && a[i][0] == '-'; ++i) {
    if ((a[i] == "-k" || a[i] == "-keytab") && i + 1 < a.size())
      kt = a[++i];
    else if (a[i] == "-q")
      quiet = true;
    else
      return usage(use);
  }
  if (a.size() - i < 1 || a.size() - i > 2) return usage(use);
  auto canon = canonical(a[i]);
  if (!canon.ok()) return fail("kadmin", canon.error(), "while parsing principal name " + a[i]);
  const std::string mode = a.size() - i == 2 ? a[i + 1] : "all";
  auto [kt_file, kt_shown] = keytab_names(kt);
  auto principal = parse_principal(*canon, options_.realm).value();
  auto table = keytab::read_keytab(kt_file);
  if (!table.ok()) return fail("kadmin", table.error(), "while opening keytab " + kt_shown);
  std::uint32_t highest = 0;
  bool any = false;
  for (const auto& e : table->entries)
    if (e.principal == principal) highest = std::max(highest, e.kvno), any = true;
  if (!any) {
    io_.err(fmt::format("kadmin: No entry for principal {} exists in keytab {}", *canon, kt_shown));
    return Outcome::failed;
  }
  std::vector<std::uint32_t> removed;
  auto match = [&](const keytab::KeytabEntry& e) {
    if (!(e.principal == principal)) return false;
    bool hit = mode == "all"   ? true
               : mode == "old" ? e.kvno != highest
                               : e.kvno == static_cast<std::uint32_t>(std::atoi(mode.c_str()));
    if (hit) removed.push_back(e.kvno);
    return hit;
  };
  auto r = keytab::remove(kt_file, match);
  if (!r.ok()) return fail("kadmin", r.error(), "while removing entries from keytab " + kt_shown);
  if (!quiet)
    for (auto kvno : removed)
      info(fmt::format("Entry for principal {} with kvno {} removed from keytab {}.\n", *canon, kvno,
                       kt_shown));
  return Outcome::ok;
}

}  // namespace krbkit::shell
