// Writes typed seeds for the DER decoder targets (fuzz/corpus/fuzz_<name>/)
// from captured Kerberos conversations and the secrets that open them:
// every message is decoded, every part whose key is known is decrypted, and
// each value is written under the target that decodes its type (KDC-REQ,
// AP-REQ in PA-TGS-REQ and in FAST armor, Authenticator, Ticket,
// EncTicketPart, EncKDCRepPart, METHOD-DATA, PA-ETYPE-INFO2, PA-ENC-TS-ENC,
// PA-FX-FAST request and reply, KrbFastReq, KrbFastResponse, KRB-ERROR...).
//   seed_typed OUTDIR [-p ENCTYPE PASSWORD SALT]... [-c CCACHE]... [-k KEYTAB]... [-s KPASSWD-SEED]...
//   FILE...
// FILE: a captured message (KDC-REQ, KDC-REP, KRB-ERROR or AP-REQ). Then the
// made seeds (see made_seeds) around the first service ticket opened and
// the fuzz_kpasswd seeds (-s) of mode 0 (replies) and 1 (result data). Keys come
// from passwords, from the session keys of a ccache's tickets and from a
// keytab (which opens service tickets); each session key or subkey
// decrypted on the way opens the parts after it. Files are named after the
// message they came from; a value already written is not written again.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "krbkit/ccache/format.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/proto/messages.hpp"

using namespace krbkit;

namespace {

Bytes slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "seed_typed: %s\n", what.c_str());
  std::exit(1);
}

// RFC 4120 7.5.1 and RFC 6113 key usages.
constexpr KeyUsage kPaEncTimestamp = KeyUsage::as_req_pa_enc_ts, kTicket = KeyUsage::kdc_rep_ticket,
                   kAsRepPart = KeyUsage::as_rep_enc_part, kTgsRepPartSession = KeyUsage::tgs_rep_enc_part_session_key,
                   kTgsRepPartSubkey = KeyUsage::tgs_rep_enc_part_subkey,
                   kTgsAuthenticator = KeyUsage::tgs_req_authenticator,
                   kApAuthenticator = KeyUsage::ap_req_authenticator, kFastReq = KeyUsage::fast_enc,
                   kFastRep = KeyUsage::fast_rep;

class Walker {
 public:
  explicit Walker(std::string out) : out_(std::move(out)) {}

  void add_key(Key k) {
    for (const auto& have : keys_)
      if (have == k) return;
    keys_.push_back(std::move(k));
  }
  void add_service_key(Key k) { service_keys_.push_back(std::move(k)); }
  void add_ticket_key(const Bytes& ticket_der, const Key& k) {
    auto t = decode_ticket(ticket_der);
    if (t.ok()) ticket_keys_.emplace(t->enc_part.cipher, k.clone());
  }

  void message(const std::string& name, BytesView der) {
    name_ = name;
    if (auto req = decode_kdc_req(der); req.ok()) return kdc_req(der, *req);
    if (auto rep = decode_kdc_reply(der); rep.ok()) return kdc_reply(der, *rep);
    if (auto ap = decode_ap_req(der); ap.ok()) {
      ap_req(der, *ap, kApAuthenticator);
      return;
    }
    std::fprintf(stderr, "seed_typed: %s: not a message this tool knows\n", name.c_str());
  }

  std::size_t written() const { return seen_.size(); }
  void set_name(std::string name) { name_ = std::move(name); }
  // What the made seeds are built around: a real service ticket and its reply part.
  const std::optional<Ticket>& service_ticket() const { return service_ticket_; }
  const std::optional<EncKdcRepPart>& service_part() const { return service_part_; }
  const std::string& crealm() const { return crealm_; }
  const PrincipalName& cname() const { return cname_; }

  void emit(const char* target, BytesView der) {
    if (!seen_.insert({target, Bytes(der.begin(), der.end())}).second) return;
    auto dir = std::filesystem::path(out_) / (std::string("fuzz_") + target);
    std::filesystem::create_directories(dir);
    std::ofstream f(dir / (name_ + "-" + std::to_string(++counter_[target]) + ".der"), std::ios::binary);
    f.write(reinterpret_cast<const char*>(der.data()), static_cast<std::streamsize>(der.size()));
  }

