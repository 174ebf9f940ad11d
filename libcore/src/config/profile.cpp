#include "krbkit/config/profile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "krbkit/config/values.hpp"

namespace krbkit::config {
namespace {

constexpr int kMaxIncludeDepth = 16;

bool is_blank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view skip_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}
std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// MIT's quoted values: \n \t \b, and a backslash before anything else keeps
// that character; the value ends at the next unescaped quote.
std::string unquote(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && s[i] != '"'; ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
      switch (s[i]) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'b': out += '\b'; break;
        default: out += s[i];
      }
      continue;
    }
    out += s[i];
  }
  return out;
}

Node& add_section(Node& parent, std::string_view name, int line) {
  for (auto& child : parent.children)
    if (child.is_section && child.name == name) return child;
  Node node;
  node.name = std::string(name);
  node.is_section = true;
  node.line = line;
  parent.children.push_back(std::move(node));
  return parent.children.back();
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{std::error_code(errno, std::system_category()), path};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{std::error_code(EIO, std::system_category()), path};
  return text.str();
}

// MIT includes only names of letters, digits, '-' and '_', or ending in
// ".conf", and never dotfiles (editor backups, .rpmsave and the like).
bool includable_name(std::string_view name) {
  if (name.empty() || name.front() == '.') return false;
  if (name.size() >= 5 && name.substr(name.size() - 5) == ".conf") return true;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

class Parser {
 public:
  Parser(Node& root, std::string_view source, int depth) : root_(root), source_(source), depth_(depth) {}

  Result<void> run(std::string_view text) {
    int line_no = 0;
    while (!text.empty()) {
      auto nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
      ++line_no;
      while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      KRBKIT_CHECK(parse_line(line, line_no));
    }
    return success();
  }

 private:
  enum class Mode { before_first_section, normal, want_open_brace };

  Error syntax(int line, std::string_view what) const {
    return Error{Errc::config, fmt::format("{}:{}: {}", source_, line, what)};
  }

  static bool directive(std::string_view line, std::string_view word, std::string_view& arg) {
    if (line.size() <= word.size() || line.substr(0, word.size()) != word || !is_blank(line[word.size()]))
      return false;
    arg = trim_right(skip_blanks(line.substr(word.size())));
    return true;
  }

  Result<void> include_file(const std::string& path, int line) {
    if (depth_ >= kMaxIncludeDepth)
      return syntax(line, fmt::format("includes nested too deeply at {}", path));
    auto text = read_file(path);
    if (!text)
      return syntax(line, fmt::format("cannot read included file {}: {}", path, text.error().code.message()));
    Parser nested(root_, path, depth_ + 1);
    return nested.run(*text);
  }

  Result<void> include_dir(const std::string& dir, int line) {
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      auto name = entry.path().filename().string();
      if (includable_name(name)) names.push_back(name);
    }
    if (ec) return syntax(line, fmt::format("cannot read included directory {}: {}", dir, ec.message()));
    std::sort(names.begin(), names.end());
    for (const auto& name : names) KRBKIT_CHECK(include_file(dir + "/" + name, line));
    return success();
  }

  Result<void> parse_line(std::string_view line, int line_no) {
    std::string_view arg;
    if (directive(line, "include", arg)) return include_file(std::string(arg), line_no);
    if (directive(line, "includedir", arg)) return include_dir(std::string(arg), line_no);
    switch (mode_) {
      case Mode::before_first_section:
        // MIT ignores everything before the first line starting with '['.
        if (line.empty() || line.front() != '[') return success();
        mode_ = Mode::normal;
        return parse_normal(line, line_no);
      case Mode::want_open_brace: {
        auto rest = skip_blanks(line);
        if (rest.empty() || rest.front() == '#' || rest.front() == ';') return success();
        if (rest.front() != '{') return syntax(line_no, "missing open brace after a subsection name");
        mode_ = Mode::normal;
        return success();
      }
      case Mode::normal: return parse_normal(line, line_no);
    }
    return success();
  }

  Result<void> parse_normal(std::string_view line, int line_no) {
    auto cp = skip_blanks(line);
    if (cp.empty() || cp.front() == '#' || cp.front() == ';') return success();
    if (cp.front() == '[') return section_header(cp, line_no);
    if (cp.front() == '}') return close_brace(cp, line_no);
    return relation(cp, line_no);
  }

  Result<void> section_header(std::string_view cp, int line_no) {
    if (level_ > 1) return syntax(line_no, "section header inside a subsection (missing '}'?)");
    auto close = cp.find(']');
    if (close == std::string_view::npos)
      return syntax(line_no, "syntax error in section header: missing ']'");
    auto name = cp.substr(1, close - 1);
    auto rest = cp.substr(close + 1);
    bool final = !rest.empty() && rest.front() == '*';
    if (final) rest.remove_prefix(1);
    if (!skip_blanks(rest).empty()) return syntax(line_no, "syntax error in section header: text after ']'");
    stack_.assign(1, &root_);
    Node& section = add_section(root_, name, line_no);
    // A section already marked final in this file takes no more values.
    discard_ = section.final ? 1 : 0;
    if (final) section.final = true;
    stack_.push_back(&section);
    level_ = 1;
    return success();
  }

  Result<void> close_brace(std::string_view cp, int line_no) {
    if (level_ < 2) return syntax(line_no, "extra closing brace");
    if (discard_ == 0 && cp.size() > 1 && cp[1] == '*') stack_.back()->final = true;
    --level_;
    if (discard_ == 0) {
      stack_.pop_back();
    } else if (level_ < discard_) {
      discard_ = 0;
      stack_.pop_back();
    }
    return success();
  }

  Result<void> relation(std::string_view cp, int line_no) {
    if (level_ < 1) return syntax(line_no, "relation outside of any section");
    auto eq = cp.find('=');
    if (eq == std::string_view::npos) return syntax(line_no, "syntax error in relation: missing '='");
    auto tag = trim_right(cp.substr(0, eq));
    if (tag.empty()) return syntax(line_no, "syntax error in relation: missing name before '='");
    if (std::any_of(tag.begin(), tag.end(), is_blank))
      return syntax(line_no, fmt::format("syntax error in relation: blank inside name '{}'", tag));
    bool final = false;
    if (auto star = tag.find('*'); star != std::string_view::npos) {
      tag = tag.substr(0, star);
      final = true;
    }
    auto value = skip_blanks(cp.substr(eq + 1));
    bool subsection = false;
    std::string text;
    if (!value.empty() && value.front() == '"') {
      text = unquote(value.substr(1));
    } else if (value.empty()) {
      subsection = true;
      mode_ = Mode::want_open_brace;
    } else if (value.front() == '{' && skip_blanks(value.substr(1)).empty()) {
      subsection = true;
    } else {
      text = std::string(trim_right(value));
    }
    if (subsection) {
      ++level_;
      if (discard_ == 0) {
        Node& child = add_section(*stack_.back(), tag, line_no);
        if (child.final) discard_ = level_;
        if (final) child.final = true;
        stack_.push_back(&child);
      }
      return success();
    }
    if (discard_ == 0) {
      Node node;
      node.name = std::string(tag);
      node.value = std::move(text);
      node.final = final;
      node.line = line_no;
      stack_.back()->children.push_back(std::move(node));
    }
    return success();
  }

  Node& root_;
  std::string source_;
  int depth_;
  Mode mode_ = Mode::before_first_section;
  int level_ = 0;    // 0: before any section, 1: in a section, 2+: in subsections
  int discard_ = 0;  // level at which a final (sub)section started discarding
  std::vector<Node*> stack_{&root_};
};

