#include "krbkit/base/secret.hpp"

#include <openssl/crypto.h>

namespace krbkit {

void secure_wipe(void* data, std::size_t size) { OPENSSL_cleanse(data, size); }

}  // namespace krbkit