  // The plaintext of `enc` in the first known key (or service key) that opens it.
  std::optional<SecretBytes> open(const EncryptedData& enc, KeyUsage usage, const std::vector<Key>& keys,
                                  const Key** used = nullptr) {
    for (const auto& k : keys) {
      if (k.enctype != enc.etype) continue;
      auto plain = decrypt(k, usage, enc.cipher);
      if (!plain.ok()) continue;
      if (used) *used = &k;
      return std::move(*plain);
    }
    return std::nullopt;
  }

 private:
  void kdc_req(BytesView der, const KdcReq& req) {
    emit("kdc_req", der);
    padata_list(req.padata, true);
    for (const auto& t : req.req_body.additional_tickets) ticket(t);
  }

  void kdc_reply(BytesView der, const KdcReply& reply) {
    emit("kdc_reply", der);
    if (const auto* err = std::get_if<KrbError>(&reply)) return krb_error(der, *err);
    const auto& rep = std::get<KdcRep>(reply);
    padata_list(rep.padata, false);
    ticket(rep.ticket);
    std::optional<SecretBytes> plain;
    for (KeyUsage usage : {kAsRepPart, kTgsRepPartSession, kTgsRepPartSubkey})
      if ((plain = open(rep.enc_part, usage, keys_))) break;
    if (!plain) return;
    auto part = decode_enc_kdc_rep_part(plain->view());
    if (!part.ok()) return;
    emit("enc_kdc_rep_part", plain->view());
    ticket_keys_.emplace(rep.ticket.enc_part.cipher, part->key.clone());
    add_key(part->key.clone());
    if (!part->encrypted_pa_data.empty()) emit("method_data", encode_method_data(part->encrypted_pa_data));
    if (part->application_tag == 26 && !service_part_) {
      service_ticket_ = rep.ticket;
      crealm_ = rep.crealm;
      cname_ = rep.cname;
      service_part_.emplace(std::move(*part));
    }
  }

  void krb_error(BytesView der, const KrbError& err) {
    emit("krb_error", der);
    if (!err.e_data) return;
    if (auto md = decode_method_data(*err.e_data); md.ok()) {
      emit("method_data", *err.e_data);
      padata_list(*md, false);
    } else if (auto td = decode_typed_data(*err.e_data); td.ok()) {
      emit("typed_data", *err.e_data);
    }
  }

  void padata_list(const std::vector<PaData>& list, bool request) {
    if (!list.empty()) emit("method_data", encode_method_data(list));
    for (const auto& pa : list) padata(pa, request);
  }

  void padata(const PaData& pa, bool request) {
    const BytesView v = pa.padata_value;
    switch (pa.padata_type) {
      case PaType::tgs_req:
        if (auto ap = decode_ap_req(v); ap.ok()) {
          // RFC 6113 5.4.1.1: a TGS request's FAST armor is the TGT itself.
          auto subkey = ap_req(v, *ap, kTgsAuthenticator);
          if (const Key* session = ticket(ap->ticket); subkey && session) add_armor_key(*subkey, *session);
        }
        break;
      case PaType::enc_timestamp:
        if (auto enc = decode_encrypted_data(v); enc.ok())
          if (auto plain = open(*enc, kPaEncTimestamp, keys_);
              plain && decode_pa_enc_ts_enc(plain->view()).ok())
            emit("pa_enc_ts_enc", plain->view());
        break;
      case PaType::etype_info2:
        if (auto info = decode_etype_info2(v); info.ok()) {
          emit("etype_info2", v);
          etype_info_from(*info);
        }
        break;
      case PaType::etype_info:
        if (decode_etype_info(v).ok()) emit("etype_info", v);
        break;
      case PaType::fx_fast: request ? fast_request(v) : fast_reply(v); break;
      case PaType::fx_error:
        if (auto err = decode_krb_error(v); err.ok()) krb_error(v, *err);
        break;
      default: break;
    }
  }

