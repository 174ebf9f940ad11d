// krbkit crypto vs raw OpenSSL.
//
// Encrypt/decrypt: for every enctype, krbkit's encrypt()+decrypt() of 64 B,
// 1 KiB and 64 KiB against a "ceiling": raw OpenSSL doing the primitive work
// a Kerberos message needs (one CBC pass and one MAC pass over the same bytes:
// AES-256-CBC + HMAC-SHA1 for aes256-sha1, AES-256-CBC + HMAC-SHA384 for
// aes256-sha2, Camellia-CBC + CMAC for camellia, RC4 + HMAC-MD5 for rc4), with
// algorithms fetched up front and buffers allocated once.
//
// String-to-key: krbkit's string_to_key() with the default iteration count
// against bare PBKDF2 (PKCS5_PBKDF2_HMAC) with the same digest, salt and
// iterations (MD4 over the UTF-16 password for rc4).
//
//   crypto_bench --benchmark_min_time=0.5
// Names: enc/<enctype>/<size>, ceil_enc/<enctype>/<size>, dec/..., ceil_dec/...,
//        s2k/<enctype>, s2k_pbkdf2/<enctype>.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <string>
#include <vector>

#include "krbkit/crypto/crypto.hpp"

using namespace krbkit;

namespace {

struct Ceiling {
  const char* cipher;
  const char* mac;    // "HMAC" or "CMAC"
  const char* param;  // digest (HMAC) or cipher (CMAC)
  bool legacy;        // RC4 lives in the legacy provider
};

Ceiling ceiling_for(Enctype e) {
  switch (e) {
    case Enctype::aes128_cts_hmac_sha1_96: return {"AES-128-CBC", "HMAC", "SHA1", false};
    case Enctype::aes256_cts_hmac_sha1_96: return {"AES-256-CBC", "HMAC", "SHA1", false};
    case Enctype::aes128_cts_hmac_sha256_128: return {"AES-128-CBC", "HMAC", "SHA256", false};
    case Enctype::aes256_cts_hmac_sha384_192: return {"AES-256-CBC", "HMAC", "SHA384", false};
    case Enctype::camellia128_cts_cmac: return {"CAMELLIA-128-CBC", "CMAC", "CAMELLIA-128-CBC", false};
    case Enctype::camellia256_cts_cmac: return {"CAMELLIA-256-CBC", "CMAC", "CAMELLIA-256-CBC", false};
    case Enctype::des3_cbc_sha1: return {"DES-EDE3-CBC", "HMAC", "SHA1", false};
    default: return {"RC4", "HMAC", "MD5", true};
  }
}

OSSL_LIB_CTX* legacy_ctx() {
  static OSSL_LIB_CTX* ctx = [] {
    OSSL_LIB_CTX* c = OSSL_LIB_CTX_new();
    OSSL_PROVIDER_load(c, "legacy");
    OSSL_PROVIDER_load(c, "default");
    return c;
  }();
  return ctx;
}

Bytes buffer(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i);
  return b;
}

