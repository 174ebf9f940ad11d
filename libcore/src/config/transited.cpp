// MIT's krb5_check_transited_list (chk_trans.c) and the realm tree walk it
// relies on (walk_rtree.c), on std::string.
#include "krbkit/config/transited.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace krbkit::config {

namespace {

Error illegal(std::string detail) { return Error{kdc_error(KdcErr::ap_err_ill_cr_tkt), std::move(detail)}; }

std::vector<std::string> components(std::string_view realm) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= realm.size()) {
    auto dot = std::min(realm.find('.', start), realm.size());
    parts.emplace_back(realm.substr(start, dot - start));
    start = dot + 1;
  }
  return parts;
}

std::string join_from(const std::vector<std::string>& parts, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < parts.size(); ++i) out += (i == from ? "" : ".") + parts[i];
  return out;
}

// rtree_hier_realms: the client realm and its parents up to the common
// suffix (or to the top when there is none), then down to the server realm.
std::vector<std::string> hierarchy_walk(std::string_view client_realm, std::string_view server_realm) {
  const auto c = components(client_realm), s = components(server_realm);
  std::size_t common = 0;
  while (common < c.size() && common < s.size() && c[c.size() - 1 - common] == s[s.size() - 1 - common])
    ++common;
  std::vector<std::string> walk;
  const std::size_t c_end = common > 0 ? c.size() - common + 1 : c.size();
  for (std::size_t i = 0; i < c_end; ++i) walk.push_back(join_from(c, i));
  const std::size_t s_end = common > 0 ? s.size() - common : s.size();
  for (std::size_t i = s_end; i-- > 0;) walk.push_back(join_from(s, i));
  return walk;
}

// process_intermediates: the realms between `a` and `b`, one a suffix
// (domain style) or prefix (X.500 style) of the other.
Result<void> add_between(std::vector<std::string>& out, std::string a, std::string b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (a.size() == b.size()) {
    if (a != b) return illegal(fmt::format("transited realms '{}' and '{}' have nothing between them", a, b));
    return success();
  }
  if (a.empty()) return illegal("an empty transited realm");
  if (a[0] == '/') {
    if (b[0] != '/' || b.compare(0, a.size(), a) != 0)
      return illegal(fmt::format("transited realm '{}' is not below '{}'", b, a));
    for (std::size_t i = a.size() + 1; i < b.size(); ++i)
      if (b[i] == '/') out.push_back(b.substr(0, i));
  } else {
    if (b[0] == '/' || b.compare(b.size() - a.size(), a.size(), a) != 0)
      return illegal(fmt::format("transited realm '{}' is not below '{}'", b, a));
    for (std::size_t i = b.size() - a.size() - 1; i > 0; --i)
      if (b[i - 1] == '.') out.push_back(b.substr(i));
  }
  return success();
}

// maybe_join: "/x" follows the previous name, "x." precedes it.
void join_with_previous(const std::string& previous, std::string& name) {
  if (name.empty()) return;
  if (name[0] == '/')
    name = previous + name;
  else if (name.back() == '.')
    name += previous;
}

}  // namespace

std::vector<std::string> transit_path(const Profile& profile, std::string_view client_realm,
                                      std::string_view server_realm) {
  if (client_realm == server_realm) return {};
  std::vector<std::string> path{std::string(client_realm)};
  auto via = profile.get_all({"capaths", client_realm, server_realm});
  if (!via.empty()) {
    if (via.front().rfind('.', 0) == 0) return path;  // "." : directly
    for (const auto& v : via) path.push_back(v.substr(0, v.find_first_of(" \t")));
    return path;
  }
  auto walk = hierarchy_walk(client_realm, server_realm);
  path.insert(path.end(), walk.begin(), walk.end() - 1);
  return path;
}

Result<std::vector<std::string>> transited_realms(std::string_view contents, std::string_view client_realm,
                                                  std::string_view server_realm) {
  if (!contents.empty() && contents.back() == '\0') contents.remove_suffix(1);
  std::vector<std::string> out;
  if (contents.empty()) return out;
  std::string name, previous;
  bool literal = false, between = false;
  for (std::size_t i = 0; i < contents.size(); ++i) {
    const char ch = contents[i];
    if (literal) {
      name += ch;
      literal = false;
    } else if (ch == '\\') {
      literal = true;
    } else if (ch == ',') {
      if (name.empty()) {
        between = true;
        if (i == 0) previous = client_realm;
        continue;
      }
      join_with_previous(previous, name);
      out.push_back(name);
      if (between) KRBKIT_CHECK(add_between(out, name, previous));
      between = false;
      previous = std::move(name);
      name.clear();
    } else if (ch == ' ' && name.empty()) {
      previous.clear();  // the next name stands alone
    } else {
      name += ch;
    }
  }
  if (name.empty()) {
    KRBKIT_CHECK(add_between(out, previous, std::string(server_realm)));  // a trailing ","
  } else {
    join_with_previous(previous, name);
    out.push_back(name);
    if (between) KRBKIT_CHECK(add_between(out, name, previous));
  }
  return out;
}

Result<void> check_transited(const Profile& profile, std::string_view contents, std::string_view client_realm,
                             std::string_view server_realm) {
  if (contents.empty() || contents.front() == '\0') return success();
  if (client_realm == "WELLKNOWN:ANONYMOUS") return success();  // nothing to check, as MIT
  KRBKIT_TRY(realms, transited_realms(contents, client_realm, server_realm));
  const auto path = transit_path(profile, client_realm, server_realm);
  for (const auto& r : realms)
    if (std::find(path.begin(), path.end(), r) == path.end())
      return illegal(fmt::format(
          "the ticket from {} to {} transited {}, which {} does not allow", client_realm, server_realm, r,
          profile.get_all({"capaths", client_realm, server_realm}).empty() ? "the realm hierarchy"
                                                                           : "[capaths]"));
  return success();
}

}  // namespace krbkit::config
