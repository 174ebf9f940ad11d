// The PA-SPAKE messages; the ASN.1 is quoted in krbkit/proto/spake.hpp.

#include "krbkit/proto/spake.hpp"
#include "proto/codec.hpp"

namespace krbkit {
namespace codec {

void fields(auto& io, SpakeSupport& v) { io.req(0, "groups", v.groups); }
void read(Reader& r, SpakeSupport& v) { read_fields(r, v); }
void write(Writer& w, const SpakeSupport& v) { write_fields(w, v); }

void fields(auto& io, SpakeSecondFactor& v) {
  io.req(0, "type", v.type);
  io.opt(1, "data", v.data);
}
void read(Reader& r, SpakeSecondFactor& v) { read_fields(r, v); }
void write(Writer& w, const SpakeSecondFactor& v) { write_fields(w, v); }

void fields(auto& io, SpakeChallenge& v) {
  io.req(0, "group", v.group);
  io.req(1, "pubkey", v.pubkey);
  io.req(2, "factors", v.factors);
}
void read(Reader& r, SpakeChallenge& v) { read_fields(r, v); }
void write(Writer& w, const SpakeChallenge& v) { write_fields(w, v); }

void fields(auto& io, SpakeResponse& v) {
  io.req(0, "pubkey", v.pubkey);
  io.req(1, "factor", v.factor);
}
void read(Reader& r, SpakeResponse& v) { read_fields(r, v); }
void write(Writer& w, const SpakeResponse& v) { write_fields(w, v); }

void read(Reader& r, SpakeEncdata& v) { read(r, v.data); }
void write(Writer& w, const SpakeEncdata& v) { write(w, v.data); }

// The CHOICE: its alternative's number is the variant's index.
void read(Reader& r, PaSpake& v) {
  static constexpr const char* kNames[] = {"support", "challenge", "response", "encdata"};
  for (unsigned n = 0; n < 4; ++n) {
    if (!r.has_field(n)) continue;
    auto f = r.field(n, kNames[n]);
    switch (n) {
      case 0: read(f, v.emplace<SpakeSupport>()); break;
      case 1: read(f, v.emplace<SpakeChallenge>()); break;
      case 2: read(f, v.emplace<SpakeResponse>()); break;
      default: read(f, v.emplace<SpakeEncdata>()); break;
    }
    return;
  }
  r.fail("not one of support [0], challenge [1], response [2], encdata [3]");
}
void write(Writer& w, const PaSpake& v) {
  w.field(static_cast<unsigned>(v.index()), [&] { std::visit([&](const auto& alt) { write(w, alt); }, v); });
}

}  // namespace codec

Bytes encode(const PaSpake& v) { return codec::encode_as(v); }
Bytes encode(const SpakeSecondFactor& v) { return codec::encode_as(v); }
Result<PaSpake> decode_pa_spake(BytesView der) { return codec::decode_as<PaSpake>(der, "PA-SPAKE"); }
Result<SpakeSecondFactor> decode_spake_second_factor(BytesView der) {
  return codec::decode_as<SpakeSecondFactor>(der, "SPAKESecondFactor");
}

}  // namespace krbkit
