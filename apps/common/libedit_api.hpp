#pragma once
// libedit's functions for common/line_editor.cpp, loaded when the first
// prompt needs them (standard input and output both terminals) instead of
// linked: libedit and what it loads (libtinfo, libbsd, libmd) cost every
// kadmin and ktutil ~1 ms of start-up on our test VM, and scripts (kadmin -q,
// requests on a pipe) never edit a line. The pointers have the exact types
// <histedit.h> declares.

#include <histedit.h>

#include <string>

namespace krbkit::cli {

struct Libedit {
  decltype(&::el_init) el_init;
  decltype(&::el_end) el_end;
  decltype(&::el_set) el_set;
  decltype(&::el_get) el_get;
  decltype(&::el_gets) el_gets;
  decltype(&::el_line) el_line;
  decltype(&::el_cursor) el_cursor;
  decltype(&::el_deletestr) el_deletestr;
  decltype(&::el_insertstr) el_insertstr;
  decltype(&::el_resize) el_resize;
  decltype(&::history_init) history_init;
  decltype(&::history_end) history_end;
  decltype(&::history) history;
};

// dlopen()s libedit by its soname the first time: its functions, or nullptr
// and `why` (dlerror()'s text) when it cannot be loaded. It stays loaded.
const Libedit* load_libedit(std::string& why);

// The functions load_libedit() found; only after it succeeded.
const Libedit& libedit();

}  // namespace krbkit::cli
