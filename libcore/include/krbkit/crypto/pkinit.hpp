#pragma once
// The public-key side of PKINIT (RFC 4556, RFC 5349, RFC 8062, RFC 8636),
// all through OpenSSL: the client's ephemeral Diffie-Hellman key, the CMS
// SignedData around the AuthPack and the KDC's signed reply, the KDC
// certificate's chain, and the key derivations. No Kerberos ASN.1 here: the
// KDC certificate's id-pkinit-san values are handed back as DER for the
// caller to compare.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/base/secret.hpp"

namespace krbkit::pkinit {

// Key agreement groups: RFC 3526 MODP (finite-field DH) and the NIST curves (RFC 5349).
enum class DhGroup { modp2048, modp4096, p256, p384, p521 };
std::string_view group_name(DhGroup g);  // "modp2048", "P-256"
bool is_ecdh(DhGroup g);

// An ephemeral key pair of one group.
class KeyAgreement {
 public:
  static Result<KeyAgreement> generate(DhGroup group);
  KeyAgreement(KeyAgreement&&) noexcept;
  KeyAgreement& operator=(KeyAgreement&&) noexcept;
  ~KeyAgreement();

  DhGroup group() const { return group_; }
  // SubjectPublicKeyInfo (AuthPack.clientPublicValue): dhpublicnumber with
  // the domain parameters p, g, q, or id-ecPublicKey with the named curve.
  Result<Bytes> public_key_info() const;
  // The shared secret with the KDC's KDCDHKeyInfo.subjectPublicKey (the BIT
  // STRING's contents: a DER INTEGER for DH, an EC point for ECDH): for DH
  // left-padded to the size of p (RFC 4556 3.2.3.1), for ECDH the x
  // coordinate (RFC 5349). Errc::integrity for a value not in the group.
  Result<SecretBytes> agree(BytesView kdc_public) const;

 private:
  struct Impl;
  KeyAgreement(DhGroup group, std::unique_ptr<Impl> impl);
  DhGroup group_;
  std::unique_ptr<Impl> impl_;
};

// id-pkinit-authData / id-pkinit-DHKeyData (RFC 4556 3.1.3 / 3.2.3.1).
inline constexpr std::string_view kOidAuthData = "1.3.6.1.5.2.3.1";
inline constexpr std::string_view kOidDhKeyData = "1.3.6.1.5.2.3.2";

// ContentInfo holding a SignedData without signers of `content` under
// `content_type` (RFC 8062 4.1, the anonymous client's AuthPack).
Result<Bytes> unsigned_signed_data(BytesView content, std::string_view content_type);

// Where trust comes from (krb5.conf's pkinit_anchors, pkinit_pool,
// pkinit_revoke: "FILE:path" or "DIR:path" values).
struct Trust {
  std::vector<std::string> anchors;
  std::vector<std::string> pool;    // intermediate certificates
  std::vector<std::string> revoke;  // CRLs; when given, every certificate of the chain is checked
  std::optional<std::chrono::system_clock::time_point> at;  // verification time; default now
};

// What the KDC's certificate says about itself.
struct SignerCert {
  std::string subject;                 // one line, "/CN=kdc KRBKIT.TEST"
  std::vector<Bytes> pkinit_sans;      // id-pkinit-san otherName values: DER KRB5PrincipalName
  std::vector<std::string> dns_names;  // dNSName SANs
  bool eku_kdc = false;                // id-pkinit-KPKdc
  bool eku_server_auth = false;        // id-kp-serverAuth
};

struct SignedContent {
  Bytes content;
  SignerCert signer;
};

// The client's certificate and private key (X509_user_identity), named as
// MIT names them: FILE:cert[,key] (PEM; the key in the certificate's file
// when not named), PKCS12:file, DIR:folder (each X.crt with its X.key).
class ClientIdentity {
 public:
  // Asks for the pass phrase of an encrypted key or PKCS#12 file, with
  // MIT's prompt ("Pass phrase for /path/alice.key").
  using AskPassphrase = std::function<Result<SecretBytes>(const std::string& prompt)>;
  // For DIR: whether a certificate is for the client (its id-pkinit-san).
  using Matches = std::function<bool(const SignerCert&)>;

  // Errors: Errc::config (no such file or folder, not a certificate or key,
  // a DIR: without exactly one certificate the client matches),
  // Errc::pkinit_passphrase (the pass phrase does not open the key),
  // Errc::pkinit_key_mismatch (the key is not the certificate's), or what
  // `ask` failed with.
  static Result<ClientIdentity> load(const std::string& spec, const Matches& matches,
                                     const AskPassphrase& ask);
  ClientIdentity(ClientIdentity&&) noexcept;
  ClientIdentity& operator=(ClientIdentity&&) noexcept;
  ~ClientIdentity();

  // As MIT records it (pa_config_data): "FILE:cert,key" (a DIR: entry's
  // files too), "PKCS12:file".
  const std::string& name() const { return name_; }
  const SignerCert& certificate() const { return cert_; }

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  ClientIdentity(std::string name, SignerCert cert, std::unique_ptr<Impl> impl);
  std::string name_;
  SignerCert cert_;
  std::unique_ptr<Impl> impl_;
};

// ContentInfo holding SignedData of `content` under `content_type`, signed
// by `id` (SHA-256) and carrying its certificate chain to `trust`'s anchors
// (the anchor left out), as MIT's client builds it. Errors as
// verify_signed_data's for the client's own chain, with
// Errc::pkinit_client_cert for one that does not chain to an anchor.
Result<Bytes> signed_data(BytesView content, std::string_view content_type, const ClientIdentity& id,
                          const Trust& trust);

// A ContentInfo holding SignedData of `content_type`: its single signer's
// signature verified and its certificate chained to `trust`'s anchors.
// Errors: Errc::pkinit_no_anchors (nothing to trust), Errc::pkinit_untrusted
// (no chain, bad signature, revoked), Errc::pkinit_cert_expired (a
// certificate of the chain outside its validity), Errc::parse (not CMS).
Result<SignedContent> verify_signed_data(BytesView content_info, std::string_view content_type,
                                         const Trust& trust);

// RFC 8636's KDFs: the OIDs of id-pkinit-kdf-ah-sha1/sha256/sha512, in
// MIT's order of preference (sha256, sha1, sha512), DER without tag and length.
std::vector<Bytes> kdf_oids();
// NIST SP 800-56A one-step KDF with the hash the OID names (RFC 8636 3):
// `length` bytes. Errc::unsupported for another OID.
Result<SecretBytes> kdf(BytesView oid, BytesView shared_secret, BytesView other_info, std::size_t length);
// RFC 4556 3.2.3.1 octetstring2key's first step: `length` bytes of
// SHA-1(0 | x) | SHA-1(1 | x) | ... (k-truncate); x = shared secret (| nonces).
Result<SecretBytes> octetstring2key(BytesView x, std::size_t length);

}  // namespace krbkit::pkinit
