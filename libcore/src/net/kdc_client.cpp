#include "krbkit/net/kdc_client.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "krbkit/config/libdefaults.hpp"
#include "krbkit/net/kkdcp.hpp"
#include "server_addresses.hpp"

namespace krbkit::net {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kMaxTcpReply = 16u << 20;  // refuse claims of more than 16 MiB
constexpr int kHardUdpLimit = 32700;             // as MIT: never prefer UDP above this

enum class Strategy { udp_first, udp_last, no_udp };

std::string errno_text(int err) { return std::strerror(err); }

// A file descriptor closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    reset();
    fd_ = std::exchange(o.fd_, -1);
    return *this;
  }
  ~Fd() { reset(); }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string text;  // "127.0.0.1:88", "[::1]:88"
};

// One socket to one address of one server over one transport.
struct Conn {
  KdcTarget target;
  Transport transport = Transport::udp;
  Address address;
  bool defer = false;  // the non-preferred transport: tried after the others
  enum class State { idle, connecting, writing, reading, waiting, failed } state = State::idle;
  Fd fd;
  Bytes out;  // TCP: length prefix + request
  std::size_t out_pos = 0;
  Bytes in;  // TCP: what has arrived
  std::string failure;

  bool udp() const { return transport == Transport::udp; }
  bool live() const { return state != State::idle && state != State::failed; }
  std::string name() const { return fmt::format("{} {}", udp() ? "dgram" : "stream", address.text); }
};

Result<std::vector<Address>> resolve(const std::string& host, std::uint16_t port) {
  AddrinfoList list;
  if (int rc = lookup_server(host, port, SOCK_DGRAM, list); rc != 0) return Error{Errc::io, gai_strerror(rc)};
  std::vector<Address> out;
  for (auto* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    Address a;
    std::memcpy(&a.storage, ai->ai_addr, ai->ai_addrlen);
    a.length = ai->ai_addrlen;
    char buf[INET6_ADDRSTRLEN] = {};
    if (ai->ai_family == AF_INET6) {
      ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, buf, sizeof buf);
      a.text = fmt::format("[{}]:{}", buf, port);
    } else {
      ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, buf, sizeof buf);
      a.text = fmt::format("{}:{}", buf, port);
    }
    out.push_back(std::move(a));
  }
  return out;
}

class Exchange {
 public:
  Exchange(std::string_view realm, BytesView request, const SendOptions& options, const Tracer& trace,
           Strategy strategy, std::optional<milliseconds> timeout, HttpsOptions https)
      : realm_(realm),
        request_(request),
        options_(options),
        trace_(trace),
        strategy_(strategy),
        service_(options.primary_only ? Service::primary_kdc : options.service),
        https_(std::move(https)) {
    start_ = Clock::now();
    if (timeout) deadline_ = start_ + *timeout;
  }

  Result<Reply> run(const std::vector<KdcTarget>& targets) {
    trace_("Sending request ({} bytes) to {}{}", request_.size(), realm_,
           strategy_ == Strategy::no_udp ? " (TCP only)" : "");
    const auto wait = options_.per_kdc_wait;
    // First pass: every server over its preferred transport, 1 s each.
    for (const auto& target : targets) {
      if (target.transport == Transport::https) {
        send_https(target);
        if (finished()) break;
        continue;
      }
      add_conns(target);
      for (std::size_t i = first_new_; i < conns_.size() && !finished(); ++i)
        if (!conns_[i]->defer && start(*conns_[i])) service(wait, conns_[i].get());
      if (finished()) break;
    }
    // Then the deferred transport, then 2 s for everything started so far.
    for (std::size_t i = 0; i < conns_.size() && !finished(); ++i)
      if (conns_[i]->defer && start(*conns_[i])) service(wait, conns_[i].get());
    if (!finished()) service(milliseconds(2000), nullptr);
    // Two more passes re-sending over UDP, with back-off.
    milliseconds delay(4000);
    for (int pass = 1; pass < 3 && !finished() && any_live(); ++pass) {
      for (auto& c : conns_) {
        if (finished()) break;
        if (!c->udp() || !c->live()) continue;
        trace_("Sending retry UDP request to {}", c->name());
        if (::send(c->fd.get(), request_.data(), request_.size(), MSG_NOSIGNAL) < 0) {
          fail(*c, errno_text(errno));
          continue;
        }
        service(wait, c.get());
      }
      if (!finished()) service(delay, nullptr);
      delay *= 2;
    }
    if (winner_) return std::move(*winner_);
    return no_kdc(targets);
  }

