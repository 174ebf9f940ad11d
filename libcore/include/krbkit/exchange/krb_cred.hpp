#pragma once
// Tickets as KRB-CRED messages (RFC 4120 5.8), the form of the ".kirbi" files
// mimikatz, Rubeus and impacket's ticketConverter read and write, and the
// selection kcc copies and exports. No I/O: bytes in, credentials out.
//
//   KRBKIT_TRY(der, make_krb_cred(creds));                 // enc-part etype 0: cipher = DER of
//   EncKrbCredPart KRBKIT_TRY(der, make_krb_cred(creds, &keytab_entry));  // enc-part encrypted in that key
//   (usage 14) KRBKIT_TRY(read, read_krb_cred(der, "t.kirbi", keytab.entries));
//
// One KrbCredInfo per ticket carries what a cache keeps beside the ticket:
// the session key, client and server names, flags, times and addresses. A
// cache's authorization data, user-to-user second ticket and config entries
// have no place in KRB-CRED and are not carried.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/keytab/keytab.hpp"
#include "krbkit/proto/credentials.hpp"

namespace krbkit::exchange {

// Which tickets kcc copies or exports; an empty field selects everything.
struct TicketFilter {
  std::string service_glob;        // fnmatch(3) pattern on the unparsed server name ("HTTP/*@R")
  std::optional<Enctype> enctype;  // the session key's enctype
  bool valid_only = false;         // only tickets whose end time is after `now`
  KerberosTime now{};
};
bool filter_matches(const TicketFilter& filter, const Credentials& cred);
// The credentials `filter` selects, in their order (copies).
std::vector<Credentials> select_credentials(const std::vector<Credentials>& creds,
                                            const TicketFilter& filter);

// A KRB-CRED holding `creds` (at least one, each with a ticket that decodes).
// Without `key` the enc-part has etype 0 and holds the EncKrbCredPart's DER
// in the clear, as .kirbi files do; with one, it is encrypted in that
// entry's key with key usage 14 and names the entry's kvno.
// Errors: Errc::invalid_argument for no credentials or a ticket that does not decode.
Result<Bytes> make_krb_cred(const std::vector<Credentials>& creds, const keytab::KeytabEntry* key = nullptr);

struct KrbCredContents {
  std::vector<Credentials> creds;         // in the message's order
  Enctype enc_etype = Enctype::null;      // null: the enc-part was in the clear
  std::optional<std::uint32_t> enc_kvno;  // the kvno the enc-part named, if any
};

// Reads a KRB-CRED; `source` (the file name) leads every error's context.
// An encrypted enc-part is decrypted with the first of `keys` of its enctype
// (and kvno, when both name one) that succeeds. Errors: Errc::parse for
// bytes that are not a KRB-CRED (the detail names the field), or for ticket
// and KrbCredInfo counts that differ; Errc::keytab_no_key when no key of the
// enctype was given; Errc::integrity when none decrypts; Errc::invalid_argument
// for a KrbCredInfo with no client name.
Result<KrbCredContents> read_krb_cred(BytesView der, std::string_view source,
                                      const std::vector<keytab::KeytabEntry>& keys = {});

}  // namespace krbkit::exchange
