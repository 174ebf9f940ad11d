#pragma once
// ktutil's interpreter: MIT's requests, options, output and error wording
// over a list of keytab entries kept in memory. read_kt adds a keytab's
// entries, addent makes one from a password or a hex key (its salt, with -f,
// from the KDC), delent and clear remove, write_kt appends the list to a
// keytab file, list prints it exactly as MIT's ktutil does.
//
//   KtutilShell kt(io, kdc);
//   kt.run("rkt /etc/krb5.keytab");   // Outcome::ok / failed / quit
//   kt.run("l -e");

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "krbkit/keytab/keytab.hpp"
#include "krbkit/proto/messages.hpp"
#include "shell/requests.hpp"

namespace krbkit::shell {

// What addent needs beyond the keytab files: the realm of names without one,
// and the KDC's answer to addent -f.
struct KtutilRealm {
  // krb5.conf's default_realm ("" when there is none); asked at each addent.
  std::function<std::string()> default_realm;
  // The salt, s2kparams and (when `e` is not given) enctype the KDC names
  // for the principal's key.
  std::function<Result<EtypeInfo2Entry>(const Principal&, std::optional<Enctype> e)> fetch_etype_info;
};

class KtutilShell {
 public:
  KtutilShell(Io io, KtutilRealm realm) : io_(std::move(io)), realm_(std::move(realm)) {}

  // Runs one request line; Outcome::quit for quit.
  Outcome run(const std::string& line);

  const std::vector<keytab::KeytabEntry>& entries() const { return entries_; }

  // The requests' names and aliases, and one request's options (completion).
  static std::vector<std::string_view> request_names();
  static std::vector<std::string_view> request_options(std::string_view request);

 private:
  friend struct KtutilTable;
  Outcome read_kt(const Words& a);
  Outcome write_kt(const Words& a);
  Outcome list(const Words& a);
  Outcome addent(const Words& a);
  Outcome delent(const Words& a);
  Outcome clear(const Words& a);
  Outcome list_requests(const Words& a);
  Outcome quit(const Words& a);

  void list_text(bool show_time, bool show_keys, bool show_etype) const;
  void list_json(bool with_keys) const;
  Result<keytab::KeytabEntry> make_entry(const Principal& p, std::optional<Enctype> e, bool from_password,
                                         const std::string& salt, bool fetch);
  Result<Key> make_key(const Principal& p, Enctype e, bool from_password, const std::string& salt,
                       const Bytes& params);
  Outcome fail(const std::string& request, const Error& e, const std::string& doing);

  Io io_;
  KtutilRealm realm_;
  std::vector<keytab::KeytabEntry> entries_;
};

}  // namespace krbkit::shell
