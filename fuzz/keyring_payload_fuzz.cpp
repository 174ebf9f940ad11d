// libFuzzer target for the payloads of MIT's KEYRING cache keys (seed
// corpus: fuzz/corpus/fuzz_keyring_payload: keys MIT 1.20.1's kinit and kvno
// wrote). The first byte picks the key: 0 a credential, 1 the default
// principal (__krb5_princ__), 2 the collection's primary key, 3 the time
// offsets. Properties: a failure is Errc::ccache_format; whatever parses
// re-serializes and parses again to the same bytes; nothing crashes or
// allocates more than the input can describe.

#include <cstdint>
#include <cstdlib>

#include "krbkit/ccache/format.hpp"
#include "krbkit/ccache/keyring_payload.hpp"

namespace {

using namespace krbkit;

template <typename T>
void must_fail_cleanly(const Result<T>& r) {
  if (!r.ok() && !r.error().is(Errc::ccache_format)) std::abort();
}

void credential(BytesView in) {
  auto c = ccache::parse_credential_record(in, "fuzz");
  must_fail_cleanly(c);
  if (!c.ok()) return;
  auto bytes = ccache::serialize_credential(*c, 4);
  if (!bytes.ok()) return;
  auto again = ccache::parse_credential_record(*bytes, "fuzz-again");
  if (!again.ok() || *ccache::serialize_credential(*again, 4) != *bytes) std::abort();
}

void principal(BytesView in) {
  auto p = ccache::parse_principal_record(in, "fuzz");
  must_fail_cleanly(p);
  if (!p.ok()) return;
  auto bytes = ccache::serialize_principal_record(*p);
  if (!bytes.ok()) return;
  auto again = ccache::parse_principal_record(*bytes, "fuzz-again");
  if (!again.ok() || !(*again == *p)) std::abort();
}

void primary(BytesView in) {
  auto name = ccache::keyring::parse_primary(in);
  must_fail_cleanly(name);
  if (name.ok() && *ccache::keyring::parse_primary(ccache::keyring::serialize_primary(*name)) != *name)
    std::abort();
}

void offsets(BytesView in) {
  auto o = ccache::keyring::parse_time_offsets(in);
  must_fail_cleanly(o);
  if (o.ok() && !(*ccache::keyring::parse_time_offsets(ccache::keyring::serialize_time_offsets(*o)) == *o))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const BytesView in(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: credential(in); break;
    case 1: principal(in); break;
    case 2: primary(in); break;
    default: offsets(in); break;
  }
  return 0;
}
