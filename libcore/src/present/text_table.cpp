// Aligned text tables (present_internal.hpp).

#include <fmt/format.h>

#include <algorithm>

#include "present_internal.hpp"

namespace krbkit::present {

std::string text_table(const std::vector<TextRow>& rows) {
  if (rows.empty()) return {};
  std::vector<std::size_t> width(rows.front().cells.size(), 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.cells.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], r.cells[i].size());
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.cells.size(); ++i)
      line += i + 1 == r.cells.size() ? r.cells[i] : fmt::format("{:<{}}  ", r.cells[i], width[i]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace krbkit::present
