#pragma once
// A kadm5 client session with MIT's kadmind: one TCP connection, one
// RPCSEC_GSS context, API version negotiated once (4, then 3, then 2).
//
//   KRBKIT_TRY(kadmin_ticket, ...);                 // a ticket for kadmin/admin@REALM (auth.hpp)
//   KRBKIT_TRY(c, Client::connect(kadmin_ticket, {"127.0.0.1", 749}));
//   KRBKIT_TRY(p, c.get_principal("alice@REALM"));
//   KRBKIT_CHECK(c.close());
//
// Errors: codes returned by kadmind are kadm5_category() errors with MIT's
// message (kadm5::Code::unk_princ: "Principal does not exist"); any RPC-level
// failure (including PROC_UNAVAIL from an old server) is Code::rpc_error
// ("Communication failure with server") with the RPC reason as the detail,
// as MIT's client library reports it.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/kadm5/admin.hpp"
#include "krbkit/kadm5/errors.hpp"
#include "krbkit/kadm5/types.hpp"
#include "krbkit/net/realm_transport.hpp"
#include "krbkit/proto/credentials.hpp"
#include "krbkit/rpc/gss_client.hpp"

namespace krbkit::kadm5 {

struct ServerAddress {
  std::string host;
  std::uint16_t port = 749;
};

struct ConnectOptions {
  rpc::GssService service = rpc::GssService::privacy;
  std::uint32_t api_version = kApiVersion4;  // the highest to offer
};

class Client final : public Admin {
 public:
  // Connects, creates the RPCSEC_GSS context with `kadmin_ticket` and
  // negotiates the API version.
  static Result<Client> connect(const Credentials& kadmin_ticket, const ServerAddress& server,
                                const ConnectOptions& options = {});
  // The same over `transport`'s session with the server (a fake in tests).
  static Result<Client> connect(const Credentials& kadmin_ticket, const ServerAddress& server,
                                const net::RealmTransport& transport, const ConnectOptions& options = {});

  std::uint32_t api_version() const { return api_version_; }
  std::string server() const { return rpc_->stream().peer(); }

  // Principal names are full names with a realm ("alice@KRBKIT.TEST").
  Result<PrincipalEntry> get_principal(std::string_view name,
                                       std::uint32_t mask = princ_mask::normal |
                                                            princ_mask::key_data) override;
  // CREATE_PRINCIPAL, or CREATE_PRINCIPAL3 when `key_salts` is given. No
  // password means random keys (or no keys with princ_mask::key_data).
  Result<void> create_principal(const PrincipalEntry& entry, std::uint32_t mask,
                                const std::optional<std::string_view>& password,
                                const std::optional<std::vector<KeySalt>>& key_salts = std::nullopt) override;
  Result<void> delete_principal(std::string_view name) override;
  Result<void> modify_principal(const PrincipalEntry& entry, std::uint32_t mask) override;
  Result<void> rename_principal(std::string_view from, std::string_view to) override;
  // GET_PRINCS; a glob (*, ?, []) or every principal.
  Result<std::vector<std::string>> list_principals(
      const std::optional<std::string_view>& glob = std::nullopt) override;
  // CHPASS_PRINCIPAL, or CHPASS_PRINCIPAL3 with keepold or key/salts (MIT's choice).
  Result<void> change_password(std::string_view name, std::string_view password, bool keepold = false,
                               const std::optional<std::vector<KeySalt>>& key_salts = std::nullopt) override;
  // CHRAND_PRINCIPAL3, falling back to CHRAND_PRINCIPAL on an RPC error when
  // neither keepold nor key/salts is used (MIT's randkey_princ). Returns the new keys.
  Result<std::vector<Key>> randomize_key(
      std::string_view name, bool keepold = false,
      const std::optional<std::vector<KeySalt>>& key_salts = std::nullopt) override;
  Result<std::uint32_t> get_privileges() override;
  Result<void> create_policy(const PolicyEntry& policy, std::uint32_t mask) override;
  Result<void> delete_policy(std::string_view name) override;
  Result<void> modify_policy(const PolicyEntry& policy, std::uint32_t mask) override;
  Result<PolicyEntry> get_policy(std::string_view name) override;
  Result<std::vector<std::string>> list_policies(
      const std::optional<std::string_view>& glob = std::nullopt) override;
  // keepkvno: purge keys below it; <= 0 keeps only the newest; 0x7fffffff purges all.
  Result<void> purge_keys(std::string_view name, std::int32_t keepkvno) override;
  Result<std::vector<std::pair<std::string, std::string>>> get_strings(std::string_view name) override;
  // No value deletes the attribute.
  Result<void> set_string(std::string_view name, std::string_view key,
                          const std::optional<std::string_view>& value) override;
  // EXTRACT_KEYS (ktadd -norandkey); kvno 0 = every version.
  Result<std::vector<ExtractedKey>> extract_keys(std::string_view name, std::uint32_t kvno = 0) override;

  // RPCSEC_GSS DESTROY; the connection closes when the Client goes away.
  Result<void> close() override;

 private:
  explicit Client(std::unique_ptr<rpc::GssClient> rpc) : rpc_(std::move(rpc)) {}
  Result<SecretBytes> call(Proc proc, BytesView args);
  Result<void> generic(Proc proc, BytesView args);

  std::unique_ptr<rpc::GssClient> rpc_;
  std::uint32_t api_version_ = kApiVersion4;
};

}  // namespace krbkit::kadm5
