#include "crypto/ossl.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "krbkit/base/secret.hpp"

namespace krbkit::crypto_detail {
namespace {

constexpr std::array<const char*, static_cast<std::size_t>(Md::count)> kMdNames{"SHA1", "SHA256", "SHA384",
                                                                                "MD5", "MD4"};
constexpr std::array<const char*, static_cast<std::size_t>(Cipher::count)> kCipherNames{
    "AES-128-CBC-CTS", "AES-256-CBC-CTS",  "CAMELLIA-128-CBC-CTS", "CAMELLIA-256-CBC-CTS", "AES-128-CBC",
    "AES-256-CBC",     "CAMELLIA-128-CBC", "CAMELLIA-256-CBC",     "DES-EDE3-CBC",         "RC4"};

bool is_legacy(Md md) { return md == Md::md4; }
bool is_legacy(Cipher c) { return c == Cipher::rc4; }
bool is_cts(Cipher c) { return c <= Cipher::camellia256_cts; }

std::string openssl_error(std::string_view what) {
  std::string msg{what};
  unsigned long code = ERR_get_error();
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    msg += ": ";
    msg += buf;
  }
  ERR_clear_error();
  return msg;
}

// Each algorithm is fetched on its first use and kept for the life of the
// process (never freed). Fetching all of them up front cost a kinit more than
// the work itself: the legacy provider alone dlopen()s a second libcrypto.
template <typename T>
struct Slot {
  std::once_flag once;
  T* value = nullptr;
};

template <typename T, typename Make>
T* get(Slot<T>& slot, Make&& make) {
  std::call_once(slot.once, [&] { slot.value = make(); });
  return slot.value;
}

struct Algorithms {
  std::once_flag legacy_once;
  OSSL_LIB_CTX* legacy_ctx = nullptr;
  std::string legacy_error;
  std::array<Slot<EVP_MD>, static_cast<std::size_t>(Md::count)> mds;
  std::array<Slot<EVP_CIPHER>, static_cast<std::size_t>(Cipher::count)> ciphers;
  Slot<EVP_MAC> hmac, cmac;
  Slot<EVP_KDF> pbkdf2, krb5kdf, kbkdf;
  // MAC contexts with the digest/cipher already set; each call dups one and
  // sets the key, so no call looks an algorithm up by name.
  std::array<Slot<EVP_MAC_CTX>, static_cast<std::size_t>(Md::count)> hmac_templates;
  std::array<Slot<EVP_MAC_CTX>, static_cast<std::size_t>(Cipher::count)> cmac_templates;

  // A private library context for RC4 and MD4: the legacy provider (plus the
  // default one, which the legacy algorithms' HMAC etc. do not need but
  // property queries expect) is loaded only there, and only when one of them
  // is first used.
  OSSL_LIB_CTX* legacy() {
    std::call_once(legacy_once, [this] {
      OSSL_LIB_CTX* ctx = OSSL_LIB_CTX_new();
      if (ctx == nullptr || OSSL_PROVIDER_load(ctx, "legacy") == nullptr ||
          OSSL_PROVIDER_load(ctx, "default") == nullptr) {
        legacy_error = openssl_error("OpenSSL legacy provider not available");
        OSSL_LIB_CTX_free(ctx);
        return;
      }
      legacy_ctx = ctx;
    });
    return legacy_ctx;
  }

  // Fetches `name` into `slot` once; a legacy algorithm from the private context.
  template <typename T, typename Fetch>
  T* fetch(Slot<T>& slot, Fetch fetch_fn, const char* name, bool in_legacy = false) {
    return get(slot, [&]() -> T* {
      OSSL_LIB_CTX* ctx = nullptr;
      if (in_legacy && (ctx = legacy()) == nullptr) return nullptr;
      T* out = fetch_fn(ctx, name, nullptr);
      ERR_clear_error();
      return out;
    });
  }
  EVP_MD* md(Md m) {
    const auto i = static_cast<std::size_t>(m);
    return fetch(mds[i], EVP_MD_fetch, kMdNames[i], is_legacy(m));
  }
  EVP_CIPHER* cipher(Cipher c) {
    const auto i = static_cast<std::size_t>(c);
    return fetch(ciphers[i], EVP_CIPHER_fetch, kCipherNames[i], is_legacy(c));
  }
  EVP_MAC* hmac_mac() { return fetch(hmac, EVP_MAC_fetch, "HMAC"); }
  EVP_MAC* cmac_mac() { return fetch(cmac, EVP_MAC_fetch, "CMAC"); }
  EVP_KDF* pbkdf2_kdf() { return fetch(pbkdf2, EVP_KDF_fetch, "PBKDF2"); }
  EVP_KDF* krb5kdf_kdf() { return fetch(krb5kdf, EVP_KDF_fetch, "KRB5KDF"); }
  EVP_KDF* kbkdf_kdf() { return fetch(kbkdf, EVP_KDF_fetch, "KBKDF"); }

