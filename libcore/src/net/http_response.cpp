#include <fmt/format.h>

#include <charconv>

#include "krbkit/net/kkdcp.hpp"

namespace krbkit::net {
namespace {

constexpr std::size_t kMaxBody = 16u << 20;  // as for TCP replies

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Result<void> parse_status_line(std::string_view line, HttpResponse& out) {
  // "HTTP/1.1 200 OK"
  if (line.substr(0, 7) != "HTTP/1." || line.size() < 12 || line[8] != ' ')
    return Error{Errc::parse, fmt::format("HTTP reply: bad status line '{}'", line.substr(0, 80))};
  auto code = line.substr(9, 3);
  auto [end, ec] = std::from_chars(code.data(), code.data() + 3, out.status);
  if (ec != std::errc{} || end != code.data() + 3 || out.status < 100 ||
      (line.size() > 12 && line[12] != ' '))
    return Error{Errc::parse, fmt::format("HTTP reply: bad status code '{}'", code)};
  out.reason = std::string(trim(line.size() > 12 ? line.substr(13) : std::string_view{}));
  return success();
}

// The Content-Length header's value, if any, from the header lines.
Result<std::optional<std::size_t>> content_length(std::string_view headers) {
  std::optional<std::size_t> length;
  while (!headers.empty()) {
    auto eol = headers.find("\r\n");
    auto line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return Error{Errc::parse, fmt::format("HTTP reply: bad header line '{}'", line.substr(0, 80))};
    if (!iequals(line.substr(0, colon), "Content-Length")) continue;
    auto value = trim(line.substr(colon + 1));
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || n > kMaxBody ||
        (length && *length != n))
      return Error{Errc::parse, fmt::format("HTTP reply: bad Content-Length '{}'", value.substr(0, 40))};
    length = n;
  }
  return length;
}

}  // namespace

Result<std::optional<HttpResponse>> parse_http_response(BytesView raw, bool closed) {
  std::string_view text(reinterpret_cast<const char*>(raw.data()), raw.size());
  const auto head_end = text.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    if (closed) return Error{Errc::parse, "HTTP reply: the connection closed inside the headers"};
    return std::optional<HttpResponse>{};
  }
  HttpResponse out;
  const auto status_end = text.find("\r\n");
  KRBKIT_CHECK(parse_status_line(text.substr(0, status_end), out));
  const auto headers =
      status_end == head_end ? std::string_view{} : text.substr(status_end + 2, head_end - status_end - 2);
  KRBKIT_TRY(length, content_length(headers));
  const auto body = raw.subspan(head_end + 4);
  if (length) {
    if (body.size() < *length) {
      if (closed)
        return Error{Errc::parse, fmt::format("HTTP reply: {} of {} body bytes before the connection closed",
                                              body.size(), *length)};
      return std::optional<HttpResponse>{};
    }
    if (body.size() > *length) return Error{Errc::parse, "HTTP reply: bytes after the body"};
  } else if (!closed) {
    if (body.size() > kMaxBody) return Error{Errc::parse, "HTTP reply: body too large"};
    return std::optional<HttpResponse>{};
  }
  out.body.assign(body.begin(), body.end());
  return std::optional<HttpResponse>(std::move(out));
}

}  // namespace krbkit::net
