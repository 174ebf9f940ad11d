// The least a krbkit tool can cost, for speed_rows.sh's floor-* rows: a
// program built as the tools are (PIE, RELR, static libstdc++) that parses
// its options with CLI11 (one --version flag) and does nothing else. With
// KRBKIT_FLOOR_OPENSSL it also links Debian's static libcrypto, as kinit,
// kvno, kpasswd, kadmin and ktutil do, and given "s2k" it does OpenSSL's
// share of a kinit with a password: load openssl.cnf and fetch what an
// aes256-cts-hmac-sha1-96 AS exchange uses, then the string-to-key's PBKDF2
// (HMAC-SHA1, 4096 iterations, 32 bytes). No KDC, no cache, no Kerberos.
#include <CLI/CLI.hpp>
#include <string>

#ifdef KRBKIT_FLOOR_OPENSSL
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

static int openssl_share_of_kinit() {
  EVP_KDF* pbkdf2 = EVP_KDF_fetch(nullptr, "PBKDF2", nullptr);
  EVP_KDF* krb5kdf = EVP_KDF_fetch(nullptr, "KRB5KDF", nullptr);
  EVP_CIPHER* cts = EVP_CIPHER_fetch(nullptr, "AES-256-CBC-CTS", nullptr);
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  if (!pbkdf2 || !krb5kdf || !cts || !hmac || !sha1) return 1;
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(pbkdf2);
  int iterations = 4096;
  char digest[] = "SHA1", password[] = "alice-pw-1", salt[] = "KRBKIT.TESTalice";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, password, 10),
                         OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt, 16),
                         OSSL_PARAM_construct_int(OSSL_KDF_PARAM_ITER, &iterations),
                         OSSL_PARAM_construct_end()};
  unsigned char key[32];
  const int ok = ctx != nullptr && EVP_KDF_derive(ctx, key, sizeof key, params) == 1;
  EVP_KDF_CTX_free(ctx);
  return ok ? 0 : 1;
}
#endif

int main(int argc, char** argv) {
  CLI::App app{"floor"};
  app.set_version_flag("--version", "floor 1");
  std::string work;
  app.add_option("work", work);
  CLI11_PARSE(app, argc, argv);
#ifdef KRBKIT_FLOOR_OPENSSL
  if (work == "s2k") return openssl_share_of_kinit();
#endif
  return work.empty() ? 0 : 2;
}
