#pragma once
// A net::RealmTransport for unit tests: each request goes to a function
// (a fake KDC, or a list of captured replies) instead of the network. The
// function's reply goes through SendOptions::accept as a real server's would:
// a refused reply is the same Errc::no_kdc failure, "(unparseable reply)".

#include <fmt/format.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "krbkit/net/realm_transport.hpp"

namespace krbkit::test {

class FakeTransport final : public net::RealmTransport {
 public:
  using Answer = std::function<Result<Bytes>(std::string_view realm, BytesView request,
                                             const net::SendOptions& options)>;

  explicit FakeTransport(Answer answer, Tracer tracer = {})
      : answer_(std::move(answer)), tracer_(std::move(tracer)) {}

  Result<net::Reply> send(std::string_view realm, BytesView request,
                          const net::SendOptions& options = {}) const override {
    ++sent_;
    KRBKIT_TRY(data, answer_(realm, request, options));
    net::Reply reply;
    reply.from = net::KdcTarget{"fake.kdc", net::default_port(options.service), net::Transport::any};
    reply.transport = options.force_tcp ? net::Transport::tcp : net::Transport::udp;
    reply.address = fmt::format("fake.kdc:{}", reply.from.port);
    bool ok = options.accept ? options.accept(data) : !data.empty();
    if (!ok) {
      std::vector<std::string> tried{fmt::format("{} {} ({})", net::transport_name(reply.transport),
                                                 reply.address, net::kUnparseableReply)};
      if (options.attempts != nullptr)
        options.attempts->insert(options.attempts->end(), tried.begin(), tried.end());
      return net::unreachable_error(options.service, realm, tried);
    }
    reply.data = std::move(data);
    return reply;
  }

  // Sessions (kadmin) go to `connect_to` when a test sets it.
  std::function<Result<std::unique_ptr<net::Stream>>(const net::KdcTarget&)> connect_to;
  Result<std::unique_ptr<net::Stream>> connect(const net::KdcTarget& server) const override {
    if (!connect_to)
      return Error{Errc::no_kdc, "the fake transport has no sessions: " + net::to_string(server)};
    return connect_to(server);
  }

  const Tracer& tracer() const override { return tracer_; }
  // How many requests were sent.
  int sent() const { return sent_; }

 private:
  Answer answer_;
  Tracer tracer_;
  mutable int sent_ = 0;
};

}  // namespace krbkit::test
