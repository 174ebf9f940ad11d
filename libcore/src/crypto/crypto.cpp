// The public RFC 3961 operations: look the enctype up, hand over to its profile.
#include "krbkit/crypto/crypto.hpp"

#include <algorithm>
#include <string>

#include "crypto/profile.hpp"

namespace krbkit {

using crypto_detail::Profile;

namespace {

Result<const EnctypeInfo*> key_info(const Key& key) {
  KRBKIT_TRY(info, enctype_info(key.enctype));
  if (key.bytes.size() != info->key_bytes)
    return Error{Errc::invalid_argument, std::string(info->name) + " key must be " +
                                             std::to_string(info->key_bytes) + " bytes, not " +
                                             std::to_string(key.bytes.size())};
  return info;
}

// RFC 3961 section 6.1.3 CRC-32 as Kerberos uses it: reflected polynomial
// 0xEDB88320, initial value 0, no final complement, sent little-endian.
Bytes crc32(BytesView data) {
  std::uint32_t c = 0;
  for (std::uint8_t b : data) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return {static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(c >> 8), static_cast<std::uint8_t>(c >> 16),
          static_cast<std::uint8_t>(c >> 24)};
}

Result<Bytes> unkeyed(crypto_detail::Md md, BytesView data) {
  Bytes out(crypto_detail::md_size(md));
  KRBKIT_CHECK(crypto_detail::digest(md, {data}, out.data()));
  return out;
}

}  // namespace

Result<Key> string_to_key(Enctype e, std::string_view password, BytesView salt, BytesView s2kparams,
                          CryptoPolicy policy) {
  KRBKIT_TRY(info, enctype_info(e, policy));
  KRBKIT_TRY(profile, crypto_detail::find_profile(*info));
  return profile->string_to_key(*info, password, salt, s2kparams);
}

Key random_key(Enctype e) {
  auto key = random_key(e, CryptoPolicy{true});
  return key.ok() ? std::move(key).value() : Key{};
}

Result<Key> random_key(Enctype e, CryptoPolicy policy) {
  KRBKIT_TRY(info, enctype_info(e, policy));
  SecretBytes seed(info->seed_bytes);
  KRBKIT_CHECK(crypto_detail::random_bytes(seed.data(), seed.size()));
  KRBKIT_TRY(profile, crypto_detail::find_profile(*info));
  return profile->random_to_key(*info, seed.view());
}

Result<void> random_fill(std::uint8_t* out, std::size_t len) { return crypto_detail::random_bytes(out, len); }

Result<std::uint32_t> random_u32() {
  std::uint8_t b[4];
  KRBKIT_CHECK(crypto_detail::random_bytes(b, sizeof b));
  return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
}

void simulate_random_failure(bool on) { crypto_detail::random_fails = on; }

Result<Key> random_to_key(Enctype e, BytesView seed, CryptoPolicy policy) {
  KRBKIT_TRY(info, enctype_info(e, policy));
  KRBKIT_TRY(profile, crypto_detail::find_profile(*info));
  return profile->random_to_key(*info, seed);
}

Result<Bytes> encrypt(const Key& key, KeyUsage usage, BytesView plaintext) {
  KRBKIT_TRY(info, key_info(key));
  std::uint8_t confounder[16];
  KRBKIT_CHECK(crypto_detail::random_bytes(confounder, info->confounder_bytes));
  KRBKIT_TRY(profile, crypto_detail::find_profile(*info));
  return profile->encrypt(*info, key, usage, {confounder, info->confounder_bytes}, plaintext);
}

Result<Bytes> encrypt_with_confounder(const Key& key, KeyUsage usage, BytesView confounder,
                                      BytesView plaintext) {
  KRBKIT_TRY(info, key_info(key));
  if (confounder.size() != info->confounder_bytes)
    return Error{Errc::invalid_argument, std::string(info->name) + ": confounder must be " +
                                             std::to_string(info->confounder_bytes) + " bytes"};
  KRBKIT_TRY(profile, crypto_detail::find_profile(*info));
  return profile->encrypt(*info, key, usage, confounder, plaintext);
}

Result<SecretBytes> decrypt(const Key& key, KeyUsage usage, BytesView ciphertext) {
  KRBKIT_TRY(info, key_info(key));
  KRBKIT_TRY(profile, crypto_detail::find_profile(*info));
  return profile->decrypt(*info, key, usage, ciphertext);
}

Result<std::size_t> ciphertext_size(Enctype e, std::size_t plaintext_size) {
  KRBKIT_TRY(info, enctype_info(e));
  KRBKIT_TRY(profile, crypto_detail::find_profile(*info));
  return profile->ciphertext_size(*info, plaintext_size);
}

Result<Bytes> make_checksum(Cksumtype c, const Key* key, KeyUsage usage, BytesView data) {
  KRBKIT_TRY(ck, cksumtype_info(c));
  if (!ck->keyed) {
    switch (c) {
      case Cksumtype::crc32: return crc32(data);
      case Cksumtype::rsa_md4: return unkeyed(crypto_detail::Md::md4, data);
      case Cksumtype::rsa_md5: return unkeyed(crypto_detail::Md::md5, data);
      case Cksumtype::sha1: return unkeyed(crypto_detail::Md::sha1, data);
      default: break;
    }
    return Error{Errc::internal, cksumtype_name(c)};
  }
  if (key == nullptr) return Error{Errc::invalid_argument, std::string(ck->name) + " needs a key"};
  if (c == Cksumtype::hmac_md5_rc4)
    return crypto_detail::rc4_hmac_md5_checksum(key->bytes.view(), usage, data);
  if (c == Cksumtype::md5_hmac_rc4)
    return crypto_detail::rc4_md5_hmac_checksum(key->bytes.view(), usage, data);
  if (key->enctype != ck->enctype)
    return Error{Errc::invalid_argument, std::string(ck->name) + " needs a " + enctype_name(ck->enctype) +
                                             " key, not " + enctype_name(key->enctype)};
  KRBKIT_TRY(info, key_info(*key));
  KRBKIT_TRY(profile, crypto_detail::find_profile(*info));
  return profile->checksum(*info, *key, usage, data);
}

Result<void> verify_checksum(Cksumtype c, const Key* key, KeyUsage usage, BytesView data,
                             BytesView checksum) {
  // A caller that holds a key wants proof of it: an unkeyed checksum (which
  // anyone can recompute over altered data) is never that proof.
  if (key != nullptr) {
    auto ck = cksumtype_info(c);
    if (!ck || !(*ck)->keyed)
      return Error{kdc_error(KdcErr::ap_err_inapp_cksum), cksumtype_name(c) + " is not a keyed checksum"};
  }
  KRBKIT_TRY(expected, make_checksum(c, key, usage, data));
  if (!crypto_detail::equal_ct(expected, checksum))
    return Error{Errc::integrity, cksumtype_name(c) + ": checksum verification failed"};
  return success();
}

Result<Bytes> prf(const Key& key, BytesView input) {
  KRBKIT_TRY(info, key_info(key));
  KRBKIT_TRY(profile, crypto_detail::find_profile(*info));
  return profile->prf(*info, key, input);
}

Result<Key> cf2(const Key& k1, const Key& k2, BytesView pepper1, BytesView pepper2) {
  return cf2(k1, k2, pepper1, pepper2, k1.enctype);
}

Result<SecretBytes> prf_plus(const Key& key, BytesView pepper, std::size_t len) {
  SecretBytes out(len);
  Bytes input(1 + pepper.size());
  std::copy(pepper.begin(), pepper.end(), input.begin() + 1);
  std::size_t done = 0;
  for (std::uint8_t counter = 1; done < len; ++counter) {
    if (counter == 0) return Error{Errc::invalid_argument, "KRB-FX-CF2: output too long"};
    input[0] = counter;
    KRBKIT_TRY(block, prf(key, input));
    std::size_t take = std::min(block.size(), len - done);
    std::copy_n(block.begin(), take, out.data() + done);
    secure_wipe(block.data(), block.size());
    done += take;
  }
  return out;
}

Result<Key> cf2(const Key& k1, const Key& k2, BytesView pepper1, BytesView pepper2, Enctype out) {
  KRBKIT_TRY(info, enctype_info(out));
  KRBKIT_TRY(a, prf_plus(k1, pepper1, info->seed_bytes));
  KRBKIT_TRY(b, prf_plus(k2, pepper2, info->seed_bytes));
  for (std::size_t i = 0; i < a.size(); ++i) a[i] ^= b[i];
  KRBKIT_TRY(profile, crypto_detail::find_profile(*info));
  return profile->random_to_key(*info, a.view());
}

namespace primitive {

Result<SecretBytes> derive_usage_key(const Key& base, KeyUsage usage, KeyRole role) {
  KRBKIT_TRY(info, key_info(base));
  KRBKIT_TRY(profile, crypto_detail::find_profile(*info));
  return profile->usage_key(*info, base, usage, role);
}

Result<SecretBytes> derive_key(const Key& base, BytesView constant) {
  KRBKIT_TRY(info, key_info(base));
  KRBKIT_TRY(profile, crypto_detail::find_profile(*info));
  return profile->derive(base, constant, info->key_bytes);
}

namespace {
crypto_detail::Cipher cts_cipher(BlockCipher c) {
  using crypto_detail::Cipher;
  switch (c) {
    case BlockCipher::aes128: return Cipher::aes128_cts;
    case BlockCipher::aes256: return Cipher::aes256_cts;
    case BlockCipher::camellia128: return Cipher::camellia128_cts;
    case BlockCipher::camellia256: return Cipher::camellia256_cts;
  }
  return Cipher::aes128_cts;
}
Result<Bytes> cts(BlockCipher c, bool enc, BytesView key, BytesView iv, BytesView input) {
  if (iv.size() != 16) return Error{Errc::invalid_argument, "CTS: the IV must be 16 bytes"};
  if (input.size() < 16) return Error{Errc::invalid_argument, "CTS: input shorter than one block"};
  Bytes out(input.size());
  KRBKIT_CHECK(
      crypto_detail::run_cipher(cts_cipher(c), enc, key, iv.data(), input.data(), input.size(), out.data()));
  return out;
}
}  // namespace

Result<Bytes> cts_encrypt(BlockCipher c, BytesView key, BytesView iv, BytesView input) {
  return cts(c, true, key, iv, input);
}
Result<Bytes> cts_decrypt(BlockCipher c, BytesView key, BytesView iv, BytesView input) {
  return cts(c, false, key, iv, input);
}

Result<Bytes> camellia_cmac(BytesView key, BytesView input) {
  using crypto_detail::Cipher;
  if (key.size() != 16 && key.size() != 32)
    return Error{Errc::invalid_argument, "Camellia CMAC: key must be 16 or 32 bytes"};
  Bytes out(16);
  KRBKIT_CHECK(crypto_detail::cmac(key.size() == 16 ? Cipher::camellia128_cbc : Cipher::camellia256_cbc, key,
                                   {input}, out.data()));
  return out;
}

}  // namespace primitive
}  // namespace krbkit
