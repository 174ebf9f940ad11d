// libFuzzer target for the KCM reply parser (seed corpus:
// fuzz/corpus/fuzz_kcm_reply: replies sssd-kcm 2.8 and Heimdal 7.8's kcm sent
// to MIT 1.20.1's and krbkit's tools). The first byte picks what the reply
// answers: 0 a cache name, 1 a UUID list, 2 a credential list
// (GET_CRED_LIST), 3 a credential, 4 a principal, 5 a KDC offset; the rest is
// the reply, status first. Properties: a failure is Errc::cache_reply_malformed;
// every credential of a list re-serializes and parses again to the same
// bytes; nothing crashes or allocates more than the input can describe.

#include <cstdint>
#include <cstdlib>

#include "krbkit/ccache/kcm_protocol.hpp"

namespace {

using namespace krbkit;

template <typename T>
bool clean(const Result<T>& r) {
  if (!r.ok() && !r.error().is(Errc::cache_reply_malformed)) std::abort();
  return r.ok();
}

void round_trip(const Credentials& c) {
  auto bytes = ccache::serialize_credential(c, 4);
  if (!bytes.ok()) return;
  auto again = ccache::parse_credential_record(*bytes, "fuzz-again");
  if (!again.ok() || *ccache::serialize_credential(*again, 4) != *bytes) std::abort();
}

void body(std::uint8_t kind, BytesView in) {
  switch (kind % 6) {
    case 0: clean(ccache::kcm::parse_name(in)); break;
    case 1: {
      auto ids = ccache::kcm::parse_uuid_list(in);
      if (clean(ids) && ids->size() * 16 != in.size()) std::abort();
      break;
    }
    case 2: {
      auto creds = ccache::kcm::parse_cred_list(in);
      if (clean(creds))
        for (const auto& c : *creds) round_trip(c);
      break;
    }
    case 3: {
      auto c = ccache::kcm::parse_credential(in);
      if (clean(c)) round_trip(*c);
      break;
    }
    case 4: clean(ccache::kcm::parse_principal(in)); break;
    default: clean(ccache::kcm::parse_offset(in)); break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto reply = ccache::kcm::parse_reply(BytesView(data + 1, size - 1));
  if (!clean(reply)) return 0;
  body(data[0], reply->body);
  return 0;
}
