#pragma once
// For the shell tests: what an interpreter printed and asked (standard
// output as one string, error lines one by one, scripted secrets and
// answers), and a temporary directory for keytab files.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <deque>
#include <filesystem>
#include <string>
#include <vector>

#include "shell/requests.hpp"

namespace krbkit::test {

struct Recorder {
  std::string out;
  std::vector<std::string> err;
  std::vector<std::string> prompts;  // secret prompts and questions, in order
  std::deque<std::string> secrets;   // what the "terminal" answers to secret prompts
  std::deque<std::string> answers;   // and to yes/no questions

  shell::Io io() {
    shell::Io io;
    io.out = [this](std::string_view s) { out += s; };
    io.err = [this](std::string_view s) { err.emplace_back(s); };
    io.secret = [this](const std::string& prompt) -> Result<SecretBytes> {
      prompts.push_back(prompt);
      if (secrets.empty()) return Error{Errc::cancelled, "no secret read"};
      SecretBytes s{std::string_view(secrets.front())};
      secrets.pop_front();
      return s;
    };
    io.ask = [this](const std::string& question) {
      prompts.push_back(question);
      std::string a = answers.empty() ? "" : answers.front();
      if (!answers.empty()) answers.pop_front();
      return a;
    };
    return io;
  }
};

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "krbkit-shell-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(std::string_view n) const { return path + "/" + std::string(n); }
};

}  // namespace krbkit::test
