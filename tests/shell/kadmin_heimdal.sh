#!/usr/bin/env bash
# krbkit's kadmin against Heimdal 7.8's kadmind (tests/realm/heimdal.sh),
# side by side with Heimdal's own kadmin on the same server:
#   - the protocol is detected (no kadmin_protocol, no --protocol), and
#     refusals are clear when the "admin server" is a KDC or nothing at all;
#   - getprinc/listprincs show in MIT's layout the facts Heimdal's kadmin
#     shows; every change krbkit makes (addprinc -pw/-randkey, modprinc,
#     cpw -pw/-randkey, rename, delprinc) is seen so by Heimdal's kadmin, and
#     changes Heimdal's kadmin makes are seen by krbkit's;
#   - ktadd (and -norandkey) writes keytabs Heimdal's and MIT's klist -k
#     read and whose keys get tickets from the Heimdal KDC;
#   - requests Heimdal's protocol lacks end in one line naming the server;
#   - 200 addprinc in one batch session, with per-line errors.
# Exits 77 (skipped) when Heimdal's packages cannot be downloaded, unless
# KRBKIT_REQUIRE_HEIMDAL is set.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}

# shellcheck source=tests/shell/lib/heimdal_or_skip.sh
. "$src/tests/shell/lib/heimdal_or_skip.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/krbkit-kadmin-heimdal-XXXXXX")
trap '"$heimdal_sh" stop "$dir/h" || true; rm -rf "$dir"' EXIT
"$heimdal_sh" start "$dir/h" --owner $$ >/dev/null
# shellcheck source=/dev/null
. "$dir/h/env"
export TZ=UTC

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
ours() { "$bin/kadmin" -p admin/admin -w "$ADMIN_PASSWORD" "$@"; }
# Heimdal's kadmin reads the password from stdin before its requests.
theirs() { printf '%s\n' "$ADMIN_PASSWORD" | "$HEIMDAL_BIN/kadmin" -p admin/admin "$@" 2>&1; }
# expect <what> <text> <output>
expect() { grep -qF -- "$2" <<<"$3" || fail "$1: no \"$2\" in:"$'\n'"$3"; }
absent() { ! grep -qF -- "$2" <<<"$3" || fail "$1: \"$2\" should not be in:"$'\n'"$3"; }

# Detected, and the same facts as Heimdal's kadmin in MIT's layout.
out=$(ours -q "getprinc alice")
expect "getprinc" "Principal: alice@$REALM" "$out"
expect "getprinc" "Maximum ticket life: 1 day 00:00:00" "$out"
expect "getprinc" "Maximum renewable life: 7 days 00:00:00" "$out"
expect "getprinc" "Attributes: REQUIRES_PRE_AUTH" "$out"
expect "getprinc" "Key: vno 1, aes256-cts-hmac-sha1-96" "$out"
expect "getprinc" "Last modified: " "$out"
expect "get_privs" "current privileges: INQUIRE ADD MODIFY DELETE" "$(ours -q get_privs)"
theirs_list=$(theirs list '*' | grep -v Password | sed "/@/!s/\$/@$REALM/" | sort)
ours_list=$(ours -q listprincs | grep -v '^Authenticating' | sort)
[[ "$ours_list" == "$theirs_list" ]] || fail "listprincs differs:"$'\n'"$(diff <(echo "$theirs_list") <(echo "$ours_list"))"
expect "listprincs glob" "svc-rc4/$SERVER_HOST@$REALM" "$(ours -q 'listprincs svc-*')"
absent "listprincs glob" "alice" "$(ours -q 'listprincs svc-*')"
ours --json -q "getprinc alice" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["principal"].startswith("alice@"), d' ||
  fail "--json getprinc"

# Changes by krbkit, seen by Heimdal's kadmin and KDC.
ours -q "addprinc -pw erin-pw-12 -maxlife 2h +requires_preauth erin" >/dev/null || fail "addprinc erin"
out=$(theirs get erin)
expect "addprinc -maxlife" "Max ticket life: 2 hours" "$out"
expect "addprinc +requires_preauth" "requires-pre-auth" "$out"
echo erin-pw-12 | "$HEIMDAL_BIN/kinit" --password-file=STDIN -c "FILE:$dir/cc-erin" "erin@$REALM" ||
  fail "Heimdal's kinit with the password krbkit set"
