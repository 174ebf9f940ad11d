#pragma once
// The kadm5 requests, as an interface: kadm5::Client sends them to MIT's
// kadmind, kadm5::HeimdalClient to Heimdal's (session.hpp picks one); kadmin's interpreter takes any
// implementation (its unit tests a fake one). Names are full names with a realm ("alice@KRBKIT.TEST"); errors
// are kadm5_category() errors with MIT's messages (client.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/kadm5/errors.hpp"
#include "krbkit/kadm5/types.hpp"

namespace krbkit::kadm5 {

class Admin {
 public:
  virtual ~Admin() = default;

  virtual Result<PrincipalEntry> get_principal(std::string_view name, std::uint32_t mask) = 0;
  // No password means random keys (or no keys with princ_mask::key_data).
  virtual Result<void> create_principal(const PrincipalEntry& entry, std::uint32_t mask,
                                        const std::optional<std::string_view>& password,
                                        const std::optional<std::vector<KeySalt>>& key_salts) = 0;
  virtual Result<void> delete_principal(std::string_view name) = 0;
  virtual Result<void> modify_principal(const PrincipalEntry& entry, std::uint32_t mask) = 0;
  virtual Result<void> rename_principal(std::string_view from, std::string_view to) = 0;
  // A glob (*, ?, []) or every principal.
  virtual Result<std::vector<std::string>> list_principals(const std::optional<std::string_view>& glob) = 0;
  virtual Result<void> change_password(std::string_view name, std::string_view password, bool keepold,
                                       const std::optional<std::vector<KeySalt>>& key_salts) = 0;
  // Returns the new keys.
  virtual Result<std::vector<Key>> randomize_key(std::string_view name, bool keepold,
                                                 const std::optional<std::vector<KeySalt>>& key_salts) = 0;
  virtual Result<std::uint32_t> get_privileges() = 0;
  virtual Result<void> create_policy(const PolicyEntry& policy, std::uint32_t mask) = 0;
  virtual Result<void> delete_policy(std::string_view name) = 0;
  virtual Result<void> modify_policy(const PolicyEntry& policy, std::uint32_t mask) = 0;
  virtual Result<PolicyEntry> get_policy(std::string_view name) = 0;
  virtual Result<std::vector<std::string>> list_policies(const std::optional<std::string_view>& glob) = 0;
  // keepkvno: purge keys below it; <= 0 keeps only the newest; 0x7fffffff purges all.
  virtual Result<void> purge_keys(std::string_view name, std::int32_t keepkvno) = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> get_strings(std::string_view name) = 0;
  // No value deletes the attribute.
  virtual Result<void> set_string(std::string_view name, std::string_view key,
                                  const std::optional<std::string_view>& value) = 0;
  // kvno 0 = every version.
  virtual Result<std::vector<ExtractedKey>> extract_keys(std::string_view name, std::uint32_t kvno) = 0;
  // Ends the session politely where the protocol has a way (MIT: RPCSEC_GSS DESTROY).
  virtual Result<void> close() { return success(); }

 protected:
  Admin() = default;
  Admin(const Admin&) = default;
  Admin(Admin&&) = default;
  Admin& operator=(const Admin&) = default;
  Admin& operator=(Admin&&) = default;
};

}  // namespace krbkit::kadm5
