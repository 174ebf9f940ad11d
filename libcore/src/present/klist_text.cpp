// klist's text layout, line for line as MIT krb5 1.20 prints it
// (clients/klist/klist.c: show_ccache, show_credential, list_ccache,
// do_keytab), plus the -s and --valid-for checks.

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>

#include "krbkit/crypto/enctypes.hpp"
#include "krbkit/present/klist.hpp"
#include "krbkit/proto/constants.hpp"
#include "krbkit/proto/messages.hpp"
#include "krbkit/proto/principal.hpp"
#include "present_internal.hpp"

namespace krbkit::present {
namespace {

void fill(std::string& out, long count, char c) {
  if (count > 0) out.append(static_cast<std::size_t>(count), c);
}

// MIT's print_config_data: printable bytes as they are, others as \ooo,
// starting at column 8, wrapping after column 72.
void config_data(std::string& out, int col, BytesView data) {
  for (const std::uint8_t byte : data) {
    while (col < 8) {
      out += ' ';
      ++col;
    }
    if (byte > 0x20 && byte < 0x7f) {
      out += static_cast<char>(byte);
      ++col;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", byte);
      out += buf;
      col += 4;
    }
    if (col > 72) {
      out += '\n';
      col = 0;
    }
  }
  if (col > 0) out += '\n';
}

// MIT's one_addr: IPv4 and IPv6 through getnameinfo (reverse lookup unless
// numeric), anything else as "unknown addrtype N".
}  // namespace

std::string address_text(const HostAddress& a, bool numeric) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (a.type == address_type::ipv4 || a.type == address_type::ipv6) {
    const std::size_t want = a.type == address_type::ipv4 ? 4 : 16;
    if (a.address.size() != want)
      return "broken address (type " + std::to_string(a.type) + " length " +
             std::to_string(a.address.size()) + ")";
    if (a.type == address_type::ipv4) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
      sin->sin_family = AF_INET;
      std::memcpy(&sin->sin_addr, a.address.data(), 4);
      len = sizeof(sockaddr_in);
    } else {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
      sin6->sin6_family = AF_INET6;
      std::memcpy(&sin6->sin6_addr, a.address.data(), 16);
      len = sizeof(sockaddr_in6);
    }
  } else {
    return "unknown addrtype " + std::to_string(a.type);
  }
  char host[NI_MAXHOST] = "";
  const int err = getnameinfo(reinterpret_cast<sockaddr*>(&ss), len, host, sizeof host, nullptr, 0,
                              numeric ? NI_NUMERICHOST : 0);
  if (err != 0)
    return "unprintable address (type " + std::to_string(a.type) + ", error " + std::to_string(err) + " " +
           gai_strerror(err) + ")";
  return host;
}