ours -q "modprinc -maxrenewlife 3d -requires_preauth erin" >/dev/null || fail "modprinc erin"
out=$(theirs get erin)
expect "modprinc -maxrenewlife" "Max renewable life: 3 days" "$out"
absent "modprinc -requires_preauth" "requires-pre-auth" "$out"
ours -q "cpw -pw erin-pw-34 erin" >/dev/null || fail "cpw -pw erin"
echo erin-pw-34 | "$HEIMDAL_BIN/kinit" --password-file=STDIN -c "FILE:$dir/cc-erin" "erin@$REALM" ||
  fail "Heimdal's kinit with the changed password"
ours -q "cpw -randkey erin" >/dev/null || fail "cpw -randkey erin"
expect "cpw -randkey" "Kvno: 3" "$(theirs get erin)"
ours -q "renprinc -force erin erin2" >/dev/null || fail "renprinc erin"
expect "rename" "Principal: erin2@$REALM" "$(theirs get erin2)"
expect "rename" "Principal does not exist" "$(theirs get erin)"
ours -q "addprinc -randkey frank" >/dev/null || fail "addprinc -randkey"
out=$(theirs get frank)
expect "addprinc -randkey" "Kvno: 1" "$out"
absent "addprinc -randkey leaves tickets allowed" "disallow-all-tix" "$out"
ours -q "delprinc -force erin2" >/dev/null || fail "delprinc erin2"
expect "delprinc" "Principal does not exist" "$(theirs get erin2)"

# Changes by Heimdal's kadmin, seen by krbkit.
theirs add --password=gina-pw-12 --use-defaults --max-ticket-life=3h gina >/dev/null
expect "Heimdal's add" "Maximum ticket life: 0 days 03:00:00" "$(ours -q 'getprinc gina')"
theirs rename gina gina2 >/dev/null
expect "Heimdal's rename" "Principal: gina2@$REALM" "$(ours -q 'getprinc gina2')"
theirs delete gina2 >/dev/null
out=$(ours -q "getprinc gina2" 2>&1) && fail "getprinc of a deleted principal exited 0"
expect "Heimdal's delete" "Principal does not exist while retrieving \"gina2@$REALM\"." "$out"

# ktadd: keytabs both klists read, keys the KDC takes.
kt=$dir/frank.keytab
ours -q "ktadd -k $kt frank" >/dev/null || fail "ktadd frank"
expect "MIT klist -k" "frank@$REALM" "$(klist -k "$kt")"
expect "Heimdal ktutil list" "frank@$REALM" "$("$HEIMDAL_BIN/ktutil" -k "$kt" list)"
expect "ktadd kvno" "Kvno: 2" "$(theirs get frank)"
"$HEIMDAL_BIN/kinit" -k -t "$kt" -c "FILE:$dir/cc-frank" "frank@$REALM" || fail "kinit with the ktadd keytab"
kt2=$dir/frank-norandkey.keytab
ours -q "ktadd -norandkey -k $kt2 frank" >/dev/null || fail "ktadd -norandkey frank"
"$HEIMDAL_BIN/kinit" -k -t "$kt2" -c "FILE:$dir/cc-frank2" "frank@$REALM" || fail "kinit with the -norandkey keytab"
expect "ktadd -norandkey keeps the kvno" "Kvno: 2" "$(theirs get frank)"

# What Heimdal's kadmind cannot do: one line naming it.
out=$(ours -q "getpol default" 2>&1) && fail "getpol exited 0"
[[ $(grep -c "Heimdal's kadmind has no policies" <<<"$out") == 1 && $(wc -l <<<"$out") == 2 ]] || fail "getpol: $out"
out=$(ours -q "getstrs alice" 2>&1) && fail "getstrs exited 0"
expect "getstrs" "Heimdal's kadmind has no string attributes" "$out"

