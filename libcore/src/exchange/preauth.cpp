#include "exchange/preauth.hpp"

#include <fmt/format.h>

#include <array>

#include "krbkit/crypto/crypto.hpp"

namespace krbkit::exchange::detail {

namespace {
constexpr std::array kMechanisms{
    PreauthMech{PaType::enc_timestamp, "encrypted_timestamp", make_enc_timestamp},
};
}  // namespace

std::span<const PreauthMech> preauth_mechanisms() { return kMechanisms; }

Result<PaData> make_enc_timestamp(const Key& as_key, std::chrono::system_clock::time_point kdc_now) {
  using namespace std::chrono;
  PaEncTsEnc ts;
  ts.patimestamp = floor<seconds>(kdc_now);
  ts.pausec = static_cast<std::int32_t>(duration_cast<microseconds>(kdc_now - ts.patimestamp).count());
  KRBKIT_TRY(cipher, encrypt(as_key, KeyUsage::as_req_pa_enc_ts, encode(ts)));
  EncryptedData data{as_key.enctype, std::nullopt, std::move(cipher)};
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

std::string padata_list(const std::vector<PaData>& padata) {
  std::string out;
  for (const auto& p : padata) {
    if (!out.empty()) out += ", ";
    out += pa_type_display(p.padata_type);
  }
  return out;
}

}  // namespace krbkit::exchange::detail
