#!/usr/bin/env bash
# Smoke test of the shell side of the test-realm harness: start a realm with
# realm.sh, use it with MIT's tools and krbkit's, and check that `stop`
# really ends the daemons.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
realm_sh=$src/tests/realm/realm.sh

dir=$(mktemp -d "${TMPDIR:-/tmp}/krbkit-smoke-XXXXXX")
trap '"$realm_sh" stop "$dir"; rm -rf "$dir"' EXIT
"$realm_sh" start "$dir" --owner $$
# shellcheck source=/dev/null
. "$dir/env"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

echo "$ALICE_PASSWORD" | kinit "$ALICE_PRINCIPAL" >/dev/null || fail "MIT kinit $ALICE_PRINCIPAL"
klist | grep -q "Default principal: $ALICE_PRINCIPAL" || fail "MIT klist does not show $ALICE_PRINCIPAL"
[[ -f "${KRB5CCNAME#FILE:}" ]] || fail "the cache $KRB5CCNAME was not written inside the realm folder"
if echo wrong-password | kinit "$BOB_PRINCIPAL" >/dev/null 2>&1; then fail "a wrong password was accepted"; fi
kinit -k -t "$HOST_KEYTAB" "$HOST_PRINCIPAL" || fail "kinit -k -t $HOST_KEYTAB"
kvno "$SVC_CAMELLIA128" >/dev/null || fail "kvno $SVC_CAMELLIA128"
klist -e | grep -q "camellia128-cts-cmac" || fail "no camellia128 ticket"

for cmd in kinit klist kdestroy kswitch kvno kpasswd kadmin ktutil; do
  "$bin/$cmd" --version | grep -q . || fail "$cmd --version printed nothing"
done

kdc_pid=$KDC_PID
"$realm_sh" stop "$dir"
state=$(sed 's/.*) //' "/proc/$kdc_pid/stat" 2>/dev/null | cut -c1 || true)
[[ -z "$state" || "$state" == Z ]] || fail "krb5kdc $kdc_pid still running after stop (state $state)"
[[ ! -e "$dir/env" ]] || fail "stop left $dir/env"
"$realm_sh" stop "$dir" || fail "a second stop failed"
echo "realm smoke test passed"
