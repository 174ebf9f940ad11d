// Writes the seeds of fuzz_heimdal_reply (fuzz/corpus/fuzz_heimdal_reply/)
// from a live Heimdal kadmind: runs one request of each kind through
// kadm5::HeimdalClient over a stream that keeps what the server sent, then
// opens each reply KRB-PRIV with the kadmin/admin ticket's session key and
// writes its plaintext behind the target's mode byte; plus the probe answer.
//   heimdal_seeds OUTDIR HOST PORT PASSWORD     (KRB5_CONFIG: the realm's krb5.conf)
// Authenticates as admin/admin of the default realm.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "krbkit/base/environment.hpp"
#include "krbkit/config/libdefaults.hpp"
#include "krbkit/config/profile.hpp"
#include "krbkit/crypto/crypto.hpp"
#include "krbkit/kadm5/auth.hpp"
#include "krbkit/kadm5/heimdal_client.hpp"
#include "krbkit/proto/messages.hpp"
#include "krbkit/proto/principal.hpp"

using namespace krbkit;

namespace {

// Keeps every read of more than four bytes (the reply bodies, the AP-REP).
class Recording final : public net::Stream {
 public:
  Recording(std::unique_ptr<net::Stream> inner, std::vector<Bytes>& reads)
      : inner_(std::move(inner)), reads_(reads) {}
  Result<void> write_all(BytesView d) override { return inner_->write_all(d); }
  Result<void> read_exact(std::span<std::uint8_t> out) override {
    auto r = inner_->read_exact(out);
    if (r.ok() && out.size() > 4) reads_.emplace_back(out.begin(), out.end());
    return r;
  }
  std::string peer() const override { return inner_->peer(); }

 private:
  std::unique_ptr<net::Stream> inner_;
  std::vector<Bytes>& reads_;
};

void write_seed(const std::string& path, std::uint8_t mode, BytesView body) {
  std::ofstream out(path, std::ios::binary);
  out.put(static_cast<char>(mode));
  out.write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: heimdal_seeds OUTDIR HOST PORT PASSWORD\n");
    return 2;
  }
  const std::string outdir = argv[1];
  auto profile = config::load_profile(Environment::from_process()).value();
  const std::string realm = *config::LibDefaults::from(profile).value().default_realm;
  kadm5::AdminAuth auth;
  auth.client = parse_principal("admin/admin", realm).value();
  auth.realm = realm;
  auth.admin_host = argv[2];
  auth.password = SecretBytes(std::string(argv[4]));
  auto ticket = kadm5::get_admin_ticket(profile, std::move(auth)).value();
  std::vector<Bytes> reads;
  auto tcp = net::connect_tcp(argv[2], static_cast<std::uint16_t>(std::stoi(argv[3]))).value();
  auto c = kadm5::HeimdalClient::open(std::make_unique<Recording>(std::move(tcp), reads), ticket).value();
  const std::string seed = "seed-heimdal@" + realm;
  // One request of each kind, in the order of `kinds` below.
  (void)c.get_principal("alice@" + realm, kadm5::princ_mask::normal | kadm5::princ_mask::key_data);
  (void)c.extract_keys("alice@" + realm, 0);
  kadm5::PrincipalEntry entry;
  entry.principal = seed;
  (void)c.create_principal(entry, kadm5::princ_mask::principal, std::string("seed-pw-12345"), std::nullopt);
  (void)c.randomize_key(seed, false, std::nullopt);
  (void)c.get_privileges();
  (void)c.list_principals(std::string("*"));
  (void)c.delete_principal(seed);
  (void)c.get_principal("nobody@" + realm, kadm5::princ_mask::normal);
  struct Kind {
    std::uint8_t mode;
    const char* name;
  };
  const Kind kinds[] = {{0, "get"},   {0, "get-keys"}, {4, "create"}, {1, "randkey"},
                        {2, "privs"}, {3, "princs"},   {4, "delete"}, {0, "get-unknown"}};
  // reads[0] is the AP-REP; then one KRB-PRIV per request.
  for (std::size_t i = 0; i < std::size(kinds) && i + 1 < reads.size(); ++i) {
    auto priv = decode_krb_priv(reads[i + 1]).value();
    auto plain = decrypt(ticket.session_key, KeyUsage::krb_priv_enc_part, priv.enc_part.cipher).value();
    auto part = decode_enc_krb_priv_part(plain.view()).value();
    write_seed(outdir + "/heimdal-" + kinds[i].name, kinds[i].mode, part.user_data);
  }
  return 0;
}
