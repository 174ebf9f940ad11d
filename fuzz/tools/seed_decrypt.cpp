// Decrypts captured kpasswd and kadmin sessions with the service's key, to
// write the plaintext replies as fuzz seeds (fuzz/corpus/README.md).
//   seed_decrypt kpasswd KEYTAB C2S S2C OUT   OUT: the reply's result data
//   seed_decrypt kadmin  KEYTAB C2S S2C OUT   OUT-N.bin: each DATA reply's results
// C2S/S2C: the two TCP byte streams (capture_relay.py). The client's AP-REQ
// ticket opens with a keytab key; its authenticator gives the subkey; the
// AP-REP (kadmin) gives the acceptor subkey that wraps the replies.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "krbkit/crypto/crypto.hpp"
#include "krbkit/exchange/kpasswd.hpp"
#include "krbkit/gss/tokens.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/rpc/message.hpp"
#include "krbkit/rpc/xdr.hpp"

using namespace krbkit;

namespace {

Bytes slurp(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void put(const std::string& path, BytesView data) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "seed_decrypt: %s\n", what.c_str());
  std::exit(1);
}

// RPC record marking: the records of a stream.
std::vector<Bytes> records(BytesView s) {
  std::vector<Bytes> out;
  Bytes cur;
  std::size_t pos = 0;
  while (pos + 4 <= s.size()) {
    std::uint32_t h = get_u32be(s.data() + pos);
    std::size_t n = h & 0x7fffffff;
    cur.insert(cur.end(), s.begin() + pos + 4, s.begin() + pos + 4 + n);
    pos += 4 + n;
    if (h & 0x80000000u) out.push_back(std::move(cur)), cur.clear();
  }
  return out;
}

// Session key and subkey from an AP-REQ, with any keytab key that opens the ticket.
std::pair<Key, Key> open_ap_req(BytesView der, const keytab::Keytab& kt) {
  auto req = decode_ap_req(der);
  if (!req) die("AP-REQ: " + req.error().message());
  for (const auto& e : kt.entries) {
    if (e.key.enctype != req->ticket.enc_part.etype) continue;
    auto plain = decrypt(e.key, KeyUsage::kdc_rep_ticket, req->ticket.enc_part.cipher);
    if (!plain) continue;
    auto part = decode_enc_ticket_part(plain->view());
    if (!part) die("EncTicketPart");
    auto a = decrypt(part->key, KeyUsage::ap_req_authenticator, req->authenticator.cipher);
    if (!a) die("authenticator does not decrypt");
    auto auth = decode_authenticator(a->view());
    if (!auth || !auth->subkey) die("authenticator has no subkey");
    return {part->key.clone(), auth->subkey->clone()};
  }
  die("no keytab key opens the ticket");
}

// The inner token of a framed GSS-API token (points into `token`).
BytesView inner_token(BytesView token, const char* what) {
  auto framed = gss::unframe_token(token);
  if (!framed) die(what);
  return framed->inner;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) die("usage: seed_decrypt kpasswd|kadmin KEYTAB C2S S2C OUT");
  const std::string mode = argv[1];
  auto kt = keytab::read_keytab(argv[2]);
  if (!kt) die(kt.error().message());
  Bytes c2s = slurp(argv[3]), s2c = slurp(argv[4]);
  if (mode == "kpasswd") {
    // TCP: a 4-byte length before each message.
    auto req = exchange::unframe_kpasswd(BytesView(c2s).subspan(4), "request");
    auto rep = exchange::unframe_kpasswd(BytesView(s2c).subspan(4), "reply");
    if (!req || !rep) die("kpasswd frames");
    auto [session, subkey] = open_ap_req(req->ap, *kt);
    auto priv = decode_krb_priv(rep->rest);
    if (!priv) die("reply KRB-PRIV");
    auto plain = decrypt(subkey, KeyUsage::krb_priv_enc_part, priv->enc_part.cipher);
    if (!plain) die("reply KRB-PRIV does not decrypt in the subkey");
    auto part = decode_enc_krb_priv_part(plain->view());
    if (!part) die("EncKrbPrivPart");
    put(argv[5], part->user_data);
    return 0;
  }
  auto calls = records(c2s), replies = records(s2c);
  if (calls.empty() || replies.empty()) die("no records");
  // INIT call: xid..cred (6 words, flavor, body), verifier, then opaque(initial token).
  rpc::XdrReader call(calls[0], "init call");
  for (int i = 0; i < 7; ++i) call.u32("header");
  call.opaque("cred.body");
  call.u32("verf.flavor");
  call.opaque("verf.body");
  Bytes token = call.opaque("token");
  auto [session, subkey] = open_ap_req(inner_token(token, "initial token"), *kt);
  auto init = rpc::decode_reply(replies[0]);
  if (!init) die("INIT reply");
  // rpc_gss_init_res: handle, major, minor, window, token.
  rpc::XdrReader res(init->results, "init res");
  res.opaque("handle");
  for (int i = 0; i < 3; ++i) res.u32("status");
  Bytes rep_token = res.opaque("token");
  auto ap_rep = decode_ap_rep(inner_token(rep_token, "AP-REP token"));
  if (!ap_rep) die("AP-REP");
  auto enc = decrypt(session, KeyUsage::ap_rep_enc_part, ap_rep->enc_part.cipher);
  if (!enc) die("AP-REP does not decrypt");
  auto part = decode_enc_ap_rep_part(enc->view());
  if (!part) die("EncAPRepPart");
  const bool acceptor_subkey = part->subkey.has_value();
  const Key& key = acceptor_subkey ? *part->subkey : subkey;
  int n = 0;
  for (std::size_t i = 1; i < replies.size(); ++i) {
    auto r = rpc::decode_reply(replies[i]);
    if (!r || !r->accepted || r->results.empty()) continue;
    rpc::XdrReader body(r->results, "body");
    Bytes wrap = body.opaque("databody_priv");
    auto u = gss::unwrap(gss::TokenKey{key, gss::Sender::acceptor, acceptor_subkey}, wrap);
    if (!u || u->data.size() < 4) continue;
    put(std::string(argv[5]) + "-" + std::to_string(++n) + ".bin", u->data.view().subspan(4));
  }
  std::printf("%d replies\n", n);
  return 0;
}
