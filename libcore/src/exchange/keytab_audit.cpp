// kvno --audit's verdicts (keytab_audit.hpp): each entry of a principal
// judged by what the KDC answered to its key, the principal's kvno taken
// from any reply, and the enctypes the keytab lacks.

#include "krbkit/exchange/keytab_audit.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

std::string_view audit_status_name(AuditStatus status) {
  switch (status) {
    case AuditStatus::ok: return "ok";
    case AuditStatus::stale_kvno: return "stale-kvno";
    case AuditStatus::wrong_key: return "wrong-key";
    case AuditStatus::duplicate: return "duplicate";
    case AuditStatus::unknown_principal: return "unknown-principal";
  }
  return "ok";
}

bool KeytabAudit::any(AuditStatus status) const {
  return std::any_of(entries.begin(), entries.end(),
                     [status](const AuditEntry& e) { return e.status == status; });
}

bool KeytabAudit::ok() const {
  return missing_enctypes.empty() && std::all_of(entries.begin(), entries.end(), [](const AuditEntry& e) {
           return e.status == AuditStatus::ok;
         });
}

namespace {

using Kind = KeyAnswer::Kind;

// One principal's entries (indexes into the keytab) and what the KDC said
// about the first entry of each kvno and enctype.
struct PrincipalAudit {
  const keytab::Keytab& kt;
  std::vector<std::size_t> firsts;              // first entry of each (kvno, enctype)
  std::vector<KeyAnswer> answers;               // parallel to firsts
  std::optional<std::uint32_t> kdc_kvno;        // from any reply
  std::vector<std::optional<AuditEntry>>& out;  // indexed like kt.entries

  const keytab::KeytabEntry& entry(std::size_t i) const { return kt.entries[i]; }

  AuditEntry verdict(std::size_t i, AuditStatus status, std::string detail) const {
    const auto& e = entry(i);
    return AuditEntry{e.principal, e.kvno, e.key.enctype, status, std::move(detail)};
  }

  // Whether the key of `e` at kvno `kvno` decrypted the KDC's reply.
  bool decrypted_at(Enctype e, std::uint32_t kvno) const {
    for (std::size_t k = 0; k < firsts.size(); ++k)
      if (entry(firsts[k]).key.enctype == e && entry(firsts[k]).kvno == kvno &&
          answers[k].kind == Kind::decrypted)
        return true;
    return false;
  }

