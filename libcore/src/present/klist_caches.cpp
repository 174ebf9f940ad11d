#include <sys/stat.h>

#include "krbkit/present/klist.hpp"
#include "krbkit/proto/principal.hpp"
#include "present_internal.hpp"

namespace krbkit::present {
namespace {

// When the cache stops being useful: its local TGT's end (the latest, if
// several), else the latest end of any ticket; nothing for a cache of
// config entries only.
std::optional<KerberosTime> last_expiry(const ccache::CacheContents& contents) {
  std::optional<KerberosTime> tgt, any;
  for (const auto& cred : contents.creds) {
    if (!any || cred.endtime > *any) any = cred.endtime;
    if (is_local_tgt(cred.server, contents.default_principal.realm) && (!tgt || cred.endtime > *tgt))
      tgt = cred.endtime;
  }
  return tgt ? tgt : any;
}

}  // namespace

Result<std::vector<CollectionRow>> collection_rows(std::string_view default_name, KerberosTime now) {
  KRBKIT_TRY(names, ccache::list_collection(default_name));
  std::vector<CollectionRow> rows;
  for (const auto& name : names) {
    auto cache = ccache::open(name);
    if (!cache.ok()) continue;
    auto contents = (*cache)->read();
    if (!contents.ok()) continue;
    rows.push_back({unparse_principal(contents->default_principal), (*cache)->name(),
                    !cache_is_current(*contents, now), rows.empty(), last_expiry(*contents)});
  }
  return rows;
}

namespace {

// How many records a cache file of its size usually holds (a ticket record
// takes 400 to 2,000 bytes); 0 when it is no file.
std::size_t records_expected(const ccache::Cache& cache) {
  struct stat st {};
  const std::string path = cache.path();
  if (path.empty() || ::stat(path.c_str(), &st) != 0 || st.st_size <= 0) return 0;
  return static_cast<std::size_t>(st.st_size) / 400;
}

// The text listing, one record at a time (Cache::read_each): the listing of
// a large FILE cache never holds all its records.
Result<CacheShown> list_cache(ccache::Cache& cache, const CacheQuery& query, const TimeFormat& time_format) {
  const std::string name = cache.name();
  CacheListing listing(name, query.show, time_format, records_expected(cache));
  KRBKIT_TRY(head, cache.read_each([&](const ccache::CacheContents& h, const Credentials& record,
                                       bool config) { listing.add(h, record, config); }));
  CacheShown shown;
  if (head.torn_record) shown.damage = Error{Errc::ccache_format, head.torn_record->detail};
  shown.text = listing.finish(head);
  return shown;
}

}  // namespace

Result<CacheShown> show_cache(ccache::Cache& cache, const CacheQuery& query, json::Writer* json,
                              KerberosTime now, const TimeFormat& time_format) {
  if (json == nullptr && !query.status && !query.valid_for) return list_cache(cache, query, time_format);
  auto contents = cache.read();
  if (!contents.ok()) {
    if (query.status) return Error{Errc::no_credentials};
    return std::move(contents).error();
  }
  if (query.status) {
    if (!cache_is_current(*contents, now)) return Error{Errc::no_credentials};
    return CacheShown{};
  }
  if (query.valid_for) {
    KRBKIT_TRY(needed, *query.valid_for);
    KRBKIT_CHECK(check_tgt_valid_for(cache.name(), *contents, now, needed));
    return CacheShown{};
  }
  CacheShown shown;
  if (contents->torn_record) shown.damage = Error{Errc::ccache_format, contents->torn_record->detail};
  cache_json(*json, cache.name(), cache.type(), *contents, query.show.config, now);
  return shown;
}

Error cache_error_as_mit(const ccache::Cache& cache, Error error) {
  struct stat st {};
  const std::string path = cache.path();
  if (error.is(Errc::ccache_not_found) && !path.empty() && ::stat(path.c_str(), &st) == 0 &&
      S_ISREG(st.st_mode) && st.st_size == 0) {
    error.summary = "Bad format in credentials cache";
    error.detail = "filename: " + path;
    error.context.clear();
  }
  return error;
}

}  // namespace krbkit::present
