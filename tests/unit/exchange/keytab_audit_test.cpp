// kvno --audit's verdicts (exchange/keytab_audit.hpp) against a KDC made of
// a table: which keys it holds for each principal, at which kvno.

#include "krbkit/exchange/keytab_audit.hpp"

#include <doctest/doctest.h>

#include <map>

#include "krbkit/proto/principal.hpp"

using namespace krbkit;
using namespace krbkit::exchange;

namespace {

const Enctype kAes256 = Enctype::aes256_cts_hmac_sha1_96;
const Enctype kAes128 = Enctype::aes128_cts_hmac_sha1_96;

Principal name(const std::string& text) { return parse_principal(text, "R.TEST").value(); }
// An answer the AS exchange gave (no service ticket involved).
KeyAnswer reply(KeyAnswer::Kind kind, std::optional<std::uint32_t> kvno) {
  return KeyAnswer{kind, kvno, std::nullopt};
}
Key key(Enctype e, const std::string& secret) { return Key{e, SecretBytes(std::string_view(secret))}; }

struct Account {
  std::uint32_t kvno = 1;
  std::map<Enctype, std::string> keys;
  bool preauth = false;       // a wrong key is refused before any reply (no kvno seen)
  bool service_only = false;  // known to the TGS only (an SPN in Active Directory)
};

class TableKdc final : public AuditKdc {
 public:
  std::map<std::string, Account> accounts;
  int questions = 0, ticket_questions = 0;
  bool tgt = false;  // service tickets can be had (the user has a TGT)

  Result<KeyAnswer> try_key(const Principal& p, const Key& k) override {
    ++questions;
    const Account* a = find(p);
    if (a == nullptr || a->service_only) return reply(KeyAnswer::Kind::unknown_principal, std::nullopt);
    auto held = a->keys.find(k.enctype);
    if (held == a->keys.end()) return reply(KeyAnswer::Kind::no_such_enctype, std::nullopt);
    if (k == key(k.enctype, held->second)) return reply(KeyAnswer::Kind::decrypted, a->kvno);
    return reply(KeyAnswer::Kind::not_decrypted,
                 a->preauth ? std::nullopt : std::optional<std::uint32_t>(a->kvno));
  }
  Result<KeyAnswer> ask_enctype(const Principal& p, Enctype e) override {
    const Account* a = find(p);
    if (a == nullptr) return reply(KeyAnswer::Kind::unknown_principal, std::nullopt);
    return reply(a->keys.count(e) ? KeyAnswer::Kind::has_enctype : KeyAnswer::Kind::no_such_enctype,
                 std::nullopt);
  }
  bool has_tgt() const override { return tgt; }
  // The service ticket is in the account's strongest key (the first in the map's order).
  Result<KeyAnswer> try_key_on_ticket(const Principal& p, const Key& k) override {
    ++ticket_questions;
    const Account* a = find(p);
    if (!tgt || a == nullptr) return reply(KeyAnswer::Kind::unknown_principal, std::nullopt);
    const auto& [ticket_enctype, secret] = *a->keys.rbegin();
    KeyAnswer answer{KeyAnswer::Kind::not_checked, a->kvno, ticket_enctype};
    if (k.enctype == ticket_enctype)
      answer.kind = k == key(k.enctype, secret) ? KeyAnswer::Kind::decrypted : KeyAnswer::Kind::not_decrypted;
    return answer;
  }
  std::optional<std::uint32_t> service_kvno(const Principal& p) override {
    const Account* a = find(p);
    if (!tgt || a == nullptr) return std::nullopt;
    return a->kvno;
  }

