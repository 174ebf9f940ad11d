#pragma once
// What the AS and TGS exchanges build their requests from and check their
// replies with: nonces, enctype lists, names and errors for messages, and
// the test of whether a reply is one at all.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "krbkit/base/bytes.hpp"
#include "krbkit/base/enctype.hpp"
#include "krbkit/base/result.hpp"
#include "krbkit/net/realm_transport.hpp"
#include "krbkit/proto/basic_types.hpp"
#include "krbkit/proto/credentials.hpp"
#include "krbkit/proto/messages.hpp"

namespace krbkit::exchange::detail {

// A random nonce below 2^31 (older peers decode nonces as signed);
// Errc::internal when the system cannot give random bytes.
Result<std::uint32_t> random_nonce();
// The tests' nonce hook when set, else random_nonce().
Result<std::uint32_t> nonce_from(const std::function<std::uint32_t()>& hook);

bool contains(const std::vector<Enctype>& list, Enctype e);

// "aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96" for messages and traces.
std::string enctype_list(const std::vector<Enctype>& list);

// MIT's default enctype list (config::default_enctypes()) as a vector.
std::vector<Enctype> default_enctype_list();

// unparse_principal(p), for messages.
std::string name_of(const Principal& p);

// Errc::reply_mismatch: a reply that is not the answer to our request.
Error mismatch(std::string what);

// The credential a checked AS-REP or TGS-REP gives: names, session key,
// times (starttime defaults to authtime), flags, addresses and the ticket's DER.
Credentials credentials_from_reply(const KdcRep& rep, EncKdcRepPart enc);

// Whether `data` decodes whole as a KRB-ERROR or a KDC-REP of `reply_type`
// (AS-REP, TGS-REP): the transport's test of a reply (SendOptions::accept).
// Anything else means that KDC failed, and the next one is asked.
bool is_kdc_reply(BytesView data, MsgType reply_type);

// "127.0.0.1:88/udp", or an HTTPS proxy's URL: the KDC that sent `reply`.
std::string answered_by(const net::Reply& reply);

// For an error the KDC sent in `reply` (kdc_category): which KDC it was and
// the KDC's time in the KRB-ERROR, for the tools' --json error object
// (attach_kdc_origin). Any other error is left as it is.
void note_kdc_origin(Error& error, const net::Reply& reply);

}  // namespace krbkit::exchange::detail
