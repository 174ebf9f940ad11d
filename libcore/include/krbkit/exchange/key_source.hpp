#pragma once
// Where the client's long-term key comes from in an AS exchange: a password
// (asked for once, through a callback, only when a key is first needed) or
// the keys of a keytab (the newest kvno of each enctype).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "krbkit/base/key.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/proto/basic_types.hpp"

namespace krbkit::exchange {

class KeySource {
 public:
  virtual ~KeySource() = default;

  // The client's key of enctype `e`. `salt` and `s2kparams` come from the
  // KDC's ETYPE-INFO2 / ETYPE-INFO / PW-SALT (or the default salt).
  virtual Result<Key> key(Enctype e, BytesView salt, BytesView s2kparams) = 0;

  // The enctypes this source can give keys for, in its preference order;
  // std::nullopt for "any" (a password).
  virtual std::optional<std::vector<Enctype>> enctypes() const = 0;

  // Whether the key comes from a password (then a salt matters and the
  // etype-info is worth caching for the next time).
  virtual bool is_password() const = 0;
};

// Asks the callback for the password the first time a key is needed, then
// keeps it (wiped on destruction) for the rest of the exchange and any retry.
class PasswordKeySource final : public KeySource {
 public:
  using Prompt = std::function<Result<SecretBytes>(const Principal& client)>;
  PasswordKeySource(Principal client, Prompt prompt, CryptoPolicy policy = {})
      : client_(std::move(client)), prompt_(std::move(prompt)), policy_(policy) {}
  // A password known up front.
  PasswordKeySource(Principal client, SecretBytes password, CryptoPolicy policy = {})
      : client_(std::move(client)), password_(std::move(password)), policy_(policy) {}

  Result<Key> key(Enctype e, BytesView salt, BytesView s2kparams) override;
  std::optional<std::vector<Enctype>> enctypes() const override { return std::nullopt; }
  bool is_password() const override { return true; }

 private:
  Principal client_;
  Prompt prompt_;
  std::optional<SecretBytes> password_;
  CryptoPolicy policy_;
};

// One key of a keytab, as the keytab module lists them.
struct KeytabKey {
  Principal principal;
  std::uint32_t kvno = 0;
  Key key;
};

// No long-term key at all: the anonymous client (kinit -n), whose reply key
// comes from PKINIT alone. key() fails with Errc::unsupported.
class NoKeySource final : public KeySource {
 public:
  Result<Key> key(Enctype e, BytesView salt, BytesView s2kparams) override;
  std::optional<std::vector<Enctype>> enctypes() const override { return std::nullopt; }
  bool is_password() const override { return false; }
};

// The keys of `principal` among `entries`; for each enctype the newest kvno
// wins. Errc::keytab_no_key naming the principal and `keytab_name` when
// there is none.
class KeytabKeySource final : public KeySource {
 public:
  static Result<KeytabKeySource> from_entries(const Principal& principal, std::vector<KeytabKey> entries,
                                              const std::string& keytab_name);

  Result<Key> key(Enctype e, BytesView salt, BytesView s2kparams) override;
  // The keytab's enctypes, ordered by `preference` (enctypes not in it last).
  std::optional<std::vector<Enctype>> enctypes() const override;
  bool is_password() const override { return false; }
  // The kvno of the key used for `e`.
  std::optional<std::uint32_t> kvno(Enctype e) const;

 private:
  std::vector<KeytabKey> newest_;  // one per enctype, in keytab order
  std::string keytab_name_;
  std::string principal_text_;
};

// The default salt for a principal: realm followed by every name component
// (RFC 4120 4).
std::string default_salt(const Principal& p);

}  // namespace krbkit::exchange
