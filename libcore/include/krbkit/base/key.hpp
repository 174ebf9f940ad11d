#pragma once
// A Kerberos key: an enctype and its key bytes, wiped on destruction.

#include "krbkit/base/enctype.hpp"
#include "krbkit/base/secret.hpp"

namespace krbkit {

// EncryptionKey ::= SEQUENCE { keytype [0] Int32, keyvalue [1] OCTET STRING }
struct Key {
  Enctype enctype = Enctype::null;
  SecretBytes bytes;

  Key() = default;
  Key(Enctype e, SecretBytes b) : enctype(e), bytes(std::move(b)) {}
  Key clone() const { return Key{enctype, bytes.clone()}; }
  friend bool operator==(const Key& a, const Key& b) { return a.enctype == b.enctype && a.bytes == b.bytes; }
};

}  // namespace krbkit
