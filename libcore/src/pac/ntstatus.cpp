// NTSTATUS codes from Active Directory KDCs (MS-KILE 2.2.1 KERB-EXT-ERROR),
// and the Error extension that carries them up to the tools.
#include <memory>

#include "krbkit/base/error_facts.hpp"
#include "krbkit/pac/pac.hpp"
#include "krbkit/proto/messages.hpp"
#include "pac/le_reader.hpp"

namespace krbkit::pac {

std::optional<std::uint32_t> ntstatus_from_edata(BytesView e_data) {
  auto ext_error = [](BytesView v) -> std::optional<std::uint32_t> {
    // KERB-EXT-ERROR: status, reserved, flags (1 = the status is valid).
    if (v.size() != 12) return std::nullopt;
    LeReader r(v);
    std::uint32_t status = r.u32("status");
    r.u32("reserved");
    std::uint32_t flags = r.u32("flags");
    if (r.failed() || (flags & 1) == 0) return std::nullopt;
    return status;
  };
  if (auto padata = decode_method_data(e_data); padata) {
    for (const auto& p : *padata)
      if (p.padata_type == PaType::pw_salt)
        if (auto s = ext_error(p.padata_value)) return s;
    return std::nullopt;
  }
  return ext_error(e_data);
}

std::optional<std::string> ntstatus_message(std::uint32_t status) {
  switch (status) {
    case 0xC0000072: return "Account disabled";
    case 0xC0000234: return "Account locked out";
    case 0xC0000193: return "Account expired";
    case 0xC0000071: return "Password expired";
    case 0xC0000224: return "Password must be changed";
    case 0xC000006F: return "Logon outside the account's allowed hours";
    case 0xC0000070: return "Logon from a workstation the account may not use";
    case 0xC000006E: return "Account restriction";
    case 0xC000006A: return "Wrong password";
    case 0xC0000064: return "No such user";
    case 0xC000015B: return "Logon type not granted";
    case 0xC0000413: return "Authentication firewall (policy) failed";
    default: return std::nullopt;
  }
}

const NtStatus* attach_ntstatus(Error& error, BytesView e_data) {
  auto status = ntstatus_from_edata(e_data);
  if (!status) return nullptr;
  auto ext = std::make_shared<NtStatus>();
  ext->code = *status;
  ext->text = ntstatus_message(*status).value_or("");
  error.extension = ext;
  return ext.get();
}

const NtStatus* ntstatus_of(const Error& error) {
  return extension_of<NtStatus>(error);  // also inside the KDC's origin (error_facts.hpp)
}

}  // namespace krbkit::pac
