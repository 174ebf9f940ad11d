#pragma once
// The pre-authentication mechanisms krbkit can answer with, as a table
// (Heimdal's patypes[] in C++), and the reading of the KDC's etype-info.
// A mechanism is added by adding a row; the AS exchange's loop stays as it is.

#include <chrono>
#include <span>
#include <string_view>
#include <vector>

#include "krbkit/base/key.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::exchange::detail {

struct PreauthMech {
  PaType type;
  std::string_view name;  // as MIT's traces name the module
  // The PA-DATA for the next AS-REQ, made with the client's key and the
  // KDC's idea of the current time.
  Result<PaData> (*make)(const Key& as_key, std::chrono::system_clock::time_point kdc_now);
};

// In order of preference.
std::span<const PreauthMech> preauth_mechanisms();

// PA-ENC-TIMESTAMP (RFC 4120 5.2.7.2): PA-ENC-TS-ENC encrypted with key usage 1.
Result<PaData> make_enc_timestamp(const Key& as_key, std::chrono::system_clock::time_point kdc_now);

// The etype-info in METHOD-DATA (or an AS-REP's padata): ETYPE-INFO2, else
// ETYPE-INFO converted; a PW-SALT gives the salt of entries without one.
// Empty when there is none; an error when one is present but malformed.
Result<std::vector<EtypeInfo2Entry>> read_etype_info(const std::vector<PaData>& padata);

// "PA-ETYPE-INFO2 (19), PA-ENC-TIMESTAMP (2)" for traces.
std::string padata_list(const std::vector<PaData>& padata);

}  // namespace krbkit::exchange::detail
