#pragma once
// What kdiag prints: a short table a person reads at a glance, ending in
// one line that says what is wrong; or the JSON document (schema 1) for
// scripts, whose shape is written down in kdiag(1).

#include <string>

#include "krbkit/exchange/kdc_diagnosis.hpp"

namespace krbkit::present {

// The table: one row per server and transport (service, server, source,
// transport, status, round trip, clock), the principal's findings, and a
// last line "OK: ..." or "PROBLEM: <sentence>; <sentence>".
std::string kdiag_text(const exchange::Diagnosis& d);

// {"schema": 1, "realm", "kdcs": [...], "principal", "kpasswd", "kadmin",
// "problems"}, pretty-printed, ending in a newline.
std::string kdiag_json(const exchange::Diagnosis& d);

// "krb5.conf", "srv", "uri", "realm-name", or "command-line" for --kdc.
std::string source_text(const exchange::ServerReport& r);

}  // namespace krbkit::present
