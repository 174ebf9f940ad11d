// PA-S4U-X509-USER (S4U2Self) and PA-PAC-OPTIONS (S4U2Proxy): encoding,
// decoding and the checks of the KDC's signed S4U2Self reply.

#include "krbkit/exchange/tgs_s4u.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "exchange/request_and_reply.hpp"
#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/der/reader.hpp"
#include "krbkit/der/writer.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

using detail::mismatch;

namespace {

bool is_rc4(Enctype e) { return e == Enctype::rc4_hmac || e == Enctype::rc4_hmac_exp; }

// DES3 and RC4 keys: the KDC repeats both checksums in the reply's enc-padata
// ([MS-SFU] 2.2.2; MIT's "not_newer").
bool older_enctype(Enctype e) { return is_rc4(e) || e == Enctype::des3_cbc_sha1; }

std::int32_t int32_field(der::Reader& s, unsigned n, std::string_view name) {
  auto f = s.field(n, name);
  return f.int32();
}

// PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString }
PrincipalName read_principal_name(der::Reader& r) {
  auto s = r.sequence();
  PrincipalName n{static_cast<NameType>(int32_field(s, 0, "name-type")), {}};
  auto f = s.field(1, "name-string");
  auto list = f.sequence();
  while (!list.at_end()) n.name_string.push_back(list.general_string());
  return n;
}

// Checksum ::= SEQUENCE { cksumtype [0] Int32, checksum [1] OCTET STRING }
Checksum read_checksum(der::Reader& r) {
  auto s = r.sequence();
  Checksum c{static_cast<Cksumtype>(int32_field(s, 0, "cksumtype")), {}};
  auto f = s.field(1, "checksum");
  c.checksum = f.octet_string();
  return c;
}

S4uUserId read_user_id(der::Reader& r) {
  S4uUserId id;
  auto s = r.sequence();
  {
    auto f = s.field(0, "nonce");
    id.nonce = f.uint32();
  }
  PrincipalName name;
  if (s.has_field(1)) {
    auto f = s.field(1, "cname");
    name = read_principal_name(f);
  }
  {
    auto f = s.field(2, "crealm");
    id.user = to_principal(name, f.general_string());
  }
  if (s.has_field(3)) {
    auto f = s.field(3, "subject-certificate");
    id.subject_certificate = f.octet_string();
  }
  if (s.has_field(4)) {
    auto f = s.field(4, "options");
    id.options = f.flags();
  }
  return id;
}

}  // namespace

Cksumtype s4u_x509_checksum_type(Enctype key) {
  return is_rc4(key) ? Cksumtype::rsa_md4 : mandatory_checksum(key);
}

Bytes encode_s4u_user_id(const S4uUserId& id) {
  der::Writer w;
  w.sequence([&] {
    w.field(0, [&] { w.uint32(id.nonce); });
    if (!id.user.components.empty()) w.field(1, [&] { w.raw(encode(to_principal_name(id.user))); });
    w.field(2, [&] { w.general_string(id.user.realm); });
    if (!id.subject_certificate.empty()) w.field(3, [&] { w.octet_string(id.subject_certificate); });
    if (id.options != 0) w.field(4, [&] { w.flags(id.options); });
  });
  return w.take();
}

Result<Bytes> encode_pa_s4u_x509_user(const S4uUserId& id, const Key& key, KeyUsage usage) {
  const Bytes user_id = encode_s4u_user_id(id);
  const Cksumtype type = s4u_x509_checksum_type(key.enctype);
  KRBKIT_TRY(cksum, make_checksum(type, &key, usage, user_id));
  der::Writer w;
  w.sequence([&] {
    w.field(0, [&] { w.raw(user_id); });
    w.field(1, [&] { w.raw(encode(Checksum{type, std::move(cksum)})); });
  });
  return w.take();
}

Result<PaS4uX509User> decode_pa_s4u_x509_user(BytesView der) {
  der::Reader r(der, "PA-S4U-X509-USER");
  PaS4uX509User out;
  {
    auto s = r.sequence();
    {
      auto f = s.field(0, "user-id");
      BytesView raw = f.peek_element();
      out.user_id_der.assign(raw.begin(), raw.end());
      out.user_id = read_user_id(f);
    }
    auto f = s.field(1, "checksum");
    out.checksum = read_checksum(f);
  }
  return r.finish(std::move(out));
}

Result<std::optional<Principal>> check_s4u_x509_reply(const S4uUserId& sent, BytesView sent_checksum,
                                                      const Key& key, const std::vector<PaData>& reply_padata,
                                                      const std::vector<PaData>& enc_padata) {
  const PaData* rep_pa = find_padata(reply_padata, PaType::s4u_x509_user);
  const PaData* enc_pa = find_padata(enc_padata, PaType::s4u_x509_user);
  if (!rep_pa) {
    if (enc_pa) return mismatch("the TGS-REP's encrypted part has PA-S4U-X509-USER but its padata has none");
    return std::optional<Principal>{};
  }
  KRBKIT_TRY(rep, decode_pa_s4u_x509_user(rep_pa->padata_value));
  if (rep.user_id.nonce != sent.nonce)
    return mismatch(fmt::format("PA-S4U-X509-USER in the TGS-REP has nonce {}, the request {}",
                                rep.user_id.nonce, sent.nonce));
  const KeyUsage usage = (rep.user_id.options & s4u_options::use_reply_key_usage)
                             ? KeyUsage::pa_s4u_x509_user_reply
                             : KeyUsage::pa_s4u_x509_user_request;
  auto verified =
      verify_checksum(rep.checksum.cksumtype, &key, usage, rep.user_id_der, rep.checksum.checksum);
  if (!verified)
    return mismatch(
        fmt::format("the checksum of PA-S4U-X509-USER in the TGS-REP ({}, key usage {}) "
                    "does not verify with the request's subkey",
                    cksumtype_name(rep.checksum.cksumtype), fmt::underlying(usage)));
  if (rep.user_id.user.components.empty()) return mismatch("PA-S4U-X509-USER in the TGS-REP names no user");
  if (older_enctype(key.enctype)) {
    if (!enc_pa) {
      if (rep.user_id.options & s4u_options::use_reply_key_usage)
        return mismatch("the TGS-REP's encrypted part lacks the PA-S4U-X509-USER checksums");
    } else {
      Bytes both(sent_checksum.begin(), sent_checksum.end());
      both.insert(both.end(), rep.checksum.checksum.begin(), rep.checksum.checksum.end());
      if (enc_pa->padata_value != both)
        return mismatch("the PA-S4U-X509-USER checksums in the TGS-REP's encrypted part differ");
    }
  } else {
    auto info = cksumtype_info(rep.checksum.cksumtype);
    if (!info || !(*info)->keyed)
      return Error{kdc_error(KdcErr::ap_err_inapp_cksum),
                   fmt::format("PA-S4U-X509-USER in the TGS-REP has the unkeyed checksum {}",
                               cksumtype_name(rep.checksum.cksumtype))};
  }
  return std::optional<Principal>{std::move(rep.user_id.user)};
}

Bytes encode_pa_pac_options(std::uint32_t flags) {
  der::Writer w;
  w.sequence([&] { w.field(0, [&] { w.flags(flags); }); });
  return w.take();
}

}  // namespace krbkit::exchange
