#pragma once
// The curve arithmetic behind krbkit/crypto/spake.hpp, one set of functions
// per library: libsodium for edwards25519, OpenSSL's EC_POINT for the NIST
// curves. The lengths are checked by the callers.

#include "krbkit/crypto/spake.hpp"

namespace krbkit::spake::detail {

Result<SecretBytes> ed25519_random_scalar();
Result<Bytes> ed25519_public(Side side, BytesView wbytes, BytesView priv);
Result<SecretBytes> ed25519_shared(Side side, BytesView wbytes, BytesView priv, BytesView theirs);

Result<SecretBytes> nist_random_scalar(Group group);
Result<Bytes> nist_public(Group group, Side side, BytesView wbytes, BytesView priv);
Result<SecretBytes> nist_shared(Group group, Side side, BytesView wbytes, BytesView priv, BytesView theirs);

}  // namespace krbkit::spake::detail
