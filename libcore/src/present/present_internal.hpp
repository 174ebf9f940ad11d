#pragma once
// Helpers shared by the text and JSON presentations.

#include <optional>
#include <string>
#include <vector>

#include "krbkit/base/json.hpp"
#include "krbkit/proto/credentials.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::present {

// The stored Ticket decoded (its enc-part etype and kvno, its server), or
// nothing when the bytes are not a Ticket (config entries, damaged records).
std::optional<Ticket> decoded_ticket(const Credentials& cred);
// starttime, or authtime when the KDC sent none (as MIT displays it).
KerberosTime effective_start(const Credentials& cred);
// krbtgt/<realm>@<realm>.
bool is_local_tgt(const Principal& server, const std::string& realm);
// An address as klist -a shows it (numeric: no reverse lookup).
std::string address_text(const HostAddress& address, bool numeric);

// One credential as klist --json lists it (klist.hpp), into `w`.
void credential_json(json::Writer& w, const Credentials& cred, KerberosTime now);

// A table's row: one cell per column.
struct TextRow {
  std::vector<std::string> cells;
};
// The rows as aligned columns, two spaces apart, no trailing blanks, each
// row ending in a newline (kdiag's and kvno --audit's tables).
std::string text_table(const std::vector<TextRow>& rows);

}  // namespace krbkit::present