 private:
  bool finished() const { return winner_.has_value() || (deadline_ && Clock::now() >= *deadline_); }
  bool any_live() const {
    return std::any_of(conns_.begin(), conns_.end(), [](const auto& c) { return c->live(); });
  }

  void add_conns(const KdcTarget& target) {
    first_new_ = conns_.size();
    std::vector<std::pair<Transport, bool>> transports;  // transport, deferred
    Transport preferred = strategy_ == Strategy::udp_first ? Transport::udp : Transport::tcp;
    for (auto t : {preferred, preferred == Transport::udp ? Transport::tcp : Transport::udp}) {
      if (target.transport != Transport::any && target.transport != t) continue;
      if (t == Transport::udp && strategy_ == Strategy::no_udp) continue;
      transports.emplace_back(t, t != preferred);
    }
    if (transports.empty()) return;
    trace_("Resolving hostname {}", target.host);
    auto addresses = resolve(target.host, target.port);
    if (!addresses) {
      tried_.push_back(fmt::format("{} ({})", to_string(target), addresses.error().detail));
      return;
    }
    for (auto& address : *addresses) {
      for (auto [transport, defer] : transports) {
        auto c = std::make_unique<Conn>();
        c->target = target;
        c->transport = transport;
        c->address = address;
        c->defer = defer;
        conns_.push_back(std::move(c));
      }
    }
  }

  // An MS-KKDCP proxy: one HTTPS exchange, to its end (or the deadline)
  // before the next server is tried.
  void send_https(const KdcTarget& target) {
    HttpsOptions https = https_;
    if (deadline_)
      https.timeout = std::max(
          milliseconds(1),
          std::min(https.timeout, std::chrono::duration_cast<milliseconds>(*deadline_ - Clock::now())));
    auto reply = kkdcp_send(target, realm_, request_, https, trace_);
    if (!reply) {
      if (reply.error().is(Errc::certificate_refused)) ++certificates_refused_;
      tried_.push_back(fmt::format("{} ({})", to_string(target), reply.error().detail));
      return;
    }
    if (options_.accept ? !options_.accept(*reply) : reply->empty()) {
      trace_("Ignoring reply from {}: not a reply to this request", to_string(target));
      tried_.push_back(fmt::format("{} ({})", to_string(target), kUnparseableReply));
      return;
    }
    Reply r;
    r.data = std::move(*reply);
    r.from = target;
    r.transport = Transport::https;
    r.address = to_string(target);
    winner_ = std::move(r);
  }

  void fail(Conn& c, std::string why) {
    trace_("Error with {}: {}", c.name(), why);
    c.failure = std::move(why);
    c.state = Conn::State::failed;
    c.fd.reset();
  }

