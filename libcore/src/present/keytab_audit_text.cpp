// kvno --audit's table and JSON document (keytab_audit.hpp).

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/present/keytab_audit.hpp"
#include "krbkit/proto/principal.hpp"
#include "present_internal.hpp"

namespace krbkit::present {
namespace {

using exchange::AuditStatus;

std::string count_of(std::size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// "PROBLEM: 2 entries with a stale kvno; 1 enctype missing", or "OK: ...".
std::string last_line(const exchange::KeytabAudit& audit) {
  if (audit.ok()) return "OK: every entry matches the KDC\n";
  const std::pair<AuditStatus, const char*> kinds[] = {
      {AuditStatus::wrong_key, "with a wrong key"},
      {AuditStatus::stale_kvno, "with a stale kvno"},
      {AuditStatus::duplicate, "duplicated"},
      {AuditStatus::unknown_principal, "for principals the KDC does not know"},
  };
  std::vector<std::string> parts;
  for (const auto& [status, words] : kinds) {
    std::size_t n = 0;
    for (const auto& e : audit.entries) n += e.status == status ? 1 : 0;
    if (n > 0) parts.push_back(count_of(n, "entry", "entries") + " " + words);
  }
  if (!audit.missing_enctypes.empty())
    parts.push_back(count_of(audit.missing_enctypes.size(), "enctype", "enctypes") +
                    " the KDC holds missing");
  return fmt::format("PROBLEM: {}\n", fmt::join(parts, "; "));
}

}  // namespace

std::string keytab_audit_text(const exchange::KeytabAudit& audit) {
  std::vector<TextRow> rows{{{"principal", "kvno", "enctype", "status", "detail"}}};
  for (const auto& e : audit.entries)
    rows.push_back(TextRow{{unparse_principal(e.principal), std::to_string(e.kvno), enctype_name(e.enctype),
                            std::string(exchange::audit_status_name(e.status)), e.detail}});
  std::string out = fmt::format("keytab {}\n", audit.keytab) + text_table(rows);
  for (const auto& m : audit.missing_enctypes)
    out += fmt::format("missing: {} has no {} key; the KDC holds one\n", unparse_principal(m.principal),
                       enctype_name(m.enctype));
  return out + last_line(audit);
}

std::string keytab_audit_json(const exchange::KeytabAudit& audit) {
  using Json = nlohmann::ordered_json;
  Json doc;
  doc["schema"] = 1;
  doc["keytab"] = audit.keytab;
  doc["entries"] = Json::array();
  for (const auto& e : audit.entries) {
    Json row;
    row["principal"] = unparse_principal(e.principal);
    row["kvno"] = e.kvno;
    row["enctype"] = enctype_name(e.enctype);
    row["status"] = exchange::audit_status_name(e.status);
    row["detail"] = e.detail;
    doc["entries"].push_back(std::move(row));
  }
  doc["missing_enctypes"] = Json::array();
  for (const auto& m : audit.missing_enctypes)
    doc["missing_enctypes"].push_back(
        Json{{"principal", unparse_principal(m.principal)}, {"enctype", enctype_name(m.enctype)}});
  doc["ok"] = audit.ok();
  // Principal names are not always UTF-8.
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace krbkit::present
