#include "realm/scripted.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "realm/realm.hpp"

namespace krbkit::test {

ScriptedServer::ScriptedServer(std::string script, std::string_view stem,
                               const std::vector<std::string>& args, const std::string& env_file,
                               const std::map<std::string, std::string>& files)
    : script_(std::move(script)), dir_(make_temp_dir(stem)) {
  for (const auto& [name, text] : files) std::ofstream(dir_ + "/" + name) << text;
  std::vector<std::string> argv{"bash", script_, "start", dir_};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--owner", std::to_string(::getpid())});
  RunResult r = run_process(argv, {}, {}, std::chrono::minutes(2));
  if (!r.ok()) {
    run_process({"bash", script_, "stop", dir_});
    throw std::runtime_error(script_ + " start " + dir_ + " failed: " + r.err);
  }
  values_ = read_env_file(dir_ + "/" + env_file);
}

ScriptedServer::~ScriptedServer() {
  try {
    run_process({"bash", script_, "stop", dir_}, {}, {}, std::chrono::seconds(30));
    std::error_code ec;
    if (std::getenv("KRBKIT_KEEP_REALM") == nullptr) std::filesystem::remove_all(dir_, ec);
  } catch (...) {
    // The watchdog stops the server anyway.
  }
}

const std::string& ScriptedServer::get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::out_of_range(script_ + " in " + dir_ + " gave no " + key);
  return it->second;
}

std::string ScriptedServer::file(const std::string& name) const {
  std::ifstream in(dir_ + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace krbkit::test
