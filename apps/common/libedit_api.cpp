#include "common/libedit_api.hpp"

#include <dlfcn.h>

namespace krbkit::cli {
namespace {

Libedit loaded;

template <typename F>
bool resolve(void* handle, const char* name, F& out) {
  out = reinterpret_cast<F>(::dlsym(handle, name));
  return out != nullptr;
}

bool resolve_all(void* handle) {
  Libedit& a = loaded;
  return resolve(handle, "el_init", a.el_init) && resolve(handle, "el_end", a.el_end) &&
         resolve(handle, "el_set", a.el_set) && resolve(handle, "el_get", a.el_get) &&
         resolve(handle, "el_gets", a.el_gets) && resolve(handle, "el_line", a.el_line) &&
         resolve(handle, "el_cursor", a.el_cursor) && resolve(handle, "el_deletestr", a.el_deletestr) &&
         resolve(handle, "el_insertstr", a.el_insertstr) && resolve(handle, "el_resize", a.el_resize) &&
         resolve(handle, "history_init", a.history_init) && resolve(handle, "history_end", a.history_end) &&
         resolve(handle, "history", a.history);
}

}  // namespace

const Libedit* load_libedit(std::string& why) {
  static std::string error;
  static const bool ok = [] {
    void* handle = ::dlopen(KRBKIT_LIBEDIT_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* text = ::dlerror();
      error = text != nullptr ? text : KRBKIT_LIBEDIT_SONAME ": cannot be loaded";
      return false;
    }
    if (resolve_all(handle)) return true;
    error = KRBKIT_LIBEDIT_SONAME ": a function of its interface is missing";
    return false;
  }();
  why = error;
  return ok ? &loaded : nullptr;
}

const Libedit& libedit() { return loaded; }

}  // namespace krbkit::cli
