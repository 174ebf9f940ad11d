#include "realm/pkinit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace krbkit::test {

std::string make_pkinit_certs(const std::string& realm_name) {
  std::string dir = make_temp_dir("krbkit-pkinit-certs");
  auto made = run_process({std::string(KRBKIT_PKINIT_CERTS_SH), dir, realm_name});
  if (!made.ok()) throw std::runtime_error("pkinit_certs.sh failed: " + made.err);
  return dir;
}

std::vector<std::string> mit_cache_config(const Realm& realm, const std::string& cache) {
  auto listed = realm.run({"/usr/bin/klist", "-C", "-c", cache});
  std::vector<std::string> lines;
  std::istringstream in(listed.out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("        ", 0) == 0 && !lines.empty() && lines.back().rfind("config:", 0) == 0)
      lines.back() += line.substr(8);
    else if ((line.rfind("config:", 0) == 0 || line.rfind("Default principal:", 0) == 0))
      lines.push_back(line);
  }
  lines.erase(std::remove_if(lines.begin(), lines.end(),
                             [](const std::string& l) { return l.find("fast_avail") != std::string::npos; }),
              lines.end());
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::string show(const RunResult& r) {
  return fmt::format("exit {}\nstdout: {}\nstderr: {}", r.exit_code, r.out, r.err);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

bool cache_exists(const std::string& cache) { return std::filesystem::exists(cache.substr(5)); }

}  // namespace krbkit::test
