// The KCM request and reply codec (see kcm_protocol.hpp).

#include "krbkit/ccache/kcm_protocol.hpp"

#include <fmt/format.h>

#include <cstring>

namespace krbkit::ccache::kcm {
namespace {

Error malformed(std::string what) { return Error{Errc::cache_reply_malformed, std::move(what)}; }

}  // namespace

bool unsupported_status(std::int32_t status) {
  return status == kFccInternal || status == kCcIo || status == kCcNoSupp;
}

Request::Request(Op op) {
  out_.push_back(2);  // protocol version 2.0
  out_.push_back(0);
  put_u16be(out_, static_cast<std::uint16_t>(op));
}

Request& Request::name(std::string_view cache) {
  out_.insert(out_.end(), cache.begin(), cache.end());
  out_.push_back(0);
  return *this;
}

Request& Request::u32(std::uint32_t v) {
  put_u32be(out_, v);
  return *this;
}

Request& Request::append(Result<Bytes> encoded, bool sized) {
  if (!encoded.ok()) {
    if (!error_) error_ = std::move(encoded).error();
    return *this;
  }
  if (sized) put_u32be(out_, static_cast<std::uint32_t>(encoded->size()));
  out_.insert(out_.end(), encoded->begin(), encoded->end());
  return *this;
}

Request& Request::principal(const Principal& p) { return append(serialize_principal_record(p), false); }

Request& Request::credential(const Credentials& c) { return append(serialize_credential(c, 4), false); }

Request& Request::sized_credential(const Credentials& c) { return append(serialize_credential(c, 4), true); }

Request& Request::uuid(const Uuid& id) {
  out_.insert(out_.end(), id.begin(), id.end());
  return *this;
}

Result<Reply> parse_reply(BytesView reply) {
  if (reply.size() < 4) return malformed(fmt::format("{} bytes, shorter than a status", reply.size()));
  return Reply{static_cast<std::int32_t>(get_u32be(reply.data())), reply.subspan(4)};
}

Result<std::string> parse_name(BytesView body) {
  const auto* end = static_cast<const std::uint8_t*>(std::memchr(body.data(), 0, body.size()));
  if (body.empty() || end == nullptr) return malformed("cache name without its terminating NUL");
  const std::size_t len = static_cast<std::size_t>(end - body.data());
  if (len + 1 != body.size())
    return malformed(fmt::format("{} bytes after the cache name", body.size() - len - 1));
  return std::string(as_chars(body.first(len)));
}

Result<std::vector<Uuid>> parse_uuid_list(BytesView body) {
  if (body.size() % 16 != 0) return malformed(fmt::format("UUID list of {} bytes", body.size()));
  std::vector<Uuid> out(body.size() / 16);
  for (std::size_t i = 0; i < out.size(); ++i) std::memcpy(out[i].data(), body.data() + 16 * i, 16);
  return out;
}

namespace {

// The count of a GET_CRED_LIST body whose framing is whole: each length in
// the bytes left, nothing after the last credential.
Result<std::uint32_t> cred_list_count(BytesView body) {
  if (body.size() < 4) return malformed("credential list without its count");
  const std::uint32_t count = get_u32be(body.data());
  BytesView rest = body.subspan(4);
  // Each credential takes its length and more: a larger count is impossible.
  if (count > rest.size() / 4)
    return malformed(fmt::format("{} credentials in {} bytes", count, rest.size()));
  for (std::uint32_t i = 0; i < count; ++i) {
    if (rest.size() < 4) return malformed(fmt::format("credential {} of {}: no length", i + 1, count));
    const std::uint32_t len = get_u32be(rest.data());
    if (len > rest.size() - 4)
      return malformed(fmt::format("credential {} of {}: length {} runs past the end", i + 1, count, len));
    rest = rest.subspan(4 + len);
  }
  if (!rest.empty()) return malformed(fmt::format("{} bytes after the credential list", rest.size()));
  return count;
}

}  // namespace

Result<void> parse_cred_list_each(BytesView body, const std::function<void(Credentials&&)>& fn) {
  KRBKIT_TRY(count, cred_list_count(body));
  BytesView rest = body.subspan(4);
  constexpr std::string_view kWhat = "KCM credential ";  // "KCM credential <n>" names a damaged one
  std::string what(kWhat);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t len = get_u32be(rest.data());
    what.resize(kWhat.size());
    what += std::to_string(i + 1);
    auto cred = parse_credential_record(rest.subspan(4, len), what);
    if (!cred.ok()) return malformed(cred.error().detail);
    fn(std::move(*cred));
    rest = rest.subspan(4 + len);
  }
  return success();
}

Result<std::vector<Credentials>> parse_cred_list(BytesView body) {
  std::vector<Credentials> out;
  KRBKIT_CHECK(parse_cred_list_each(body, [&](Credentials&& cred) { out.push_back(std::move(cred)); }));
  return out;
}

Result<Credentials> parse_credential(BytesView body) {
  auto cred = parse_credential_record(body, "KCM credential");
  if (!cred.ok()) return malformed(cred.error().detail);
  return cred;
}

Result<std::optional<Principal>> parse_principal(BytesView body) {
  if (body.empty()) return std::optional<Principal>();
  auto p = parse_principal_record(body, "KCM principal");
  if (!p.ok()) return malformed(p.error().detail);
  return std::optional<Principal>(std::move(*p));
}

Result<std::int32_t> parse_offset(BytesView body) {
  if (body.size() != 4) return malformed(fmt::format("KDC offset of {} bytes", body.size()));
  return static_cast<std::int32_t>(get_u32be(body.data()));
}

}  // namespace krbkit::ccache::kcm
