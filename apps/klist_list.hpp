#pragma once
// klist's listing (klist_list.cpp): what main() runs once the options are
// checked, except --decode, which klist.cpp hands to krbkit-klist-decode.

#include <string>

#include "krbkit/base/result.hpp"
#include "krbkit/present/klist.hpp"

namespace krbkit::klist {

struct Options {
  bool cache_mode = false, keytab_mode = false, client_keytab = false;
  bool list = false, all = false, status = false, version = false, json = false, decode = false;
  present::CacheListOptions show;
  present::KeytabListOptions keys;
  present::TimeStyle time_style = present::TimeStyle::mit;  // -H, --utc, --iso
  int time_styles = 0;                                      // how many of them were given
  present::ColourChoice colour = present::ColourChoice::automatic;
  std::string valid_for, name, service, krbtgt_keytab, cache_name;
};

// The keytab named on the command line, else the default (client) keytab.
Result<std::string> keytab_name(const Options& o);

// Lists the keytab (-k), the collection (-l, -A) or the cache, or checks it (-s, --valid-for).
Result<void> run(const Options& o);

}  // namespace krbkit::klist