  EVP_MAC_CTX* hmac_template(Md m) {
    return get(hmac_templates[static_cast<std::size_t>(m)], [&]() -> EVP_MAC_CTX* {
      EVP_MAC* mac = hmac_mac();
      if (mac == nullptr || is_legacy(m)) return nullptr;
      EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
      OSSL_PARAM params[] = {
          OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                           const_cast<char*>(kMdNames[static_cast<std::size_t>(m)]), 0),
          OSSL_PARAM_construct_end()};
      if (ctx == nullptr || EVP_MAC_CTX_set_params(ctx, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        ctx = nullptr;
      }
      ERR_clear_error();
      return ctx;
    });
  }

  // Only for the CBC ciphers CMAC is used with (AES, Camellia).
  EVP_MAC_CTX* cmac_template(Cipher c) {
    return get(cmac_templates[static_cast<std::size_t>(c)], [&]() -> EVP_MAC_CTX* {
      EVP_MAC* mac = cmac_mac();
      const EVP_CIPHER* ciph = cipher(c);
      if (mac == nullptr || ciph == nullptr) return nullptr;
      EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
      OSSL_PARAM params[] = {
          OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
                                           const_cast<char*>(kCipherNames[static_cast<std::size_t>(c)]), 0),
          OSSL_PARAM_construct_end()};
      // OpenSSL cannot duplicate a CMAC context that has no key yet, so the
      // template is keyed with zeros; each use re-keys its copy.
      static const unsigned char zero_key[32] = {};
      auto key_len = static_cast<std::size_t>(EVP_CIPHER_get_key_length(ciph));
      if (ctx == nullptr || EVP_MAC_CTX_set_params(ctx, params) != 1 ||
          EVP_MAC_init(ctx, zero_key, key_len, nullptr) != 1) {
        EVP_MAC_CTX_free(ctx);
        ctx = nullptr;
      }
      ERR_clear_error();
      return ctx;
    });
  }
};

Algorithms& algs() {
  static Algorithms instance;
  return instance;
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};
struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;
using KdfCtx = std::unique_ptr<EVP_KDF_CTX, KdfCtxFree>;

Error missing(std::string_view name) {
  std::string detail = "OpenSSL algorithm ";
  detail += name;
  detail += " not available";
  if ((name == "RC4" || name == "MD4") && !algs().legacy_error.empty())
    detail += " (" + algs().legacy_error + ")";
  return Error{Errc::unsupported_enctype, detail};
}

Result<void> mac_run(EVP_MAC_CTX* tmpl, std::string_view name, BytesView key,
                     std::initializer_list<BytesView> parts, std::uint8_t* out) {
  if (tmpl == nullptr) return missing(name);
  MacCtx ctx{EVP_MAC_CTX_dup(tmpl)};
  if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), nullptr) != 1)
    return Error{Errc::internal, openssl_error(std::string(name) + " init failed")};
  for (BytesView p : parts) {
    if (!p.empty() && EVP_MAC_update(ctx.get(), p.data(), p.size()) != 1)
      return Error{Errc::internal, openssl_error(std::string(name) + " update failed")};
  }
  std::size_t n = 0;
  if (EVP_MAC_final(ctx.get(), out, &n, EVP_MAX_MD_SIZE) != 1)
    return Error{Errc::internal, openssl_error(std::string(name) + " final failed")};
  return success();
}

Result<void> kdf_run(EVP_KDF* kdf, std::string_view name, OSSL_PARAM* params, std::uint8_t* out,
                     std::size_t len) {
  if (kdf == nullptr) return missing(name);
  KdfCtx ctx{EVP_KDF_CTX_new(kdf)};
  if (!ctx || EVP_KDF_derive(ctx.get(), out, len, params) != 1)
    return Error{Errc::internal, openssl_error(std::string(name) + " derivation failed")};
  return success();
}

OSSL_PARAM octets(const char* key, BytesView v) {
  // OpenSSL wants a non-null pointer even for empty strings.
  static const std::uint8_t empty = 0;
  return OSSL_PARAM_construct_octet_string(key, const_cast<std::uint8_t*>(v.empty() ? &empty : v.data()),
                                           v.size());
}
OSSL_PARAM utf8(const char* key, const char* value) {
  return OSSL_PARAM_construct_utf8_string(key, const_cast<char*>(value), 0);
}

}  // namespace

