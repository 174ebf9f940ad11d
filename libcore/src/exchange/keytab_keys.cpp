#include "krbkit/exchange/keytab_keys.hpp"

#include "krbkit/keytab/keytab.hpp"

namespace krbkit::exchange {

Result<KeytabKeySource> keytab_key_source(const std::string& name, const Principal& principal) {
  KRBKIT_TRY(keytab, keytab::read_keytab(name));
  std::vector<KeytabKey> keys;
  keys.reserve(keytab.entries.size());
  for (auto& e : keytab.entries) keys.push_back(KeytabKey{std::move(e.principal), e.kvno, std::move(e.key)});
  return KeytabKeySource::from_entries(principal, std::move(keys), name);
}

namespace {

Result<std::vector<pac::ServiceKey>> service_keys(const std::string& name) {
  KRBKIT_TRY(kt, keytab::read_keytab(name));
  std::vector<pac::ServiceKey> keys;
  keys.reserve(kt.entries.size());
  for (auto& e : kt.entries) keys.push_back({std::move(e.principal), e.kvno, std::move(e.key)});
  return keys;
}

}  // namespace

Result<pac::DecodeOptions> decode_options(const std::string& keytab, const std::string& krbtgt_keytab) {
  pac::DecodeOptions decode;
  decode.keytab_name = keytab;
  KRBKIT_TRY(keys, service_keys(keytab));
  decode.service_keys = std::move(keys);
  if (!krbtgt_keytab.empty()) {
    decode.krbtgt_keytab_name = krbtgt_keytab;
    KRBKIT_TRY(krbtgt, service_keys(krbtgt_keytab));
    decode.krbtgt_keys = std::move(krbtgt);
  }
  return decode;
}

Result<std::string> kinit_keytab_name(const std::string& given, bool client_keytab,
                                      const config::LibDefaults& defaults) {
  std::string name = given;
  if (name.empty() && client_keytab) {
    KRBKIT_TRY(client, keytab::default_client_keytab_name(defaults.default_client_keytab_name));
    name = client;
  }
  if (name.empty()) {
    KRBKIT_TRY(fallback, keytab::default_keytab_name(defaults.default_keytab_name));
    name = fallback;
  }
  return name;
}

Result<Principal> client_keytab_principal(const config::LibDefaults& defaults) {
  KRBKIT_TRY(name, keytab::default_client_keytab_name(defaults.default_client_keytab_name));
  KRBKIT_TRY(kt, keytab::read_keytab(name));
  if (kt.entries.empty()) return Error{Errc::keytab_no_key, "no entries in the client keytab " + name};
  return kt.entries.front().principal;
}

}  // namespace krbkit::exchange
