#pragma once
// A kadm5 session with Heimdal's kadmind in its own protocol (not MIT's
// RPCSEC_GSS, which Heimdal 7.8's kadmind cannot serve):
//
//   client -> "KRB5_SENDAUTH_V1.0\0", "KADM0.1\0"   (each behind a 4-byte length)
//   server <- one byte, 0 = versions accepted
//   client -> AP-REQ (mutual authentication, no subkey)  (4-byte length)
//   server <- 4-byte length 0 (else a KRB-ERROR), then the AP-REP
//   client -> KRB-PRIV(realm parameters)
//   then per request: KRB-PRIV(request) -> KRB-PRIV(reply), 4-byte length each
//
// The KRB-PRIVs are in the ticket's session key (no subkeys: Heimdal's
// sendauth asks for none), carry a timestamp and no sequence number or
// address (Heimdal's auth context). The version strings, the AP-REQ and the
// realm parameters go in one write, so opening the session costs one round
// trip after the TCP handshake. Message layouts: heimdal_wire.hpp.
//
// Requests Heimdal's protocol has no operation for (policies, strings,
// purgekeys, key/salt lists on a password) fail with Errc::unsupported and
// a line that names the server ("Heimdal's kadmind has no policies").

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "krbkit/kadm5/admin.hpp"
#include "krbkit/net/realm_transport.hpp"
#include "krbkit/net/stream.hpp"
#include "krbkit/proto/credentials.hpp"

namespace krbkit::kadm5 {

class HeimdalClient final : public Admin {
 public:
  // sendauth over `stream` with `kadmin_ticket` (for kadmin/admin@REALM).
  static Result<HeimdalClient> open(std::unique_ptr<net::Stream> stream, const Credentials& kadmin_ticket);

  std::string server() const { return stream_->peer(); }

  Result<PrincipalEntry> get_principal(std::string_view name, std::uint32_t mask) override;
  // No password: random keys, made as Heimdal's kadmin makes them (a random
  // password with tickets disallowed, randkey, then the attributes and kvno 1).
  Result<void> create_principal(const PrincipalEntry& entry, std::uint32_t mask,
                                const std::optional<std::string_view>& password,
                                const std::optional<std::vector<KeySalt>>& key_salts) override;
  Result<void> delete_principal(std::string_view name) override;
  Result<void> modify_principal(const PrincipalEntry& entry, std::uint32_t mask) override;
  Result<void> rename_principal(std::string_view from, std::string_view to) override;
  // A glob; Heimdal's kadmind adds "@REALM" to one that has no realm.
  Result<std::vector<std::string>> list_principals(const std::optional<std::string_view>& glob) override;
  Result<void> change_password(std::string_view name, std::string_view password, bool keepold,
                               const std::optional<std::vector<KeySalt>>& key_salts) override;
  Result<std::vector<Key>> randomize_key(std::string_view name, bool keepold,
                                         const std::optional<std::vector<KeySalt>>& key_salts) override;
  Result<std::uint32_t> get_privileges() override;
  Result<void> create_policy(const PolicyEntry& policy, std::uint32_t mask) override;
  Result<void> delete_policy(std::string_view name) override;
  Result<void> modify_policy(const PolicyEntry& policy, std::uint32_t mask) override;
  Result<PolicyEntry> get_policy(std::string_view name) override;
  Result<std::vector<std::string>> list_policies(const std::optional<std::string_view>& glob) override;
  Result<void> purge_keys(std::string_view name, std::int32_t keepkvno) override;
  Result<std::vector<std::pair<std::string, std::string>>> get_strings(std::string_view name) override;
  Result<void> set_string(std::string_view name, std::string_view key,
                          const std::optional<std::string_view>& value) override;
  // A get with the keys (the caller needs Heimdal's get-keys privilege).
  Result<std::vector<ExtractedKey>> extract_keys(std::string_view name, std::uint32_t kvno) override;

 private:
  HeimdalClient(std::unique_ptr<net::Stream> stream, Key send_key, Key receive_key)
      : stream_(std::move(stream)), send_key_(std::move(send_key)), receive_key_(std::move(receive_key)) {}
  // One request and its reply (the reply's plaintext).
  Result<SecretBytes> call(BytesView request);
  Result<void> send_priv(BytesView plain);
  Result<SecretBytes> receive_priv();

  std::unique_ptr<net::Stream> stream_;
  Key send_key_, receive_key_;
};

// The longest message accepted from the server (a listing of ~2 million names).
inline constexpr std::size_t kHeimdalMaxMessage = 64u << 20;

}  // namespace krbkit::kadm5
