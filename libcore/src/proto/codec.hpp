#pragma once
// Internal to proto/: read()/write() overloads for every RFC 4120 type and
// the field helpers that make each codec function mirror its ASN.1:
//
//   get(seq, 0, "etype", v.etype);        // [0] required
//   opt(seq, 1, "kvno", v.kvno);          // [1] OPTIONAL (std::optional or vector)
//   put(w, 0, v.etype);  put_opt(w, 1, v.kvno);
//
// Special INTEGER/BIT STRING kinds have their own helpers (usec, flags,
// lenient UInt32 for nonces and sequence numbers).

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "krbkit/der/reader.hpp"
#include "krbkit/der/writer.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::codec {

using der::Reader;
using der::Writer;

// ---- primitives ----
inline void read(Reader& r, std::int32_t& v) { v = r.int32(); }
inline void read(Reader& r, std::uint32_t& v) { v = r.uint32(); }
inline void read(Reader& r, std::string& v) { v = r.general_string(); }
inline void read(Reader& r, Bytes& v) { v = r.octet_string(); }
inline void read(Reader& r, bool& v) { v = r.boolean(); }
inline void read(Reader& r, KerberosTime& v) { v = r.generalized_time(); }
template <class E>
requires std::is_enum_v<E>
void read(Reader& r, E& v) { v = static_cast<E>(r.int32()); }

inline void write(Writer& w, std::int32_t v) { w.int32(v); }
inline void write(Writer& w, std::uint32_t v) { w.uint32(v); }
inline void write(Writer& w, const std::string& v) { w.general_string(v); }
inline void write(Writer& w, const Bytes& v) { w.octet_string(v); }
inline void write(Writer& w, bool v) { w.boolean(v); }
inline void write(Writer& w, KerberosTime v) { w.generalized_time(v); }
template <class E>
requires std::is_enum_v<E>
void write(Writer& w, E v) { w.int32(static_cast<std::int32_t>(v)); }

// ---- RFC 4120 types (codec_types.cpp) ----
void read(Reader&, PrincipalName&);
void write(Writer&, const PrincipalName&);
void read(Reader&, EncryptedData&);
void write(Writer&, const EncryptedData&);
void read(Reader&, Checksum&);
void write(Writer&, const Checksum&);
void read(Reader&, Key&);
void write(Writer&, const Key&);
void read(Reader&, HostAddress&);
void write(Writer&, const HostAddress&);
void read(Reader&, AuthDataEntry&);
void write(Writer&, const AuthDataEntry&);
void read(Reader&, PaData&);
void write(Writer&, const PaData&);
void read(Reader&, TypedDataEntry&);
void write(Writer&, const TypedDataEntry&);
void read(Reader&, LastReqEntry&);
void write(Writer&, const LastReqEntry&);
void read(Reader&, TransitedEncoding&);
void write(Writer&, const TransitedEncoding&);
void read(Reader&, Ticket&);
void write(Writer&, const Ticket&);
void read(Reader&, EncTicketPart&);
void write(Writer&, const EncTicketPart&);
void read(Reader&, PaEncTsEnc&);
void write(Writer&, const PaEncTsEnc&);
void read(Reader&, EtypeInfoEntry&);
void write(Writer&, const EtypeInfoEntry&);
void read(Reader&, EtypeInfo2Entry&);
void write(Writer&, const EtypeInfo2Entry&);
void read(Reader&, PaPacRequest&);
void write(Writer&, const PaPacRequest&);
// ---- messages (codec_messages.cpp) ----
void read(Reader&, KdcReqBody&);
void write(Writer&, const KdcReqBody&);
void write(Writer&, const KdcReq&);
void write(Writer&, const KdcRep&);
void read(Reader&, EncKdcRepPart&);
void write(Writer&, const EncKdcRepPart&);
void read(Reader&, ApReq&);
void write(Writer&, const ApReq&);
void read(Reader&, Authenticator&);
void write(Writer&, const Authenticator&);
void read(Reader&, ApRep&);
void write(Writer&, const ApRep&);
void read(Reader&, EncApRepPart&);
void write(Writer&, const EncApRepPart&);
void read(Reader&, KrbError&);
void write(Writer&, const KrbError&);
void read(Reader&, KrbSafe&);
void write(Writer&, const KrbSafe&);
void read(Reader&, KrbPriv&);
void write(Writer&, const KrbPriv&);
void read(Reader&, KrbCred&);
void write(Writer&, const KrbCred&);
void read(Reader&, KrbCredInfo&);
void write(Writer&, const KrbCredInfo&);
void read(Reader&, EncKrbCredPart&);
void write(Writer&, const EncKrbCredPart&);
// ---- FAST and kpasswd (codec_fast.cpp) ----
void read(Reader&, KrbFastArmor&);
void write(Writer&, const KrbFastArmor&);
void read(Reader&, KrbFastArmoredReq&);  // PA-FX-FAST-REQUEST
void write(Writer&, const KrbFastArmoredReq&);
void read(Reader&, KrbFastReq&);
void write(Writer&, const KrbFastReq&);
void read(Reader&, KrbFastArmoredRep&);  // PA-FX-FAST-REPLY
void write(Writer&, const KrbFastArmoredRep&);
void read(Reader&, KrbFastResponse&);
void write(Writer&, const KrbFastResponse&);
void read(Reader&, KrbFastFinished&);
void write(Writer&, const KrbFastFinished&);
void read(Reader&, ChangePasswdData&);
void write(Writer&, const ChangePasswdData&);

