#include "tls_context.hpp"

#include <dirent.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <cstdio>

#include "krbkit/base/environment.hpp"

namespace krbkit::net {
namespace {

// Adds every certificate of a PEM file to `store`; false when it has none.
bool load_anchor_file(X509_STORE* store, const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "re");
  if (file == nullptr) return false;
  STACK_OF(X509_INFO)* infos = PEM_X509_INFO_read(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  ERR_clear_error();  // a file that is no PEM leaves errors behind
  if (infos == nullptr) return false;
  bool any = false;
  for (int i = 0; i < sk_X509_INFO_num(infos); ++i) {
    X509_INFO* info = sk_X509_INFO_value(infos, i);
    if (info->x509 == nullptr) continue;
    X509_STORE_add_cert(store, info->x509);
    any = true;
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  return any;
}

// MIT reads every file of the directory, not OpenSSL's hashed names.
bool load_anchor_dir(X509_STORE* store, const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return false;
  bool any = false;
  while (const dirent* entry = ::readdir(dir))
    if (entry->d_name[0] != '.' && load_anchor_file(store, path + "/" + entry->d_name)) any = true;
  ::closedir(dir);
  return any;
}

Result<void> load_anchor(X509_STORE* store, const std::string& anchor, bool from_env = false) {
  bool loaded = false;
  if (anchor.rfind("FILE:", 0) == 0) {
    loaded = load_anchor_file(store, anchor.substr(5));
  } else if (anchor.rfind("DIR:", 0) == 0) {
    loaded = load_anchor_dir(store, anchor.substr(4));
  } else if (anchor.rfind("ENV:", 0) == 0 && !from_env) {
    auto value = Environment::named(anchor.substr(4));
    if (!value) return Error{Errc::config, fmt::format("http_anchors {}: the variable is not set", anchor)};
    return load_anchor(store, *value, true);
  } else {
    return Error{Errc::config, fmt::format("http_anchors '{}': not FILE:, DIR: or ENV:", anchor)};
  }
  if (!loaded) return Error{Errc::config, fmt::format("http_anchors {}: no certificate found there", anchor)};
  return success();
}

}  // namespace

std::string openssl_reason() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "TLS failure";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : fmt::format("OpenSSL error {:#x}", code);
}

Result<SslCtxPtr> make_tls_context(const std::vector<std::string>& anchors) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return Error{Errc::io, openssl_reason()};
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // As MIT's k5tls: a KDC reply is length-delimited, so a missing close_notify
  // cannot truncate it unnoticed (and gunicorn closes without one).
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (anchors.empty()) {
    SSL_CTX_set_default_verify_paths(ctx.get());
  } else {
    for (const auto& anchor : anchors) KRBKIT_CHECK(load_anchor(SSL_CTX_get_cert_store(ctx.get()), anchor));
  }
  return ctx;
}

std::string refused_certificate_reason(long verify_result, const std::string& host) {
  const std::string openssl = X509_verify_cert_error_string(verify_result);
  switch (verify_result) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return fmt::format("untrusted CA ({})", openssl);
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: return fmt::format("certificate is not for {} ({})", host, openssl);
    case X509_V_ERR_CERT_HAS_EXPIRED: return fmt::format("certificate expired ({})", openssl);
    case X509_V_ERR_CERT_NOT_YET_VALID: return fmt::format("certificate not yet valid ({})", openssl);
    default: return openssl;
  }
}

}  // namespace krbkit::net
