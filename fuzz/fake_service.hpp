#pragma once
// Shared by the fuzz targets that play the server side of an AP exchange:
// service credentials with a ticket the target made up (its session key is
// fixed, so the target can read the AP-REQ it provokes), the authenticator of
// such an AP-REQ, and a valid AP-REP answering it.
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/proto/credentials.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::fuzz {

inline Key session_key() { return Key(Enctype::aes256_cts_hmac_sha1_96, SecretBytes(Bytes(32, 0x5a))); }

inline Credentials service_creds(std::vector<std::string> service) {
  Credentials c;
  c.client = Principal{NameType::principal, {"alice"}, "KRBKIT.TEST"};
  c.server = Principal{NameType::srv_inst, std::move(service), "KRBKIT.TEST"};
  c.session_key = session_key();
  Ticket t;
  t.realm = "KRBKIT.TEST";
  t.sname = to_principal_name(c.server);
  t.enc_part.etype = Enctype::aes256_cts_hmac_sha1_96;
  t.enc_part.kvno = 1;
  t.enc_part.cipher = Bytes(64, 0xab);
  c.ticket = encode(t);
  return c;
}

// The authenticator inside an AP-REQ made with service_creds().
inline Authenticator read_authenticator(BytesView ap_req_der) {
  auto ap_req = decode_ap_req(ap_req_der);
  if (!ap_req.ok()) std::abort();
  auto plain = decrypt(session_key(), KeyUsage::ap_req_authenticator, ap_req->authenticator.cipher);
  if (!plain.ok()) std::abort();
  auto auth = decode_authenticator(plain->view());
  if (!auth.ok() || !auth->subkey) std::abort();
  return std::move(*auth);
}

// An AP-REP answering `auth`, with the server's choice of subkey and sequence number.
inline Bytes make_ap_rep(const Authenticator& auth, std::optional<Key> subkey,
                         std::optional<std::uint32_t> seq_number) {
  EncApRepPart part;
  part.ctime = auth.ctime;
  part.cusec = auth.cusec;
  part.subkey = std::move(subkey);
  part.seq_number = seq_number;
  auto ct = encrypt(session_key(), KeyUsage::ap_rep_enc_part, encode(part));
  if (!ct.ok()) std::abort();
  ApRep rep;
  rep.enc_part.etype = Enctype::aes256_cts_hmac_sha1_96;
  rep.enc_part.cipher = std::move(*ct);
  return encode(rep);
}

}  // namespace krbkit::fuzz