// SEQUENCE OF T; items are named "<field>[i]" in errors.
template <class T>
void read(Reader& r, std::vector<T>& v) {
  auto seq = r.sequence();
  while (!seq.at_end()) {
    auto item = seq.item();
    read(item, v.emplace_back());
  }
}
template <class T>
void write(Writer& w, const std::vector<T>& v) {
  w.sequence([&] {
    for (const auto& e : v) write(w, e);
  });
}

// ---- fields ----
template <class T>
void get(Reader& seq, unsigned n, const char* name, T& out) {
  auto f = seq.field(n, name);
  read(f, out);
}
template <class T>
void opt(Reader& seq, unsigned n, const char* name, std::optional<T>& out) {
  if (seq.has_field(n)) get(seq, n, name, out.emplace());
}
template <class T>
void opt(Reader& seq, unsigned n, const char* name, std::vector<T>& out) {
  if (seq.has_field(n)) get(seq, n, name, out);
}
template <class T>
void put(Writer& w, unsigned n, const T& v) {
  w.field(n, [&] { write(w, v); });
}
template <class T>
void put_opt(Writer& w, unsigned n, const std::optional<T>& v) {
  if (v) put(w, n, *v);
}
template <class T>
void put_opt(Writer& w, unsigned n, const std::vector<T>& v) {
  if (!v.empty()) put(w, n, v);
}

// Microseconds ::= INTEGER (0..999999)
inline void get_usec(Reader& seq, unsigned n, const char* name, std::int32_t& out) {
  out = seq.field(n, name).microseconds();
}
inline void opt_usec(Reader& seq, unsigned n, const char* name, std::optional<std::int32_t>& out) {
  if (seq.has_field(n)) get_usec(seq, n, name, out.emplace());
}
// KerberosFlags ::= BIT STRING (SIZE (32..MAX))
inline void get_flags(Reader& seq, unsigned n, const char* name, std::uint32_t& out) {
  out = seq.field(n, name).flags();
}
inline void put_flags(Writer& w, unsigned n, std::uint32_t v) {
  w.field(n, [&] { w.flags(v); });
}
// UInt32 for nonces and sequence numbers: negative values that older MIT
// releases sent are taken as their 32-bit two's complement.
inline void get_u32_lenient(Reader& seq, unsigned n, const char* name, std::uint32_t& out) {
  out = static_cast<std::uint32_t>(seq.field(n, name).integer(INT32_MIN, UINT32_MAX));
}
inline void opt_u32_lenient(Reader& seq, unsigned n, const char* name, std::optional<std::uint32_t>& out) {
  if (seq.has_field(n)) get_u32_lenient(seq, n, name, out.emplace());
}
// pvno [n] INTEGER (5) and msg-type [n] INTEGER (expected).
void get_pvno(Reader& seq, unsigned n, const char* name, std::int32_t& out);
void expect_msg_type(Reader& seq, unsigned n, MsgType expected);
inline void put_msg_type(Writer& w, unsigned n, MsgType t) { put(w, n, t); }

// A root reader over `der` named `what`, one read(), then the result.
template <class T>
Result<T> decode_as(BytesView der, std::string what) {
  Reader in(der, std::move(what));
  T v;
  read(in, v);
  return in.finish(std::move(v));
}
template <class T>
Bytes encode_as(const T& v) {
  Writer w;
  write(w, v);
  return w.take();
}

}  // namespace krbkit::codec
