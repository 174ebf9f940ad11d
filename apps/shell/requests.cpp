#include "shell/requests.hpp"

#include <fmt/format.h>

namespace krbkit::shell {

std::string request_line(const std::array<std::string_view, 4>& names, std::string_view summary) {
  std::string joined;
  for (auto n : names)
    if (!n.empty()) joined += (joined.empty() ? "" : ", ") + std::string(n);
  return joined.size() < 25 ? fmt::format("{:<25}{}\n", joined, summary)
                            : fmt::format("{}\n{:<25}{}\n", joined, "", summary);
}

Words split_request(std::string_view line) {
  Words out;
  std::string cur;
  bool in_word = false, quoted = false;
  for (char c : line) {
    if (quoted) {
      if (c == '"')
        quoted = false;
      else
        cur.push_back(c);
    } else if (c == '"') {
      quoted = in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur.push_back(c);
      in_word = true;
    }
  }
  if (in_word) out.push_back(std::move(cur));
  return out;
}

}  // namespace krbkit::shell
