#pragma once
// PKINIT helpers shared by the tests against MIT's and Heimdal's KDCs.
//
//   std::string certs = make_pkinit_certs("KRBKIT.TEST");   // pkinit_certs.sh, about 3 s
//   Realm realm(RealmKind::mit, "KRBKIT.TEST", {"--pkinit", certs});
//   auto lines = mit_cache_config(realm, cache);           // what MIT's klist -C shows

#include <string>
#include <vector>

#include "realm/realm.hpp"

namespace krbkit::test {

// A new folder of the certificates tests/realm/pkinit_certs.sh makes for
// `realm_name` (see that script for the files); throws std::runtime_error.
std::string make_pkinit_certs(const std::string& realm_name);

// MIT's klist -C of `cache`: the "Default principal:" line and the config
// entries but fast_avail (MIT asks every KDC whether it offers FAST, krbkit
// only under -T), a wrapped entry joined back into one line, sorted.
std::vector<std::string> mit_cache_config(const Realm& realm, const std::string& cache);

// For a check's message: "exit N\nstdout: ...\nstderr: ...".
std::string show(const RunResult& r);
// The lines, each ended by a newline.
std::string joined(const std::vector<std::string>& lines);
// Whether the file of a "FILE:<path>" cache is there.
bool cache_exists(const std::string& cache);

}  // namespace krbkit::test
