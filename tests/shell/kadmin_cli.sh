#!/usr/bin/env bash
# krbkit's kadmin against the realm's MIT kadmind: output compared line for
# line with MIT's kadmin client on the same server, each change verified
# independently with MIT's kadmin.local, batch mode, ACL refusal, bad password.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
realm_sh=$src/tests/realm/realm.sh

dir=$(mktemp -d "${TMPDIR:-/tmp}/krbkit-kadmin-XXXXXX")
trap '"$realm_sh" stop "$dir"; rm -rf "$dir"' EXIT
"$realm_sh" start "$dir" --owner $$ >/dev/null
# shellcheck source=/dev/null
. "$dir/env"
export TZ=UTC

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
ours() { "$bin/kadmin" -p admin/admin -w "$ADMIN_PASSWORD" "$@"; }
mits() { kadmin -p admin/admin -w "$ADMIN_PASSWORD" "$@"; }
local_() { kadmin.local -r "$REALM" -q "$1" 2>&1; }
same() { # same <what> <query>: our stdout and stderr equal MIT's, line for line
  local a b ae be
  a=$(ours -q "$2" 2>"$dir/ours.err") || true # MIT exits 0 after a failed request, krbkit 1
  b=$(mits -q "$2" 2>"$dir/mits.err") || true
  ae=$(<"$dir/ours.err") be=$(<"$dir/mits.err")
  [[ "$a" == "$b" ]] || fail "$1: stdout differs from MIT:"$'\n'"$(diff <(echo "$b") <(echo "$a"))"
  [[ "$ae" == "$be" ]] || fail "$1: stderr differs from MIT:"$'\n'"$(diff <(echo "$be") <(echo "$ae"))"
}
# has <kadmin.local query> <text>: without a pipe (grep -q would SIGPIPE kadmin.local under pipefail)
has() { grep -q -- "$2" <<<"$(local_ "$1")"; }

# Output identical to MIT's client.
same "getprinc" "getprinc alice"
same "getprinc with policy" "getprinc carol"
same "getprinc -terse" "getprinc -terse carol"
same "listprincs" "listprincs"
same "listprincs glob" "listprincs svc-*"
same "get_privs" "get_privs"

# MIT's kadmind found by the probe, or named: then no probe is sent.
grep -q "speaks the mit kadmin protocol" <<<"$(KRB5_TRACE=/dev/stderr ours -q get_privs 2>&1)" ||
  fail "the probe does not find MIT's protocol"
trace=$(KRB5_TRACE=/dev/stderr ours --protocol mit -q get_privs 2>&1)
grep -q "current privileges" <<<"$trace" || fail "--protocol mit: $trace"
! grep -q "speaks the" <<<"$trace" || fail "--protocol mit still probes"
sed "/admin_server = /a\\        kadmin_protocol = MIT" "$KRB5_CONFIG" >"$dir/krb5-mit.conf"
trace=$(KRB5_CONFIG=$dir/krb5-mit.conf KRB5_TRACE=/dev/stderr ours -q get_privs 2>&1)
grep -q "current privileges" <<<"$trace" || fail "kadmin_protocol = MIT: $trace"
! grep -q "speaks the" <<<"$trace" || fail "kadmin_protocol = MIT still probes"
same "getpol" "getpol default"
same "getpol -terse" "getpol -terse default"
same "getprinc of a missing principal" "getprinc nobody"
same "addprinc usage" "addprinc"

# Each change, checked with kadmin.local.
ours -q "addprinc -pw erin-pw-1 -maxlife 2h -policy default +requires_preauth erin" >/dev/null || fail "addprinc erin"
out=$(local_ "getprinc erin")
grep -q "Maximum ticket life: 0 days 02:00:00" <<<"$out" || fail "addprinc -maxlife not applied: $out"
grep -q "Attributes: REQUIRES_PRE_AUTH" <<<"$out" || fail "addprinc +requires_preauth not applied"
grep -q "Policy: default" <<<"$out" || fail "addprinc -policy not applied"
echo erin-pw-1 | kinit -c "FILE:$dir/cc-erin" "erin@$REALM" >/dev/null || fail "kinit with erin's new password"

ours -q "modprinc -maxrenewlife 3d -requires_preauth +needchange erin" >/dev/null || fail "modprinc erin"
out=$(local_ "getprinc erin")
grep -q "Maximum renewable life: 3 days 00:00:00" <<<"$out" || fail "modprinc -maxrenewlife: $out"
grep -q "Attributes: REQUIRES_PWCHANGE" <<<"$out" || fail "modprinc flags: $out"