std::string_view md_name(Md md) { return kMdNames[static_cast<std::size_t>(md)]; }
std::string_view cipher_name(Cipher c) { return kCipherNames[static_cast<std::size_t>(c)]; }
bool available(Cipher c) { return algs().cipher(c) != nullptr; }
const std::string& legacy_provider_error() {
  algs().legacy();
  return algs().legacy_error;
}

std::size_t md_size(Md md) {
  switch (md) {
    case Md::sha1: return 20;
    case Md::sha256: return 32;
    case Md::sha384: return 48;
    case Md::md5:
    case Md::md4: return 16;
    case Md::count: break;
  }
  return 0;
}

Result<void> run_cipher(Cipher c, bool encrypt, BytesView key, const std::uint8_t* iv, const std::uint8_t* in,
                        std::size_t len, std::uint8_t* out) {
  const EVP_CIPHER* cipher = algs().cipher(c);
  if (cipher == nullptr) return missing(cipher_name(c));
  if (static_cast<int>(key.size()) != EVP_CIPHER_get_key_length(cipher))
    return Error{Errc::invalid_argument, std::string(cipher_name(c)) + ": wrong key length"};
  static const std::uint8_t zero_iv[EVP_MAX_IV_LENGTH] = {};
  CipherCtx ctx{EVP_CIPHER_CTX_new()};
  OSSL_PARAM cts[] = {utf8(OSSL_CIPHER_PARAM_CTS_MODE, OSSL_CIPHER_CTS_MODE_CS3), OSSL_PARAM_construct_end()};
  if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher, key.data(), iv != nullptr ? iv : zero_iv, encrypt ? 1 : 0,
                                 is_cts(c) ? cts : nullptr) != 1)
    return Error{Errc::internal, openssl_error(std::string(cipher_name(c)) + " init failed")};
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  if (len == 0) return success();
  int n = 0;
  if (EVP_CipherUpdate(ctx.get(), out, &n, in, static_cast<int>(len)) != 1 ||
      static_cast<std::size_t>(n) != len)
    return Error{Errc::internal, openssl_error(std::string(cipher_name(c)) + " failed")};
  return success();
}

Result<void> run_cipher_split(Cipher c, bool encrypt, BytesView key, BytesView in1, std::uint8_t* out1,
                              BytesView in2, std::uint8_t* out2) {
  if (c == Cipher::rc4) {
    const EVP_CIPHER* cipher = algs().cipher(c);
    if (cipher == nullptr) return missing(cipher_name(c));
    CipherCtx ctx{EVP_CIPHER_CTX_new()};
    int n1 = 0, n2 = 0;
    if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher, key.data(), nullptr, encrypt ? 1 : 0, nullptr) != 1 ||
        EVP_CipherUpdate(ctx.get(), out1, &n1, in1.data(), static_cast<int>(in1.size())) != 1 ||
        (!in2.empty() &&
         EVP_CipherUpdate(ctx.get(), out2, &n2, in2.data(), static_cast<int>(in2.size())) != 1))
      return Error{Errc::internal, openssl_error("RC4 failed")};
    return success();
  }
  const std::size_t block = in1.size();
  if (is_cts(c) && in2.size() <= block) {
    // Stealing reaches into the first block: run over a joined copy.
    std::uint8_t joined[32], result[32];
    std::copy(in1.begin(), in1.end(), joined);
    std::copy(in2.begin(), in2.end(), joined + block);
    KRBKIT_CHECK(run_cipher(c, encrypt, key, nullptr, joined, block + in2.size(), result));
    std::copy(result, result + block, out1);
    std::copy(result + block, result + block + in2.size(), out2);
    secure_wipe(joined, sizeof joined);
    secure_wipe(result, sizeof result);
    return success();
  }
  // The first block alone is plain CBC with a zero IV; the rest continues
  // the chain from the first ciphertext block.
  const Cipher cbc = is_cts(c) ? static_cast<Cipher>(static_cast<int>(c) + 4) : c;
  KRBKIT_CHECK(run_cipher(cbc, encrypt, key, nullptr, in1.data(), block, out1));
  const std::uint8_t* chain = encrypt ? out1 : in1.data();
  return run_cipher(c, encrypt, key, chain, in2.data(), in2.size(), out2);
}

Result<void> hmac(Md md, BytesView key, std::initializer_list<BytesView> parts, std::uint8_t* out) {
  return mac_run(algs().hmac_template(md), md_name(md), key, parts, out);
}

Result<void> cmac(Cipher cbc, BytesView key, std::initializer_list<BytesView> parts, std::uint8_t* out) {
  return mac_run(algs().cmac_template(cbc), cipher_name(cbc), key, parts, out);
}