 private:
  const Account* find(const Principal& p) const {
    auto it = accounts.find(unparse_principal(p));
    return it == accounts.end() ? nullptr : &it->second;
  }
};

// One keytab entry: principal, kvno, enctype and the key's secret.
struct Row {
  std::string principal;
  std::uint32_t kvno;
  Enctype enctype;
  std::string secret;
};
keytab::Keytab keytab_of(const std::vector<Row>& rows) {
  keytab::Keytab kt;
  for (const auto& r : rows) kt.entries.push_back({name(r.principal), {}, r.kvno, key(r.enctype, r.secret)});
  return kt;
}

std::vector<std::string> statuses(const KeytabAudit& a) {
  std::vector<std::string> out;
  for (const auto& e : a.entries) out.emplace_back(audit_status_name(e.status));
  return out;
}

}  // namespace

TEST_CASE("keytab audit: the KDC's keys at its kvno are ok; older keys kept beside them too") {
  TableKdc kdc;
  kdc.accounts["svc/h@R.TEST"] = Account{3, {{kAes256, "new256"}, {kAes128, "new128"}}, false};
  keytab::Keytab kt = keytab_of(
      {{"svc/h", 2, kAes256, "old256"}, {"svc/h", 3, kAes256, "new256"}, {"svc/h", 3, kAes128, "new128"}});
  auto audit = audit_keytab("FILE:kt", kt, {}, kdc, {kAes256, kAes128}).value();
  CHECK(statuses(audit) == std::vector<std::string>{"ok", "ok", "ok"});
  CHECK(audit.entries[0].detail == "an older key, kept for tickets issued before kvno 3");
  CHECK(audit.missing_enctypes.empty());
  CHECK(audit.ok());
  CHECK(audit.keytab == "FILE:kt");
}

TEST_CASE("keytab audit: stale kvno, wrong key (kvno seen or pre-authentication refused)") {
  TableKdc kdc;
  kdc.accounts["stale@R.TEST"] = Account{2, {{kAes256, "changed"}}, false};
  kdc.accounts["salted@R.TEST"] = Account{1, {{kAes256, "right"}}, false};
  kdc.accounts["preauth@R.TEST"] = Account{1, {{kAes256, "right"}}, true};
  keytab::Keytab kt = keytab_of({{"stale", 1, kAes256, "before"},
                                 {"salted", 1, kAes256, "other salt"},
                                 {"preauth", 1, kAes256, "other salt"}});
  auto audit = audit_keytab("kt", kt, {}, kdc, {kAes256}).value();
  CHECK(statuses(audit) == std::vector<std::string>{"stale-kvno", "wrong-key", "wrong-key"});
  CHECK(audit.entries[0].detail == "the KDC's key is kvno 2, not 1");
  CHECK(audit.entries[1].detail.find("wrong password or salt") != std::string::npos);
  CHECK(audit.entries[2].detail.find("refused the pre-authentication") != std::string::npos);
  CHECK_FALSE(audit.ok());

  // With a TGT, a service ticket tells the kvno pre-authentication hid.
  kdc.tgt = true;
  kdc.accounts["preauth@R.TEST"].kvno = 2;
  auto with_tgt = audit_keytab("kt", kt, {name("preauth")}, kdc, {kAes256}).value();
  CHECK(statuses(with_tgt) == std::vector<std::string>{"stale-kvno"});
  kdc.accounts["preauth@R.TEST"].kvno = 1;
  with_tgt = audit_keytab("kt", kt, {name("preauth")}, kdc, {kAes256}).value();
  CHECK(statuses(with_tgt) == std::vector<std::string>{"wrong-key"});
  CHECK(with_tgt.entries[0].detail.find("wrong password or salt") != std::string::npos);
}

