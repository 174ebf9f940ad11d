#pragma once
// A KCM daemon for tests (tests/realm/kcm.sh: sssd-kcm or Heimdal's kcm in
// a private mount namespace, no systemd), a krb5.conf that points MIT's
// tools and ours at it, and a fault-injecting proxy in front of it:
//
//   KcmDaemon* kcm = KcmDaemon::shared(KcmKind::sssd);   // once per test binary
//   std::string conf = kcm->krb5_conf(realm);            // realm's krb5.conf + kcm_socket
//   KcmProxy proxy(kcm->socket(), dir + "/proxy.socket", KcmProxy::Fault::hang_up, kcm::replace);

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace krbkit::test {

class Realm;

enum class KcmKind { sssd, heimdal };

class KcmDaemon {
 public:
  // Starts the daemon; throws std::runtime_error when it does not start.
  explicit KcmDaemon(KcmKind kind);
  ~KcmDaemon();
  KcmDaemon(const KcmDaemon&) = delete;
  KcmDaemon& operator=(const KcmDaemon&) = delete;

  // One daemon of each kind per test binary, stopped at exit; nullptr for
  // Heimdal's when its packages cannot be downloaded (heimdal_unavailable()).
  static KcmDaemon* shared(KcmKind kind);

  const std::string& socket() const { return socket_; }
  const std::string& dir() const { return dir_; }
  // A copy of realm's krb5.conf whose [libdefaults] adds `kcm_socket = socket`
  // and `extra` (more lines), in a new file of the realm folder.
  std::string krb5_conf(Realm& realm, const std::string& socket, const std::string& extra = {}) const;
  std::string krb5_conf(Realm& realm) const { return krb5_conf(realm, socket_); }

 private:
  std::string dir_;
  std::string socket_;
};

// A UNIX-socket server at `path` that forwards KCM frames to the daemon at
// `upstream`, except that a request of opcode `op` gets `fault` instead:
// hang_up closes the connection without a reply (a daemon dying
// mid-request); garble answers status 0 with a body no reply can have.
class KcmProxy {
 public:
  enum class Fault { hang_up, garble };
  KcmProxy(std::string upstream, std::string path, Fault fault, std::uint16_t op);
  ~KcmProxy();
  KcmProxy(const KcmProxy&) = delete;
  KcmProxy& operator=(const KcmProxy&) = delete;
  const std::string& path() const { return path_; }

 private:
  void serve();
  void session(int client);
  std::string upstream_, path_;
  Fault fault_;
  std::uint16_t op_;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace krbkit::test
