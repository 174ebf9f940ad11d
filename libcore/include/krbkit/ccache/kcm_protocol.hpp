#pragma once
// The KCM protocol as MIT's client speaks it (lib/krb5/ccache/cc_kcm.c,
// include/kcm.h; Heimdal's kcm and sssd-kcm serve it), as bytes in and bytes
// out: no socket here (net/kcm_socket.cpp carries the frames).
//
//   request  ::= major(8)=2 minor(8)=0 opcode(16) arguments
//   reply    ::= status(32, a krb5 error code: 0 is success) results
// Names are NUL-terminated strings; principals and credentials are in the
// FILE cache's version 4 encoding; UUIDs are 16 bytes, and a UUID list runs
// to the end of the reply; offsets, flags, counts and lengths are 32-bit;
// all integers big-endian.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/ccache/format.hpp"

namespace krbkit::ccache::kcm {

enum class Op : std::uint16_t {
  gen_new = 3,               // () -> (name)
  initialize = 4,            // (name, principal) -> ()
  destroy = 5,               // (name) -> ()
  store = 6,                 // (name, credential) -> ()
  remove_cred = 11,          // (name, flags, match credential) -> ()
  get_principal = 8,         // (name) -> (principal)
  get_cred_uuid_list = 9,    // (name) -> (uuid...)
  get_cred_by_uuid = 10,     // (name, uuid) -> (credential)
  get_cache_uuid_list = 18,  // () -> (uuid...)
  get_cache_by_uuid = 19,    // (uuid) -> (name)
  get_default_cache = 20,    // () -> (name)
  set_default_cache = 21,    // (name) -> ()
  get_kdc_offset = 22,       // (name) -> (offset)
  set_kdc_offset = 23,       // (name, offset) -> ()
  get_cred_list = 13001,     // MIT: (name) -> (count, count * (length, credential))
  replace = 13002,           // MIT: (name, offset, principal, count, count * (length, credential)) -> ()
};

// The krb5 error codes daemons answer with (MIT's krb5_err.et).
inline constexpr std::int32_t kCcNotFound = -1765328243;   // KRB5_CC_NOTFOUND
inline constexpr std::int32_t kCcEnd = -1765328242;        // KRB5_CC_END
inline constexpr std::int32_t kCcIo = -1765328191;         // KRB5_CC_IO
inline constexpr std::int32_t kFccNoFile = -1765328189;    // KRB5_FCC_NOFILE
inline constexpr std::int32_t kFccInternal = -1765328188;  // KRB5_FCC_INTERNAL
inline constexpr std::int32_t kCcNoSupp = -1765328137;     // KRB5_CC_NOSUPP

// Whether a status may mean "operation not supported": Heimdal answers an
// unknown opcode with KRB5_FCC_INTERNAL, sssd with KRB5_CC_IO or
// KRB5_CC_NOSUPP; MIT then falls back to the older operations.
bool unsupported_status(std::int32_t status);

using Uuid = std::array<std::uint8_t, 16>;

// --- requests ---
class Request {
 public:
  explicit Request(Op op);
  Request& name(std::string_view cache);  // NUL-terminated
  Request& u32(std::uint32_t v);
  Request& principal(const Principal& p);
  Request& credential(const Credentials& c);
  Request& sized_credential(const Credentials& c);  // length(32) credential, as REPLACE takes them
  Request& uuid(const Uuid& id);
  const Bytes& bytes() const { return out_; }
  // Why a principal or credential could not be encoded (the request is
  // then incomplete and must not be sent), or nullopt.
  const std::optional<Error>& error() const { return error_; }

 private:
  Request& append(Result<Bytes> encoded, bool sized);
  Bytes out_;
  std::optional<Error> error_;
};

// --- replies ---
// A reply split into its status and the results after it. A reply shorter
// than the status is Errc::cache_reply_malformed.
struct Reply {
  std::int32_t status = 0;
  BytesView body;
};
Result<Reply> parse_reply(BytesView reply);

// The results, each reading all of `body` (Errc::cache_reply_malformed,
// detail saying what is wrong, otherwise). Counts are bounded by the bytes left before
// anything is allocated.
Result<std::string> parse_name(BytesView body);
Result<std::vector<Uuid>> parse_uuid_list(BytesView body);
Result<std::vector<Credentials>> parse_cred_list(BytesView body);
// parse_cred_list()'s credentials to `fn` one at a time, as each is parsed
// from `body`. The list's framing (count, lengths, nothing after the last) is
// checked first: a list that is malformed there reaches `fn` with nothing.
Result<void> parse_cred_list_each(BytesView body, const std::function<void(Credentials&&)>& fn);
Result<Credentials> parse_credential(BytesView body);
// Heimdal answers GET_PRINCIPAL of an uninitialized cache with an empty body: nullopt.
Result<std::optional<Principal>> parse_principal(BytesView body);
Result<std::int32_t> parse_offset(BytesView body);

}  // namespace krbkit::ccache::kcm
