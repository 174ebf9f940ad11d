#include "exchange/preauth.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/exchange/as_exchange.hpp"
#include "krbkit/exchange/key_source.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange::detail {

namespace {

constexpr std::array kMechanisms{
    PreauthMech{PaType::encrypted_challenge, "encrypted_challenge", FastUse::required, true,
                make_enc_challenge, verify_kdc_challenge, retry_on_skew},
    PreauthMech{PaType::enc_timestamp, "encrypted_timestamp", FastUse::never, true, make_enc_timestamp,
                nullptr, retry_on_skew},
    PreauthMech{PaType::spake, "spake", FastUse::either, true, make_spake, nullptr, no_retry},
    PreauthMech{PaType::pk_as_req, "pkinit", FastUse::either, false, make_pkinit, process_pkinit, no_retry},
};

bool fits(const PreauthMech& m, bool fast, std::span<const PaType> off) {
  if (std::find(off.begin(), off.end(), m.type) != off.end()) return false;
  return m.fast == FastUse::either || (m.fast == FastUse::required) == fast;
}

// Where `type` comes in the preferred list; after every preferred type when absent.
std::size_t preference(const std::vector<std::int32_t>& preferred, PaType type) {
  auto it = std::find(preferred.begin(), preferred.end(), static_cast<std::int32_t>(type));
  return static_cast<std::size_t>(it - preferred.begin());
}

}  // namespace

std::span<const PreauthMech> preauth_mechanisms() { return kMechanisms; }

const PreauthMech* find_mechanism(PaType type) {
  for (const auto& m : kMechanisms)
    if (m.type == type) return &m;
  return nullptr;
}

const PreauthMech* choose_mechanism(const std::vector<PaData>& method_data,
                                    const std::vector<std::int32_t>& preferred, bool fast,
                                    std::span<const PaType> off) {
  std::vector<PaType> order;
  for (const auto& pa : method_data) order.push_back(pa.padata_type);
  std::stable_sort(order.begin(), order.end(),
                   [&](PaType a, PaType b) { return preference(preferred, a) < preference(preferred, b); });
  for (PaType type : order)
    if (const auto* m = find_mechanism(type); m != nullptr && fits(*m, fast, off)) return m;
  return nullptr;
}

std::string supported_list(bool fast, std::span<const PaType> off) {
  std::vector<std::string> names;
  for (const auto& m : kMechanisms)
    if (fits(m, fast, off)) names.push_back(pa_type_display(m.type));
  return fmt::format("{}", fmt::join(names, ", "));
}

bool retry_on_skew(const KrbError& error) { return error.is(KdcErr::ap_err_skew); }
bool no_retry(const KrbError&) { return false; }

Result<PaData> make_enc_timestamp(const PreauthInput& in) {
  using namespace std::chrono;
  PaEncTsEnc ts;
  ts.patimestamp = floor<seconds>(in.kdc_now);
  ts.pausec = static_cast<std::int32_t>(duration_cast<microseconds>(in.kdc_now - ts.patimestamp).count());
  KRBKIT_TRY(cipher, encrypt(in.reply_key, KeyUsage::as_req_pa_enc_ts, encode(ts)));
  EncryptedData data{in.reply_key.enctype, std::nullopt, std::move(cipher)};
  return PaData{PaType::enc_timestamp, encode(data)};
}

Result<std::vector<EtypeInfo2Entry>> read_etype_info(const std::vector<PaData>& padata) {
  std::vector<EtypeInfo2Entry> out;
  if (const auto* info2 = find_padata(padata, PaType::etype_info2)) {
    KRBKIT_TRY(entries, decode_etype_info2(info2->padata_value));
    out = std::move(entries);
  } else if (const auto* info = find_padata(padata, PaType::etype_info)) {
    KRBKIT_TRY(entries, decode_etype_info(info->padata_value));
    for (auto& e : entries) {
      EtypeInfo2Entry entry{e.etype, std::nullopt, std::nullopt};
      if (e.salt) entry.salt = std::string(as_chars(*e.salt));
      out.push_back(std::move(entry));
    }
  }
  if (const auto* pw_salt = find_padata(padata, PaType::pw_salt)) {
    if (out.empty()) out.push_back(EtypeInfo2Entry{Enctype::null, std::nullopt, std::nullopt});
    for (auto& e : out)
      if (!e.salt) e.salt = std::string(as_chars(pw_salt->padata_value));
  }
  return out;
}

std::string salt_of(const EtypeInfo2Entry& info, const Principal& client) {
  return info.salt ? *info.salt : default_salt(client);
}

std::string padata_list(const std::vector<PaData>& padata) {
  std::string out;
  for (const auto& p : padata) {
    if (!out.empty()) out += ", ";
    out += pa_type_display(p.padata_type);
  }
  return out;
}

}  // namespace krbkit::exchange::detail

namespace krbkit::exchange {

std::optional<PaType> choose_preauth(const std::vector<PaData>& method_data,
                                     const std::vector<std::int32_t>& preferred, bool fast) {
  // A request without PKINIT options (a certificate identity, or -n) is
  // never answered with PKINIT: AsExchange turns that row off too.
  constexpr std::array off{PaType::pk_as_req};
  const auto* m = detail::choose_mechanism(method_data, preferred, fast, off);
  if (m == nullptr) return std::nullopt;
  return m->type;
}

}  // namespace krbkit::exchange