  AuditEntry judge(std::size_t i, const KeyAnswer& a) const;
  AuditEntry judge_unchecked(std::size_t i, const KeyAnswer& a, std::optional<std::uint32_t> kdc) const;
};

// A key the service ticket could not try (it is in another enctype): only
// its kvno can be compared with the KDC's.
AuditEntry PrincipalAudit::judge_unchecked(std::size_t i, const KeyAnswer& a,
                                           std::optional<std::uint32_t> kdc) const {
  const auto& e = entry(i);
  const std::string used = a.ticket_enctype ? enctype_name(*a.ticket_enctype) : "another enctype";
  if (kdc && *kdc != e.kvno)
    return verdict(i, AuditStatus::stale_kvno, fmt::format("the KDC's key is kvno {}, not {}", *kdc, e.kvno));
  return verdict(i, AuditStatus::ok,
                 fmt::format("kvno {} is the KDC's; the key itself was not tried: the KDC's tickets for the "
                             "service are {}",
                             e.kvno, used));
}

AuditEntry PrincipalAudit::judge(std::size_t i, const KeyAnswer& a) const {
  const auto& e = entry(i);
  const std::string name = enctype_name(e.key.enctype);
  if (a.kind == Kind::no_such_enctype)
    return verdict(i, AuditStatus::ok,
                   fmt::format("never used: the KDC holds no {} key for the principal", name));
  const std::optional<std::uint32_t> kdc = a.kdc_kvno ? a.kdc_kvno : kdc_kvno;
  if (a.kind == Kind::not_checked) return judge_unchecked(i, a, kdc);
  if (kdc && e.kvno < *kdc && decrypted_at(e.key.enctype, *kdc))
    return verdict(i, AuditStatus::ok,
                   fmt::format("an older key, kept for tickets issued before kvno {}", *kdc));
  if (a.kind == Kind::decrypted) {
    if (!kdc || *kdc == e.kvno)
      return verdict(i, AuditStatus::ok,
                     a.ticket_enctype ? "the key decrypts a service ticket from the KDC"
                                      : "the key decrypts the KDC's reply");
    return verdict(i, AuditStatus::stale_kvno,
                   fmt::format("the key is right but the KDC's kvno is {}, not {}", *kdc, e.kvno));
  }
  if (kdc && *kdc != e.kvno)
    return verdict(i, AuditStatus::stale_kvno, fmt::format("the KDC's key is kvno {}, not {}", *kdc, e.kvno));
  if (kdc)
    return verdict(i, AuditStatus::wrong_key,
                   fmt::format("kvno {} is the KDC's, but the key does not decrypt its reply: wrong password "
                               "or salt",
                               e.kvno));
  return verdict(i, AuditStatus::wrong_key,
                 "the KDC refused the pre-authentication made with this key: wrong password, salt or kvno");
}

// Entries with the same principal, kvno and enctype as an earlier one are
// duplicates (a service uses the first); the others go to `firsts`.
void find_duplicates(PrincipalAudit& p, const std::vector<std::size_t>& indexes) {
  for (std::size_t i : indexes) {
    const auto& e = p.entry(i);
    auto same = std::find_if(p.firsts.begin(), p.firsts.end(), [&](std::size_t j) {
      return p.entry(j).kvno == e.kvno && p.entry(j).key.enctype == e.key.enctype;
    });
    if (same == p.firsts.end()) {
      p.firsts.push_back(i);
      continue;
    }
    const bool same_key = p.entry(*same).key == e.key;
    p.out[i] = p.verdict(i, AuditStatus::duplicate,
                         fmt::format("the same kvno and enctype as an earlier entry, {} key{}",
                                     same_key ? "with the same" : "with a different",
                                     same_key ? "" : " (services use the earlier one)"));
  }
}

void mark_unknown(PrincipalAudit& p, const std::vector<std::size_t>& indexes, const Principal& principal,
                  bool asked_as_service) {
  const std::string name = unparse_principal(principal);
  const std::string detail = asked_as_service
                                 ? fmt::format("the KDC does not know {}", name)
                                 : fmt::format(
                                       "the KDC does not know {} as a client (without a TGT it was not asked "
                                       "for as a service: kinit first)",
                                       name);
  for (std::size_t j : indexes) p.out[j] = p.verdict(j, AuditStatus::unknown_principal, detail);
}

Result<void> audit_principal(const Principal& principal, const std::vector<std::size_t>& indexes,
                             PrincipalAudit& p, AuditKdc& kdc, const std::vector<Enctype>& expected,
                             std::vector<MissingEnctype>& missing) {
  find_duplicates(p, indexes);
  bool as_service = false;  // the KDC knows no such client: ask through service tickets
  for (std::size_t i : p.firsts) {
    const Key& key = p.entry(i).key;
    KRBKIT_TRY(answer, as_service ? kdc.try_key_on_ticket(principal, key) : kdc.try_key(principal, key));
    if (answer.kind == Kind::unknown_principal && !as_service && kdc.has_tgt()) {
      as_service = true;
      KRBKIT_TRY(retried, kdc.try_key_on_ticket(principal, key));
      answer = retried;
    }
    if (answer.kind == Kind::unknown_principal) {
      mark_unknown(p, indexes, principal, kdc.has_tgt());
      return success();
    }
    if (answer.kdc_kvno && !p.kdc_kvno) p.kdc_kvno = answer.kdc_kvno;
    p.answers.push_back(answer);
  }
  const bool refused = std::any_of(p.answers.begin(), p.answers.end(),
                                   [](const KeyAnswer& a) { return a.kind == Kind::not_decrypted; });
  if (refused && !p.kdc_kvno) p.kdc_kvno = kdc.service_kvno(principal);
  for (std::size_t k = 0; k < p.firsts.size(); ++k) p.out[p.firsts[k]] = p.judge(p.firsts[k], p.answers[k]);
  for (Enctype e : expected) {
    const bool held = std::any_of(indexes.begin(), indexes.end(),
                                  [&](std::size_t i) { return p.entry(i).key.enctype == e; });
    if (held) continue;
    KRBKIT_TRY(answer, kdc.ask_enctype(principal, e));
    if (answer.kind == Kind::has_enctype) missing.push_back(MissingEnctype{principal, e});
  }
  return success();
}

}  // namespace

Result<KeytabAudit> audit_keytab(const std::string& keytab_name, const keytab::Keytab& kt,
                                 const std::vector<Principal>& only, AuditKdc& kdc,
                                 const std::vector<Enctype>& expected) {
  std::vector<Principal> principals;
  for (const auto& e : kt.entries) {
    const bool wanted = only.empty() || std::find(only.begin(), only.end(), e.principal) != only.end();
    if (wanted && std::find(principals.begin(), principals.end(), e.principal) == principals.end())
      principals.push_back(e.principal);
  }
  for (const auto& p : only)
    if (std::find(principals.begin(), principals.end(), p) == principals.end())
      return Error{Errc::keytab_no_key,
                   fmt::format("no entry for {} in {}", unparse_principal(p), keytab_name)};
  KeytabAudit audit;
  audit.keytab = keytab_name;
  std::vector<std::optional<AuditEntry>> verdicts(kt.entries.size());
  for (const auto& principal : principals) {
    std::vector<std::size_t> indexes;
    for (std::size_t i = 0; i < kt.entries.size(); ++i)
      if (kt.entries[i].principal == principal) indexes.push_back(i);
    PrincipalAudit p{kt, {}, {}, std::nullopt, verdicts};
    KRBKIT_CHECK(audit_principal(principal, indexes, p, kdc, expected, audit.missing_enctypes)
                     .context("auditing the keys of " + unparse_principal(principal)));
  }
  for (auto& v : verdicts)
    if (v) audit.entries.push_back(std::move(*v));
  return audit;
}

}  // namespace krbkit::exchange
