#pragma once
// What kvno --audit prints: a table with one row per keytab entry (its
// status and why), the enctypes the keytab lacks, and a last line "OK: ..."
// or "PROBLEM: ..."; or the JSON document (schema 1) for scripts, written
// down in kvno(1) and krbkit-json(7).

#include <string>

#include "krbkit/exchange/keytab_audit.hpp"

namespace krbkit::present {

std::string keytab_audit_text(const exchange::KeytabAudit& audit);

// {"schema": 1, "keytab", "entries": [{"principal", "kvno", "enctype",
// "status", "detail"}], "missing_enctypes": [{"principal", "enctype"}],
// "ok"}, pretty-printed, ending in a newline.
std::string keytab_audit_json(const exchange::KeytabAudit& audit);

}  // namespace krbkit::present
