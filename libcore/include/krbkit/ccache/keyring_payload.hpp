#pragma once
// The payloads of the keys in MIT's KEYRING credential caches
// (lib/krb5/ccache/cc_keyring.c), bytes in and bytes out; the kernel calls
// are in libcore/src/ccache/keyring_cache.cpp.
//
// Layout (MIT's, which krbkit reads and writes the same way):
//   anchor keyring (session, user, process, thread; or the per-uid persistent keyring)
//     keyring "_krb_<collection>"  (persistent: "_krb")      the collection
//       user key "krb_ccache:primary"                        version(32) length(32) name
//       keyring "<subsidiary>"                               one cache
//         user key "__krb5_princ__"                          the default principal (v4 record)
//         user key "__krb5_time_offsets__"                   KDC time - ours: seconds(32) usec(32)
//         user (or big_key) key "<server principal>"         one credential (v4 record)
// Integers are big-endian.

#include <string>
#include <string_view>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/ccache/format.hpp"

namespace krbkit::ccache::keyring {

inline constexpr std::string_view kPrimaryKey = "krb_ccache:primary";
inline constexpr std::string_view kPrincipalKey = "__krb5_princ__";
inline constexpr std::string_view kTimeOffsetsKey = "__krb5_time_offsets__";
inline constexpr std::string_view kCollectionPrefix = "_krb_";
inline constexpr std::string_view kPersistentCollection = "_krb";
inline constexpr std::string_view kUniquePrefix = "krb_ccache_";
inline constexpr std::uint32_t kCollectionVersion = 1;

// The primary key's payload: the subsidiary name of the collection's primary
// cache. Errc::ccache_format for a short payload, a length past its end, or a
// version other than 1 (MIT: "unknown version").
Result<std::string> parse_primary(BytesView payload);
Bytes serialize_primary(std::string_view subsidiary);

// The time offsets key's payload. Errc::ccache_format unless 8 bytes or more
// (MIT reads the first 8).
Result<KdcOffset> parse_time_offsets(BytesView payload);
Bytes serialize_time_offsets(const KdcOffset& offset);

}  // namespace krbkit::ccache::keyring
