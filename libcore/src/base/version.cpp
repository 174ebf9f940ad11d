#include "krbkit/version.hpp"

namespace krbkit {

// The library's version, for programs linked against libkrbkit.so to ask at run time.
const char* library_version() { return kVersion; }

}  // namespace krbkit
