// KCM: caches: the cache operations in KCM requests, as MIT's cc_kcm.c makes
// them, including its fallbacks for daemons without MIT's GET_CRED_LIST and
// REPLACE (Heimdal's kcm): GET_CRED_UUID_LIST + GET_CRED_BY_UUID, and
// INITIALIZE + SET_KDC_OFFSET + STORE.

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "internal.hpp"
#include "krbkit/base/secret.hpp"
#include "krbkit/ccache/kcm.hpp"
#include "krbkit/ccache/kcm_protocol.hpp"

namespace krbkit::ccache {
namespace {

std::mutex& connector_mutex() {
  static std::mutex m;
  return m;
}
KcmConnector& connector() {
  static KcmConnector c;
  return c;
}

}  // namespace

void set_kcm_connector(KcmConnector c) {
  std::lock_guard lock(connector_mutex());
  connector() = std::move(c);
}

namespace detail {
namespace {

using kcm::Op;
using kcm::Request;

// One connection and the calls over it; a status other than 0 is an error
// (Errc::ccache_not_found for "no such cache"), except where the caller
// takes the status itself (try_call). `cache` names the cache in errors.
class KcmClient {
 public:
  static Result<std::shared_ptr<KcmClient>> connect(std::string_view cache) {
    KcmConnector c;
    {
      std::lock_guard lock(connector_mutex());
      c = connector();
    }
    if (!c) return Error{Errc::unsupported, "cache type KCM not supported (no KCM connector)"};
    KRBKIT_TRY(connection, naming_cache(c(), cache));
    return std::make_shared<KcmClient>(std::move(connection), std::string(cache));
  }
  KcmClient(std::unique_ptr<KcmConnection> c, std::string cache)
      : connection_(std::move(c)), cache_(std::move(cache)) {}

  void name_cache(std::string cache) { cache_ = std::move(cache); }

  // A parse of one of the daemon's replies, its failure naming the cache.
  template <typename T>
  Result<T> parsed(Result<T> r) const {
    return naming_cache(std::move(r), cache_);
  }

  // A reply may hold session keys (GET_CRED_LIST, GET_CRED_BY_UUID): its
  // buffer is wiped when the answer goes away.
  struct Answer {
    std::int32_t status = 0;
    Bytes reply;  // status and body
    BytesView body() const { return BytesView(reply).subspan(4); }
    Answer(std::int32_t s, Bytes r) : status(s), reply(std::move(r)) {}
    Answer(Answer&&) noexcept = default;
    Answer& operator=(Answer&&) = delete;
    ~Answer() { secure_wipe(reply.data(), reply.size()); }
  };
  Result<Answer> try_call(const Request& request) {
    if (request.error()) return *request.error();
    KRBKIT_TRY(reply, naming_cache(connection_->call(request.bytes()), cache_));
    KRBKIT_TRY(split, parsed(kcm::parse_reply(reply)));
    return Answer{split.status, std::move(reply)};
  }
  Result<Answer> call(const Request& request, std::string_view cache) {
    KRBKIT_TRY(answer, try_call(request));
    if (answer.status != 0) return status_error(answer.status, cache);
    return answer;
  }

  // Several requests in one round trip (KcmConnection::call_all), each
  // answer with its status.
  Result<std::vector<Answer>> try_call_all(const std::vector<Request>& requests) {
    std::vector<Bytes> frames;
    frames.reserve(requests.size());
    for (const auto& request : requests) {
      if (request.error()) return *request.error();
      frames.push_back(request.bytes());
    }
    KRBKIT_TRY(replies, naming_cache(connection_->call_all(frames), cache_));
    std::vector<Answer> answers;
    answers.reserve(replies.size());
    for (auto& reply : replies) {
      KRBKIT_TRY(split, parsed(kcm::parse_reply(reply)));
      answers.push_back(Answer{split.status, std::move(reply)});
    }
    return answers;
  }
  // As try_call_all(); every status must be 0.
  Result<std::vector<Answer>> call_all(const std::vector<Request>& requests, std::string_view cache) {
    KRBKIT_TRY(answers, try_call_all(requests));
    for (const auto& answer : answers)
      if (answer.status != 0) return status_error(answer.status, cache);
    return answers;
  }

  static Error status_error(std::int32_t status, std::string_view cache) {
    if (status == kcm::kFccNoFile || status == kcm::kCcEnd || status == kcm::kCcNotFound)
      return Error{Errc::ccache_not_found, fmt::format("Credentials cache 'KCM:{}' not found", cache)};
    return Error{Errc::ccache_io,
                 fmt::format("KCM:{}: the KCM daemon answered with error {}", cache, status)};
  }

 private:
  std::unique_ptr<KcmConnection> connection_;
  std::string cache_;
};

class KcmCache final : public Cache {
 public:
  KcmCache(std::string residual, std::shared_ptr<KcmClient> client)
      : residual_(std::move(residual)), client_(std::move(client)) {}

