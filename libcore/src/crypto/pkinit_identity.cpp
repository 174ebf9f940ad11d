// The PKINIT client's certificate and private key, loaded as MIT's
// pkinit_crypto_openssl.c loads them (FILE:, PKCS12:, DIR:), with the pass
// phrase asked only when the key or PKCS#12 file is encrypted.

#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <optional>

#include "crypto/pkinit_ossl.hpp"
#include "krbkit/crypto/pkinit.hpp"

namespace krbkit::pkinit {

using namespace ossl;

namespace {

Result<X509Ptr> read_certificate(const std::string& file) {
  BioPtr bio(BIO_new_file(file.c_str(), "r"));
  if (!bio) return ossl_error(Errc::config, "Cannot read certificate file '" + file + "'");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return ossl_error(Errc::config, "Cannot read certificate file '" + file + "'");
  return cert;
}

// OpenSSL's pass phrase callback: asks once, keeps what asking failed with.
struct PassphraseQuestion {
  const ClientIdentity::AskPassphrase* ask;
  std::string prompt;
  bool asked = false;
  std::optional<Error> failed;
};

int answer_passphrase(char* buf, int size, int, void* user) {
  auto* q = static_cast<PassphraseQuestion*>(user);
  q->asked = true;
  if (q->ask == nullptr || !*q->ask) return -1;
  auto secret = (*q->ask)(q->prompt);
  if (!secret) {
    q->failed = std::move(secret).error();
    return -1;
  }
  if (secret->size() >= static_cast<std::size_t>(size)) return -1;
  std::memcpy(buf, secret->data(), secret->size());
  return static_cast<int>(secret->size());
}

Result<PkeyPtr> read_key(const std::string& file, const std::string& name,
                         const ClientIdentity::AskPassphrase& ask) {
  BioPtr bio(BIO_new_file(file.c_str(), "r"));
  if (!bio) return ossl_error(Errc::config, "Cannot read key file '" + file + "'");
  PassphraseQuestion q{&ask, "Pass phrase for " + file, false, std::nullopt};
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, answer_passphrase, &q));
  if (key) return key;
  if (q.failed) {
    ERR_clear_error();
    return std::move(*q.failed);
  }
  if (q.asked) return ossl_error(Errc::pkinit_passphrase, name);
  return ossl_error(Errc::config, "Cannot read key file '" + file + "'");
}

// PKCS#12: without a pass phrase first (and the empty one), then asking.
Result<ClientIdentity::Impl> read_pkcs12(const std::string& file, const ClientIdentity::AskPassphrase& ask) {
  BioPtr bio(BIO_new_file(file.c_str(), "rb"));
  using P12Ptr = std::unique_ptr<PKCS12, Deleter<PKCS12, PKCS12_free>>;
  P12Ptr p12(bio ? d2i_PKCS12_bio(bio.get(), nullptr) : nullptr);
  if (!p12) return ossl_error(Errc::config, "Cannot read PKCS#12 file '" + file + "'");
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* extra = nullptr;
  bool ok = PKCS12_parse(p12.get(), nullptr, &key, &cert, &extra) == 1 ||
            PKCS12_parse(p12.get(), "", &key, &cert, &extra) == 1;
  ERR_clear_error();
  if (!ok) {
    if (!ask) return Error{Errc::pkinit_passphrase, "PKCS12:" + file + ": no way to ask for the pass phrase"};
    KRBKIT_TRY(secret, ask("Pass phrase for " + file));
    std::string pass(secret.chars());
    ok = PKCS12_parse(p12.get(), pass.c_str(), &key, &cert, &extra) == 1;
    std::fill(pass.begin(), pass.end(), '\0');
    if (!ok) return ossl_error(Errc::pkinit_passphrase, "PKCS12:" + file);
  }
  ClientIdentity::Impl impl{X509Ptr(cert), PkeyPtr(key), CertsPtr(extra)};
  if (!impl.cert || !impl.key) return Error{Errc::config, "PKCS12:" + file + " holds no certificate and key"};
  if (!impl.extra) impl.extra.reset(sk_X509_new_null());
  return impl;
}

struct Files {
  std::string cert, key;
};

// DIR:folder: the one X.crt (with X.key) the client matches.
Result<Files> pick_from_folder(const std::string& folder, const ClientIdentity::Matches& matches) {
  std::error_code ec;
  std::vector<std::string> crts;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.empty() && name[0] != '.' && entry.path().extension() == ".crt") crts.push_back(entry.path());
  }
  if (ec) return Error{Errc::config, "DIR:" + folder + ": " + ec.message()};
  std::sort(crts.begin(), crts.end());
  std::vector<Files> fits;
  for (const auto& crt : crts) {
    auto cert = read_certificate(crt);
    if (!cert || (matches && !matches(describe_cert(cert->get())))) continue;
    fits.push_back({crt, crt.substr(0, crt.size() - 4) + ".key"});
  }
  if (fits.size() != 1)
    return Error{Errc::config, "DIR:" + folder + " holds " + std::to_string(fits.size()) +
                                   " certificates (X.crt with X.key) for the client; it should hold one"};
  return fits.front();
}

Result<ClientIdentity::Impl> read_files(const Files& files, const std::string& name,
                                        const ClientIdentity::AskPassphrase& ask) {
  KRBKIT_TRY(cert, read_certificate(files.cert));
  KRBKIT_TRY(key, read_key(files.key, name, ask));
  return ClientIdentity::Impl{std::move(cert), std::move(key), CertsPtr(sk_X509_new_null())};
}

}  // namespace

ClientIdentity::ClientIdentity(std::string name, SignerCert cert, std::unique_ptr<Impl> impl)
    : name_(std::move(name)), cert_(std::move(cert)), impl_(std::move(impl)) {}
ClientIdentity::ClientIdentity(ClientIdentity&&) noexcept = default;
ClientIdentity& ClientIdentity::operator=(ClientIdentity&&) noexcept = default;
ClientIdentity::~ClientIdentity() = default;

Result<ClientIdentity> ClientIdentity::load(const std::string& spec, const Matches& matches,
                                            const AskPassphrase& ask) {
  const auto colon = spec.find(':');
  const std::string kind = colon == std::string::npos ? "" : spec.substr(0, colon);
  const std::string rest = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (rest.empty() || (kind != "FILE" && kind != "PKCS12" && kind != "DIR"))
    return Error{Errc::config,
                 "X509_user_identity " + spec + ": not FILE:cert[,key], PKCS12:file or DIR:folder"};
  std::string name = spec;
  std::optional<Impl> impl;
  if (kind == "PKCS12") {
    KRBKIT_TRY(loaded, read_pkcs12(rest, ask));
    impl = std::move(loaded);
  } else {
    Files files;
    if (kind == "DIR") {
      KRBKIT_TRY(picked, pick_from_folder(rest, matches));
      files = std::move(picked);
    } else {
      const auto comma = rest.find(',');
      files.cert = rest.substr(0, comma);
      files.key = comma == std::string::npos ? files.cert : rest.substr(comma + 1);
    }
    name = "FILE:" + files.cert + (files.key == files.cert ? "" : "," + files.key);
    KRBKIT_TRY(loaded, read_files(files, name, ask));
    impl = std::move(loaded);
  }
  if (X509_check_private_key(impl->cert.get(), impl->key.get()) != 1) {
    ERR_clear_error();
    return Error{Errc::pkinit_key_mismatch, name};
  }
  SignerCert cert = describe_cert(impl->cert.get());
  return ClientIdentity(std::move(name), std::move(cert), std::make_unique<Impl>(std::move(*impl)));
}

}  // namespace krbkit::pkinit