// Visits the nodes named by `path` in one tree; returns whether a final
// marker was seen on the way (later files are then not consulted).
template <class F>
bool visit_tree(const Node& node, const std::string_view* name, const std::string_view* end, F& f) {
  bool final = false;
  for (const auto& child : node.children) {
    if (child.name != *name) continue;
    if (name + 1 == end) {
      f(child);
      final |= child.final;
    } else if (child.is_section) {
      final |= child.final;
      final |= visit_tree(child, name + 1, end, f);
    }
  }
  return final;
}

}  // namespace

Result<Profile> Profile::parse(std::string_view text, std::string_view source) {
  Profile profile;
  profile.files_.push_back(File{std::string(source), Node{}});
  profile.files_.back().root.is_section = true;
  Parser parser(profile.files_.back().root, source, 0);
  KRBKIT_CHECK(parser.run(text));
  return profile;
}

Result<Profile> Profile::load_files(const std::vector<std::string>& paths) {
  Profile profile;
  for (const auto& path : paths) {
    auto text = read_file(path);
    if (!text) {
      if (text.error().code == std::errc::no_such_file_or_directory) continue;
      return Error{Errc::config, fmt::format("cannot read {}: {}", path, text.error().code.message())};
    }
    KRBKIT_TRY(one, parse(*text, path));
    profile.append(std::move(one));
  }
  return profile;
}

