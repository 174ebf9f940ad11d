#pragma once
// kvno --audit: does a keytab hold the keys the KDC holds? Every key of the
// keytab is put to the KDC the way kinit -k would use it, with no TGT
// needed: an AS exchange for the key's own principal, to itself, offering
// only that key's enctype, so the KDC encrypts its reply (or checks the
// pre-authentication) with its current key of that enctype. The key that
// decrypts the reply is right; the ticket's kvno, sent in the clear, is the
// KDC's. When pre-authentication hides it (a wrong key is refused before any
// reply), a service ticket from the TGS exchange with the user's TGT, if
// there is one, tells it. A principal the KDC knows only as a service
// (Active Directory refuses an SPN as a client) is audited through a service
// ticket for it instead, decrypted with each key of the ticket's enctype.
// Enctypes the keytab lacks are asked for without a
// key: the KDC names the ones it holds (ETYPE-INFO2 or an AS-REP) and
// refuses the others (KDC_ERR_ETYPE_NOSUPP).
//
//   KRBKIT_TRY(kt, keytab::read_keytab(name));
//   NetworkAuditKdc kdc(profile, kdcs, &tgs_client);   // or nullptr: no TGT
//   KRBKIT_TRY(audit, audit_keytab(name, kt, {}, kdc, defaults.permitted_enctypes));
//   if (!audit.ok()) ...
//
// The verdicts are a pure function of the keytab and the KDC's answers
// (AuditKdc), so they are unit-tested without a KDC.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/key.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/exchange/tgs_creds.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/net/realm_transport.hpp"

namespace krbkit::exchange {

enum class AuditStatus {
  ok,          // the key decrypts the KDC's reply at the KDC's kvno (or is an older key kept beside it)
  stale_kvno,  // the KDC has moved to another kvno (cpw -randkey, a password change)
  wrong_key,   // the kvno is the KDC's but the key is not (wrong password or salt)
  duplicate,   // the same principal, kvno and enctype as an earlier entry
  unknown_principal,  // the KDC does not know the principal
};
// "ok", "stale-kvno", "wrong-key", "duplicate", "unknown-principal".
std::string_view audit_status_name(AuditStatus status);

struct AuditEntry {
  Principal principal;
  std::uint32_t kvno = 0;
  Enctype enctype{};
  AuditStatus status = AuditStatus::ok;
  std::string detail;  // one sentence: why, and what the KDC said
};

// An enctype the KDC holds a key of for the principal that the keytab lacks.
struct MissingEnctype {
  Principal principal;
  Enctype enctype{};
};

struct KeytabAudit {
  std::string keytab;
  std::vector<AuditEntry> entries;  // in keytab order
  std::vector<MissingEnctype> missing_enctypes;
  bool ok() const;
  bool any(AuditStatus status) const;
};

// What the KDC answered to one question about a principal.
struct KeyAnswer {
  enum class Kind {
    decrypted,          // the reply decrypted with the key
    not_decrypted,      // it did not, or the KDC refused the pre-authentication made with it
    has_enctype,        // (no key offered) the KDC holds a key of the enctype
    no_such_enctype,    // the KDC holds no key of the enctype
    unknown_principal,  // the KDC does not know the principal
    not_checked,        // (service ticket) the ticket is in another enctype: the key was not tried
  };
  Kind kind = Kind::decrypted;
  std::optional<std::uint32_t> kdc_kvno;  // the reply's kvno, when the KDC sent a reply
  std::optional<Enctype> ticket_enctype;  // when the answer came from a service ticket
};

// The questions an audit asks; errors (no KDC answered) stop the audit.
class AuditKdc {
 public:
  virtual ~AuditKdc() = default;
  // An AS exchange for `principal` offering only `key`'s enctype, made with `key`.
  virtual Result<KeyAnswer> try_key(const Principal& principal, const Key& key) = 0;
  // Whether the KDC holds a key of `e` for `principal` (no key offered).
  virtual Result<KeyAnswer> ask_enctype(const Principal& principal, Enctype e) = 0;
  // The kvno of a service ticket for `principal`; nullopt when none could be had.
  virtual std::optional<std::uint32_t> service_kvno(const Principal& principal) = 0;
  // Whether service tickets can be had (the user has a TGT, as far as known).
  virtual bool has_tgt() const = 0;
  // For a principal the KDC knows no client of: a service ticket for it,
  // decrypted with `key` (decrypted, not_decrypted, not_checked when the
  // ticket is in another enctype), or unknown_principal.
  virtual Result<KeyAnswer> try_key_on_ticket(const Principal& principal, const Key& key) = 0;
};

// The KDCs of each principal's realm, as kinit reaches them; service
// tickets through `tgs` (the user's cache), or none when it is null.
class NetworkAuditKdc final : public AuditKdc {
 public:
  NetworkAuditKdc(const config::Profile& profile, const net::RealmTransport& kdcs, TgsClient* tgs)
      : profile_(profile), kdcs_(kdcs), tgs_(tgs) {}
  Result<KeyAnswer> try_key(const Principal& principal, const Key& key) override;
  Result<KeyAnswer> ask_enctype(const Principal& principal, Enctype e) override;
  std::optional<std::uint32_t> service_kvno(const Principal& principal) override;
  bool has_tgt() const override { return tgs_ != nullptr && !no_tgt_; }
  Result<KeyAnswer> try_key_on_ticket(const Principal& principal, const Key& key) override;

 private:
  // The service ticket for `principal` (fetched once per principal), or
  // nullptr when the KDC knows no such service or there is no TGT.
  Result<const Credentials*> ticket_for(const Principal& principal);

  const config::Profile& profile_;
  const net::RealmTransport& kdcs_;
  TgsClient* tgs_;
  std::optional<Principal> ticket_principal_;
  std::optional<Credentials> ticket_;
  bool no_tgt_ = false;  // the cache turned out to hold no usable TGT
};

// Audits the entries of `kt` (named `keytab_name` in the result) for the
// principals in `only` (every principal of the keytab when empty; a named
// principal without entries is Errc::keytab_no_key). `expected` are the
// enctypes whose absence from the keytab is looked for (the permitted ones).
Result<KeytabAudit> audit_keytab(const std::string& keytab_name, const keytab::Keytab& kt,
                                 const std::vector<Principal>& only, AuditKdc& kdc,
                                 const std::vector<Enctype>& expected);

}  // namespace krbkit::exchange
