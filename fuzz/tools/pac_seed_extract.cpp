// Writes fuzz seeds from real service tickets: for every ticket in CCACHE
// that a key in KEYTAB opens, OUTDIR/pac/<prefix>-N.bin (the PAC as the KDC
// made it) and OUTDIR/pac-ticket/<prefix>-N.bin (the decrypted EncTicketPart).
//   pac_seed_extract CCACHE-FILE KEYTAB OUTDIR PREFIX
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "krbkit/ccache/format.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/pac/ticket.hpp"
#include "krbkit/proto/principal.hpp"

using namespace krbkit;

namespace {
bool write(const std::string& path, BytesView data) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(out);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: pac_seed_extract CCACHE-FILE KEYTAB OUTDIR PREFIX\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto cache = ccache::parse(bytes, argv[1]);
  auto keytab = keytab::read_keytab(argv[2]);
  if (!cache.ok() || !keytab.ok()) {
    std::fprintf(stderr, "cannot read %s or %s\n", argv[1], argv[2]);
    return 1;
  }
  pac::DecodeOptions options;
  options.keytab_name = argv[2];
  for (const auto& e : keytab->entries) options.service_keys.push_back({e.principal, e.kvno, e.key.clone()});
  int n = 0;
  for (const auto& c : cache->creds) {
    auto t = pac::open_ticket(c.ticket, options);
    if (!t.ok() || !t->pac) continue;
    const std::string name = std::string(argv[4]) + "-" + std::to_string(++n) + ".bin";
    if (!write(std::string(argv[3]) + "/pac/" + name, t->pac->raw) ||
        !write(std::string(argv[3]) + "/pac-ticket/" + name, encode(t->part)))
      return 1;
    std::printf("%s: %s\n", name.c_str(), unparse_principal(t->server).c_str());
  }
  return n > 0 ? 0 : 1;
}
