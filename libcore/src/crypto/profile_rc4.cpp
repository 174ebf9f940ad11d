// RFC 4757 rc4-hmac (and rc4-hmac-exp, weak): Microsoft's enctype.
//   K1 = HMAC-MD5(key, usage_le32)            (exp: "fortybits\0" | usage_le32)
//   checksum = HMAC-MD5(K1, confounder | plaintext)
//   K3 = HMAC-MD5(K1, checksum)                (exp: K1 bytes 7..15 set to 0xAB first)
//   ciphertext = checksum | RC4(K3, confounder | plaintext)
// Kerberos usages are first mapped to Microsoft's numbers (3 -> 8, 23 -> 13).
#include <algorithm>
#include <cstring>
#include <string>

#include "crypto/profile.hpp"

namespace krbkit::crypto_detail {
namespace {

std::uint32_t translate_usage(KeyUsage usage) {
  switch (usage) {
    case KeyUsage::as_rep_enc_part: return 8;
    case KeyUsage::gss_tok_wrap_integ: return 13;
    default: return static_cast<std::uint32_t>(usage);
  }
}

void put_u32le(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// UTF-8 to UTF-16LE; false on malformed input.
bool utf8_to_utf16le(std::string_view in, SecretBytes& out) {
  SecretBytes buf(in.size() * 4);
  std::size_t o = 0;
  auto unit = [&](std::uint32_t u) {
    buf[o++] = static_cast<std::uint8_t>(u);
    buf[o++] = static_cast<std::uint8_t>(u >> 8);
  };
  for (std::size_t i = 0; i < in.size();) {
    auto c = static_cast<std::uint8_t>(in[i]);
    std::uint32_t cp;
    std::size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xe0) == 0xc0) {
      cp = c & 0x1f;
      len = 2;
    } else if ((c & 0xf0) == 0xe0) {
      cp = c & 0x0f;
      len = 3;
    } else if ((c & 0xf8) == 0xf0) {
      cp = c & 0x07;
      len = 4;
    } else
      return false;
    if (i + len > in.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<std::uint8_t>(in[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xd800 | (cp >> 10));
      unit(0xdc00 | (cp & 0x3ff));
    } else {
      unit(cp);
    }
    i += len;
  }
  buf.resize(o);
  out = std::move(buf);
  return true;
}

class Rc4Profile final : public Profile {
 public:
  explicit constexpr Rc4Profile(bool exportable) : exp_(exportable) {}

  Result<Key> string_to_key(const EnctypeInfo& e, std::string_view password, BytesView,
                            BytesView params) const override {
    if (!params.empty())
      return Error{Errc::invalid_argument, std::string(e.name) + ": string-to-key takes no s2kparams"};
    SecretBytes utf16;
    if (!utf8_to_utf16le(password, utf16))
      return Error{Errc::invalid_argument, std::string(e.name) + ": password is not valid UTF-8"};
    SecretBytes key(16);
    KRBKIT_CHECK(digest(Md::md4, {utf16.view()}, key.data()));
    return Key{e.id, std::move(key)};
  }

  Result<Bytes> encrypt(const EnctypeInfo& e, const Key& key, KeyUsage usage, BytesView confounder,
                        BytesView plaintext) const override {
    KRBKIT_CHECK(ready(e));
    Keys k;
    KRBKIT_CHECK(usage_keys(key, usage, k));
    Bytes out(16 + confounder.size() + plaintext.size());
    KRBKIT_CHECK(hmac(Md::md5, {k.k1, 16}, {confounder, plaintext}, out.data()));
    std::uint8_t k3[16];
    KRBKIT_CHECK(hmac(Md::md5, {k.k1_enc, 16}, {BytesView{out.data(), 16}}, k3));
    auto r = run_cipher_split(Cipher::rc4, true, {k3, 16}, confounder, out.data() + 16, plaintext,
                              out.data() + 16 + confounder.size());
    secure_wipe(k3, sizeof k3);
    KRBKIT_CHECK(std::move(r));
    return out;
  }

