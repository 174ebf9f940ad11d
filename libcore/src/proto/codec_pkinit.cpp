// The PKINIT messages; the ASN.1 is quoted in krbkit/proto/pkinit.hpp.

#include "krbkit/proto/pkinit.hpp"
#include "proto/codec.hpp"

namespace krbkit {

using der::Reader;
using der::Writer;

namespace {

void write_kdf_id(Writer& w, BytesView oid) {
  w.sequence([&] { w.field(0, [&] { w.object_identifier(oid); }); });
}

void write_krb5_principal_name(Writer& w, const Principal& p) {
  w.sequence([&] {
    w.field(0, [&] { w.general_string(p.realm); });
    w.field(1, [&] { codec::write(w, to_principal_name(p)); });
  });
}

}  // namespace

Bytes encode(const AuthPack& v) {
  Writer w;
  const auto& pk = v.pk_authenticator;
  w.sequence([&] {
    w.field(0, [&] {
      w.sequence([&] {
        w.field(0, [&] { w.int32(pk.cusec); });
        w.field(1, [&] { w.generalized_time(pk.ctime); });
        // MIT writes the nonce as an Int32; ours are below 2^31, so both agree.
        w.field(2, [&] { w.uint32(pk.nonce); });
        if (pk.pa_checksum) w.field(3, [&] { w.octet_string(*pk.pa_checksum); });
        if (pk.freshness_token) w.field(4, [&] { w.octet_string(*pk.freshness_token); });
      });
    });
    if (v.client_public_value) w.field(1, [&] { w.raw(*v.client_public_value); });
    if (!v.supported_kdfs.empty())
      w.field(4, [&] {
        w.sequence([&] {
          for (const auto& oid : v.supported_kdfs) write_kdf_id(w, oid);
        });
      });
  });
  return w.take();
}

Bytes encode_pa_pk_as_req(BytesView signed_auth_pack) {
  Writer w;
  w.sequence([&] { w.implicit_octets(0, signed_auth_pack); });
  return w.take();
}

Result<PaPkAsRep> decode_pa_pk_as_rep(BytesView der) {
  Reader in(der, "PA-PK-AS-REP");
  PaPkAsRep v;
  if (in.next_is(0x81)) {
    v.dh = false;
    v.signed_data = in.implicit_octets(1);
    return in.finish(std::move(v));
  }
  auto choice = in.field(0, "dhInfo");
  {
    auto seq = choice.sequence();
    v.signed_data = seq.implicit_octets(0);
    if (seq.has_field(1)) v.server_dh_nonce = seq.field(1, "serverDHNonce").octet_string();
    if (seq.has_field(2)) {
      auto kdf = seq.field(2, "kdf");
      auto id = kdf.sequence();
      v.kdf = id.field(0, "kdf-id").object_identifier();
    }
  }
  return in.finish(std::move(v));
}

Bytes encode(const PaPkAsRep& v) {
  Writer w;
  if (!v.dh) {
    w.implicit_octets(1, v.signed_data);
    return w.take();
  }
  w.field(0, [&] {
    w.sequence([&] {
      w.implicit_octets(0, v.signed_data);
      if (v.server_dh_nonce) w.field(1, [&] { w.octet_string(*v.server_dh_nonce); });
      if (v.kdf) w.field(2, [&] { write_kdf_id(w, *v.kdf); });
    });
  });
  return w.take();
}

Result<KdcDhKeyInfo> decode_kdc_dh_key_info(BytesView der) {
  Reader in(der, "KDCDHKeyInfo");
  KdcDhKeyInfo v;
  {
    auto seq = in.sequence();
    v.subject_public_key = seq.field(0, "subjectPublicKey").bit_string();
    // MIT writes the nonce as an Int32: a negative value is its nonce above 2^31.
    v.nonce = static_cast<std::uint32_t>(seq.field(1, "nonce").integer(INT32_MIN, UINT32_MAX));
    if (seq.has_field(2)) v.dh_key_expiration = seq.field(2, "dhKeyExpiration").generalized_time();
  }
  return in.finish(std::move(v));
}

Bytes encode(const KdcDhKeyInfo& v) {
  Writer w;
  w.sequence([&] {
    w.field(0, [&] { w.bit_string(v.subject_public_key); });
    w.field(1, [&] { w.uint32(v.nonce); });
    if (v.dh_key_expiration) w.field(2, [&] { w.generalized_time(*v.dh_key_expiration); });
  });
  return w.take();
}

Result<Principal> decode_krb5_principal_name(BytesView der) {
  Reader in(der, "KRB5PrincipalName");
  Principal p;
  {
    auto seq = in.sequence();
    p.realm = seq.field(0, "realm").general_string();
    PrincipalName name;
    auto f = seq.field(1, "principalName");
    codec::read(f, name);
    p.type = name.name_type;
    p.components = std::move(name.name_string);
  }
  return in.finish(std::move(p));
}

Bytes encode_krb5_principal_name(const Principal& p) {
  Writer w;
  write_krb5_principal_name(w, p);
  return w.take();
}

Bytes encode_kdf_other_info(BytesView kdf_oid, const Principal& client, const Principal& kdc, Enctype enctype,
                            BytesView as_req, BytesView pk_as_rep) {
  Writer supp;
  supp.sequence([&] {
    supp.field(0, [&] { supp.int32(static_cast<std::int32_t>(enctype)); });
    supp.field(1, [&] { supp.octet_string(as_req); });
    supp.field(2, [&] { supp.octet_string(pk_as_rep); });
  });
  Writer w;
  w.sequence([&] {
    w.sequence([&] { w.object_identifier(kdf_oid); });  // AlgorithmIdentifier, no parameters
    w.field(0, [&] { w.octet_string(encode_krb5_principal_name(client)); });
    w.field(1, [&] { w.octet_string(encode_krb5_principal_name(kdc)); });
    w.field(2, [&] { w.octet_string(supp.bytes()); });
  });
  return w.take();
}

}  // namespace krbkit
