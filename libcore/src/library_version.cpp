#include "krbkit/version.hpp"

namespace krbkit {

// Outside the module folders on purpose: it belongs to libkrbkit alone.
// The library's version, for programs linked against libkrbkit.so to ask at run time.
const char* library_version() { return kVersion; }

}  // namespace krbkit
