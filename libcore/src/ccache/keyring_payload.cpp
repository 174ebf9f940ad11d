// The payloads of MIT's KEYRING cache keys (see keyring_payload.hpp).

#include "krbkit/ccache/keyring_payload.hpp"

#include <fmt/format.h>

namespace krbkit::ccache::keyring {

Result<std::string> parse_primary(BytesView payload) {
  if (payload.size() < 8)
    return Error{Errc::ccache_format,
                 fmt::format("{}: {} bytes, shorter than its 8-byte header", kPrimaryKey, payload.size())};
  const std::uint32_t version = get_u32be(payload.data());
  const std::uint32_t len = get_u32be(payload.data() + 4);
  if (version != kCollectionVersion)
    return Error{Errc::ccache_format, fmt::format("{}: unknown collection version {}", kPrimaryKey, version)};
  if (len > payload.size() - 8)
    return Error{Errc::ccache_format, fmt::format("{}: name length {} runs past the end ({} bytes left)",
                                                  kPrimaryKey, len, payload.size() - 8)};
  return std::string(as_chars(payload.subspan(8, len)));
}

Bytes serialize_primary(std::string_view subsidiary) {
  Bytes out;
  put_u32be(out, kCollectionVersion);
  put_u32be(out, static_cast<std::uint32_t>(subsidiary.size()));
  out.insert(out.end(), subsidiary.begin(), subsidiary.end());
  return out;
}

Result<KdcOffset> parse_time_offsets(BytesView payload) {
  if (payload.size() < 8)
    return Error{Errc::ccache_format,
                 fmt::format("{}: {} bytes instead of 8", kTimeOffsetsKey, payload.size())};
  return KdcOffset{static_cast<std::int32_t>(get_u32be(payload.data())),
                   static_cast<std::int32_t>(get_u32be(payload.data() + 4))};
}

Bytes serialize_time_offsets(const KdcOffset& offset) {
  Bytes out;
  put_u32be(out, static_cast<std::uint32_t>(offset.seconds));
  put_u32be(out, static_cast<std::uint32_t>(offset.microseconds));
  return out;
}

}  // namespace krbkit::ccache::keyring
