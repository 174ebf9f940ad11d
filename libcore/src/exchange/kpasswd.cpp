// RFC 3244 requests and replies (see kpasswd.hpp for the frame grammar).
// Checks on the reply follow RFC 4120 3.4/3.5 (KRB-PRIV: sequence number,
// timestamp within the clock skew) and RFC 3244 section 2 (the reply's
// KRB-PRIV is encrypted in the subkey of our AP-REQ).

#include "krbkit/exchange/kpasswd.hpp"

#include <fmt/format.h>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/proto/principal.hpp"

namespace krbkit::exchange {

namespace {

constexpr KeyUsage kUsagePriv = KeyUsage::krb_priv_enc_part;

// Wipes a buffer that held a password on scope exit.
struct WipeOnExit {
  Bytes& bytes;
  ~WipeOnExit() {
    if (!bytes.empty()) secure_wipe(bytes.data(), bytes.size());
  }
};

std::chrono::system_clock::time_point hook_now(const KpasswdHooks& hooks) {
  return hooks.now ? hooks.now() : std::chrono::system_clock::now();
}

}  // namespace

Result<Bytes> frame_kpasswd(std::uint16_t version, BytesView ap, BytesView priv) {
  const std::size_t total = 6 + ap.size() + priv.size();
  if (ap.size() > 0xffff || total > 0xffff)
    return Error{Errc::invalid_argument,
                 fmt::format("kpasswd request: {} bytes do not fit the 16-bit length", total)};
  Bytes out;
  out.reserve(total);
  put_u16be(out, static_cast<std::uint16_t>(total));
  put_u16be(out, version);
  put_u16be(out, static_cast<std::uint16_t>(ap.size()));
  out.insert(out.end(), ap.begin(), ap.end());
  out.insert(out.end(), priv.begin(), priv.end());
  return out;
}

Result<KpasswdFrame> unframe_kpasswd(BytesView data, const char* what) {
  if (data.size() < 6)
    return Error{Errc::parse, fmt::format("{}: {} bytes, shorter than its header", what, data.size())};
  const std::uint16_t length = get_u16be(data.data());
  if (length != data.size())
    return Error{Errc::parse,
                 fmt::format("{}: length field {} but {} bytes arrived", what, length, data.size())};
  KpasswdFrame f;
  f.version = get_u16be(data.data() + 2);
  const std::uint16_t ap_length = get_u16be(data.data() + 4);
  if (ap_length > data.size() - 6)
    return Error{Errc::parse, fmt::format("{}: AP message length {} runs past the end", what, ap_length)};
  f.ap = data.subspan(6, ap_length);
  f.rest = data.subspan(6 + ap_length);
  return f;
}

KpasswdExchange::KpasswdExchange(Credentials creds, SecretBytes new_password, std::optional<Principal> target,
                                 KpasswdHooks hooks, bool force_set_password)
    : creds_(std::move(creds)),
      new_password_(std::move(new_password)),
      target_(std::move(target)),
      hooks_(std::move(hooks)),
      version_(target_ || force_set_password ? kKpasswdVersionSetPassword : kKpasswdVersionChange) {
  if (version_ == kKpasswdVersionSetPassword && !target_) target_ = creds_.client;
  if (hooks_.sequence_number) seq_number_ = hooks_.sequence_number();
}

Result<Bytes> KpasswdExchange::request(const HostAddress& local) {
  if (!ap_req_) {
    if (!hooks_.sequence_number) {
      KRBKIT_TRY(seq, gss::random_sequence_number());
      seq_number_ = seq;
    }
    // A fresh subkey and our sequence number; mutual authentication, since the
    // server's AP-REP is what proves the reply came from it.
    gss::ApReqOptions options;
    options.ap_options = ap_options::mutual_required;
    options.make_subkey = true;
    options.seq_number = seq_number_;
    KRBKIT_TRY(sent, gss::make_ap_req(creds_, options).context("while making the kpasswd AP-REQ"));
    ap_req_ = std::move(sent);
  }

  Bytes user_data;
  WipeOnExit wipe_user{user_data};
  if (version_ == kKpasswdVersionSetPassword) {
    ChangePasswdData data;
    data.newpasswd = new_password_.clone();
    data.targname = to_principal_name(*target_);
    data.targrealm = target_->realm;
    user_data = encode(data);
  } else {
    user_data.assign(new_password_.view().begin(), new_password_.view().end());
  }

  const auto now = hook_now(hooks_);
  EncKrbPrivPart part;
  part.user_data = std::move(user_data);
  WipeOnExit wipe_part{part.user_data};
  part.timestamp = std::chrono::floor<std::chrono::seconds>(now);
  part.usec = static_cast<std::int32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(now - *part.timestamp).count());
  part.seq_number = seq_number_;
  part.s_address = local;
  Bytes plain = encode_enc_krb_priv_part(part);
  WipeOnExit wipe_plain{plain};