  // PA-ETYPE-INFO as an older KDC would send the same entries (salt as octets).
  void etype_info_from(const std::vector<EtypeInfo2Entry>& info2) {
    std::vector<EtypeInfoEntry> info;
    for (const auto& e : info2) {
      EtypeInfoEntry x;
      x.etype = e.etype;
      if (e.salt) x.salt = Bytes(e.salt->begin(), e.salt->end());
      info.push_back(std::move(x));
    }
    emit("etype_info", encode_etype_info(info));
  }

  // The session key of a ticket: known from a reply or a ccache, or read
  // from the ticket itself with a service key.
  const Key* ticket(const Ticket& t) {
    emit("ticket", encode(t));
    const Key* used = nullptr;
    if (auto plain = open(t.enc_part, kTicket, service_keys_, &used)) {
      if (auto part = decode_enc_ticket_part(plain->view()); part.ok()) {
        emit("enc_ticket_part", plain->view());
        if (!part->authorization_data.empty())
          emit("authorization_data", encode_authorization_data(part->authorization_data));
        ticket_keys_.emplace(t.enc_part.cipher, part->key.clone());
      }
    }
    auto it = ticket_keys_.find(t.enc_part.cipher);
    return it == ticket_keys_.end() ? nullptr : &it->second;
  }

  // Returns the authenticator's subkey (FAST armor needs it with the ticket's key).
  std::optional<Key> ap_req(BytesView der, const ApReq& ap, KeyUsage usage) {
    emit("ap_req", der);
    const Key* session = ticket(ap.ticket);
    if (!session) return std::nullopt;
    std::vector<Key> one;
    one.push_back(session->clone());
    auto plain = open(ap.authenticator, usage, one);
    if (!plain) return std::nullopt;
    auto auth = decode_authenticator(plain->view());
    if (!auth.ok()) return std::nullopt;
    emit("authenticator", plain->view());
    if (!auth->authorization_data.empty())
      emit("authorization_data", encode_authorization_data(auth->authorization_data));
    if (!auth->subkey) return std::nullopt;
    add_key(auth->subkey->clone());
    return auth->subkey->clone();
  }

  // RFC 6113 5.4.1.1: armor key = KRB-FX-CF2(subkey, ticket session key, "subkeyarmor", "ticketarmor").
  void add_armor_key(const Key& subkey, const Key& session) {
    auto armor_key = cf2(subkey, session, as_bytes("subkeyarmor"), as_bytes("ticketarmor"));
    if (armor_key.ok()) armor_keys_.push_back(std::move(*armor_key));
  }

  void fast_request(BytesView v) {
    auto armored = decode_pa_fx_fast_request(v);
    if (!armored.ok()) return;
    emit("pa_fx_fast_request", v);
    if (armored->armor) {
      const Bytes& armor_der = armored->armor->armor_value;
      auto ap = decode_ap_req(armor_der);
      if (!ap.ok()) return;
      auto subkey = ap_req(armor_der, *ap, kApAuthenticator);
      const Key* session = ticket(ap->ticket);
      if (!subkey || !session) return;
      add_armor_key(*subkey, *session);
    }
    auto plain = open(armored->enc_fast_req, kFastReq, armor_keys_);
    if (!plain) return;
    auto inner = decode_krb_fast_req(plain->view());
    if (!inner.ok()) return;
    emit("krb_fast_req", plain->view());
    padata_list(inner->padata, true);
  }

  void fast_reply(BytesView v) {
    auto armored = decode_pa_fx_fast_reply(v);
    if (!armored.ok()) return;
    emit("pa_fx_fast_reply", v);
    auto plain = open(armored->enc_fast_rep, kFastRep, armor_keys_);
    if (!plain) return;
    auto inner = decode_krb_fast_response(plain->view());
    if (!inner.ok()) return;
    emit("krb_fast_response", plain->view());
    padata_list(inner->padata, false);
    // RFC 6113 5.4.3: the reply key is KRB-FX-CF2(strengthen-key, reply key,
    // "strengthenkey", "replykey"); the reply key is one of the known keys.
    if (!inner->strengthen_key) return;
    std::vector<Key> strengthened;
    for (const auto& k : keys_)
      if (auto r = cf2(*inner->strengthen_key, k, as_bytes("strengthenkey"), as_bytes("replykey")); r.ok())
        strengthened.push_back(std::move(*r));
    for (auto& k : strengthened) add_key(std::move(k));
  }

