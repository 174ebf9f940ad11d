// PKINIT's CMS through OpenSSL: the anonymous client's SignedData without
// signers (RFC 8062 4.1), the client's AuthPack signed with its key
// (RFC 4556 3.2.1), and the KDC's signed reply, whose signer certificate is
// chained to pkinit_anchors (RFC 4556 3.2.4).

#include "crypto/pkinit_ossl.hpp"
#include "krbkit/crypto/pkinit.hpp"

namespace krbkit::pkinit {

using namespace ossl;

namespace {

Result<Bytes> to_der(CMS_ContentInfo* cms) {
  unsigned char* der = nullptr;
  int len = i2d_CMS_ContentInfo(cms, &der);
  if (len <= 0) return ossl_error(Errc::internal, "encoding the SignedData");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

// The certificates to send with the signature: the chain without its anchor
// (as MIT's cms_signeddata_create), and a PKCS#12 file's others.
Result<CertsPtr> certs_to_send(const ClientIdentity& id, const Trust& trust) {
  const auto& impl = id.impl();
  auto chain = verify_chain(impl.cert.get(), impl.extra.get(), trust, Errc::pkinit_client_cert);
  if (!chain) {
    Error e = std::move(chain).error();
    e.detail = "own certificate " + id.certificate().subject + " (" + id.name() + "): " + e.detail;
    return e;
  }
  CertsPtr out(sk_X509_new_null());
  const int n = sk_X509_num(chain->get());
  for (int i = 1; out && i + 1 < n; ++i) {
    X509* c = sk_X509_value(chain->get(), i);
    if (X509_up_ref(c) == 1) sk_X509_push(out.get(), c);
  }
  if (!out) return ossl_error(Errc::internal, "sk_X509_new_null");
  return out;
}

}  // namespace

Result<Bytes> unsigned_signed_data(BytesView content, std::string_view content_type) {
  // CMS_final refuses a SignedData without signers, so the content goes
  // into the eContent OpenSSL made for it directly.
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP));
  ASN1_OBJECT* type = OBJ_txt2obj(std::string(content_type).c_str(), 1);
  bool ok = cms && type != nullptr && CMS_set1_eContentType(cms.get(), type) == 1;
  ASN1_OBJECT_free(type);
  ASN1_OCTET_STRING** econtent = ok ? CMS_get0_content(cms.get()) : nullptr;
  if (econtent != nullptr && *econtent == nullptr) *econtent = ASN1_OCTET_STRING_new();
  ok = econtent != nullptr && *econtent != nullptr &&
       ASN1_OCTET_STRING_set(*econtent, content.data(), static_cast<int>(content.size())) == 1;
  if (!ok) return ossl_error(Errc::internal, "making the SignedData");
  return to_der(cms.get());
}

Result<Bytes> signed_data(BytesView content, std::string_view content_type, const ClientIdentity& id,
                          const Trust& trust) {
  KRBKIT_TRY(certs, certs_to_send(id, trust));
  const auto& impl = id.impl();
  constexpr unsigned kFlags = CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
  CmsPtr cms(CMS_sign(nullptr, nullptr, certs.get(), nullptr, kFlags));
  ASN1_OBJECT* type = OBJ_txt2obj(std::string(content_type).c_str(), 1);
  bool ok = cms && type != nullptr && CMS_set1_eContentType(cms.get(), type) == 1 &&
            CMS_add1_signer(cms.get(), impl.cert.get(), impl.key.get(), EVP_sha256(), kFlags) != nullptr;
  ASN1_OBJECT_free(type);
  if (!ok) return ossl_error(Errc::internal, "signing the AuthPack with " + id.name());
  BioPtr in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  if (!in || CMS_final(cms.get(), in.get(), nullptr, CMS_BINARY) != 1)
    return ossl_error(Errc::internal, "signing the AuthPack with " + id.name());
  return to_der(cms.get());
}

Result<SignedContent> verify_signed_data(BytesView content_info, std::string_view content_type,
                                         const Trust& trust) {
  const unsigned char* p = content_info.data();
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(content_info.size())));
  if (!cms || p != content_info.data() + content_info.size() ||
      OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed)
    return ossl_error(Errc::parse, "the KDC's reply is not a CMS SignedData");
  if (oid_text(CMS_get0_eContentType(cms.get())) != content_type)
    return Error{Errc::parse, "the KDC's SignedData holds " + oid_text(CMS_get0_eContentType(cms.get())) +
                                  ", not " + std::string(content_type)};
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || CMS_verify(cms.get(), nullptr, nullptr, nullptr, out.get(),
                         CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1)
    return ossl_error(Errc::pkinit_untrusted, "the KDC's signature does not verify");
  STACK_OF(X509)* signers = CMS_get0_signers(cms.get());
  const int count = signers != nullptr ? sk_X509_num(signers) : 0;
  X509* signer = count == 1 ? sk_X509_value(signers, 0) : nullptr;
  if (signer == nullptr) {
    sk_X509_free(signers);
    return Error{Errc::pkinit_untrusted,
                 "the KDC's SignedData has " + std::to_string(count) + " signers, not one"};
  }
  STACK_OF(X509)* untrusted = CMS_get1_certs(cms.get());
  if (untrusted == nullptr) untrusted = sk_X509_new_null();
  SignedContent result{{}, describe_cert(signer)};
  auto chain = verify_chain(signer, untrusted, trust, Errc::pkinit_untrusted);
  sk_X509_pop_free(untrusted, X509_free);
  sk_X509_free(signers);
  if (!chain) {
    Error e = std::move(chain).error();
    e.detail = "KDC certificate " + result.signer.subject + ": " + e.detail;
    return e;
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(out.get(), &data);
  result.content.assign(reinterpret_cast<std::uint8_t*>(data), reinterpret_cast<std::uint8_t*>(data) + len);
  return result;
}

}  // namespace krbkit::pkinit
