#pragma once
// ONC RPC over a byte stream with record marking (RFC 5531 11): each record
// is sent as fragments, each prefixed by a 4-byte big-endian header whose top
// bit marks the last fragment and whose low 31 bits give its length. MIT's
// kadmind splits replies into 3996-byte fragments; read_record() joins them.

#include <cstdint>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/net/stream.hpp"

namespace krbkit::rpc {

// The connection (net/stream.hpp: TCP in practice; tests use a fake).
using net::Stream;

// One record as a single last fragment.
Bytes frame_record(BytesView message);
// Writes `message` as one record.
Result<void> write_record(Stream& s, BytesView message);
// Reads one record (all its fragments); Errc::parse beyond `max_size` bytes.
Result<Bytes> read_record(Stream& s, std::size_t max_size = std::size_t{64} << 20);

}  // namespace krbkit::rpc