  std::string name() const override { return "KCM:" + residual_; }
  std::string_view type() const override { return "KCM"; }

  bool exists() const override {
    auto p = principal();
    return p.ok() && p->has_value();
  }

  Result<CacheContents> read() override {
    CacheContents out;
    KRBKIT_CHECK(read_records(out, [&](Credentials&& c) { append_record(out, std::move(c)); }));
    return out;
  }
  // Each credential is parsed from the daemon's reply and handed over before
  // the next (klist holds one record at a time, as for a FILE cache).
  Result<CacheContents> read_each(const RecordSink& sink) override {
    CacheContents out;
    KRBKIT_CHECK(read_records(out, [&](Credentials&& c) { sink(out, c, is_config_principal(c.server)); }));
    return out;
  }

  Result<void> write(const CacheContents& contents, int /*version*/) override {
    const std::int32_t offset = contents.kdc_offset ? contents.kdc_offset->seconds : 0;
    Request replace(Op::replace);
    replace.name(residual_).u32(static_cast<std::uint32_t>(offset)).principal(contents.default_principal);
    replace.u32(static_cast<std::uint32_t>(contents.creds.size() + contents.config_entries.size()));
    for (const auto& c : contents.config_entries) replace.sized_credential(c);
    for (const auto& c : contents.creds) replace.sized_credential(c);
    KRBKIT_TRY(answer, client_->try_call(replace));
    if (answer.status == 0) return success();
    if (!kcm::unsupported_status(answer.status)) return KcmClient::status_error(answer.status, residual_);
    // No REPLACE (Heimdal): initialize, then store one by one, as MIT does.
    KRBKIT_TRY(init,
               client_->call(Request(Op::initialize).name(residual_).principal(contents.default_principal),
                             residual_));
    (void)init;
    if (contents.kdc_offset)
      (void)client_->try_call(
          Request(Op::set_kdc_offset).name(residual_).u32(static_cast<std::uint32_t>(offset)));
    for (const auto& c : contents.config_entries) KRBKIT_CHECK(store(c));
    for (const auto& c : contents.creds) KRBKIT_CHECK(store(c));
    return success();
  }

  Result<void> store(const Credentials& cred) override {
    KRBKIT_TRY(answer, client_->call(Request(Op::store).name(residual_).credential(cred), residual_));
    (void)answer;
    return success();
  }

  Result<std::size_t> rewrite(const std::function<bool(const Credentials&)>& drop,
                              const Credentials* add) override {
    KRBKIT_TRY(contents, read());
    const std::size_t dropped = drop_keeping_order(contents, drop);
    if (dropped == 0) {
      if (add != nullptr) KRBKIT_CHECK(store(*add));
      return dropped;
    }
    if (add != nullptr) append_record(contents, *add);
    KRBKIT_CHECK(write(contents, 4));
    return dropped;
  }

  Result<void> destroy() override {
    KRBKIT_TRY(answer, client_->call(Request(Op::destroy).name(residual_), residual_));
    (void)answer;
    return success();
  }

 private:
  Result<std::optional<Principal>> principal() const {
    KRBKIT_TRY(answer, client_->try_call(Request(Op::get_principal).name(residual_)));
    if (answer.status == kcm::kFccNoFile) return std::optional<Principal>();
    if (answer.status != 0) return KcmClient::status_error(answer.status, residual_);
    return client_->parsed(kcm::parse_principal(answer.body()));
  }

  // GET_PRINCIPAL, GET_KDC_OFFSET and GET_CRED_LIST in one round trip (both
  // daemons answer requests sent together in order; MIT's client waits for
  // each): the default principal and offset into `out`, each credential to
  // `fn` as it is parsed. A daemon without GET_CRED_LIST: credentials().
  Result<void> read_records(CacheContents& out, const std::function<void(Credentials&&)>& fn) const {
    KRBKIT_TRY(answers, client_->try_call_all({Request(Op::get_principal).name(residual_),
                                               Request(Op::get_kdc_offset).name(residual_),
                                               Request(Op::get_cred_list).name(residual_)}));
    const auto& princ_answer = answers[0];
    const auto& offset = answers[1];
    const auto& list = answers[2];
    if (princ_answer.status != 0) return KcmClient::status_error(princ_answer.status, residual_);
    KRBKIT_TRY(princ, client_->parsed(kcm::parse_principal(princ_answer.body())));
    if (!princ) return KcmClient::status_error(kcm::kFccNoFile, residual_);
    out.default_principal = std::move(*princ);
    if (offset.status == 0) {
      auto seconds = kcm::parse_offset(offset.body());
      if (seconds.ok() && *seconds != 0) out.kdc_offset = KdcOffset{*seconds, 0};
    }
    if (list.status == 0) return client_->parsed(kcm::parse_cred_list_each(list.body(), fn));
    if (!kcm::unsupported_status(list.status)) return KcmClient::status_error(list.status, residual_);
    return credentials(fn);
  }

