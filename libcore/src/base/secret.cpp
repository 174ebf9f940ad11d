#include "krbkit/base/secret.hpp"

#include <string.h>  // explicit_bzero (glibc 2.25+): a wipe the compiler may not drop

namespace krbkit {

void secure_wipe(void* data, std::size_t size) {
  if (data != nullptr && size != 0) ::explicit_bzero(data, size);
}

}  // namespace krbkit
