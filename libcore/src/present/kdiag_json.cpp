// kdiag --json (kdiag.hpp), schema 1.

#include <nlohmann/json.hpp>

#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/present/kdiag.hpp"

namespace krbkit::present {
namespace {

using Json = nlohmann::ordered_json;

template <class T>
Json or_null(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json servers(const std::vector<exchange::ServerReport>& list) {
  Json out = Json::array();
  for (const auto& s : list) {
    Json row;
    row["host"] = s.target.host;
    row["port"] = s.target.port;
    row["transport"] = net::transport_name(s.target.transport);
    row["source"] = source_text(s);
    row["reachable"] = s.reachable;
    row["error"] = s.reachable ? Json(nullptr) : Json(s.error);
    row["rtt_ms"] = or_null(s.rtt_ms);
    row["clock_offset_s"] = or_null(s.clock_offset_s);
    out.push_back(std::move(row));
  }
  return out;
}

Json principal(const exchange::PrincipalReport& p) {
  Json out;
  out["name"] = p.name;
  out["preauth_required"] = or_null(p.preauth_required);
  Json info = Json::array();
  for (const auto& e : p.etype_info) {
    Json row;
    row["enctype"] = enctype_name(e.etype);
    row["salt"] = or_null(e.salt);
    row["s2kparams"] = e.s2kparams ? Json(to_hex(*e.s2kparams)) : Json(nullptr);
    info.push_back(std::move(row));
  }
  out["etype_info"] = std::move(info);
  out["offers"] = p.offers;
  return out;
}

}  // namespace

std::string kdiag_json(const exchange::Diagnosis& d) {
  Json doc;
  doc["schema"] = 1;
  doc["realm"] = d.realm;
  doc["kdcs"] = servers(d.kdcs);
  doc["principal"] = d.principal ? principal(*d.principal) : Json(nullptr);
  doc["kpasswd"] = servers(d.kpasswd);
  doc["kadmin"] = servers(d.kadmin);
  doc["problems"] = d.problems;
  // Salts are KerberosStrings, not always UTF-8 (Heimdal's random salts).
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace krbkit::present
