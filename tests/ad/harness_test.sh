#!/usr/bin/env bash
# The AD harness with MIT's tools: start a Samba AD DC with ad.sh, log in as
# the test accounts, get tickets for each SPN account and check what AD is
# known to send (enctypes, UPN salt, NTSTATUS for the disabled user), then
# check that `stop` really ends samba.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
ad_sh=$src/tests/ad/ad.sh
MIT=/usr/bin

dir=$(mktemp -d "${TMPDIR:-/tmp}/krbkit-ad-XXXXXX")
trap '"$ad_sh" stop "$dir"; rm -rf "$dir"' EXIT
t0=$(date +%s%N)
"$ad_sh" start "$dir" --owner $$
echo "ad.sh start: $((($(date +%s%N) - t0) / 1000000)) ms"
# shellcheck source=/dev/null
. "$dir/env"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

cc=FILE:$dir/cc-mit
echo "$ALICE_PASSWORD" | $MIT/kinit -c "$cc" "$ALICE_PRINCIPAL" >/dev/null || fail "MIT kinit $ALICE_PRINCIPAL"
$MIT/klist -e -c "$cc" | grep -q "Etype (skey, tkt): aes256-cts-hmac-sha1-96, aes256-cts-hmac-sha1-96" ||
  fail "alice's TGT is not aes256/aes256: $($MIT/klist -e -c "$cc")"

# One service ticket per SPN account: "principal ticket-etype session-etype".
check_kvno() {
  $MIT/kvno -c "$cc" "$1" >/dev/null || fail "MIT kvno $1"
  local line
  line=$($MIT/klist -e -c "$cc" | grep -A1 " $1\$" | grep Etype) || fail "no ticket for $1 in the cache"
  line=${line//DEPRECATED:/}
  [[ "$line" == *"Etype (skey, tkt): $3, $2"* ]] || fail "$1: expected skey $3, tkt $2, got: $line"
}
check_kvno "$SVC_AES" aes256-cts-hmac-sha1-96 aes256-cts-hmac-sha1-96
check_kvno "$SVC_DEFAULT" arcfour-hmac aes256-cts-hmac-sha1-96
check_kvno "$SVC_RC4" arcfour-hmac arcfour-hmac
check_kvno "$MACHINE_HOST_PRINCIPAL" aes256-cts-hmac-sha1-96 aes256-cts-hmac-sha1-96
$MIT/kvno -c "$cc" -k "$SVC_AES_KEYTAB" "$SVC_AES" | grep -q "keytab entry valid" ||
  fail "MIT kvno -k $SVC_AES_KEYTAB $SVC_AES does not verify"

# Keytabs and the special accounts.
$MIT/kinit -c "$cc" -k -t "$ALICE_KEYTAB" "$ALICE_PRINCIPAL" || fail "MIT kinit -k -t $ALICE_KEYTAB"
$MIT/kinit -c "$cc" -k -t "$MACHINE_KEYTAB" "$MACHINE_PRINCIPAL" || fail "MIT kinit -k -t $MACHINE_KEYTAB $MACHINE_PRINCIPAL"
echo "$BOB_PASSWORD" | $MIT/kinit -c "$cc" -E -C "$BOB_UPN" >/dev/null || fail "MIT kinit -E -C $BOB_UPN"
$MIT/klist -c "$cc" | grep -q "Default principal: $BOB_PRINCIPAL" || fail "the UPN login was not canonicalised to $BOB_PRINCIPAL"
trace=$(echo "$RC4_PASSWORD" | KRB5_TRACE=/dev/stdout $MIT/kinit -c "$cc" "$RC4_PRINCIPAL") || fail "MIT kinit $RC4_PRINCIPAL"
[[ "$trace" == *"etype rc4-hmac"*"salt \"\""* ]] || fail "rc4only did not pre-authenticate with RC4 and an empty salt"
if out=$(echo "$DIS_PASSWORD" | $MIT/kinit -c "$cc" "$DIS_PRINCIPAL" 2>&1); then fail "the disabled user logged in"; fi
[[ "$out" == *"credentials have been revoked"* ]] || fail "disabled user: unexpected MIT message: $out"
if out=$(echo "$EXP_PASSWORD" | $MIT/kinit -c "$cc" "$EXP_PRINCIPAL" 2>&1); then fail "expuser logged in without a change"; fi
[[ "$out" == *"Password expired"* ]] || fail "expuser: unexpected MIT message: $out"

samba_pid=$SAMBA_PID
t0=$(date +%s%N)
"$ad_sh" stop "$dir"
echo "ad.sh stop: $((($(date +%s%N) - t0) / 1000000)) ms"
state=$(sed 's/.*) //' "/proc/$samba_pid/stat" 2>/dev/null | cut -c1 || true)
[[ -z "$state" || "$state" == Z ]] || fail "samba $samba_pid still running after stop (state $state)"
[[ ! -e "$dir/env" ]] || fail "stop left $dir/env"
echo "AD harness test passed"