  // The credentials of a daemon without GET_CRED_LIST, each by its UUID, to
  // `fn` one at a time as each is parsed.
  Result<void> credentials(const std::function<void(Credentials&&)>& fn) const {
    KRBKIT_TRY(ids_answer, client_->call(Request(Op::get_cred_uuid_list).name(residual_), residual_));
    KRBKIT_TRY(ids, client_->parsed(kcm::parse_uuid_list(ids_answer.body())));
    // The requests go out in batches, each one round trip: 100 tickets took
    // 100 round trips to the daemon, as with MIT's klist.
    constexpr std::size_t kBatch = 64;  // ~4 KB of requests: well within a socket buffer
    for (std::size_t first = 0; first < ids.size(); first += kBatch) {
      std::vector<Request> batch;
      for (std::size_t i = first; i < std::min(ids.size(), first + kBatch); ++i)
        batch.push_back(Request(Op::get_cred_by_uuid).name(residual_).uuid(ids[i]));
      KRBKIT_TRY(answers, client_->call_all(batch, residual_));
      for (const auto& answer : answers) {
        KRBKIT_TRY(cred, client_->parsed(kcm::parse_credential(answer.body())));
        fn(std::move(cred));
      }
    }
    return success();
  }

  std::string residual_;
  std::shared_ptr<KcmClient> client_;
};

Result<std::string> default_cache(KcmClient& client) {
  KRBKIT_TRY(answer, client.call(Request(Op::get_default_cache), ""));
  return client.parsed(kcm::parse_name(answer.body()));
}

}  // namespace

Result<std::unique_ptr<Cache>> open_kcm_cache(std::string_view residual) {
  KRBKIT_TRY(client, KcmClient::connect("KCM:" + std::string(residual)));
  std::string name(residual);
  if (name.empty()) {
    KRBKIT_TRY(primary, default_cache(*client));
    name = std::move(primary);
    client->name_cache("KCM:" + name);
  }
  return std::unique_ptr<Cache>(std::make_unique<KcmCache>(std::move(name), std::move(client)));
}

Result<std::vector<std::string>> kcm_collection(std::string_view residual) {
  KRBKIT_TRY(client, KcmClient::connect("KCM:" + std::string(residual)));
  std::vector<std::string> out;
  auto exists = [&](const std::string& name) -> Result<bool> {
    KRBKIT_TRY(answer, client->try_call(Request(Op::get_principal).name(name)));
    return answer.status == 0;  // MIT's name_exists: an uninitialized cache counts
  };
  // A cache named by itself is a collection of that cache alone (MIT).
  if (!residual.empty()) {
    KRBKIT_TRY(there, exists(std::string(residual)));
    if (there) out.push_back("KCM:" + std::string(residual));
    return out;
  }
  KRBKIT_TRY(ids_answer, client->try_call(Request(Op::get_cache_uuid_list)));
  if (ids_answer.status == kcm::kFccNoFile) return out;
  if (ids_answer.status != 0) return KcmClient::status_error(ids_answer.status, "");
  KRBKIT_TRY(ids, client->parsed(kcm::parse_uuid_list(ids_answer.body())));
  KRBKIT_TRY(primary, default_cache(*client));
  KRBKIT_TRY(primary_there, exists(primary));
  if (primary_there) out.push_back("KCM:" + primary);
  for (const auto& id : ids) {
    KRBKIT_TRY(answer, client->try_call(Request(Op::get_cache_by_uuid).uuid(id)));
    if (answer.status == kcm::kCcEnd || answer.status == kcm::kFccNoFile) continue;  // destroyed meanwhile
    if (answer.status != 0) return KcmClient::status_error(answer.status, "");
    KRBKIT_TRY(name, client->parsed(kcm::parse_name(answer.body())));
    if (name != primary) out.push_back("KCM:" + name);
  }
  return out;
}

Result<void> kcm_switch_to(std::string_view residual) {
  KRBKIT_TRY(cache, open_kcm_cache(residual));
  KRBKIT_TRY(client, KcmClient::connect(cache->name()));
  const std::string name = cache->name().substr(4);
  KRBKIT_TRY(answer, client->call(Request(Op::set_default_cache).name(name), name));
  (void)answer;
  return success();
}

Result<std::unique_ptr<Cache>> new_kcm_cache() {
  KRBKIT_TRY(client, KcmClient::connect("KCM: (a new cache)"));
  KRBKIT_TRY(answer, client->call(Request(Op::gen_new), ""));
  KRBKIT_TRY(name, client->parsed(kcm::parse_name(answer.body())));
  client->name_cache("KCM:" + name);
  return std::unique_ptr<Cache>(std::make_unique<KcmCache>(std::move(name), std::move(client)));
}

}  // namespace detail
}  // namespace krbkit::ccache