  std::string out_, name_;
  std::vector<Key> keys_, service_keys_, armor_keys_;
  std::map<Bytes, Key> ticket_keys_;
  std::set<std::pair<std::string, Bytes>> seen_;
  std::map<std::string, int> counter_;
  std::optional<Ticket> service_ticket_;
  std::optional<EncKdcRepPart> service_part_;
  std::string crealm_;
  PrincipalName cname_;
};

// ---- Made seeds: the types no captured conversation opens (the kpasswd
// KRB-PRIV's inside, KRB-SAFE, KRB-CRED, EncAPRepPart, TYPED-DATA,
// ChangePasswdData), built with our encoders around real values: the
// service ticket and reply part the walk opened, the kpasswd replies and
// result data MIT's kadmind and Samba sent.

// A kpasswd reply as fuzz_kpasswd's mode-0 seeds hold it: mode byte, then
// length, version, AP-REP length, AP-REP, KRB-PRIV (RFC 3244).
void kpasswd_reply(Walker& w, BytesView seed) {
  if (seed.size() < 7 || seed[0] != 0) return;
  const BytesView frame = seed.subspan(1);
  const std::size_t ap_len = get_u16be(frame.data() + 4);
  if (ap_len == 0 || 6 + ap_len > frame.size()) return;
  const BytesView ap = frame.subspan(6, ap_len), priv = frame.subspan(6 + ap_len);
  if (decode_ap_rep(ap).ok()) w.emit("ap_rep", ap);
  if (decode_krb_priv(priv).ok()) w.emit("krb_priv", priv);
}

const KerberosTime kWhen{std::chrono::seconds(1795000000)};
const HostAddress kLoopback{2, Bytes{127, 0, 0, 1}};

// The result data of a password change (fuzz_kpasswd mode 1 seeds) as the
// server's EncKrbPrivPart and, checksummed instead, a KRB-SAFE.
void private_parts(Walker& w, BytesView seed, const Key& key) {
  if (seed.size() < 3 || seed[0] != 1) return;
  EncKrbPrivPart part;
  part.user_data = Bytes(seed.begin() + 1, seed.end());
  part.seq_number = 0x1234567;
  part.s_address = kLoopback;
  w.emit("enc_krb_priv_part", encode_enc_krb_priv_part(part));
  part.timestamp = kWhen;
  part.usec = 4711;
  part.seq_number.reset();
  part.r_address = kLoopback;
  w.emit("enc_krb_priv_part", encode_enc_krb_priv_part(part));
  KrbSafe safe;
  safe.safe_body = part;
  auto sum = make_checksum(Cksumtype::hmac_sha1_96_aes256, &key, KeyUsage::krb_safe_cksum, encode_enc_krb_priv_part(part));
  if (sum.ok()) safe.cksum = Checksum{Cksumtype::hmac_sha1_96_aes256, std::move(*sum)};
  w.emit("krb_safe", encode(safe));
}

// The service ticket forwarded as GSS-API delegation does (RFC 4121 4.1.1:
// a KRB-CRED, its part in the clear or encrypted in the session key).
void forwarded(Walker& w, const Ticket& t, const EncKdcRepPart& rep, const std::string& crealm,
               const PrincipalName& cname) {
  KrbCredInfo info;
  info.key = rep.key.clone();
  info.prealm = crealm;
  info.pname = cname;
  info.flags = rep.flags;
  info.authtime = rep.authtime;
  info.starttime = rep.starttime;
  info.endtime = rep.endtime;
  info.renew_till = rep.renew_till;
  info.srealm = rep.srealm;
  info.sname = rep.sname;
  EncKrbCredPart part;
  part.ticket_info.push_back(std::move(info));
  part.nonce = rep.nonce;
  part.timestamp = kWhen;
  part.usec = 99;
  part.s_address = kLoopback;
  const Bytes clear = encode(part);
  w.emit("enc_krb_cred_part", clear);
  KrbCred cred;
  cred.tickets.push_back(t);
  cred.enc_part = EncryptedData{Enctype::null, std::nullopt, clear};
  w.emit("krb_cred", encode(cred));
  if (auto sealed = encrypt(rep.key, KeyUsage::krb_cred_enc_part, clear); sealed.ok()) {
    cred.enc_part = EncryptedData{rep.key.enctype, std::nullopt, std::move(*sealed)};
    w.emit("krb_cred", encode(cred));
  }
}