ours -q "cpw -pw erin-pw-2 erin" >/dev/null || fail "cpw erin"
ours -q "modprinc -needchange erin" >/dev/null
echo erin-pw-2 | kinit -c "FILE:$dir/cc-erin" "erin@$REALM" >/dev/null || fail "kinit after cpw"
ours -q "cpw -randkey erin" >/dev/null || fail "cpw -randkey"
has "getprinc erin" "Key: vno 3," || fail "cpw -randkey did not make kvno 3"

ours -q "addprinc -randkey svc-k/web.krbkit.test" >/dev/null 2>&1 || fail "addprinc -randkey"
ours -q "ktadd -k $dir/k.keytab svc-k/web.krbkit.test" >"$dir/ktadd.out" || fail "ktadd"
grep -q "added to keytab WRFILE:$dir/k.keytab" "$dir/ktadd.out" || fail "ktadd output: $(cat "$dir/ktadd.out")"
kinit -k -t "$dir/k.keytab" -c "FILE:$dir/cc-k" "svc-k/web.krbkit.test@$REALM" || fail "kinit -k with the ktadd keytab"
ours -q "ktadd -norandkey -k $dir/k2.keytab svc-k/web.krbkit.test" >/dev/null || fail "ktadd -norandkey"
kinit -k -t "$dir/k2.keytab" -c "FILE:$dir/cc-k" "svc-k/web.krbkit.test@$REALM" || fail "kinit -k with the -norandkey keytab"
ours -q "ktremove -k $dir/k.keytab svc-k/web.krbkit.test all" >/dev/null || fail "ktremove"
klist -k "$dir/k.keytab" | grep -q svc-k && fail "ktremove left entries"

ours -q "renprinc -force erin erin2" >/dev/null || fail "renprinc"
has "getprinc erin2" "Principal: erin2@" || fail "renprinc not visible"
ours -q "delprinc -force erin2" >/dev/null || fail "delprinc"
has "getprinc erin2" "Principal does not exist" || fail "delprinc not visible"

ours -q "addpol -minlength 10 -history 2 -maxfailure 3 kpol" >/dev/null || fail "addpol"
has "getpol kpol" "Minimum password length: 10" || fail "addpol not visible"
same "getpol of our policy" "getpol kpol"
ours -q "modpol -minlength 12 kpol" >/dev/null || fail "modpol"
has "getpol kpol" "Minimum password length: 12" || fail "modpol not visible"
same "listpols" "listpols"
ours -q "delpol -force kpol" >/dev/null || fail "delpol"
has "getpol kpol" "Policy does not exist" || fail "delpol not visible"

ours -q "setstr bob color blue" >/dev/null || fail "setstr"
has "getstrs bob" "color: blue" || fail "setstr not visible"
same "getstrs" "getstrs bob"
ours -q "delstr bob color" >/dev/null || fail "delstr"
has "getstrs bob" "No string attributes" || fail "delstr not visible"
ours -q "purgekeys -all svc-k/web.krbkit.test" >/dev/null || fail "purgekeys -all"
has "getprinc svc-k/web.krbkit.test" "Number of keys: 0" || fail "purgekeys not visible"

# addprinc with the options not used above, each checked with kadmin.local.
ours -q 'addprinc -nokey -kvno 5 -clearpolicy -maxrenewlife 2d -expire "2031-02-03 04:05:06 UTC" -pwexpire "2030-01-01 GMT" +allow_svr opt1' >/dev/null ||
  fail "addprinc -nokey -kvno -expire ... UTC"
