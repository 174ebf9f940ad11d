#pragma once
// A test server run by one of the harness scripts beside this file
// (`SCRIPT start DIR ARGS... --owner PID`, `SCRIPT stop DIR`), which writes
// its values to an env file in DIR. Stopped in the destructor, and by the
// script's watchdog if the test binary dies.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace krbkit::test {

class ScriptedServer {
 public:
  // Creates DIR ($TMPDIR/<stem>-XXXXXX); `prepare` may write input files
  // there before `script start` runs. Throws std::runtime_error when the
  // script fails (its standard error in the message).
  ScriptedServer(std::string script, std::string_view stem, const std::vector<std::string>& args,
                 const std::string& env_file, const std::map<std::string, std::string>& files = {});
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  const std::string& dir() const { return dir_; }
  // A value of the env file; throws std::out_of_range naming it.
  const std::string& get(const std::string& key) const;
  // The text of a file in DIR ("" when missing).
  std::string file(const std::string& name) const;

 private:
  std::string script_;
  std::string dir_;
  std::map<std::string, std::string> values_;
};

}  // namespace krbkit::test
