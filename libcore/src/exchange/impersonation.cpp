#include "krbkit/exchange/impersonation.hpp"

namespace krbkit::exchange {

Result<ServiceOptions> on_behalf_of(TgsClient& client, const Principal& self, const Principal& user,
                                    bool proxy, ServiceOptions options,
                                    std::optional<Credentials>& evidence) {
  if (!proxy) {
    options.for_user = user;
    return options;
  }
  ServiceOptions to_self = options;
  to_self.for_user = user;
  to_self.enctypes.clear();
  KRBKIT_TRY(ticket, client.get(self, to_self));
  evidence = std::move(ticket);
  options.evidence = &*evidence;
  return options;
}

}  // namespace krbkit::exchange