  Result<SecretBytes> decrypt(const EnctypeInfo& e, const Key& key, KeyUsage usage,
                              BytesView ciphertext) const override {
    KRBKIT_CHECK(ready(e));
    if (ciphertext.size() < 16 + e.confounder_bytes) return short_ciphertext(e, ciphertext.size());
    Keys k;
    KRBKIT_CHECK(usage_keys(key, usage, k));
    const std::size_t n = ciphertext.size() - 16;
    std::uint8_t k3[16];
    KRBKIT_CHECK(hmac(Md::md5, {k.k1_enc, 16}, {ciphertext.first(16)}, k3));
    std::uint8_t confounder[8];
    SecretBytes plain(n - e.confounder_bytes);
    auto r = run_cipher_split(Cipher::rc4, false, {k3, 16}, ciphertext.subspan(16, e.confounder_bytes),
                              confounder, ciphertext.subspan(16 + e.confounder_bytes), plain.data());
    secure_wipe(k3, sizeof k3);
    KRBKIT_CHECK(std::move(r));
    std::uint8_t check[16];
    KRBKIT_CHECK(hmac(Md::md5, {k.k1, 16}, {BytesView{confounder, e.confounder_bytes}, plain.view()}, check));
    secure_wipe(confounder, sizeof confounder);
    if (!equal_ct({check, 16}, ciphertext.first(16))) return integrity_error(e);
    return plain;
  }

  Result<Bytes> checksum(const EnctypeInfo&, const Key& key, KeyUsage usage, BytesView data) const override {
    return rc4_hmac_md5_checksum(key.bytes.view(), usage, data);
  }

  // PRF = HMAC-SHA1(key, input)
  Result<Bytes> prf(const EnctypeInfo& e, const Key& key, BytesView input) const override {
    Bytes out(20);
    KRBKIT_CHECK(hmac(Md::sha1, key.bytes.view(), {input}, out.data()));
    out.resize(e.prf_bytes);
    return out;
  }

 private:
  struct Keys {
    std::uint8_t k1[16];      // integrity key
    std::uint8_t k1_enc[16];  // the key K3 is derived from (exp: with 0xAB filler)
    ~Keys() {
      secure_wipe(k1, sizeof k1);
      secure_wipe(k1_enc, sizeof k1_enc);
    }
  };

  Result<void> ready(const EnctypeInfo& e) const {
    if (available(Cipher::rc4)) return success();
    return Error{Errc::unsupported_enctype, std::string(e.name) + " needs RC4: " + legacy_provider_error()};
  }

  Result<void> usage_keys(const Key& key, KeyUsage usage, Keys& k) const {
    std::uint8_t salt[14];
    std::size_t len = 0;
    if (exp_) {
      std::memcpy(salt, "fortybits", 10);  // includes the terminating zero
      len = 10;
    }
    put_u32le(salt + len, translate_usage(usage));
    len += 4;
    KRBKIT_CHECK(hmac(Md::md5, key.bytes.view(), {BytesView{salt, len}}, k.k1));
    std::memcpy(k.k1_enc, k.k1, 16);
    if (exp_) std::memset(k.k1_enc + 7, 0xab, 9);
    return success();
  }

  bool exp_;
};

}  // namespace

Result<Bytes> rc4_hmac_md5_checksum(BytesView key, KeyUsage usage, BytesView data) {
  // Ksign = HMAC-MD5(key, "signaturekey\0"); HMAC-MD5(Ksign, MD5(usage_le32 | data))
  std::uint8_t ksign[16];
  KRBKIT_CHECK(hmac(Md::md5, key, {as_bytes(std::string_view("signaturekey\0", 13))}, ksign));
  auto out = rc4_md5_hmac_checksum({ksign, 16}, usage, data);
  secure_wipe(ksign, sizeof ksign);
  return out;
}

Result<Bytes> rc4_md5_hmac_checksum(BytesView key, KeyUsage usage, BytesView data) {
  std::uint8_t u[4];
  put_u32le(u, translate_usage(usage));
  std::uint8_t tmp[16];
  KRBKIT_CHECK(digest(Md::md5, {BytesView{u, 4}, data}, tmp));
  Bytes out(16);
  KRBKIT_CHECK(hmac(Md::md5, key, {BytesView{tmp, 16}}, out.data()));
  return out;
}

const Profile& rc4_profile() {
  static const Rc4Profile p{false};
  return p;
}
const Profile& rc4_exp_profile() {
  static const Rc4Profile p{true};
  return p;
}

}  // namespace krbkit::crypto_detail
