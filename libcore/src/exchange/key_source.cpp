#include "krbkit/exchange/key_source.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

std::string default_salt(const Principal& p) {
  std::string salt = p.realm;
  for (const auto& c : p.components) salt += c;
  return salt;
}

Result<Key> PasswordKeySource::key(Enctype e, BytesView salt, BytesView s2kparams) {
  if (!password_) {
    if (!prompt_) return Error{Errc::invalid_argument, "no password for " + unparse_principal(client_)};
    KRBKIT_TRY(password, prompt_(client_));
    password_ = std::move(password);
  }
  return string_to_key(e, password_->chars(), salt, s2kparams, policy_);
}

Result<KeytabKeySource> KeytabKeySource::from_entries(const Principal& principal,
                                                      std::vector<KeytabKey> entries,
                                                      const std::string& keytab_name) {
  KeytabKeySource source;
  source.keytab_name_ = keytab_name;
  source.principal_text_ = unparse_principal(principal);
  for (auto& entry : entries) {
    if (!(entry.principal == principal)) continue;
    auto same = [&](const KeytabKey& k) { return k.key.enctype == entry.key.enctype; };
    auto it = std::find_if(source.newest_.begin(), source.newest_.end(), same);
    if (it == source.newest_.end()) {
      source.newest_.push_back(std::move(entry));
    } else if (entry.kvno > it->kvno) {
      *it = std::move(entry);
    }
  }
  if (source.newest_.empty())
    return Error{Errc::keytab_no_key,
                 fmt::format("no key for {} in keytab {}", source.principal_text_, keytab_name)};
  return source;
}

Result<Key> KeytabKeySource::key(Enctype e, BytesView, BytesView) {
  for (const auto& k : newest_)
    if (k.key.enctype == e) return k.key.clone();
  return Error{Errc::keytab_no_key,
               fmt::format("no {} key for {} in keytab {}", enctype_name(e), principal_text_, keytab_name_)};
}

std::optional<std::vector<Enctype>> KeytabKeySource::enctypes() const {
  std::vector<Enctype> out;
  for (const auto& k : newest_) out.push_back(k.key.enctype);
  return out;
}

std::optional<std::uint32_t> KeytabKeySource::kvno(Enctype e) const {
  for (const auto& k : newest_)
    if (k.key.enctype == e) return k.kvno;
  return std::nullopt;
}

Result<Key> NoKeySource::key(Enctype, BytesView, BytesView) {
  return Error{Errc::unsupported,
               "an anonymous request has no long-term key; only PKINIT can answer the KDC"};
}

}  // namespace krbkit::exchange
