#pragma once
// Shared by the fuzz targets: whether rendered text is valid UTF-8, by the C
// library's own decoder (the C.UTF-8 locale refuses overlong forms,
// surrogates and code points above U+10FFFF).
#include <clocale>
#include <cstdlib>
#include <cwchar>
#include <string_view>

namespace krbkit::fuzz {

inline bool valid_utf8(std::string_view s) {
  static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  if (utf8 == static_cast<locale_t>(0)) std::abort();
  const locale_t old = uselocale(utf8);
  std::mbstate_t state{};
  bool ok = true;
  for (std::size_t i = 0; i < s.size();) {
    wchar_t wc = 0;
    const std::size_t n = std::mbrtowc(&wc, s.data() + i, s.size() - i, &state);
    if (n == static_cast<std::size_t>(-1) || n == static_cast<std::size_t>(-2)) {
      ok = false;
      break;
    }
    i += n == 0 ? 1 : n;  // an embedded NUL
  }
  uselocale(old);
  return ok;
}

}  // namespace krbkit::fuzz