namespace {

// A padded time without its padding (inside parentheses).
std::string trim_padding(std::string text) {
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// ", " between the extra fields of a credential, a tab before the first.
void separator(std::string& out, int extra_field) { out += extra_field ? ", " : "\t"; }

// The first line: times and server, or "config: name(part) = " for a
// configuration entry (whose data follows on the same line).
void heading(std::string& out, const Credentials& cred, const TimeFormat& tf, int& config_col) {
  if (!ccache::is_config_principal(cred.server)) {
    out += tf.format(effective_start(cred));
    out += "  ";
    out += tf.expiry(cred.endtime);
    out += "  ";
    out += unparse_principal(cred.server);
    out += '\n';
    return;
  }
  out += "config: ";
  config_col = 8;
  for (std::size_t i = 1; i < cred.server.components.size(); ++i) {
    const std::string part = i > 1 ? "(" + cred.server.components[i] + ")" : cred.server.components[i];
    out += part;
    config_col += static_cast<int>(part.size());
  }
  out += " = ";
  config_col += 3;
}

// "renew until" and "Flags:", then a line break when both were shown.
void renewal_and_flags(std::string& out, const Credentials& cred, const CacheListOptions& options,
                       const TimeFormat& tf, int& extra_field) {
  if (cred.renew_till.time_since_epoch().count() != 0) {
    separator(out, extra_field);
    out += tf.renew_until(cred.renew_till);
    extra_field += 2;
  }
  if (options.flags) {
    const std::string letters = ticket_flag_letters(cred.flags);
    if (!letters.empty()) {
      separator(out, extra_field);
      out += "Flags: ";
      out += letters;
      ++extra_field;
    }
  }
  if (extra_field > 2) {
    out += '\n';
    extra_field = 0;
  }
}

// -e's "Etype (skey, tkt)" and -d's "AD types".
void etypes_and_ad_types(std::string& out, const Credentials& cred, const std::optional<Ticket>& ticket,
                         const CacheListOptions& options, int& extra_field) {
  if (options.enctypes && ticket) {
    separator(out, extra_field);
    out += "Etype (skey, tkt): ";
    out += enctype_display(cred.session_key.enctype);
    out += ", ";
    out += enctype_display(ticket->enc_part.etype);
    out += ' ';
    ++extra_field;
  }
  // MIT reads an empty list from a cache file, not none, so the label always shows.
  if (options.ad_types) {
    separator(out, extra_field);
    out += "AD types: ";
    for (std::size_t i = 0; i < cred.authdata.size(); ++i) {
      if (i) out += ", ";
      out += std::to_string(cred.authdata[i].type);
    }
    ++extra_field;
  }
}

// -a's addresses, and the ticket's own server when it differs from the name
// it is cached under (referrals, mostly).
void addresses_and_ticket_server(std::string& out, const Credentials& cred,
                                 const std::optional<Ticket>& ticket, const CacheListOptions& options) {
  if (options.addresses) {
    out += "\tAddresses: ";
    if (cred.addresses.empty()) out += "(none)";
    for (std::size_t i = 0; i < cred.addresses.size(); ++i) {
      if (i) out += ", ";
      out += address_text(cred.addresses[i], options.numeric_addresses);
    }
    out += '\n';
  }
  if (ticket && (ticket->realm != cred.server.realm || ticket->sname.name_string != cred.server.components)) {
    out += "\tTicket server: ";
    out += unparse_principal(to_principal(ticket->sname, ticket->realm));
    out += '\n';
  }
}

void credential_text(std::string& out, const Credentials& cred, const Principal& default_principal,
                     const CacheListOptions& options, const TimeFormat& tf) {
  const bool is_config = ccache::is_config_principal(cred.server);
  std::optional<Ticket> ticket;
  if (!is_config) ticket = decoded_ticket(cred);
  int config_col = 0;
  heading(out, cred, tf, config_col);
  int extra_field = 0;
  // Compared as names (components and realm: what the unparsed text shows),
  // not unparsed for every credential of a long cache.
  if (!(cred.client == default_principal)) {
    out += "\tfor client ";
    out += unparse_principal(cred.client);
    ++extra_field;
  }
  if (is_config) config_data(out, config_col, cred.ticket);
  renewal_and_flags(out, cred, options, tf, extra_field);
  etypes_and_ad_types(out, cred, ticket, options, extra_field);
  if (extra_field) out += '\n';
  addresses_and_ticket_server(out, cred, ticket, options);
}

}  // namespace

std::optional<Ticket> decoded_ticket(const Credentials& cred) {
  auto ticket = decode_ticket(cred.ticket);
  if (!ticket.ok()) return std::nullopt;
  return std::move(ticket).value();
}

KerberosTime effective_start(const Credentials& cred) {
  return cred.starttime.time_since_epoch().count() != 0 ? cred.starttime : cred.authtime;
}

bool is_local_tgt(const Principal& server, const std::string& realm) {
  return server.components.size() == 2 && server.components[0] == "krbtgt" && server.components[1] == realm &&
         server.realm == realm;
}

std::string enctype_display(Enctype e) {
  std::string out = enctype_is_deprecated(e) ? "DEPRECATED:" : "";
  return out + enctype_name(e);
}

CacheListing::CacheListing(std::string_view cache_name, const CacheListOptions& options, const TimeFormat& tf,
                           std::size_t expected_records)
    : cache_name_(cache_name), options_(options), tf_(tf) {
  // A line and a half per ticket; growing a long string copies it (and
  // faults its pages in) again at every doubling.
  out_.reserve(256 + 160 * expected_records);
}

void CacheListing::start(const Principal& default_principal) {
  started_ = true;
  default_name_ = unparse_principal(default_principal);
  out_ += "Ticket cache: ";
  out_ += cache_name_;
  out_ += "\nDefault principal: ";
  out_ += default_name_;
  out_ += "\n\nValid starting";
  const long width = tf_.width();
  fill(out_, width - 15 + 3, ' ');  // MIT: timestamp_width - sizeof("Valid starting") + 3
  out_ += "Expires";
  fill(out_, width - 8 + 3, ' ');
  out_ += "Service principal\n";
}

void CacheListing::add(const ccache::CacheContents& head, const Credentials& record, bool config) {
  if (!started_) start(head.default_principal);
  if (!config || options_.config) credential_text(out_, record, head.default_principal, options_, tf_);
}

std::string CacheListing::finish(const ccache::CacheContents& head) {
  if (!started_) start(head.default_principal);
  return std::move(out_);
}

std::string cache_text(std::string_view cache_name, const ccache::CacheContents& contents,
                       const CacheListOptions& options, const TimeFormat& tf) {
  // MIT lists the records in file order (its kinit writes the config
  // entries before the tickets; one set later is appended after them).
  CacheListing listing(cache_name, options, tf, contents.creds.size() + contents.config_entries.size());
  ccache::for_each_in_file_order(
      contents, [&](const Credentials& record, bool config) { listing.add(contents, record, config); });
  return listing.finish(contents);
}

std::string collection_text(const std::vector<CollectionRow>& rows, const TimeFormat* human) {
  std::string out =
      "Principal name                 Cache name\n"
      "--------------                 ----------\n";
  for (const auto& row : rows) {
    std::string principal = row.principal.substr(0, 30);  // MIT: "%-30.30s %s"
    principal.resize(30, ' ');
    out += principal;
    out += ' ';
    out += row.cache_name;
    if (human != nullptr && row.expires) {
      out += row.expired ? " (expired " : " (expires ";
      out += trim_padding(human->expiry(*row.expires));
      out += ')';
    } else if (row.expired) {
      out += " (Expired)";
    }
    out += '\n';
  }
  return out;
}

std::string keytab_text(std::string_view keytab_name, const keytab::Keytab& keytab,
                        const KeytabListOptions& options, const TimeFormat& tf) {
  std::string out = "Keytab name: ";
  out += keytab_name;
  out += '\n';
  const long width = tf.width();
  if (options.timestamps) {
    out += "KVNO Timestamp";
    fill(out, width - 10 + 2, ' ');  // MIT: timestamp_width - sizeof("Timestamp") + 2
    out += "Principal\n---- ";
    fill(out, width, '-');
    out += ' ';
    fill(out, 78 - width - 5, '-');  // MIT: 78 - timestamp_width - sizeof("KVNO")
    out += '\n';
  } else {
    out += "KVNO Principal\n";
    out += "---- --------------------------------------------------------------------------\n";
  }
  for (const auto& entry : keytab.entries) {
    char kvno[16];
    std::snprintf(kvno, sizeof kvno, "%4d ", static_cast<int>(entry.kvno));
    out += kvno;
    if (options.timestamps) {
      out += tf.format(entry.timestamp);
      out += ' ';
    }
    out += unparse_principal(entry.principal);
    if (options.enctypes) {
      out += " (";
      out += enctype_display(entry.key.enctype);
      out += ") ";
    }
    if (options.keys) {
      out += " (0x";
      out += to_hex(entry.key.bytes.view());
      out += ')';
    }
    out += '\n';
  }
  return out;
}

bool cache_is_current(const ccache::CacheContents& contents, KerberosTime now) {
  bool found_tgt = false, found_current_tgt = false, found_current_cred = false;
  for (const auto& cred : contents.creds) {
    const bool current = cred.endtime > now;
    if (is_local_tgt(cred.server, contents.default_principal.realm)) {
      found_tgt = true;
      found_current_tgt = found_current_tgt || current;
    } else if (current) {
      found_current_cred = true;
    }
  }
  return found_tgt ? found_current_tgt : found_current_cred;
}

Result<void> check_tgt_valid_for(std::string_view cache_name, const ccache::CacheContents& contents,
                                 KerberosTime now, std::chrono::seconds needed) {
  const std::string& realm = contents.default_principal.realm;
  const std::string tgt_name = "krbtgt/" + realm + "@" + realm;
  const Credentials* best = nullptr;
  for (const auto& cred : contents.creds) {
    if (!is_local_tgt(cred.server, realm) || !(cred.client == contents.default_principal)) continue;
    if (effective_start(cred) > now) continue;  // postdated, not yet valid
    if (best == nullptr || cred.endtime > best->endtime) best = &cred;
  }
  const std::string who = unparse_principal(contents.default_principal);
  if (best == nullptr)
    return Error{Errc::no_credentials, "no valid ticket-granting ticket " + tgt_name + " for " + who +
                                           " in " + std::string(cache_name)};
  const auto left = best->endtime - now;
  if (left < needed) {
    const std::string when =
        left.count() <= 0 ? "expired at " + iso8601_utc(best->endtime)
                          : "expires at " + iso8601_utc(best->endtime) + " (in " + human_duration(left) + ")";
    return Error{Errc::credentials_expired, "ticket-granting ticket " + tgt_name + " for " + who + " in " +
                                                std::string(cache_name) + " " + when + ", less than the " +
                                                human_duration(needed) + " asked for"};
  }
  return success();
}

}  // namespace krbkit::present
