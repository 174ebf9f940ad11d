// kvno --audit's questions to the KDC (keytab_audit.hpp): an AS exchange
// per key, as kinit -k would run it with that key alone, and an etype-info
// probe per enctype the keytab lacks.

#include "krbkit/config/libdefaults.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/exchange/etype_info_probe.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/exchange/keytab_audit.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

namespace {

// The KDC's refusals that are findings rather than failures of the audit.
std::optional<KeyAnswer::Kind> answer_of(const Error& e) {
  using Kind = KeyAnswer::Kind;
  // Without pre-authentication the reply does not decrypt (integrity); with
  // it the KDC refuses the encrypted timestamp.
  if (e.is(Errc::integrity) || e.is(KdcErr::preauth_failed) || e.is(KdcErr::ap_err_bad_integrity))
    return Kind::not_decrypted;
  if (e.is(KdcErr::etype_nosupp)) return Kind::no_such_enctype;
  if (e.is(KdcErr::c_principal_unknown)) return Kind::unknown_principal;
  return std::nullopt;
}

}  // namespace

Result<KeyAnswer> NetworkAuditKdc::try_key(const Principal& principal, const Key& key) {
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile_, principal.realm));
  AsRequest request = probe_as_request(principal);
  request.server = principal;  // the ticket, in the principal's key, names its kvno
  request.enctypes = {key.enctype};
  std::vector<KeytabKey> keys;
  keys.push_back(KeytabKey{principal, 0, key.clone()});
  KRBKIT_TRY(source, KeytabKeySource::from_entries(principal, std::move(keys), "the audited keytab"));
  kdcs_.tracer()("Auditing the {} key of {}", enctype_name(key.enctype), unparse_principal(principal));
  AsExchange as(std::move(request), defaults, source, kdcs_.tracer());
  auto result = drive(as, kdcs_);
  KeyAnswer answer;
  answer.kdc_kvno = as.ticket_kvno();
  if (result) return answer;
  auto kind = answer_of(result.error());
  if (!kind) return std::move(result).error();
  answer.kind = *kind;
  return answer;
}

Result<KeyAnswer> NetworkAuditKdc::ask_enctype(const Principal& principal, Enctype e) {
  auto info = fetch_etype_info(profile_, principal, e, kdcs_);
  KeyAnswer answer;
  if (info) {
    answer.kind = info->etype == e ? KeyAnswer::Kind::has_enctype : KeyAnswer::Kind::no_such_enctype;
    return answer;
  }
  // A principal that requires pre-authentication and holds no key of `e`
  // gets no ETYPE-INFO2 and no PA-ENC-TIMESTAMP for it (MIT offers only
  // FAST then): nothing the exchange could make a key for.
  if (info.error().is(Errc::unsupported)) {
    answer.kind = KeyAnswer::Kind::no_such_enctype;
    return answer;
  }
  auto kind = answer_of(info.error());
  if (!kind || *kind == KeyAnswer::Kind::not_decrypted) return std::move(info).error();
  answer.kind = *kind;
  return answer;
}

std::optional<std::uint32_t> NetworkAuditKdc::service_kvno(const Principal& principal) {
  if (tgs_ == nullptr) return std::nullopt;
  ServiceOptions options;
  options.reuse = false;  // the cache may hold a ticket from before the key changed
  options.no_store = true;
  auto creds = tgs_->get(principal, options);
  auto info = creds ? ticket_info(*creds) : Result<TicketInfo>(std::move(creds).error());
  if (!info) {
    kdcs_.tracer()("No service ticket for {} to learn its kvno: {}", unparse_principal(principal),
                   info.error().message());
    return std::nullopt;
  }
  return info->kvno;
}

Result<const Credentials*> NetworkAuditKdc::ticket_for(const Principal& principal) {
  if (ticket_principal_ && *ticket_principal_ == principal) return ticket_ ? &*ticket_ : nullptr;
  ServiceOptions options;
  options.reuse = false;
  options.no_store = true;
  kdcs_.tracer()("Auditing {} through a service ticket: the KDC knows no such client",
                 unparse_principal(principal));
  auto creds = tgs_->get(principal, options);
  if (!creds && (creds.error().is(Errc::ccache_not_found) || creds.error().is(Errc::no_credentials) ||
                 creds.error().is(Errc::credentials_expired))) {
    kdcs_.tracer()("No TGT to ask for {} as a service: {}", unparse_principal(principal),
                   creds.error().message());
    no_tgt_ = true;
    return nullptr;
  }
  if (!creds && !creds.error().is(KdcErr::s_principal_unknown)) return std::move(creds).error();
  ticket_principal_ = principal;
  ticket_.reset();
  if (creds) ticket_ = std::move(*creds);
  return ticket_ ? &*ticket_ : nullptr;
}

Result<KeyAnswer> NetworkAuditKdc::try_key_on_ticket(const Principal& principal, const Key& key) {
  KeyAnswer answer;
  answer.kind = KeyAnswer::Kind::unknown_principal;
  if (!has_tgt()) return answer;
  KRBKIT_TRY(creds, ticket_for(principal));
  if (creds == nullptr) return answer;
  KRBKIT_TRY(ticket, decode_ticket(creds->ticket));
  answer.kdc_kvno = ticket.enc_part.kvno.value_or(0);
  answer.ticket_enctype = ticket.enc_part.etype;
  if (ticket.enc_part.etype != key.enctype)
    answer.kind = KeyAnswer::Kind::not_checked;
  else
    answer.kind = decrypt(key, KeyUsage::kdc_rep_ticket, ticket.enc_part.cipher)
                      ? KeyAnswer::Kind::decrypted
                      : KeyAnswer::Kind::not_decrypted;
  return answer;
}

}  // namespace krbkit::exchange
