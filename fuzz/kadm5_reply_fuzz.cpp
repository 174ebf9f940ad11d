// libFuzzer target for what kadmind sends back: the ONC RPC reply
// (rpc/message.cpp), its XDR (rpc/xdr.cpp) and the kadm5 records inside
// (kadm5/wire.cpp). The first byte picks what the rest is:
//   0  an RPC reply message: whatever decodes, encoded again the RFC 5531 way,
//      has the same length (no bytes are ignored) and decodes to the same
//      reply, and names its error;
//   1  a principal record (gprinc_ret after api_version and code): whatever
//      decodes, encoded as the client encodes records, decodes to the same
//      fields (mod_name and key data are never sent by a client; tl-data
//      comes back in reverse order, as with MIT's list-building decoder);
//   2  a policy record for API version 2, 3 or 4 (the second byte): the same;
//   3  a run of nullstrings: each one that decodes encodes back to the bytes
//      it was read from;
//   4  a TCP byte stream with record marking (rpc/transport.cpp): each record
//      read (fragments joined, at most 64 KiB) reads back the same when sent
//      as one fragment.
// Seed corpus: fuzz/corpus/fuzz_kadm5_reply (replies captured from MIT kadmind,
// the RPC messages and the decrypted results).

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "krbkit/kadm5/wire.hpp"
#include "krbkit/rpc/message.hpp"
#include "krbkit/rpc/transport.hpp"
#include "krbkit/rpc/xdr.hpp"

using namespace krbkit;

namespace {

Bytes encode_reply(const rpc::Reply& r) {
  rpc::XdrWriter w;
  w.u32(r.xid);
  w.u32(1);  // REPLY
  if (r.accepted) {
    w.u32(0);
    w.u32(r.verf.flavor);
    w.opaque(r.verf.body);
    w.u32(static_cast<std::uint32_t>(r.accept_stat));
    if (r.accept_stat == rpc::AcceptStat::success) {
      w.raw(r.results);
    } else if (r.accept_stat == rpc::AcceptStat::prog_mismatch) {
      w.u32(r.low);
      w.u32(r.high);
    }
  } else {
    w.u32(1);
    if (r.auth_error) {
      w.u32(1);
      w.u32(static_cast<std::uint32_t>(r.auth_stat));
    } else {
      w.u32(0);
      w.u32(r.low);
      w.u32(r.high);
    }
  }
  return w.take();
}

bool same(const rpc::Reply& a, const rpc::Reply& b) {
  return a.xid == b.xid && a.accepted == b.accepted && a.verf.flavor == b.verf.flavor &&
         a.verf.body == b.verf.body && a.accept_stat == b.accept_stat && a.results == b.results &&
         a.auth_error == b.auth_error && a.auth_stat == b.auth_stat && a.low == b.low && a.high == b.high;
}

void reply(BytesView in) {
  auto r = rpc::decode_reply(in);
  if (!r.ok()) return;
  (void)rpc::reply_error(*r, "127.0.0.1:749").message();
  // Strict: the reply is all fields, nothing after them (padding may differ).
  const Bytes encoded = encode_reply(*r);
  if (encoded.size() != in.size()) std::abort();
  auto again = rpc::decode_reply(encoded);
  if (!again.ok() || !same(*r, *again)) std::abort();
}

void principal(BytesView in) {
  rpc::XdrReader r(in, "gprinc_ret");
  kadm5::PrincipalEntry p = kadm5::wire::get_principal_entry(r);
  if (!r.ok()) return;
  rpc::XdrWriter w;
  kadm5::wire::put_principal_entry(w, p);
  rpc::XdrReader r2(w.bytes(), "again");
  kadm5::PrincipalEntry q = kadm5::wire::get_principal_entry(r2);
  if (!r2.finish().ok()) std::abort();
  p.mod_name.reset();
  p.key_data.clear();
  p.n_key_data = 0;
  std::reverse(q.tl_data.begin(), q.tl_data.end());
  if (!(p == q)) std::abort();
}

void policy(BytesView in) {
  if (in.empty()) return;
  const std::uint32_t version = kadm5::kApiVersion2 + in[0] % 3;
  rpc::XdrReader r(in.subspan(1), "gpol_ret");
  kadm5::PolicyEntry p = kadm5::wire::get_policy_entry(r, version);
  if (!r.ok()) return;
  rpc::XdrWriter w;
  kadm5::wire::put_policy_entry(w, p, version);
  rpc::XdrReader r2(w.bytes(), "again");
  kadm5::PolicyEntry q = kadm5::wire::get_policy_entry(r2, version);
  if (!r2.finish().ok()) std::abort();
  std::reverse(q.tl_data.begin(), q.tl_data.end());
  if (!(p == q)) std::abort();
}

void nullstrings(BytesView in) {
  rpc::XdrReader r(in, "names");
  std::size_t done = 0;
  while (r.ok() && !r.at_end()) {
    auto s = kadm5::wire::get_nullstring(r, "name");
    if (!r.ok()) break;
    const std::size_t now = in.size() - r.rest().size();
    rpc::XdrWriter w;
    kadm5::wire::put_nullstring(w, s ? std::optional<std::string_view>(*s) : std::nullopt);
    // Padding is not checked on reading (neither does MIT's XDR): compare
    // the length word and the string.
    BytesView read = in.subspan(done, now - done);
    const std::size_t n = std::min(read.size(), w.size());
    const std::size_t unpadded = 4 + (s ? s->size() + 1 : 0);
    if (w.size() != read.size() || !std::equal(read.begin(), read.begin() + unpadded, w.bytes().begin()) ||
        n < unpadded)
      std::abort();
    done = now;
  }
}

// The peer's side of a connection: reads come from the fuzz input.
class InputStream final : public rpc::Stream {
 public:
  explicit InputStream(BytesView in) : in_(in) {}
  Result<void> write_all(BytesView) override { return success(); }
  Result<void> read_exact(std::span<std::uint8_t> out) override {
    if (out.size() > in_.size()) return Error{Errc::io, "closed"};
    std::copy(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(out.size()), out.begin());
    in_ = in_.subspan(out.size());
    return success();
  }
  std::string peer() const override { return "fuzz"; }

 private:
  BytesView in_;
};

void record_marking(BytesView in) {
  InputStream s(in);
  for (int i = 0; i < 64; ++i) {
    auto record = rpc::read_record(s, 1 << 16);
    if (!record.ok()) return;
    if (record->size() > in.size()) std::abort();
    const Bytes framed = rpc::frame_record(*record);
    InputStream again(framed);
    auto back = rpc::read_record(again, 1 << 16);
    if (!back.ok() || *back != *record) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  BytesView in(data + 1, size - 1);
  switch (data[0] & 7) {
    case 0: reply(in); break;
    case 1: principal(in); break;
    case 2: policy(in); break;
    case 3: nullstrings(in); break;
    default: record_marking(in); break;
  }
  return 0;
}