  bool start(Conn& c) {
    int family = c.address.storage.ss_family;
    int type = (c.udp() ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC;
    c.fd = Fd(::socket(family, type, 0));
    c.state = Conn::State::connecting;
    if (c.fd.get() < 0) {
      fail(c, errno_text(errno));
      return false;
    }
    const auto* addr = reinterpret_cast<const sockaddr*>(&c.address.storage);
    if (c.udp()) {
      trace_("Sending initial UDP request to {}", c.name());
      // Connected, so that an ICMP "port unreachable" shows up as ECONNREFUSED.
      if (::connect(c.fd.get(), addr, c.address.length) < 0 ||
          ::send(c.fd.get(), request_.data(), request_.size(), MSG_NOSIGNAL) < 0) {
        fail(c, errno_text(errno));
        return false;
      }
      c.state = Conn::State::waiting;
      return true;
    }
    trace_("Initiating TCP connection to {}", c.name());
    c.out.clear();
    put_u32be(c.out, static_cast<std::uint32_t>(request_.size()));
    c.out.insert(c.out.end(), request_.begin(), request_.end());
    if (::connect(c.fd.get(), addr, c.address.length) < 0) {
      if (errno != EINPROGRESS) {
        fail(c, errno_text(errno));
        return false;
      }
      return true;  // wait for POLLOUT
    }
    c.state = Conn::State::writing;
    write_tcp(c);
    return c.live();
  }

  void write_tcp(Conn& c) {
    if (c.out_pos == 0) trace_("Sending TCP request to {}", c.name());
    while (c.out_pos < c.out.size()) {
      ssize_t n = ::send(c.fd.get(), c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        if (errno == EINTR) continue;
        fail(c, errno_text(errno));
        return;
      }
      c.out_pos += static_cast<std::size_t>(n);
    }
    c.state = Conn::State::reading;
  }

  void offer(Conn& c, Bytes data) {
    trace_("Received answer ({} bytes) from {}", data.size(), c.name());
    bool ok = options_.accept ? options_.accept(data) : !data.empty();
    if (!ok) {
      // That server failed: it is listed as such when no other answers. A
      // stream answers once; a datagram socket keeps listening, as the real
      // answer may still come (a stray or spoofed datagram must not end it).
      trace_("Ignoring reply from {}: not a reply to this request", c.name());
      if (!c.udp()) fail(c, "reply not accepted");
      c.failure = kUnparseableReply;
      return;
    }
    Reply r;
    r.data = std::move(data);
    r.from = c.target;
    r.transport = c.transport;
    r.address = c.address.text;
    winner_ = std::move(r);
    for (auto& other : conns_)
      if (other.get() != &c && !other->udp() && other->live())
        trace_("Terminating TCP connection to {}", other->name());
  }

  // Room for the largest datagram, left uninitialised: zeroing 64 KB touched
  // 16 fresh heap pages (page faults) for a reply of a few hundred bytes.
  void read_udp(Conn& c) {
    constexpr std::size_t kMaxDatagram = 65536;
    const auto buf = std::make_unique_for_overwrite<std::uint8_t[]>(kMaxDatagram);
    ssize_t n = ::recv(c.fd.get(), buf.get(), kMaxDatagram, 0);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) fail(c, errno_text(errno));
      return;
    }
    offer(c, Bytes(buf.get(), buf.get() + n));
  }

  void read_tcp(Conn& c) {
    std::uint8_t buf[16384];
    ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) fail(c, errno_text(errno));
      return;
    }
    if (n == 0) {
      fail(c, "connection closed before a complete reply");
      return;
    }
    c.in.insert(c.in.end(), buf, buf + n);
    if (c.in.size() < 4) return;
    std::uint32_t length = get_u32be(c.in.data());
    if (length > kMaxTcpReply) {
      fail(c, fmt::format("reply length {} is too large", length));
      return;
    }
    if (c.in.size() < 4 + std::size_t{length}) return;
    if (c.in.size() > 4 + std::size_t{length}) {
      fail(c, "extra bytes after the reply");
      return;
    }
    Bytes data(c.in.begin() + 4, c.in.end());
    offer(c, std::move(data));
    if (winner_ || c.state == Conn::State::failed) c.fd.reset();
  }

  void handle(Conn& c, short revents) {
    switch (c.state) {
      case Conn::State::waiting: read_udp(c); break;
      case Conn::State::connecting: {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(c.fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0 || (revents & (POLLERR | POLLHUP)) != 0) {
          fail(c, errno_text(err != 0 ? err : ECONNREFUSED));
          return;
        }
        c.state = Conn::State::writing;
        write_tcp(c);
        break;
      }
      case Conn::State::writing: write_tcp(c); break;
      case Conn::State::reading: read_tcp(c); break;
      default: break;
    }
  }

  // Waits up to `span` (and never past the deadline) for replies on every
  // live socket. Returns early on an accepted reply, when nothing is live, or
  // when `watch` (the server just contacted) has failed: move on at once.
  void service(milliseconds span, const Conn* watch) {
    auto until = Clock::now() + span;
    if (deadline_ && *deadline_ < until) until = *deadline_;
    while (!winner_) {
      if (watch != nullptr && watch->state == Conn::State::failed) return;
      auto now = Clock::now();
      if (now >= until) return;
      std::vector<pollfd> fds;
      std::vector<Conn*> owners;
      for (auto& c : conns_) {
        if (!c->live() || c->fd.get() < 0) continue;
        short events =
            (c->state == Conn::State::connecting || c->state == Conn::State::writing) ? POLLOUT : POLLIN;
        fds.push_back(pollfd{c->fd.get(), events, 0});
        owners.push_back(c.get());
      }
      if (fds.empty()) return;
      auto left = std::chrono::duration_cast<milliseconds>(until - now).count() + 1;
      int rc = ::poll(fds.data(), fds.size(), static_cast<int>(left));
      if (rc < 0 && errno != EINTR) return;
      for (std::size_t i = 0; i < fds.size() && !winner_; ++i)
        if (fds[i].revents != 0) handle(*owners[i], fds[i].revents);
    }
  }

  Error no_kdc(const std::vector<KdcTarget>& targets) {
    for (const auto& c : conns_) {
      if (c->state == Conn::State::idle) continue;
      std::string why = c->failure.empty() ? "no reply" : c->failure;
      tried_.push_back(fmt::format("{} {} ({})", c->udp() ? "udp" : "tcp", c->address.text, why));
    }
    if (options_.attempts != nullptr)
      options_.attempts->insert(options_.attempts->end(), tried_.begin(), tried_.end());
    auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start_).count();
    trace_("No {} of {} answered within {} ms", service_name(service_), realm_, elapsed);
    // Only the realm name, and it is no host: MIT's "Cannot find KDC".
    bool guessed_only =
        conns_.empty() && !targets.empty() &&
        std::all_of(targets.begin(), targets.end(), [](const auto& t) { return t.realm_name; });
    Error e = guessed_only
                  ? not_found_error(service_, realm_,
                                    fmt::format("none configured or in DNS; tried the realm name as a "
                                                "host: {}",
                                                fmt::join(tried_, ", ")))
                  : unreachable_error(service_, realm_, tried_);
    if (deadline_ && Clock::now() >= *deadline_) e.detail += fmt::format("; gave up after {} ms", elapsed);
    // Every server was a proxy whose certificate we refused: say so in the code
    // (its own exit status), as no retry will help until the trust is fixed.
    if (certificates_refused_ > 0 && certificates_refused_ == tried_.size())
      e.code = make_error_code(Errc::certificate_refused);
    return e;
  }

  std::string realm_;
  BytesView request_;
  const SendOptions& options_;
  const Tracer& trace_;
  Strategy strategy_;
  Service service_;
  Clock::time_point start_;
  std::optional<Clock::time_point> deadline_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::size_t first_new_ = 0;
  std::vector<std::string> tried_;
  std::optional<Reply> winner_;
  HttpsOptions https_;
  std::size_t certificates_refused_ = 0;
};

}  // namespace