  KRBKIT_TRY(cipher, encrypt(*ap_req_->subkey, kUsagePriv, plain));
  KrbPriv priv;
  priv.enc_part.etype = ap_req_->subkey->enctype;
  priv.enc_part.cipher = std::move(cipher);
  return frame_kpasswd(version_, ap_req_->der, encode(priv));
}

Result<KpasswdResult> KpasswdExchange::read_result_data(BytesView data, bool from_error) const {
  if (data.size() < 2)
    return Error{Errc::parse,
                 fmt::format("kpasswd reply: result of {} bytes has no result code", data.size())};
  KpasswdResult result;
  result.code = get_u16be(data.data());
  result.result_string.assign(data.begin() + 2, data.end());
  result.from_error = from_error;
  if (result.code > static_cast<std::uint16_t>(KpasswdCode::initial_flag_needed) &&
      result.code != static_cast<std::uint16_t>(KpasswdCode::generic))
    return Error{Errc::parse, fmt::format("kpasswd reply: unknown result code {}", result.code)};
  // RFC 3244: a KRB-ERROR never reports success.
  if (from_error && result.ok())
    return Error{Errc::reply_mismatch, "kpasswd reply: a KRB-ERROR claims success (result code 0)"};
  return result;
}

Result<KpasswdResult> KpasswdExchange::read_krb_error(BytesView der) const {
  KRBKIT_TRY(err, decode_krb_error(der).context("while reading the password server's error"));
  // Without e-data there is no result: the KRB-ERROR's own code is the answer.
  if (!err.e_data || err.e_data->empty()) {
    Error e = err.to_error();
    e.context.push_back("while changing the password");
    return e;
  }
  KRBKIT_TRY(result, read_result_data(*err.e_data, true));
  result.krb_error_code = err.error_code;
  return result;
}

Result<KpasswdResult> KpasswdExchange::on_reply(BytesView reply) const {
  if (!ap_req_) return Error{Errc::internal, "kpasswd: a reply before any request"};
  // An unframed KRB-ERROR (Active Directory, and servers refusing the frame).
  if (peek_msg_type(reply) == MsgType::krb_error) return read_krb_error(reply);

  KRBKIT_TRY(frame, unframe_kpasswd(reply));
  if (frame.version != kKpasswdVersionChange && frame.version != kKpasswdVersionSetPassword)
    return Error{Errc::parse, fmt::format("kpasswd reply: unknown protocol version {:#06x}", frame.version)};
  if (frame.ap.empty()) return read_krb_error(frame.rest);

  // The AP-REP proves the server holds the kadmin/changepw key (RFC 4120 3.2.5).
  KRBKIT_TRY(ap_rep, gss::read_ap_rep(frame.ap, creds_.session_key, *ap_req_)
                         .context("while verifying the password server's AP-REP"));

  if (peek_msg_type(frame.rest) == MsgType::krb_error) return read_krb_error(frame.rest);
  KRBKIT_TRY(priv, decode_krb_priv(frame.rest));
  // RFC 3244: the reply is in our subkey; a server that chose its own subkey
  // in the AP-REP may use that one.
  auto plain = decrypt(*ap_req_->subkey, kUsagePriv, priv.enc_part.cipher);
  if (!plain.ok() && ap_rep.subkey) plain = decrypt(*ap_rep.subkey, kUsagePriv, priv.enc_part.cipher);
  if (!plain.ok()) {
    Error e = std::move(plain).error();
    e.context.push_back("while decrypting the password server's reply");
    return e;
  }
  KRBKIT_TRY(part, decode_enc_krb_priv_part(plain->view()));

  if (part.seq_number && ap_rep.seq_number && *part.seq_number != *ap_rep.seq_number)
    return Error{Errc::reply_mismatch,
                 fmt::format("kpasswd reply: sequence number {} but the AP-REP announced {}",
                             *part.seq_number, *ap_rep.seq_number)};
  if (part.timestamp) {
    const auto skew = std::chrono::abs(std::chrono::duration_cast<std::chrono::seconds>(
        *part.timestamp - std::chrono::floor<std::chrono::seconds>(hook_now(hooks_))));
    if (skew > hooks_.clockskew)
      return Error{kdc_error(KdcErr::ap_err_skew),
                   fmt::format("kpasswd reply timestamp is {} s away from our clock", skew.count())};
  }
  return read_result_data(part.user_data, false);
}

}  // namespace krbkit::exchange
