// PKINIT's CMS through OpenSSL: the anonymous client's SignedData without
// signers (RFC 8062 4.1) and the KDC's signed reply, whose signer
// certificate is chained to pkinit_anchors (RFC 4556 3.2.4).

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <filesystem>

#include "crypto/pkinit_ossl.hpp"
#include "krbkit/crypto/pkinit.hpp"

namespace krbkit::pkinit {

using namespace ossl;

namespace {

constexpr std::string_view kOidPkinitSan = "1.3.6.1.5.2.2";
constexpr std::string_view kOidKpKdc = "1.3.6.1.5.2.3.5";

std::string oid_text(const ASN1_OBJECT* obj) {
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return n > 0 ? std::string(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1)) : "";
}

// "FILE:path" / "DIR:path" (MIT's names) to the files they hold.
Result<std::vector<std::string>> files_of(const std::string& location) {
  auto colon = location.find(':');
  std::string kind = colon == std::string::npos ? "FILE" : location.substr(0, colon);
  std::string path = colon == std::string::npos ? location : location.substr(colon + 1);
  std::error_code ec;
  if (kind == "FILE") {
    if (!std::filesystem::is_regular_file(path, ec))
      return Error{Errc::config, "PKINIT certificate file " + path + " does not exist"};
    return std::vector<std::string>{path};
  }
  if (kind != "DIR")
    return Error{Errc::config, "PKINIT location " + location + ": only FILE: and DIR: are known"};
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec))
    if (entry.is_regular_file()) out.push_back(entry.path().string());
  if (ec) return Error{Errc::config, "PKINIT certificate folder " + path + ": " + ec.message()};
  std::sort(out.begin(), out.end());
  return out;
}

// Every certificate and CRL of `locations` into the store (PEM files).
Result<int> load_into(X509_STORE* store, const std::vector<std::string>& locations) {
  int loaded = 0;
  for (const auto& location : locations) {
    KRBKIT_TRY(files, files_of(location));
    for (const auto& f : files)
      if (X509_STORE_load_file(store, f.c_str()) == 1) ++loaded;
    ERR_clear_error();
  }
  return loaded;
}

Result<void> load_pool(STACK_OF(X509) * untrusted, const std::vector<std::string>& locations) {
  for (const auto& location : locations) {
    KRBKIT_TRY(files, files_of(location));
    for (const auto& f : files) {
      BioPtr bio(BIO_new_file(f.c_str(), "r"));
      while (bio) {
        X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
        if (cert == nullptr) break;
        sk_X509_push(untrusted, cert);
      }
      ERR_clear_error();
    }
  }
  return success();
}

// Without a CRL for an issuer the chain is still good (MIT's client
// without pkinit_require_crl_checking); a CRL that revokes is not.
int ignore_missing_crl(int ok, X509_STORE_CTX* ctx) {
  if (ok == 0 && X509_STORE_CTX_get_error(ctx) == X509_V_ERR_UNABLE_TO_GET_CRL) return 1;
  return ok;
}

SignerCert describe(X509* cert) {
  SignerCert out;
  if (char* line = X509_NAME_oneline(X509_get_subject_name(cert), nullptr, 0)) {
    out.subject = line;
    OPENSSL_free(line);
  }
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type == GEN_DNS) {
      const ASN1_STRING* s = gn->d.dNSName;
      out.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                 static_cast<std::size_t>(ASN1_STRING_length(s)));
    } else if (gn->type == GEN_OTHERNAME && oid_text(gn->d.otherName->type_id) == kOidPkinitSan) {
      unsigned char* der = nullptr;
      int len = i2d_ASN1_TYPE(gn->d.otherName->value, &der);
      if (len > 0) out.pkinit_sans.emplace_back(der, der + len);
      OPENSSL_free(der);
    }
  }
  GENERAL_NAMES_free(names);
  auto* eku = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  for (int i = 0; eku != nullptr && i < sk_ASN1_OBJECT_num(eku); ++i) {
    const ASN1_OBJECT* obj = sk_ASN1_OBJECT_value(eku, i);
    if (oid_text(obj) == kOidKpKdc) out.eku_kdc = true;
    if (OBJ_obj2nid(obj) == NID_server_auth) out.eku_server_auth = true;
  }
  EXTENDED_KEY_USAGE_free(eku);
  return out;
}

// The signer's chain to an anchor (pool certificates and those in the
// SignedData as intermediates).
Result<void> verify_chain(X509* signer, STACK_OF(X509) * untrusted, const Trust& trust) {
  StorePtr store(X509_STORE_new());
  if (!store) return ossl_error(Errc::internal, "X509_STORE_new");
  KRBKIT_TRY(anchors, load_into(store.get(), trust.anchors));
  if (anchors == 0)
    return Error{Errc::pkinit_no_anchors, trust.anchors.empty()
                                              ? "pkinit_anchors is not set"
                                              : "no certificate could be read from pkinit_anchors"};
  KRBKIT_CHECK(load_pool(untrusted, trust.pool));
  if (!trust.revoke.empty()) {
    KRBKIT_CHECK(load_into(store.get(), trust.revoke));
    X509_STORE_set_flags(store.get(), X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
    X509_STORE_set_verify_cb(store.get(), ignore_missing_crl);
  }
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), signer, untrusted) != 1)
    return ossl_error(Errc::internal, "X509_STORE_CTX_init");
  if (trust.at) X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(*trust.at));
  if (X509_verify_cert(ctx.get()) == 1) return success();
  const int err = X509_STORE_CTX_get_error(ctx.get());
  const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  std::string why =
      std::string(X509_verify_cert_error_string(err)) + " (depth " + std::to_string(depth) + ")";
  ERR_clear_error();
  if (err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID)
    return Error{Errc::pkinit_cert_expired, why};
  return Error{Errc::pkinit_untrusted, why};
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
  unsigned char* der = nullptr;
  int len = i2d_CMS_ContentInfo(cms.get(), &der);
  if (len <= 0) return ossl_error(Errc::internal, "encoding the SignedData");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
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
  SignedContent result{{}, describe(signer)};
  auto chain = verify_chain(signer, untrusted, trust);
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