void other_parts(Walker& w, const EncKdcRepPart& rep, const std::string& crealm, const PrincipalName& cname) {
  EncApRepPart ap;
  ap.ctime = kWhen;
  ap.cusec = 123456;
  w.emit("enc_ap_rep_part", encode(ap));
  ap.subkey = rep.key.clone();
  ap.seq_number = 0x7654321;
  w.emit("enc_ap_rep_part", encode(ap));
  ChangePasswdData set;
  set.newpasswd = SecretBytes(std::string_view("new-pw-1"));
  w.emit("change_passwd_data", encode(set));
  set.targname = cname;
  set.targrealm = crealm;
  w.emit("change_passwd_data", encode(set));
  // MS-KILE 2.2.1 KERB-ERROR-DATA-like TYPED-DATA, and RFC 6113's TD-* entries.
  w.emit("typed_data", encode_typed_data({{3, Bytes{0, 0, 0, 0}}, {107, Bytes{2, 1, 0}}}));
  w.emit("typed_data", encode_typed_data({{104, std::nullopt}}));
}

void made_seeds(Walker& w, const std::vector<std::string>& kpasswd_files) {
  const std::string crealm = w.crealm();
  const PrincipalName cname = w.cname();
  const auto& t = w.service_ticket();
  const auto& rep = w.service_part();
  if (!t || !rep) die("no service ticket opened: the made seeds need one");
  w.set_name("made");
  forwarded(w, *t, *rep, crealm, cname);
  other_parts(w, *rep, crealm, cname);
  for (const auto& f : kpasswd_files) {
    w.set_name(std::filesystem::path(f).stem().string());
    const Bytes seed = slurp(f);
    kpasswd_reply(w, seed);
    private_parts(w, seed, rep->key);
  }
}

Enctype enctype_named(const std::string& s) {
  if (s == "aes256-cts-hmac-sha1-96") return Enctype::aes256_cts_hmac_sha1_96;
  if (s == "aes128-cts-hmac-sha1-96") return Enctype::aes128_cts_hmac_sha1_96;
  if (s == "aes256-cts-hmac-sha384-192") return Enctype::aes256_cts_hmac_sha384_192;
  if (s == "aes128-cts-hmac-sha256-128") return Enctype::aes128_cts_hmac_sha256_128;
  die("unknown enctype " + s);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3)
    die("usage: seed_typed OUTDIR [-p ENCTYPE PASSWORD SALT]... [-c CCACHE]... [-k KEYTAB]... [-s "
        "KPASSWD-SEED]... "
        "FILE...");
  Walker w(argv[1]);
  std::vector<std::string> files, kpasswd_files;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-p" && i + 3 < argc) {
      auto k =
          string_to_key(enctype_named(argv[i + 1]), argv[i + 2], as_bytes(std::string_view(argv[i + 3])));
      if (!k.ok()) die(k.error().message());
      w.add_key(std::move(*k));
      i += 3;
    } else if (a == "-c" && i + 1 < argc) {
      const char* path = argv[++i];
      auto cache = ccache::parse(slurp(path), path);
      if (!cache.ok()) die(cache.error().message());
      for (const auto& c : cache->creds) w.add_ticket_key(c.ticket, c.session_key);
    } else if (a == "-k" && i + 1 < argc) {
      auto kt = keytab::read_keytab(argv[++i]);
      if (!kt.ok()) die(kt.error().message());
      for (const auto& e : kt->entries) w.add_service_key(e.key.clone());
    } else if (a == "-s" && i + 1 < argc) {
      kpasswd_files.push_back(argv[++i]);
    } else {
      files.push_back(a);
    }
  }
  // Twice: keys found late (a TGT's session key in a later reply) open earlier parts.
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& f : files) w.message(std::filesystem::path(f).stem().string(), slurp(f));
  made_seeds(w, kpasswd_files);
  std::printf("%zu seeds\n", w.written());
  return 0;
}
