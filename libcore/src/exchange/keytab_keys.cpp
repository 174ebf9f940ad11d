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

}  // namespace krbkit::exchange