# Not a kadmin server, or nothing there: an error, neither a hang nor a crash.
out=$(timeout 30 "$bin/kadmin" -s "127.0.0.1:$KDC_PORT" -p admin/admin -w "$ADMIN_PASSWORD" -q get_privs 2>&1) &&
  fail "a KDC taken for kadmind"
expect "a KDC's port" "initializing kadmin interface" "$out"
out=$(timeout 30 "$bin/kadmin" -s 127.0.0.1:1 -p admin/admin -w "$ADMIN_PASSWORD" -q get_privs 2>&1) &&
  fail "a closed port"
expect "a closed port" "Connection refused" "$out"
# A port that accepts and never answers: the probe gives up after its 5 s.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
print(s.getsockname()[1], flush=True)
held = []
while True: held.append(s.accept()[0])
' >"$dir/silent.port" &
silent_pid=$!
for _ in $(seq 50); do [[ -s $dir/silent.port ]] && break; sleep 0.1; done
out=$(timeout 30 "$bin/kadmin" -s "127.0.0.1:$(cat "$dir/silent.port")" -p admin/admin -w "$ADMIN_PASSWORD" \
  -q get_privs 2>&1) && fail "a silent port taken for kadmind"
expect "a silent port" "no answer to the protocol probe within 5 s" "$out"
kill "$silent_pid"
# The server is still serving.
expect "after the probes" "current privileges" "$(ours -q get_privs)"

# The protocol named, not probed: --protocol, and kadmin_protocol in krb5.conf.
trace=$(KRB5_TRACE=/dev/stderr ours --protocol heimdal -q get_privs 2>&1)
expect "--protocol heimdal" "current privileges" "$trace"
absent "--protocol heimdal does not probe" "speaks the" "$trace"
expect "a probe is traced" "speaks the heimdal kadmin protocol" "$(KRB5_TRACE=/dev/stderr ours -q get_privs 2>&1)"
sed "/admin_server = /a\\        kadmin_protocol = heimdal" "$KRB5_CONFIG" >"$dir/krb5-heimdal.conf"
trace=$(KRB5_CONFIG=$dir/krb5-heimdal.conf KRB5_TRACE=/dev/stderr ours -q get_privs 2>&1)
expect "kadmin_protocol = heimdal" "current privileges" "$trace"
absent "kadmin_protocol = heimdal does not probe" "speaks the" "$trace"
sed "/admin_server = /a\\        kadmin_protocol = sun" "$KRB5_CONFIG" >"$dir/krb5-bad.conf"
out=$(KRB5_CONFIG=$dir/krb5-bad.conf ours -q get_privs 2>&1) && fail "kadmin_protocol = sun accepted"
expect "kadmin_protocol = sun" 'unknown kadmin protocol "sun"' "$out"
out=$(ours --protocol sun -q get_privs 2>&1) && fail "--protocol sun accepted"
expect "--protocol sun" "sun not in {mit,heimdal}" "$out"

# 200 addprinc in one session, and per-line errors in a batch.
{
  for i in $(seq 1 200); do echo "addprinc -pw bulk-pw-$i bulk$i"; done
  echo "getprinc nobody"
  echo "delprinc -force bulk7"
} >"$dir/batch"
start=$(date +%s%N)
ours <"$dir/batch" >"$dir/batch.out" 2>"$dir/batch.err" && fail "a batch with a failing line exited 0"
ms=$((($(date +%s%N) - start) / 1000000))
echo "200 addprinc in one session: $ms ms"
expect "batch" "kadmin: line 201: get_principal: Principal does not exist while retrieving \"nobody@$REALM\"." "$(cat "$dir/batch.err")"
n=$(theirs list 'bulk*' | grep -c '^bulk' || true)
((n == 199)) || fail "Heimdal's kadmin lists $n bulk principals, not 199"

if ((failures)); then
  echo "$failures failed" >&2
  exit 1
fi
echo "kadmin against Heimdal: all checks passed"