out=$(local_ "getprinc opt1")
grep -q "Number of keys: 0" <<<"$out" || fail "addprinc -nokey: $out"
grep -q "Expiration date: Mon Feb 03 04:05:06 UTC 2031" <<<"$out" || fail "addprinc -expire with UTC: $out"
grep -q "Password expiration date: Tue Jan 01 00:00:00 UTC 2030" <<<"$out" || fail "addprinc -pwexpire with GMT: $out"
grep -q "Maximum renewable life: 2 days 00:00:00" <<<"$out" || fail "addprinc -maxrenewlife: $out"
grep -q "Policy: \[none\]" <<<"$out" || fail "addprinc -clearpolicy: $out"
ours -q "addprinc -e aes128-cts-hmac-sha1-96:normal -pw opt2-pw-1 -policy default opt2" >/dev/null || fail "addprinc -e"
out=$(local_ "getprinc opt2")
grep -q "Number of keys: 1" <<<"$out" && grep -q "Key: vno 1, aes128-cts-hmac-sha1-96" <<<"$out" || fail "addprinc -e: $out"
echo opt2-pw-1 | kinit -c "FILE:$dir/cc-opt2" "opt2@$REALM" >/dev/null || fail "kinit with the -e principal"
ours -q "modprinc -expire tomorrow opt2" >/dev/null || fail "modprinc -expire tomorrow"
has "getprinc opt2" "Expiration date: $(date -u -d tomorrow '+%a %b %d')" || fail "modprinc -expire tomorrow: $(local_ "getprinc opt2")"
# lock/unlock: the remote protocol has no database lock; the same answers as MIT's client.
same "lock" "lock"
same "unlock" "unlock"

# Batch: one session, per-line errors, the batch goes on, non-zero exit.
set +e
printf 'addprinc -pw batch-pw-1 batch1\ngetprinc nobody\naddprinc -pw batch-pw-2 batch2\n' | ours >"$dir/batch.out" 2>"$dir/batch.err"
rc=$?
set -e
((rc != 0)) || fail "a batch with a failed request exited 0"
grep -q 'kadmin: line 2: get_principal: Principal does not exist while retrieving "nobody@' "$dir/batch.err" ||
  fail "batch error line: $(cat "$dir/batch.err")"
printf 'bogus\n' | ours >/dev/null 2>"$dir/bogus.err" || true
[[ "$(<"$dir/bogus.err")" == 'kadmin: line 1: Unknown request "bogus".  Type "?" for a request list.' ]] ||
  fail "batch unknown request: $(cat "$dir/bogus.err")"
has "getprinc batch2" "Principal: batch2@" || fail "the batch stopped after an error"
printf 'getprinc nobody\naddprinc -pw batch-pw-3 batch3\n' | ours --stop-on-error >/dev/null 2>&1 && fail "--stop-on-error exit 0"
has "getprinc batch3" "Principal does not exist" || fail "--stop-on-error went on"

# A batch from a file with stderr on a terminal (script(1) gives it a pty):
# the progress line with the total, the error in its place, a summary. Not
# with --quiet, and not when stderr is a pipe (the batch above).
printf 'getprinc alice\ngetprinc nobody\nget_privs\n' >"$dir/progress.batch"
on_tty() { script -q -e -c "$bin/kadmin -p admin/admin -w $ADMIN_PASSWORD $* <$dir/progress.batch >/dev/null" /dev/null; }
out=$(on_tty) && fail "the batch on a terminal exited 0"
grep -q "request 1 of 3, 0 failed" <<<"$out" || fail "no progress line on a terminal: $out"
grep -q "kadmin: line 2: get_principal: Principal does not exist" <<<"$out" || fail "no error line: $out"
grep -q "kadmin: 3 requests, 1 failed, [0-9.]* s" <<<"$out" || fail "no summary on a terminal: $out"
out=$(on_tty --quiet) || true
! grep -q "requests\|request 1" <<<"$out" || fail "--quiet still shows progress: $out"
grep -q "kadmin: line 2: get_principal" <<<"$out" || fail "--quiet hid the error: $out"
! grep -q "requests" "$dir/batch.err" || fail "a summary on a pipe: $(cat "$dir/batch.err")"

# ACL refusal (alice has no kadm5.acl rights) in MIT's words, and a bad password.
out=$("$bin/kadmin" -p alice -w "$ALICE_PASSWORD" -q "addprinc -pw x-pw-1 mallory" 2>&1) || true
grep -q "add_principal: Operation requires \`\`add'' privilege while creating \"mallory@$REALM\"." <<<"$out" ||
  fail "ACL refusal message: $out"
set +e
out=$("$bin/kadmin" -p admin/admin -w wrong-password -q get_privs 2>&1)
rc=$?
set -e
((rc != 0)) || fail "a wrong password exited 0"
grep -q "kadmin: Incorrect password while initializing kadmin interface" <<<"$out" || fail "bad password message: $out"

# --json
ours --json -q "getprinc alice" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["principal"].startswith("alice@"), d' ||
  fail "--json getprinc"

if ((failures)); then
  echo "$failures failed" >&2
  exit 1
fi
echo "kadmin: all checks passed"
