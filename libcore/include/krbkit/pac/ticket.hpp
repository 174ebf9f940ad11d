#pragma once
// A service ticket opened with the service's keys, as the service itself
// would open it (klist --decode, kvno --decode): the EncTicketPart and the
// PAC inside it, with every check a service can make.
//
//   std::vector<pac::ServiceKey> keys;              // from the service keytab
//   for (const auto& e : keytab.entries) keys.push_back({e.principal, e.kvno, e.key.clone()});
//   KRBKIT_TRY(t, pac::open_ticket(creds.ticket, {.keytab_name = name, .service_keys = std::move(keys)}));
//   std::fputs(pac::ticket_text(t).c_str(), stdout);
//
// Checks: the ticket decrypts (its own integrity check), the PAC's server
// signature verifies with the key that decrypted the ticket, the PAC's
// CLIENT_INFO names the ticket's client and its authtime, and (only when
// krbtgt keys are given) the KDC, ticket and full signatures (MS-PAC 2.8.2,
// 2.8.3, 2.8.5) verify. A signature whose checksum type is unkeyed, unknown
// or not the mandatory one of its key's enctype fails (MIT:
// KRB_AP_ERR_INAPP_CKSUM).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "krbkit/base/json.hpp"
#include "krbkit/base/key.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/pac/pac.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::pac {

// A key as a keytab holds it.
struct ServiceKey {
  Principal principal;
  std::uint32_t kvno = 0;
  Key key;
};

struct DecodeOptions {
  std::string keytab_name;               // named in messages
  std::vector<ServiceKey> service_keys;  // the service's keytab
  // krbtgt's keys (klist/kvno --krbtgt-keytab): every key whose enctype's
  // checksum is the signature's type is tried. Neither name nor keys: the
  // KDC, ticket and full signatures are "not checked" (and no problem).
  std::string krbtgt_keytab_name;
  std::vector<ServiceKey> krbtgt_keys;
  // What the cache says about the ticket, compared with what is inside it.
  std::optional<Principal> expected_client;
  std::optional<Key> expected_session_key;
};

struct DecodedTicket {
  Principal server;            // the ticket's sname@realm
  std::uint32_t kvno = 0;      // of the service key (0: the ticket has none)
  Enctype enctype{};           // the ticket's encryption
  std::string keytab_name;     // what decrypted it
  std::uint32_t key_kvno = 0;  // the keytab entry used
  EncTicketPart part;
  std::optional<Pac> pac;  // nullopt: the ticket has no PAC, or it did not decode (pac_error)
  std::string pac_error;   // why a PAC present in the ticket did not decode
  Checks checks;           // server, KDC, ticket, full signatures, client info
  // krbtgt's keys were given: its signatures must then verify, not just not fail.
  bool krbtgt_keys_given = false;
  // The ticket's client and session key differ from the cache entry's.
  std::string cache_mismatch;
  // Why the transited realms are not on a path the profile allows ("Illegal
  // cross-realm ticket (...)"); set by exchange::open_ticket, which has the
  // profile ([capaths]) this module does not.
  std::string transit_problem;

  // Every check that was made passed; with krbtgt's keys given, every
  // signature the PAC carries was also checked.
  bool verified() const;
  // One line per failed check, for the tool's error message.
  std::vector<std::string> problems() const;
};

// Errc::keytab_no_key naming the keytab, the principal, the kvno and the
// enctype when no key fits; Errc::integrity naming the same when the fitting
// keys do not decrypt the ticket (a wrong keytab or a modified ticket);
// Errc::parse when the ticket or the EncTicketPart is damaged. A PAC that
// fails a check is not an error here: see verified() and problems().
Result<DecodedTicket> open_ticket(BytesView ticket_der, const DecodeOptions& options);

// For admins: the ticket, its EncTicketPart and the PAC in aligned sections.
std::string ticket_text(const DecodedTicket& ticket);
// One JSON object (the schema is in man/klist.1, "DECODED TICKETS").
void ticket_json(json::Writer& w, const DecodedTicket& ticket);

// Names for people: well-known domain RIDs ("Domain Users"), well-known SIDs
// ("Authentication authority asserted identity"), SE_GROUP_* attributes,
// LOGON_* user flags and the USER_* account control bits; "" / {} when
// nothing is known.
std::string well_known_rid_name(std::uint32_t rid);
std::string well_known_sid_name(const Sid& sid);
std::vector<std::string> group_attribute_names(std::uint32_t attributes);
std::vector<std::string> user_flag_names(std::uint32_t flags);
std::vector<std::string> account_control_names(std::uint32_t uac);

}  // namespace krbkit::pac
