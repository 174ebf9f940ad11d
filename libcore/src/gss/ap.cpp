// AP-REQ / AP-REP (RFC 4120 3.2, 5.5.1, 5.5.2).

#include "krbkit/gss/ap.hpp"

#include <chrono>

#include "krbkit/crypto/crypto.hpp"

namespace krbkit::gss {

Result<std::uint32_t> random_sequence_number() {
  std::uint32_t v = 0;
  while (v == 0) {
    KRBKIT_TRY(r, random_u32().context("making a sequence number"));
    v = r & 0x3fffffffU;
  }
  return v;
}

Result<ApReqSent> make_ap_req(const Credentials& creds, const ApReqOptions& options) {
  KRBKIT_TRY(ticket, decode_ticket(creds.ticket).context("reading the service ticket"));

  const auto now = std::chrono::system_clock::now();
  ApReqSent sent;
  sent.ctime = std::chrono::floor<std::chrono::seconds>(now);
  sent.cusec = static_cast<std::int32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(now - sent.ctime).count());
  sent.seq_number = options.seq_number;

  Authenticator auth;
  auth.crealm = creds.client.realm;
  auth.cname = to_principal_name(creds.client);
  auth.cksum = options.checksum;
  auth.cusec = sent.cusec;
  auth.ctime = sent.ctime;
  if (options.make_subkey) {
    KRBKIT_TRY(subkey, random_key(creds.session_key.enctype, CryptoPolicy{true}));
    auth.subkey = subkey.clone();
    sent.subkey = std::move(subkey);
  }
  auth.seq_number = options.seq_number;
  auth.authorization_data = options.authorization_data;

  KRBKIT_TRY(enc, encrypt(creds.session_key, options.usage, encode(auth)));
  ApReq req;
  req.ap_options = options.ap_options;
  req.ticket = std::move(ticket);
  req.authenticator.etype = creds.session_key.enctype;
  req.authenticator.cipher = std::move(enc);
  sent.der = encode(req);
  return sent;
}

Result<EncApRepPart> read_ap_rep(BytesView der, const Key& session_key, const ApReqSent& sent) {
  if (peek_msg_type(der) == MsgType::krb_error) {
    KRBKIT_TRY(err, decode_krb_error(der));
    return err.to_error();
  }
  KRBKIT_TRY(rep, decode_ap_rep(der));
  KRBKIT_TRY(plain, decrypt(session_key, KeyUsage::ap_rep_enc_part, rep.enc_part.cipher));
  auto part = decode_enc_ap_rep_part(plain.view());
  if (part.ok() && (part->ctime != sent.ctime || part->cusec != sent.cusec))
    return Error{Errc::reply_mismatch,
                 "AP-REP: ctime/cusec do not match the authenticator (mutual authentication failed)"};
  return part;
}

}  // namespace krbkit::gss
