// kdiag's probes: the reason a server gave no answer, in kdiag's words.
#include "krbkit/net/probe.hpp"

#include <doctest/doctest.h>

using namespace krbkit::net;

TEST_CASE("probe failure reasons: refused, silent, or what failed") {
  CHECK(probe_failure_reason("udp 127.0.0.1:88 (Connection refused)") == "refused");
  CHECK(probe_failure_reason("tcp 127.0.0.1:88 (no reply)") == "silent");
  CHECK(probe_failure_reason("tcp [::1]:88 (connection closed before a complete reply)") ==
        "connection closed before a complete reply");
  CHECK(probe_failure_reason("nohost.invalid:88 (Name or service not known)") == "Name or service not known");
}
