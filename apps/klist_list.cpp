// klist's listing: the keytab, the collection, a cache, or the checks of
// -s and --valid-for. The layout and the checks live in libcore/present.

#include "klist_list.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <vector>

#include "common/cli.hpp"
#include "krbkit/base/environment.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/config/values.hpp"
#include "krbkit/keytab/keytab.hpp"

namespace krbkit::klist {

namespace {

struct Context {
  const Options& o;
  KerberosTime now;
  present::TimeFormat tf;
  present::CacheQuery query;
};

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

}  // namespace

Result<std::string> keytab_name(const Options& o) {
  std::string name = o.name;
  if (name.empty()) {
    const auto env = Environment::from_process();
    KRBKIT_TRY(profile, config::load_profile(env));
    const auto key = o.client_keytab ? "default_client_keytab_name" : "default_keytab_name";
    KRBKIT_TRY(found, o.client_keytab
                          ? keytab::default_client_keytab_name(config::libdefault(profile, {}, key))
                          : keytab::default_keytab_name(config::libdefault(profile, {}, key)));
    name = found;
  }
  return name;
}

namespace {

Result<void> list_keytab(const Context& c) {
  KRBKIT_TRY(name, keytab_name(c.o));
  // MIT shows the name with its type: a bare path is a FILE keytab.
  const std::string shown =
      name.find(':') == std::string::npos || name.front() == '/' ? "FILE:" + name : name;
  auto kt = keytab::read_keytab(name);
  if (!kt) {
    // MIT's klist names the keytab on stdout before it scans it, so the name
    // is there when the scan fails.
    if (!c.o.json) print("Keytab name: " + shown + "\n");
    Error e = std::move(kt).error();
    e.context.push_back("starting keytab scan");
    return e;
  }
  if (c.o.json) {
    json::Writer w;
    w.schema(1);
    present::keytab_json(w, shown, *kt, c.o.keys.keys);
    print(w.finish());
  } else {
    print(present::keytab_text(shown, *kt, {c.o.keys.timestamps, c.o.keys.keys, c.o.show.enctypes}, c.tf));
  }
  return success();
}

// One cache: listed (text or JSON), checked silently (-s), or checked for
// --valid-for. Returns the damage of a cache listed up to a torn last
// record, to report after the listing.
Result<std::optional<Error>> show_cache(const Context& c, ccache::Cache& cache, json::Writer* w) {
  KRBKIT_TRY(shown, present::show_cache(cache, c.query, w, c.now, c.tf));
  print(shown.text);
  return std::move(shown.damage);
}

// --valid-for's duration; a bad one is reported once a cache reads, as MIT's checks go.
std::optional<Result<std::chrono::seconds>> valid_for(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const auto needed = config::parse_duration(text);
  if (!needed || needed->count() < 0)
    return Result<std::chrono::seconds>(
        Error{Errc::invalid_argument, fmt::format("bad --valid-for duration '{}'", text)});
  return Result<std::chrono::seconds>(*needed);
}

// -l: the caches of the collection, one line each (MIT's exit status:
// success when at least one was listed).
Result<void> list_collection(const Context& c, const std::string& default_name) {
  KRBKIT_TRY(rows, present::collection_rows(default_name, c.now));
  if (c.o.json) {
    json::Writer w;
    w.schema(1);
    present::collection_json(w, rows);
    print(w.finish());
  } else {
    print(present::collection_text(rows, c.tf.style() == present::TimeStyle::human ? &c.tf : nullptr));
  }
  // None: MIT's klist says nothing (-l has printed its header), and exits
  // non-zero; an error without detail is not printed (main).
  if (rows.empty()) return Error{Errc::no_credentials};
  return success();
}

// -A: every cache of the collection in full; success when at least one was listed.
Result<void> all_caches(const Context& c, const std::string& default_name) {
  KRBKIT_TRY(names, ccache::list_collection(default_name));
  std::optional<json::Writer> w;
  if (c.o.json) w.emplace().schema(1);
  if (w) w->begin_object().key("caches").begin_array();
  bool any = false, first = true;
  for (const auto& name : names) {
    auto cache = ccache::open(name);
    if (!cache.ok()) continue;
    // As MIT's klist -A: a blank line before every cache but the first,
    // and an error line for each one that cannot be listed.
    const bool text = !c.o.status && !c.o.json;
    if (text && !first) print("\n");
    first = false;
    auto shown = show_cache(c, **cache, w ? &*w : nullptr);
    std::optional<Error> problem;
    if (!shown)
      problem = present::cache_error_as_mit(**cache, shown.error());
    else
      problem = std::move(*shown);
    if (problem && text) {
      std::fflush(stdout);
      fmt::print(stderr, "klist: {}\n", keytab::describe_error(*problem));
    }
    any = shown.ok() || any;
  }
  if (w) print(w->end_array().end_object().finish());
  if (!any) return Error{Errc::no_credentials};
  return success();
}

}  // namespace

Result<void> run(const Options& o) {
  const auto now = cli::now_seconds();
  const bool colour =
      present::use_colour(o.colour, ::isatty(STDOUT_FILENO) == 1, Environment::from_process().no_color);
  const Context c{o,
                  now,
                  present::TimeFormat::with_style(o.time_style, now, colour),
                  {o.status, valid_for(o.valid_for), o.show}};
  if (o.keytab_mode) return list_keytab(c);
  // A name argument replaces the default cache, collection included (as MIT).
  std::string name = o.name;
  if (name.empty()) {
    KRBKIT_TRY(found, cli::default_ccache_name());
    name = found;
  }
  if (o.list) return list_collection(c, name);
  if (o.all) return all_caches(c, name);
  KRBKIT_TRY(cache, ccache::open(name));
  std::optional<json::Writer> w;
  if (o.json && o.valid_for.empty() && !o.status) w.emplace().schema(1);
  auto damage = show_cache(c, *cache, w ? &*w : nullptr);
  if (!damage) return present::cache_error_as_mit(*cache, std::move(damage).error());
  if (w) print(w->finish());
  if (*damage) return std::move(**damage);
  return success();
}

}  // namespace krbkit::klist
