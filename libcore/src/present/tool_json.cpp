// The error object of every tool's --json, and kdestroy's and kswitch's
// documents (tool_json.hpp; schemas in man/json/). No crypto here: kdestroy
// and kswitch link this and start without libcrypto.

#include "krbkit/present/tool_json.hpp"

#include "krbkit/base/error_facts.hpp"
#include "krbkit/base/json.hpp"
#include "krbkit/present/time_format.hpp"

namespace krbkit::present {
namespace {

void optional_member(json::Writer& w, std::string_view name, const std::optional<std::string>& value) {
  if (value)
    w.member(name, *value);
  else
    w.key(name).null();
}

// The realm of an unparsed principal: what follows its last unescaped '@'.
std::optional<std::string> realm_of(const std::optional<std::string>& principal) {
  if (!principal) return std::nullopt;
  std::optional<std::size_t> at;
  for (std::size_t i = 0; i < principal->size(); ++i) {
    if ((*principal)[i] == '\\')
      ++i;
    else if ((*principal)[i] == '@')
      at = i;
  }
  if (!at) return std::nullopt;
  return principal->substr(*at + 1);
}

}  // namespace

std::string error_json(const Error& error, const ErrorFacts& facts) {
  json::Writer w(0);
  w.schema(1).begin_object().key("error").begin_object();
  w.member("code", facts.code.empty() ? error_code_name(error.code) : facts.code);
  w.member("exit_code", facts.exit_code);
  w.member("message", facts.message);
  optional_member(w, "principal", facts.principal);
  optional_member(w, "realm", realm_of(facts.principal));
  const KdcOrigin* origin = extension_of<KdcOrigin>(error);
  optional_member(w, "kdc", origin ? std::optional<std::string>(origin->kdc) : std::nullopt);
  std::optional<std::string> kdc_time;
  if (origin && origin->kdc_time)
    kdc_time = iso8601_utc(KerberosTime{std::chrono::seconds{*origin->kdc_time}});
  optional_member(w, "kdc_time", kdc_time);
  return w.end_object().end_object().finish();
}

std::string kdestroy_json(const std::vector<DestroyedCache>& caches) {
  json::Writer w;
  w.schema(1).begin_object();
  w.key("destroyed").begin_array();
  for (const auto& c : caches) {
    if (c.error) continue;
    w.begin_object().member("cache", c.cache);
    optional_member(w, "principal", c.principal);
    w.end_object();
  }
  w.end_array().key("failed").begin_array();
  for (const auto& c : caches) {
    if (!c.error) continue;
    w.begin_object().member("cache", c.cache).member("error", *c.error).end_object();
  }
  return w.end_array().end_object().finish();
}

std::string kswitch_json(const std::string& primary, const std::optional<std::string>& principal) {
  json::Writer w;
  w.schema(1).begin_object().member("primary", primary);
  optional_member(w, "principal", principal);
  return w.end_object().finish();
}

}  // namespace krbkit::present
