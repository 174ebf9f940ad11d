#pragma once
// krb5.conf in MIT's profile syntax.
//
//   file      ::= { comment | directive | section }
//   comment   ::= line whose first non-blank character is '#' or ';'
//                 (and, as in MIT, every line before the first "[section]")
//   directive ::= "include" FILE | "includedir" DIR     (at the start of a line)
//   section   ::= "[" name "]" ["*"] { relation }
//   relation  ::= tag ["*"] "=" value
//               | tag ["*"] "=" "{" { relation } "}" ["*"]   ("{" may be on the next line)
//   value     ::= rest of the line, trailing blanks removed | '"' quoted with \n \t \b \\ \" '"'
//
// A trailing "*" marks a section, subsection or relation final: files later in
// KRB5_CONFIG are not consulted for it. Sections and subsections of the same
// name within one file (and the files it includes) are merged. Across files,
// lookups see the first file's values first, so "the first value wins".
//
// Profile::parse() works on a string (tests, fuzzing); Profile::load_files()
// is the only part that reads the disk, apart from include directives.

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/environment.hpp"
#include "krbkit/base/result.hpp"

namespace krbkit::config {

// A node of one file's tree: either a (sub)section with children or a relation
// with a value.
struct Node {
  std::string name;
  std::string value;
  bool is_section = false;
  bool final = false;
  int line = 0;  // where it was first seen (for messages)
  std::vector<Node> children;
};

// A path of names from the top: {"realms", "KRBKIT.TEST", "kdc"}.
using Path = std::initializer_list<std::string_view>;

class Profile {
 public:
  Profile() = default;

  // Parses one file's text. `source` names it in error messages
  // ("krb5.conf:12: ..."). include/includedir directives read from the disk.
  static Result<Profile> parse(std::string_view text, std::string_view source = "<string>");
  // Loads the files in order; a file that does not exist is skipped (as MIT
  // does), any other failure (permissions, syntax) is an error naming the file.
  static Result<Profile> load_files(const std::vector<std::string>& paths);

  // Adds another file's tree after the existing ones (lower precedence).
  void append(Profile other);

  // The first value of the relation at `path`, if any.
  std::optional<std::string> get(Path path) const;
  // Every value of the relation at `path`, first file first.
  std::vector<std::string> get_all(Path path) const;
  // The names of the relations and subsections inside the section at `path`
  // (each once, in order of appearance).
  std::vector<std::string> names(Path path) const;
  // Whether a section or relation exists at `path`.
  bool has(Path path) const;

  // Typed getters: nullopt when the relation is absent, an Errc::config error
  // naming the relation when its value does not parse.
  Result<std::optional<bool>> get_bool(Path path) const;
  Result<std::optional<std::int64_t>> get_int(Path path) const;
  Result<std::optional<std::chrono::seconds>> get_duration(Path path) const;

  bool empty() const { return files_.empty(); }

  // The first value at `path` with "file:line" naming where it was set.
  struct Found {
    std::string value;
    std::string where;
  };
  std::optional<Found> find_first(Path path) const;

 private:
  struct File {
    std::string source;
    Node root;
  };
  std::vector<File> files_;

  template <class Visit>
  void visit(Path path, Visit&& visit_node) const;
};

// "libdefaults.forwardable" for messages.
std::string path_name(Path path);

// Loads the profile from env.config_files() (missing files are skipped).
Result<Profile> load_profile(const Environment& env);

}  // namespace krbkit::config
