#pragma once
// The FILE credential cache format, versions 1-4, as bytes in and bytes out.
// No file I/O here: see cache.hpp for storage, locking and cache names.
// The grammar is at the top of libcore/src/ccache/format.cpp.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/proto/credentials.hpp"

namespace krbkit::ccache {

// Config entries are credentials whose server is
//   krb5_ccache_conf_data/<key>[/<principal>]@X-CACHECONF:
// with the value in the ticket field (MIT krb5_cc_set_config, Heimdal
// krb5_cc_set_config). Known keys: pa_type, fast_avail, refresh_time,
// proxy_impersonator, start_realm (Heimdal).
inline constexpr std::string_view kConfigRealm = "X-CACHECONF:";
inline constexpr std::string_view kConfigComponent = "krb5_ccache_conf_data";

// v4 header tag 1 (FCC_TAG_DELTATIME): the KDC's clock minus ours.
struct KdcOffset {
  std::int32_t seconds = 0;
  std::int32_t microseconds = 0;
  friend bool operator==(const KdcOffset&, const KdcOffset&) = default;
};

// A v4 header tag krbkit does not interpret; kept so a rewrite loses nothing.
struct HeaderTag {
  std::uint16_t tag = 0;
  Bytes value;
  friend bool operator==(const HeaderTag&, const HeaderTag&) = default;
};

// The last record cut short: the file ends inside it, as a writer killed
// half-way through appending a credential leaves it (a power cut can; a
// SIGKILL cannot split krbkit's single write). MIT's library reads such a
// file up to that record and ignores the rest.
struct TornRecord {
  std::size_t offset = 0;  // where the cut record starts: the whole part of the file ends here
  std::string detail;      // parse()'s error for the file: "<file>: byte N: credential K ...: truncated..."
};

struct CacheContents {
  int version = 4;  // as read (1-4); serialize() takes the version to write
  Principal default_principal;
  std::optional<KdcOffset> kdc_offset;
  std::vector<HeaderTag> other_header_tags;
  std::vector<Credentials> creds;           // tickets, in file order
  std::vector<Credentials> config_entries;  // X-CACHECONF: records, in file order
  // Where each config entry sat among the tickets: config_after[i] tickets
  // came before config_entries[i] in the file (so a listing can show the
  // records in file order, as MIT's klist -C does, and a rewrite keeps that
  // order). Filled by parse(); may be shorter than config_entries (contents
  // built in memory), and the missing ones count as 0 (first).
  std::vector<std::size_t> config_after;
  // Set only by parse_to_torn_record(): the records above are those before it.
  std::optional<TornRecord> torn_record;

  CacheContents clone() const;
};

// Parses a whole cache file. Strict: a truncated file, trailing garbage, an
// impossible length or count, or an unknown version is Errc::ccache_format
// with a detail "<filename>: byte <offset>: <field>: <problem>". Counts are
// bounded by the bytes left, so no input causes a large allocation.
Result<CacheContents> parse(BytesView data, std::string_view filename);

// As parse(), except that a last record the file ends inside (a torn append,
// see TornRecord) is no failure: the records before it are returned, with
// `torn_record` saying where it starts and what parse() would have said.
// Damage of any other kind (a bad value, a damaged header) still fails.
Result<CacheContents> parse_to_torn_record(BytesView data, std::string_view filename);

// A record handed over as it is read: the file's header and default
// principal so far (`head`, without records), the record, and whether it is
// a config entry.
using RecordSink = std::function<void(const CacheContents& head, const Credentials& record, bool config)>;

// As parse_to_torn_record(), but each record goes to `sink` in file order
// as it is read, and is gone after: the result holds no records. A listing
// of a large cache keeps one record in memory at a time, as MIT's klist does.
Result<CacheContents> parse_each_to_torn_record(BytesView data, std::string_view filename,
                                                const RecordSink& sink);

// Calls `fn` for each record of `contents` in file order: the config entries
// where config_after puts them among the tickets.
void for_each_in_file_order(const CacheContents& contents,
                            const std::function<void(const Credentials&, bool config)>& fn);

// Only the version and the header (the part a writer appending a credential
// must respect). Returns the offset just past the default principal.
struct HeaderInfo {
  int version = 0;
  std::size_t end_of_header = 0;
};
Result<HeaderInfo> parse_header(BytesView data, std::string_view filename);

// The whole file in `version` (1-4; 1 and 2 in host byte order). Each config
// entry where config_after puts it among the credentials (first when it has
// no position, as MIT's kinit writes them), so parse() then serialize() gives
// back the file, MIT's or Heimdal's. Errc::invalid_argument for another
// version or a field too long for the format.
Result<Bytes> serialize(const CacheContents& contents, int version = 4);
// Where serialize() writes config entry i: after this many credentials.
std::size_t config_position(const CacheContents& contents, std::size_t i);
// One credential record, for appending to an existing file of `version`.
Result<Bytes> serialize_credential(const Credentials& cred, int version);

// --- single records (the payloads of MIT's KEYRING keys, cc_keyring.c) ---
// One credential, or one principal, in version 4's encoding and nothing else:
// Errc::ccache_format "<what>: byte N: <field>: <problem>" otherwise.
Result<Credentials> parse_credential_record(BytesView data, std::string_view what);
Result<Principal> parse_principal_record(BytesView data, std::string_view what);
Result<Bytes> serialize_principal_record(const Principal& p);

// --- config entries ---
bool is_config_principal(const Principal& server);
struct ConfigEntryView {
  std::string_view key;
  std::string_view principal;  // unparsed principal the entry is about, or empty
  BytesView value;
};
std::optional<ConfigEntryView> config_entry_view(const Credentials& cred);
Credentials make_config_entry(const Principal& client, std::string_view key, std::string_view principal,
                              BytesView value);
// The value of config entry `key` (about `principal`, "" for none), if present.
std::optional<Bytes> find_config(const CacheContents& contents, std::string_view key,
                                 std::string_view principal = {});
// Adds or replaces config entry `key` (client: the default principal); with
// positions from a file, the new entry comes after the credentials.
void set_config(CacheContents& contents, std::string_view key, std::string_view principal, BytesView value);

// Whether two credentials are "the same ticket" for replace/remove purposes:
// same client, server, is_skey and second ticket (what MIT's kvno would store twice).
bool same_slot(const Credentials& a, const Credentials& b);

// Whether `c` is a ticket for `server`: its own name; for a `server` with an
// empty realm (a referral name, "host/h@"), an entry of that name in any
// realm; and for an entry stored under a referral name (as MIT stores tickets
// obtained through referrals, the ticket naming the realm that issued it),
// the ticket's server ("host/h@B" finds the entry "host/h@" whose ticket is
// for host/h@B).
bool holds_ticket_for(const Credentials& c, const Principal& server);

}  // namespace krbkit::ccache
