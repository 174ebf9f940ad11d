#pragma once
// What klist prints: MIT's text layout (line for line, see
// clients/klist/klist.c in MIT krb5 1.20) and krbkit's --json document, for a
// cache, a collection and a keytab; plus the checks behind -s and --valid-for.
//
//   auto tf = present::TimeFormat::for_current_locale(now);
//   std::fputs(present::cache_text(cache->name(), contents, {.flags = true}, tf).c_str(), stdout);
//
// JSON schema (documented in man/klist.1, JSON OUTPUT):
//   cache:      { "cache": "FILE:/tmp/krb5cc_1000", "type": "FILE", "default_principal": "...",
//                 "credentials": [ credential... ], "config": [ entry... ] (with config only) }
//   credential: { "client", "server", "auth", "auth_epoch", "start", "start_epoch", "end",
//                 "end_epoch", "renew_till", "renew_till_epoch" (null when not renewable),
//                 "expired", "flags": ["forwardable", ...], "flag_letters": "FRIA",
//                 "session_enctype", "ticket_enctype" (null if the ticket does not decode),
//                 "ticket_kvno" (null when absent), "ticket_server" (only when it differs
//                 from "server"), "addresses": ["192.0.2.1", ...] }
//   entry:      { "key": "pa_type", "principal": "krbtgt/R@R" or null, "value": "2", "value_hex": "32" }
//   collection: { "caches": [ { "cache", "principal", "primary", "expired" } ] }
//   keytab:     { "keytab": "FILE:/etc/krb5.keytab", "entries": [ { "kvno", "principal",
//                 "enctype", "timestamp", "timestamp_epoch", "key" (hex, with keys only) } ] }

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/json.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/ccache/cache.hpp"
#include "krbkit/ccache/format.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/present/time_format.hpp"

namespace krbkit::present {

struct CacheListOptions {
  bool flags = false;              // -f: "Flags: FRIA"
  bool enctypes = false;           // -e: "Etype (skey, tkt): ..."
  bool addresses = false;          // -a: "Addresses: ..."
  bool numeric_addresses = false;  // -n: no reverse lookup of addresses
  bool ad_types = false;           // -d: "AD types: ..."
  bool config = false;             // -C: include config entries ("config: key(principal) = value")
};

// `cache_name` is the full name ("FILE:/tmp/krb5cc_1000", "DIR::/d/tktAbc").
std::string cache_text(std::string_view cache_name, const ccache::CacheContents& contents,
                       const CacheListOptions& options, const TimeFormat& time_format);

// cache_text() built one record at a time, in file order, as a cache's
// read_each() hands them over: a large cache is listed without holding its
// records. The references must outlive the listing.
class CacheListing {
 public:
  // `expected_records`, a guess, sizes the text's buffer.
  CacheListing(std::string_view cache_name, const CacheListOptions& options, const TimeFormat& time_format,
               std::size_t expected_records = 0);
  void add(const ccache::CacheContents& head, const Credentials& record, bool config);
  // The whole text; `head` gives the header when no record came.
  std::string finish(const ccache::CacheContents& head);

 private:
  void start(const Principal& default_principal);

  std::string_view cache_name_;
  const CacheListOptions& options_;
  const TimeFormat& tf_;
  std::string out_, default_name_;
  bool started_ = false;
};

// One cache of a collection (klist -l).
struct CollectionRow {
  std::string principal;  // unparsed default principal
  std::string cache_name;
  bool expired = false;  // !cache_is_current()
  bool primary = false;  // the collection's primary (JSON only; MIT's text does not mark it)
  std::optional<KerberosTime> expires = std::nullopt;  // the local TGT's end, else the last ticket's
};
// "Principal name                 Cache name" table, "(Expired)" markers;
// with a human-style `human`, "(expires in 3h12m)" / "(expired 5m ago)" instead.
std::string collection_text(const std::vector<CollectionRow>& rows, const TimeFormat* human = nullptr);

struct KeytabListOptions {
  bool timestamps = false;  // -t
  bool keys = false;        // -K
  bool enctypes = false;    // -e
};
// `keytab_name` with its type ("FILE:/etc/krb5.keytab").
std::string keytab_text(std::string_view keytab_name, const keytab::Keytab& keytab,
                        const KeytabListOptions& options, const TimeFormat& time_format);

// MIT's enctype display: "aes256-cts-hmac-sha1-96", "DEPRECATED:arcfour-hmac", "etype 99".
std::string enctype_display(Enctype e);

// --- checks ---

// klist -s (MIT check_ccache): when the cache holds a local TGT
// (krbtgt/R@R, R the default principal's realm), true if one is unexpired;
// otherwise true if any (non-config) ticket is unexpired.
bool cache_is_current(const ccache::CacheContents& contents, KerberosTime now);

// klist --valid-for: success when the local TGT is valid now and stays valid
// for `needed`. Errors: Errc::no_credentials "no ticket-granting ticket
// krbtgt/R@R in <cache>", Errc::credentials_expired naming the TGT, its end
// time and how long it has left.
Result<void> check_tgt_valid_for(std::string_view cache_name, const ccache::CacheContents& contents,
                                 KerberosTime now, std::chrono::seconds needed);

// --- what klist reads to list ---

// klist -l's rows: the caches of the collection of `default_name` that hold
// credentials (an uninitialized or unreadable one is skipped, as MIT's klist
// skips it), the first marked primary.
Result<std::vector<CollectionRow>> collection_rows(std::string_view default_name, KerberosTime now);

// One cache as klist shows it, by the first that applies: `status` (-s):
// Errc::no_credentials unless cache_is_current; `valid_for` (the duration,
// or the error of one that did not parse, reported once the cache reads):
// check_tgt_valid_for; JSON into `json` when given; else the text, returned.
// A cache whose last record is torn (a killed append) is shown up to it, as
// MIT's klist shows it, and the damage comes back too (Errc::ccache_format
// naming the file and the byte offset), for klist to report after the
// listing; -s and --valid-for judge the records before it (as MIT's klist,
// and as every tool that uses the cache reads it).
struct CacheQuery {
  bool status = false;
  std::optional<Result<std::chrono::seconds>> valid_for;
  CacheListOptions show;
};
struct CacheShown {
  std::string text;             // empty for -s, --valid-for and JSON
  std::optional<Error> damage;  // listing or JSON only
};
Result<CacheShown> show_cache(ccache::Cache& cache, const CacheQuery& query, json::Writer* json,
                              KerberosTime now, const TimeFormat& time_format);

// An error about `cache` as MIT's klist words it: an empty (uninitialized)
// cache file, as an interrupted kinit leaves, reads as "Bad format in
// credentials cache (filename: PATH)"; the error keeps its code.
Error cache_error_as_mit(const ccache::Cache& cache, Error error);

// --- JSON (see the schema above); each writes one value into `w` ---
void cache_json(json::Writer& w, std::string_view cache_name, std::string_view type,
                const ccache::CacheContents& contents, bool with_config, KerberosTime now);
void collection_json(json::Writer& w, const std::vector<CollectionRow>& rows);
void keytab_json(json::Writer& w, std::string_view keytab_name, const keytab::Keytab& keytab, bool with_keys);

}  // namespace krbkit::present
