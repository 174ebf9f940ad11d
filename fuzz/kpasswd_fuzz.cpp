// libFuzzer target for a password server's reply (RFC 3244; exchange/kpasswd.cpp,
// kpasswd_result.cpp). A real KpasswdExchange makes its request with a made-up
// kadmin/changepw ticket whose session key this target knows, so it can read
// the AP-REQ's ctime and subkey back and answer as a server would. The first
// byte picks what the rest is:
//   0  a reply as it arrives (framed AP-REP + KRB-PRIV, framed or bare
//      KRB-ERROR): on_reply does not crash; a frame that unframes frames back
//      to the same bytes;
//   1  the result data (2-byte code, result string or AD policy blob) inside
//      a KRB-PRIV behind a valid AP-REP;
//   2  the same as the e-data of a KRB-ERROR, framed;
//   3  the same as the e-data of a bare KRB-ERROR.
// For 1-3 the reply is accepted exactly when the code is one RFC 3244 knows
// (and, in a KRB-ERROR, not success), with that code and string; the result's
// message is the same on every call and describe() and to_error() run.
// Seed corpus: fuzz/corpus/fuzz_kpasswd (replies captured from MIT
// kadmind and Samba AD, and their result data).

#include <cstdint>
#include <cstdlib>

#include "fake_service.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/exchange/kpasswd.hpp"

using namespace krbkit;
using namespace krbkit::exchange;

namespace {

constexpr std::uint32_t kSeq = 0x1234567;
const KerberosTime kNow{std::chrono::seconds(1790000000)};

struct Server {
  KpasswdExchange x;
  Authenticator auth;  // what the request carried
};

Server& server() {
  static Server* s = [] {
    KpasswdHooks hooks;
    hooks.now = [] { return std::chrono::system_clock::time_point(kNow); };
    hooks.sequence_number = [] { return kSeq; };
    auto* srv = new Server{KpasswdExchange(fuzz::service_creds({"kadmin", "changepw"}),
                                           SecretBytes(std::string_view("new-pw")), std::nullopt, hooks),
                           {}};
    auto req = srv->x.request(HostAddress{2, Bytes{127, 0, 0, 1}});
    if (!req.ok()) std::abort();
    auto frame = unframe_kpasswd(*req, "kpasswd request");
    if (!frame.ok()) std::abort();
    srv->auth = fuzz::read_authenticator(frame->ap);
    return srv;
  }();
  return *s;
}

Bytes ap_rep() { return fuzz::make_ap_rep(server().auth, std::nullopt, 4242); }

Bytes krb_priv(BytesView user_data) {
  EncKrbPrivPart part;
  part.user_data.assign(user_data.begin(), user_data.end());
  part.timestamp = kNow;
  part.usec = 0;
  part.seq_number = 4242;
  part.s_address = HostAddress{2, Bytes{127, 0, 0, 1}};
  auto ct = encrypt(*server().auth.subkey, KeyUsage::krb_priv_enc_part, encode_enc_krb_priv_part(part));
  if (!ct.ok()) std::abort();
  KrbPriv priv;
  priv.enc_part.etype = server().auth.subkey->enctype;
  priv.enc_part.cipher = std::move(*ct);
  return encode(priv);
}

Bytes krb_error(BytesView e_data) {
  KrbError e;
  e.stime = kNow;
  e.error_code = 61;  // KRB_ERR_GENERIC
  e.realm = "KRBKIT.TEST";
  e.sname = PrincipalName{NameType::srv_inst, {"kadmin", "changepw"}};
  e.e_data = Bytes(e_data.begin(), e_data.end());
  return encode(e);
}

Bytes frame(std::uint16_t version, BytesView ap, BytesView rest) {
  auto f = frame_kpasswd(version, ap, rest);
  if (!f.ok()) std::abort();
  return *f;
}

void check_result(BytesView result_data, bool from_error, const Result<KpasswdResult>& r) {
  bool known = false;
  std::uint16_t code = 0;
  if (result_data.size() >= 2) {
    code = get_u16be(result_data.data());
    known = code <= static_cast<std::uint16_t>(KpasswdCode::initial_flag_needed) ||
            code == static_cast<std::uint16_t>(KpasswdCode::generic);
  }
  const bool expected = known && !(from_error && code == 0);
  if (from_error && result_data.empty()) {
    // No e-data: the KRB-ERROR's own code is the answer.
    if (r.ok()) std::abort();
    return;
  }
  if (r.ok() != expected) std::abort();
  if (!r.ok()) return;
  if (r->code != code || r->from_error != from_error ||
      r->result_string != Bytes(result_data.begin() + 2, result_data.end()))
    std::abort();
  const std::string m = r->message();
  if (m != r->message()) std::abort();
  (void)r->describe();
  Error e = r->to_error();
  if (r->ok() == static_cast<bool>(e.code)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  BytesView in(data + 1, size - 1);
  const KpasswdExchange& x = server().x;
  switch (data[0] & 3) {
    case 0: {
      (void)x.on_reply(in);
      if (auto f = unframe_kpasswd(in); f.ok()) {
        if (frame(f->version, f->ap, f->rest) != Bytes(in.begin(), in.end())) std::abort();
      }
      break;
    }
    case 1: {
      if (in.size() > 60000) return 0;
      check_result(in, false, x.on_reply(frame(kKpasswdVersionChange, ap_rep(), krb_priv(in))));
      break;
    }
    case 2: {
      if (in.size() > 60000) return 0;
      check_result(in, true, x.on_reply(frame(kKpasswdVersionChange, {}, krb_error(in))));
      break;
    }
    default: check_result(in, true, x.on_reply(krb_error(in))); break;
  }
  // The AD policy blob and the result's wording on the raw bytes.
  if (auto p = decode_ad_policy(in)) (void)describe_ad_policy(*p);
  return 0;
}
