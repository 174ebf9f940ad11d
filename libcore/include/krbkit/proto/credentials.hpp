#pragma once
// One credential as a cache holds it (MIT's krb5_creds): the client and
// server, the session key, the times, the flags, and the ticket's DER bytes.
// The exchanges produce these; the cache formats read and write them.

#include <cstdint>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/key.hpp"
#include "krbkit/proto/basic_types.hpp"

namespace krbkit {

struct Credentials {
  Principal client;
  Principal server;
  Key session_key;
  KerberosTime authtime{};
  KerberosTime starttime{};  // zero when the KDC sent none (then it equals authtime)
  KerberosTime endtime{};
  KerberosTime renew_till{};  // zero when not renewable
  bool is_skey = false;       // ticket is encrypted in another ticket's session key (user-to-user)
  std::uint32_t flags = 0;    // TicketFlags as a 32-bit number, bit 0 (reserved) is the MSB
  std::vector<HostAddress> addresses;
  std::vector<AuthDataEntry> authdata;
  Bytes ticket;         // DER of the Ticket, byte for byte as the KDC sent it
  Bytes second_ticket;  // DER of the additional ticket (user-to-user), usually empty

  Credentials clone() const {
    Credentials c;
    c.client = client;
    c.server = server;
    c.session_key = session_key.clone();
    c.authtime = authtime;
    c.starttime = starttime;
    c.endtime = endtime;
    c.renew_till = renew_till;
    c.is_skey = is_skey;
    c.flags = flags;
    c.addresses = addresses;
    c.authdata = authdata;
    c.ticket = ticket;
    c.second_ticket = second_ticket;
    return c;
  }
};

}  // namespace krbkit