Result<void> digest(Md md, std::initializer_list<BytesView> parts, std::uint8_t* out) {
  const EVP_MD* m = algs().md(md);
  if (m == nullptr) return missing(md_name(md));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestInit_ex2(ctx, m, nullptr) == 1;
  for (BytesView p : parts) ok = ok && EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(ctx, out, nullptr) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return Error{Errc::internal, openssl_error(std::string(md_name(md)) + " digest failed")};
  return success();
}

Result<void> pbkdf2(Md md, BytesView password, BytesView salt, std::uint32_t iterations, std::uint8_t* out,
                    std::size_t len) {
  int pkcs5 = 1;  // no SP 800-132 lower bounds: Kerberos salts and counts are what they are
  unsigned int iter = iterations;
  OSSL_PARAM params[] = {octets(OSSL_KDF_PARAM_PASSWORD, password),
                         octets(OSSL_KDF_PARAM_SALT, salt),
                         OSSL_PARAM_construct_uint(OSSL_KDF_PARAM_ITER, &iter),
                         utf8(OSSL_KDF_PARAM_DIGEST, kMdNames[static_cast<std::size_t>(md)]),
                         OSSL_PARAM_construct_int(OSSL_KDF_PARAM_PKCS5, &pkcs5),
                         OSSL_PARAM_construct_end()};
  return kdf_run(algs().pbkdf2_kdf(), "PBKDF2", params, out, len);
}

Result<void> krb5kdf(Cipher cbc, BytesView key, BytesView constant, std::uint8_t* out, std::size_t len) {
  OSSL_PARAM params[] = {utf8(OSSL_KDF_PARAM_CIPHER, kCipherNames[static_cast<std::size_t>(cbc)]),
                         octets(OSSL_KDF_PARAM_KEY, key), octets(OSSL_KDF_PARAM_CONSTANT, constant),
                         OSSL_PARAM_construct_end()};
  return kdf_run(algs().krb5kdf_kdf(), "KRB5KDF", params, out, len);
}

Result<void> kbkdf_hmac(Md md, BytesView key, BytesView label, BytesView context, std::uint8_t* out,
                        std::size_t len) {
  OSSL_PARAM params[] = {utf8(OSSL_KDF_PARAM_MODE, "counter"),
                         utf8(OSSL_KDF_PARAM_MAC, "HMAC"),
                         utf8(OSSL_KDF_PARAM_DIGEST, kMdNames[static_cast<std::size_t>(md)]),
                         octets(OSSL_KDF_PARAM_KEY, key),
                         octets(OSSL_KDF_PARAM_SALT, label),
                         octets(OSSL_KDF_PARAM_INFO, context),
                         OSSL_PARAM_construct_end()};
  return kdf_run(algs().kbkdf_kdf(), "KBKDF", params, out, len);
}

Result<void> kbkdf_cmac_feedback(Cipher cbc, BytesView key, BytesView label, std::uint8_t* out,
                                 std::size_t len) {
  static const std::uint8_t zero_iv[16] = {};
  OSSL_PARAM params[] = {utf8(OSSL_KDF_PARAM_MODE, "feedback"),
                         utf8(OSSL_KDF_PARAM_MAC, "CMAC"),
                         utf8(OSSL_KDF_PARAM_CIPHER, kCipherNames[static_cast<std::size_t>(cbc)]),
                         octets(OSSL_KDF_PARAM_KEY, key),
                         octets(OSSL_KDF_PARAM_SALT, label),
                         octets(OSSL_KDF_PARAM_SEED, BytesView{zero_iv, sizeof zero_iv}),
                         OSSL_PARAM_construct_end()};
  return kdf_run(algs().kbkdf_kdf(), "KBKDF", params, out, len);
}

std::atomic<bool> random_fails{false};

// The kernel's CSPRNG, as MIT's default "os" PRNG uses: OpenSSL's
// RAND_bytes() would first set up its DRBG (fetching AES-256-CTR and
// seeding), which costs a short-lived tool more than all its own crypto.
Result<void> random_bytes(std::uint8_t* out, std::size_t len) {
  while (len > 0) {
    ssize_t n = random_fails ? (errno = EIO, -1) : ::getrandom(out, len, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      secure_wipe(out, len);
      return Error{Errc::internal,
                   std::string("the system's random number generator failed: ") + std::strerror(e)};
    }
    out += n;
    len -= static_cast<std::size_t>(n);
  }
  return success();
}

bool equal_ct(BytesView a, BytesView b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace krbkit::crypto_detail
