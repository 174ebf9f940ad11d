// PKINIT's certificates through OpenSSL: the FILE:/DIR: locations of
// krb5.conf, what a certificate names (id-pkinit-san, dNSName, key usages),
// and a certificate's chain to pkinit_anchors (RFC 4556 3.2.4) — the KDC's
// and the client's own alike.

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <filesystem>

#include "crypto/pkinit_ossl.hpp"

namespace krbkit::pkinit::ossl {

namespace {

constexpr std::string_view kOidPkinitSan = "1.3.6.1.5.2.2";
constexpr std::string_view kOidKpKdc = "1.3.6.1.5.2.3.5";

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

Result<StorePtr> anchor_store(const Trust& trust) {
  StorePtr store(X509_STORE_new());
  if (!store) return ossl_error(Errc::internal, "X509_STORE_new");
  KRBKIT_TRY(anchors, load_into(store.get(), trust.anchors));
  if (anchors == 0)
    return Error{Errc::pkinit_no_anchors, trust.anchors.empty()
                                              ? "pkinit_anchors is not set"
                                              : "no certificate could be read from pkinit_anchors"};
  if (!trust.revoke.empty()) {
    KRBKIT_CHECK(load_into(store.get(), trust.revoke));
    X509_STORE_set_flags(store.get(), X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
    X509_STORE_set_verify_cb(store.get(), ignore_missing_crl);
  }
  return store;
}

}  // namespace

std::string oid_text(const ASN1_OBJECT* obj) {
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return n > 0 ? std::string(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1)) : "";
}

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

SignerCert describe_cert(X509* cert) {
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

Result<CertsPtr> verify_chain(X509* cert, STACK_OF(X509) * untrusted, const Trust& trust,
                              Errc untrusted_code) {
  KRBKIT_TRY(store, anchor_store(trust));
  CertsPtr pool(sk_X509_new_null());
  if (!pool) return ossl_error(Errc::internal, "sk_X509_new_null");
  for (int i = 0; untrusted != nullptr && i < sk_X509_num(untrusted); ++i) {
    X509* c = sk_X509_value(untrusted, i);
    if (X509_up_ref(c) == 1) sk_X509_push(pool.get(), c);
  }
  KRBKIT_CHECK(load_pool(pool.get(), trust.pool));
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), cert, pool.get()) != 1)
    return ossl_error(Errc::internal, "X509_STORE_CTX_init");
  if (trust.at) X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(*trust.at));
  if (X509_verify_cert(ctx.get()) == 1) return CertsPtr(X509_STORE_CTX_get1_chain(ctx.get()));
  const int err = X509_STORE_CTX_get_error(ctx.get());
  const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  std::string why =
      std::string(X509_verify_cert_error_string(err)) + " (depth " + std::to_string(depth) + ")";
  ERR_clear_error();
  if (err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID)
    return Error{Errc::pkinit_cert_expired, why};
  return Error{untrusted_code, why};
}

}  // namespace krbkit::pkinit::ossl
