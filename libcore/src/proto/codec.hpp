#pragma once
// Internal to proto/: read()/write() overloads for every RFC 4120 type.
// A SEQUENCE lists its fields once, in a fields(io, v) overload that both
// reads and writes it, mirroring its ASN.1:
//
//   void fields(auto& io, EncryptedData& v) {
//     io.req(0, "etype", v.etype);      // [0] required
//     io.opt_u32(1, "kvno", v.kvno);    // [1] OPTIONAL UInt32 (std::optional or vector for opt())
//     io.req(2, "cipher", v.cipher);
//   }
//   void read(Reader& r, EncryptedData& v) { read_fields(r, v); }
//   void write(Writer& w, const EncryptedData& v) { write_fields(w, v); }
//
// Types that need more (a secret key, a ticket's own DER) use the field
// helpers get/opt/put/put_opt directly.

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "krbkit/der/reader.hpp"
#include "krbkit/der/writer.hpp"
#include "krbkit/proto/messages.hpp"
#include "krbkit/proto/spake.hpp"

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
void read(Reader&, KrbSafeBody&);  // also EncKrbPrivPart's fields
void write(Writer&, const KrbSafeBody&);
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
// ---- SPAKE (codec_spake.cpp) ----
void read(Reader&, SpakeSupport&);
void write(Writer&, const SpakeSupport&);
void read(Reader&, SpakeSecondFactor&);
void write(Writer&, const SpakeSecondFactor&);
void read(Reader&, SpakeChallenge&);
void write(Writer&, const SpakeChallenge&);
void read(Reader&, SpakeResponse&);
void write(Writer&, const SpakeResponse&);
void read(Reader&, SpakeEncdata&);
void write(Writer&, const SpakeEncdata&);
void read(Reader&, PaSpake&);
void write(Writer&, const PaSpake&);
// ---- MS-KKDCP (codec_kkdcp.cpp) ----
void read(Reader&, KdcProxyMessage&);
void write(Writer&, const KdcProxyMessage&);

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

// fields(io, v) with io a FieldReader reads the fields of a SEQUENCE in
// turn; with a FieldWriter, writes them. The writer is handed the value it
// writes as non-const (one fields() serves both) and only reads it.
struct FieldReader {
  Reader& seq;
  template <class T>
  void req(unsigned n, const char* name, T& v) {
    get(seq, n, name, v);
  }
  template <class T>
  void opt(unsigned n, const char* name, T& v) {
    codec::opt(seq, n, name, v);
  }
  // Microseconds ::= INTEGER (0..999999)
  void usec(unsigned n, const char* name, std::int32_t& v) { v = seq.field(n, name).microseconds(); }
  // KerberosFlags ::= BIT STRING (SIZE (32..MAX))
  void flags(unsigned n, const char* name, std::uint32_t& v) { v = seq.field(n, name).flags(); }
  // UInt32 for nonces and sequence numbers: negative values that older MIT
  // releases sent are taken as their 32-bit two's complement.
  void u32(unsigned n, const char* name, std::uint32_t& v) {
    v = static_cast<std::uint32_t>(seq.field(n, name).integer(INT32_MIN, UINT32_MAX));
  }
  // pvno [n] INTEGER (5) and msg-type [n] INTEGER (expected).
  void pvno(unsigned n, const char* name, std::int32_t& v);
  void msg_type(unsigned n, MsgType expected);
  // The OPTIONAL forms.
  void opt_usec(unsigned n, const char* name, std::optional<std::int32_t>& v) {
    if (seq.has_field(n)) usec(n, name, v.emplace());
  }
  void opt_flags(unsigned n, const char* name, std::optional<std::uint32_t>& v) {
    if (seq.has_field(n)) flags(n, name, v.emplace());
  }
  void opt_u32(unsigned n, const char* name, std::optional<std::uint32_t>& v) {
    if (seq.has_field(n)) u32(n, name, v.emplace());
  }
};
struct FieldWriter {
  Writer& w;
  template <class T>
  void req(unsigned n, const char*, const T& v) {
    put(w, n, v);
  }
  template <class T>
  void opt(unsigned n, const char*, const T& v) {
    put_opt(w, n, v);
  }
  void usec(unsigned n, const char*, std::int32_t v) { put(w, n, v); }
  void flags(unsigned n, const char*, std::uint32_t v) {
    w.field(n, [&] { w.flags(v); });
  }
  void u32(unsigned n, const char*, std::uint32_t v) { put(w, n, v); }
  void pvno(unsigned n, const char*, std::int32_t v) { put(w, n, v); }
  void msg_type(unsigned n, MsgType t) { put(w, n, t); }
  void opt_usec(unsigned n, const char*, const std::optional<std::int32_t>& v) { put_opt(w, n, v); }
  void opt_flags(unsigned n, const char* name, const std::optional<std::uint32_t>& v) {
    if (v) flags(n, name, *v);
  }
  void opt_u32(unsigned n, const char*, const std::optional<std::uint32_t>& v) { put_opt(w, n, v); }
};

// SEQUENCE { fields(v) }, and [APPLICATION tag] SEQUENCE { fields(v) }.
template <class T>
void read_fields(Reader& r, T& v) {
  auto s = r.sequence();
  FieldReader io{s};
  fields(io, v);
}
template <class T>
void read_fields(Reader& r, unsigned application_tag, T& v) {
  auto app = r.application(application_tag, "");
  read_fields(app, v);
}
template <class T>
void write_fields(Writer& w, const T& v) {
  w.sequence([&] {
    FieldWriter io{w};
    fields(io, const_cast<T&>(v));
  });
}
template <class T>
void write_fields(Writer& w, unsigned application_tag, const T& v) {
  w.application(application_tag, [&] { write_fields(w, v); });
}

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
