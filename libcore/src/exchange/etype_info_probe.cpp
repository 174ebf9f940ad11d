// Asking the KDC for a principal's salt (ktutil addent -f): an AS exchange
// (AsExchange, as kinit's) that stops where it first needs the client's key,
// and reports the etype-info it would have made that key from. No key is
// made and no pre-authentication is sent.

#include "krbkit/exchange/etype_info_probe.hpp"

#include "krbkit/config/libdefaults.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/exchange/initial_creds.hpp"
#include "krbkit/net/kdc_client.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

namespace {

// A key source that gives no key: it notes what the exchange asked for (the
// KDC's etype-info as the exchange chose it, the default salt filled in) and
// ends the exchange there.
class EtypeInfoRecorder final : public KeySource {
 public:
  explicit EtypeInfoRecorder(std::string default_salt) : default_salt_(std::move(default_salt)) {}

  Result<Key> key(Enctype e, BytesView salt, BytesView s2kparams) override {
    EtypeInfo2Entry info{e, std::nullopt, std::nullopt};
    std::string text(as_chars(salt));
    if (text != default_salt_) info.salt = std::move(text);  // the default: as if the KDC named none
    if (!s2kparams.empty()) info.s2kparams = Bytes(s2kparams.begin(), s2kparams.end());
    recorded = std::move(info);
    return Error{Errc::internal, "etype-info probe: no key is made"};
  }
  std::optional<std::vector<Enctype>> enctypes() const override { return std::nullopt; }
  bool is_password() const override { return true; }

  std::optional<EtypeInfo2Entry> recorded;

 private:
  std::string default_salt_;
};

}  // namespace

AsRequest probe_as_request(const Principal& client) {
  AsRequest request;
  request.client = client;
  request.lifetime = std::chrono::hours(1);
  request.renew_life = std::chrono::seconds(0);
  request.forwardable = false;
  request.proxiable = false;
  request.with_addresses = false;
  return request;
}

Result<EtypeInfo2Entry> fetch_etype_info(const config::Profile& profile, const Principal& principal,
                                         std::optional<Enctype> e, const net::RealmTransport& kdcs) {
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile, principal.realm));
  AsRequest request = probe_as_request(principal);
  if (e) request.enctypes = {*e};
  kdcs.tracer()("Asking the KDC for the salt of {} ({})", unparse_principal(principal),
                e ? enctype_name(*e) : std::string("its choice"));
  EtypeInfoRecorder recorder(default_salt(principal));
  AsExchange as(std::move(request), defaults, recorder, kdcs.tracer());
  auto result = drive(as, kdcs);
  if (recorder.recorded) return std::move(*recorder.recorded);
  if (!result) return std::move(result).error();
  return Error{Errc::internal, "the AS exchange finished without asking for a key"};
}

Result<EtypeInfo2Entry> fetch_etype_info(const config::Profile& profile, const Principal& principal,
                                         std::optional<Enctype> e, Tracer tracer) {
  net::KdcClient kdcs(profile, std::move(tracer));
  return fetch_etype_info(profile, principal, e, kdcs);
}

}  // namespace krbkit::exchange