void Profile::append(Profile other) {
  for (auto& file : other.files_) files_.push_back(std::move(file));
}

template <class Visit>
void Profile::visit(Path path, Visit&& visit_node) const {
  if (path.size() == 0) return;
  for (const auto& file : files_) {
    auto f = [&](const Node& node) { visit_node(node, file.source); };
    if (visit_tree(file.root, path.begin(), path.end(), f)) break;
  }
}

std::optional<std::string> Profile::get(Path path) const {
  std::optional<std::string> out;
  visit(path, [&](const Node& node, const std::string&) {
    if (!out && !node.is_section) out = node.value;
  });
  return out;
}

std::vector<std::string> Profile::get_all(Path path) const {
  std::vector<std::string> out;
  visit(path, [&](const Node& node, const std::string&) {
    if (!node.is_section) out.push_back(node.value);
  });
  return out;
}

std::vector<std::string> Profile::names(Path path) const {
  std::vector<std::string> out;
  visit(path, [&](const Node& node, const std::string&) {
    if (!node.is_section) return;
    for (const auto& child : node.children)
      if (std::find(out.begin(), out.end(), child.name) == out.end()) out.push_back(child.name);
  });
  return out;
}

bool Profile::has(Path path) const {
  bool found = false;
  visit(path, [&](const Node&, const std::string&) { found = true; });
  return found;
}

std::optional<Profile::Found> Profile::find_first(Path path) const {
  std::optional<Found> found;
  visit(path, [&](const Node& node, const std::string& source) {
    if (!found && !node.is_section) found = Found{node.value, fmt::format("{}:{}", source, node.line)};
  });
  return found;
}

namespace {
template <class T, class Parse>
Result<std::optional<T>> typed(Path path, std::string_view kind, Parse&& parse,
                               const std::optional<Profile::Found>& found) {
  if (!found) return std::optional<T>{};
  auto parsed = parse(found->value);
  if (!parsed)
    return Error{Errc::config, fmt::format("{}: invalid {} '{}' for {}", found->where, kind, found->value,
                                           path_name(path))};
  return std::optional<T>{*parsed};
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  text = trim_right(skip_blanks(text));
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}
}  // namespace

Result<std::optional<bool>> Profile::get_bool(Path path) const {
  return typed<bool>(path, "boolean", parse_bool, find_first(path));
}

Result<std::optional<std::int64_t>> Profile::get_int(Path path) const {
  return typed<std::int64_t>(path, "integer", parse_int, find_first(path));
}

Result<std::optional<std::chrono::seconds>> Profile::get_duration(Path path) const {
  return typed<std::chrono::seconds>(path, "duration", parse_duration, find_first(path));
}

std::string path_name(Path path) {
  std::string out;
  for (auto name : path) {
    if (!out.empty()) out += '.';
    out += name;
  }
  return out;
}

Result<Profile> load_profile(const Environment& env) { return Profile::load_files(env.config_files()); }

}  // namespace krbkit::config