void run_krbkit(benchmark::State& state, Enctype e, bool decrypt_too) {
  Key key = random_key(e);
  Bytes pt = buffer(static_cast<std::size_t>(state.range(0)));
  Bytes ct = encrypt(key, KeyUsage::kdc_rep_ticket, pt).value();
  for (auto _ : state) {
    if (decrypt_too) {
      auto out = decrypt(key, KeyUsage::kdc_rep_ticket, ct);
      benchmark::DoNotOptimize(out.ok());
    } else {
      auto out = encrypt(key, KeyUsage::kdc_rep_ticket, pt);
      benchmark::DoNotOptimize(out.ok());
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

// One cipher pass and one MAC pass over confounder-sized-plus-message bytes.
void run_ceiling(benchmark::State& state, Enctype e, bool decrypt) {
  Ceiling c = ceiling_for(e);
  OSSL_LIB_CTX* lib = c.legacy ? legacy_ctx() : nullptr;
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(lib, c.cipher, nullptr);
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, c.mac, nullptr);
  const std::size_t block = std::string(c.cipher) == "RC4" ? 8 : EVP_CIPHER_get_block_size(cipher);
  const std::size_t n = (static_cast<std::size_t>(state.range(0)) + 16 + block - 1) / block * block;
  Bytes in = buffer(n), out(n + 64), key(EVP_CIPHER_get_key_length(cipher), 0x42), mkey(key.size(), 0x24);
  std::uint8_t iv[16] = {};
  std::uint8_t tag[64];
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(std::string(c.mac) == "HMAC" ? "digest" : "cipher",
                                                          const_cast<char*>(c.param), 0),
                         OSSL_PARAM_construct_end()};
  for (auto _ : state) {
    EVP_CIPHER_CTX* cctx = EVP_CIPHER_CTX_new();
    EVP_CipherInit_ex2(cctx, cipher, key.data(), iv, decrypt ? 0 : 1, nullptr);
    EVP_CIPHER_CTX_set_padding(cctx, 0);
    int len = 0;
    EVP_CipherUpdate(cctx, out.data(), &len, in.data(), static_cast<int>(n));
    EVP_CIPHER_CTX_free(cctx);
    EVP_MAC_CTX* mctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_init(mctx, mkey.data(), mkey.size(), params);
    EVP_MAC_update(mctx, decrypt ? out.data() : in.data(), n);
    std::size_t tl = 0;
    EVP_MAC_final(mctx, tag, &tl, sizeof tag);
    EVP_MAC_CTX_free(mctx);
    benchmark::DoNotOptimize(tag);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  EVP_CIPHER_free(cipher);
  EVP_MAC_free(mac);
}

const char* kSalt = "EXAMPLE.COMuser";

void run_s2k(benchmark::State& state, Enctype e) {
  for (auto _ : state) {
    auto key = string_to_key(e, "correct horse battery staple", as_bytes(kSalt), {}, CryptoPolicy{true});
    benchmark::DoNotOptimize(key.ok());
  }
}

// Bare PBKDF2 with the digest, salt (RFC 8009/6803: enctype name | 0 | salt),
// iteration count and output length string-to-key uses.
void run_pbkdf2(benchmark::State& state, Enctype e) {
  const EnctypeInfo* info = enctype_info(e).value();
  std::string password = "correct horse battery staple";
  if (e == Enctype::rc4_hmac) {
    EVP_MD* md4 = EVP_MD_fetch(legacy_ctx(), "MD4", nullptr);
    std::string utf16;
    for (char ch : password) utf16 += {ch, '\0'};
    unsigned char out[16];
    for (auto _ : state) {
      EVP_Digest(utf16.data(), utf16.size(), out, nullptr, md4, nullptr);
      benchmark::DoNotOptimize(out);
    }
    EVP_MD_free(md4);
    return;
  }
  const EVP_MD* md = EVP_sha1();
  std::string salt = kSalt;
  if (e == Enctype::aes128_cts_hmac_sha256_128) md = EVP_sha256();
  if (e == Enctype::aes256_cts_hmac_sha384_192) md = EVP_sha384();
  if (e != Enctype::aes128_cts_hmac_sha1_96 && e != Enctype::aes256_cts_hmac_sha1_96)
    salt = std::string(info->name) + '\0' + salt;
  std::vector<unsigned char> out(info->key_bytes);
  for (auto _ : state) {
    PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                      reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                      static_cast<int>(info->default_iterations), md, static_cast<int>(out.size()),
                      out.data());
    benchmark::DoNotOptimize(out.data());
  }
}

const int kRegistered = [] {
  for (Enctype e : supported_enctypes()) {
    std::string name = enctype_name(e);
    if (e == Enctype::rc4_hmac_exp) continue;  // same cost as rc4-hmac
    for (bool dec : {false, true}) {
      const char* op = dec ? "dec/" : "enc/";
      benchmark::RegisterBenchmark((op + name).c_str(), run_krbkit, e, dec)->Arg(64)->Arg(1024)->Arg(65536);
      benchmark::RegisterBenchmark((std::string("ceil_") + op + name).c_str(), run_ceiling, e, dec)
          ->Arg(64)
          ->Arg(1024)
          ->Arg(65536);
    }
    benchmark::RegisterBenchmark(("s2k/" + name).c_str(), run_s2k, e)->Unit(benchmark::kMillisecond);
    if (e != Enctype::des3_cbc_sha1)
      benchmark::RegisterBenchmark(("s2k_pbkdf2/" + name).c_str(), run_pbkdf2, e)
          ->Unit(benchmark::kMillisecond);
  }
  return 0;
}();

}  // namespace

BENCHMARK_MAIN();
