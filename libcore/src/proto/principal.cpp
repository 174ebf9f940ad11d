#include "krbkit/proto/principal.hpp"

#include <fmt/format.h>

namespace krbkit {
namespace {

char unescape(char c) {
  switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'b': return '\b';
    case '0': return '\0';
    default: return c;
  }
}

Error malformed(std::string_view text, std::string_view why) {
  return Error{Errc::invalid_argument, fmt::format("malformed principal name \"{}\": {}", text, why)};
}

// The letter after the backslash when `c` is quoted, or 0 when it is not.
char quoted_as(char c, bool keep_at) {
  switch (c) {
    case '@': return keep_at ? 0 : '@';
    case '/':
    case '\\': return c;
    case '\n': return 'n';
    case '\t': return 't';
    case '\b': return 'b';
    case '\0': return '0';
    default: return 0;
  }
}

// Runs of plain characters are appended whole: klist unparses a name or two
// for every credential of the cache.
void append_quoted(std::string& out, std::string_view part, UnparseFlags flags) {
  if (flags.display) {
    out.append(part);
    return;
  }
  // MIT leaves '@' alone only for an explicit no-realm unparse.
  const bool keep_at = flags.no_realm && !flags.short_form;
  std::size_t plain_from = 0;
  for (std::size_t i = 0; i < part.size(); ++i) {
    const char letter = quoted_as(part[i], keep_at);
    if (letter == 0) continue;
    out.append(part.substr(plain_from, i - plain_from));
    out.push_back('\\');
    out.push_back(letter);
    plain_from = i + 1;
  }
  out.append(part.substr(plain_from));
}

}  // namespace

Result<Principal> parse_principal(std::string_view text, std::string_view default_realm,
                                  PrincipalParseFlags flags) {
  Principal p;
  p.type = flags.enterprise ? NameType::enterprise : NameType::principal;
  p.components.emplace_back();
  std::string* cur = &p.components.back();
  bool in_realm = false;
  bool first_at = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '/' && !flags.enterprise) {
      if (in_realm) return malformed(text, "'/' in the realm");
      cur = &p.components.emplace_back();
    } else if (c == '@' && (!flags.enterprise || !first_at)) {
      if (in_realm) return malformed(text, "more than one realm separator");
      in_realm = true;
      cur = &p.realm;
    } else {
      if (c == '@') first_at = false;
      if (c == '\\') {
        if (++i == text.size()) return malformed(text, "ends with an escape character");
        c = unescape(text[i]);
      }
      cur->push_back(c);
    }
  }
  if (!in_realm) {
    if (flags.require_realm) return malformed(text, "a realm is required");
    if (!flags.no_realm && !flags.ignore_realm) {
      if (default_realm.empty())
        return Error{Errc::config, fmt::format("no default realm for principal name \"{}\"", text)};
      p.realm = default_realm;
    }
  } else if (flags.no_realm) {
    return malformed(text, "a realm is not allowed here");
  } else if (flags.ignore_realm) {
    p.realm.clear();
  }
  return p;
}

std::string unparse_principal(const Principal& p, UnparseFlags flags, std::string_view default_realm) {
  if (flags.short_form && p.realm == default_realm) flags.no_realm = true;
  std::string out;
  std::size_t plain_size = p.realm.size() + p.components.size() + 1;
  for (const auto& c : p.components) plain_size += c.size();
  out.reserve(plain_size);
  for (std::size_t i = 0; i < p.components.size(); ++i) {
    if (i) out.push_back('/');
    append_quoted(out, p.components[i], flags);
  }
  if (!flags.no_realm) {
    out.push_back('@');
    append_quoted(out, p.realm, flags);
  }
  return out;
}

Principal host_service_principal(std::string_view service, std::string_view host, std::string realm) {
  std::string lower(host);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return Principal{NameType::srv_hst,
                   {service.empty() ? std::string("host") : std::string(service), lower},
                   std::move(realm)};
}

Principal krbtgt_principal(std::string_view service_realm, std::string_view issuing_realm) {
  return Principal{NameType::srv_inst, {"krbtgt", std::string(service_realm)}, std::string(issuing_realm)};
}

bool is_krbtgt(const Principal& p) { return p.components.size() == 2 && p.components[0] == "krbtgt"; }

}  // namespace krbkit