TEST_CASE("keytab audit: duplicates, missing enctypes, unknown principals, a named subset") {
  TableKdc kdc;
  kdc.accounts["svc@R.TEST"] = Account{1, {{kAes256, "k256"}, {kAes128, "k128"}}, false};
  keytab::Keytab kt = keytab_of({{"svc", 1, kAes256, "k256"},
                                 {"gone", 4, kAes256, "x"},
                                 {"svc", 1, kAes256, "k256"},
                                 {"gone", 4, kAes128, "y"}});
  auto audit = audit_keytab("kt", kt, {}, kdc, {kAes256, kAes128}).value();
  CHECK(statuses(audit) ==
        std::vector<std::string>{"ok", "unknown-principal", "duplicate", "unknown-principal"});
  CHECK(audit.entries[2].detail == "the same kvno and enctype as an earlier entry, with the same key");
  REQUIRE(audit.missing_enctypes.size() == 1);
  CHECK(unparse_principal(audit.missing_enctypes[0].principal) == "svc@R.TEST");
  CHECK(audit.missing_enctypes[0].enctype == kAes128);
  CHECK(audit.any(AuditStatus::unknown_principal));

  kdc.questions = 0;
  auto only = audit_keytab("kt", kt, {name("svc")}, kdc, {kAes256}).value();
  CHECK(statuses(only) == std::vector<std::string>{"ok", "duplicate"});
  CHECK(kdc.questions == 1);  // the duplicate is not asked about
  CHECK(only.ok() == false);

  auto absent = audit_keytab("kt", kt, {name("nobody")}, kdc, {kAes256});
  REQUIRE_FALSE(absent);
  CHECK(absent.error().is(Errc::keytab_no_key));
}

TEST_CASE("keytab audit: an entry of an enctype the KDC does not hold is never used, not a failure") {
  TableKdc kdc;
  kdc.accounts["svc@R.TEST"] = Account{1, {{kAes256, "k256"}}, false};
  keytab::Keytab kt = keytab_of({{"svc", 1, kAes256, "k256"}, {"svc", 1, kAes128, "k128"}});
  auto audit = audit_keytab("kt", kt, {}, kdc, {kAes256, kAes128}).value();
  CHECK(statuses(audit) == std::vector<std::string>{"ok", "ok"});
  CHECK(audit.entries[1].detail ==
        "never used: the KDC holds no aes128-cts-hmac-sha1-96 key for the principal");
  CHECK(audit.ok());
}

TEST_CASE("keytab audit: a principal known only as a service (an AD SPN) is audited through its ticket") {
  TableKdc kdc;
  kdc.tgt = true;
  Account spn{2, {{kAes128, "k128"}, {kAes256, "k256"}}, true, true};
  kdc.accounts["HTTP/web@R.TEST"] = spn;
  keytab::Keytab kt = keytab_of({{"HTTP/web", 2, kAes256, "k256"}, {"HTTP/web", 2, kAes128, "k128"}});
  auto audit = audit_keytab("kt", kt, {}, kdc, {kAes256, kAes128}).value();
  CHECK(statuses(audit) == std::vector<std::string>{"ok", "ok"});
  CHECK(audit.entries[0].detail == "the key decrypts a service ticket from the KDC");
  CHECK(audit.entries[1].detail ==
        "kvno 2 is the KDC's; the key itself was not tried: the KDC's tickets for the service are "
        "aes256-cts-hmac-sha1-96");
  CHECK(audit.ok());

  // After a password change (kvno 3) the old keytab is stale, the right
  // kvno with another password is a wrong key.
  kdc.accounts["HTTP/web@R.TEST"].kvno = 3;
  auto stale = audit_keytab("kt", kt, {}, kdc, {kAes256}).value();
  CHECK(statuses(stale) == std::vector<std::string>{"stale-kvno", "stale-kvno"});
  keytab::Keytab wrong = keytab_of({{"HTTP/web", 3, kAes256, "other password"}});
  CHECK(statuses(audit_keytab("kt", wrong, {}, kdc, {kAes256}).value()) ==
        std::vector<std::string>{"wrong-key"});

  // Without a TGT the principal cannot be asked for as a service.
  kdc.tgt = false;
  auto no_tgt = audit_keytab("kt", kt, {}, kdc, {kAes256}).value();
  CHECK(statuses(no_tgt) == std::vector<std::string>{"unknown-principal", "unknown-principal"});
  CHECK(no_tgt.entries[0].detail.find("without a TGT") != std::string::npos);
}