KdcClient::KdcClient(config::Profile profile, Tracer tracer)
    : profile_(std::move(profile)), tracer_(std::move(tracer)) {}

Result<Reply> KdcClient::send(std::string_view realm, BytesView request, const SendOptions& options) const {
  LocateOptions locate_options;
  locate_options.service = options.primary_only ? Service::primary_kdc : options.service;
  locate_options.trace = tracer_;
  std::vector<KdcTarget> targets = options.servers;
  if (targets.empty()) {
    KRBKIT_TRY(found, locate(profile_, realm, locate_options));
    targets = std::move(found);
  }
  if (options.prefer) {
    auto same = [&](const KdcTarget& t) {
      return t.host == options.prefer->host && t.port == options.prefer->port;
    };
    auto it = std::find_if(targets.begin(), targets.end(), same);
    if (it != targets.end()) {
      std::rotate(targets.begin(), it, it + 1);
    } else if (!options.primary_only) {
      targets.insert(targets.begin(), *options.prefer);
    }
  }
  return send_to(realm, targets, request, options);
}

Result<std::unique_ptr<Stream>> KdcClient::connect(const KdcTarget& server) const {
  tracer_("Connecting to {}", to_string(server));
  return connect_tcp(server.host, server.port);
}

Result<Reply> KdcClient::send_to(std::string_view realm, const std::vector<KdcTarget>& targets,
                                 BytesView request, const SendOptions& options) const {
  KRBKIT_TRY(defaults, config::LibDefaults::from(profile_, realm));
  int limit = std::min(defaults.udp_preference_limit, kHardUdpLimit);
  Strategy strategy = options.force_tcp                                   ? Strategy::no_udp
                      : request.size() <= static_cast<std::size_t>(limit) ? Strategy::udp_first
                                                                          : Strategy::udp_last;
  std::optional<milliseconds> timeout = options.timeout;
  if (!timeout && defaults.kdc_timeout)
    timeout = std::chrono::duration_cast<milliseconds>(*defaults.kdc_timeout);
  HttpsOptions https;
  https.anchors = profile_.get_all({"realms", realm, "http_anchors"});
  Exchange exchange(realm, request, options, tracer_, strategy, timeout, std::move(https));
  return exchange.run(targets);
}

}  // namespace krbkit::net
