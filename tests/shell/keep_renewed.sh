#!/usr/bin/env bash
# kinit --keep-renewed against a real MIT KDC, with tickets of a few seconds
# (kinit -l/-r): renewals seen in the cache by MIT's klist, the end of the
# renewable life (exit 14), a new ticket from the keytab after it, a command
# with a private cache (its exit status, signals forwarded, the cache
# destroyed, the collection's primary untouched), and a KDC stopped for a
# while and started again. Every wait polls for the expected state with a
# generous deadline; no assertion depends on how fast the machine is.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
realm_sh=$src/tests/realm/realm.sh
kinit=$bin/kinit

# shellcheck source=tests/shell/lib/throwaway_realm.sh
. "$src/tests/shell/lib/throwaway_realm.sh"
# shellcheck source=tests/realm/common.sh
. "$src/tests/realm/common.sh"
start_throwaway_realm keep
# The keepers started in the background end with the test, whatever happens.
trap 'kill $(jobs -p) 2>/dev/null; "$realm_sh" stop "$dir"; [[ -n ${KRBKIT_KEEP_REALM:-} ]] || rm -rf "$dir"' EXIT
started=$SECONDS

# "start end" of the cache's TGT as MIT's klist shows it, and its "renew until".
tgt_times() { /usr/bin/klist -c "$1" 2>/dev/null | awk '/krbtgt\// { print $1, $2, $3, $4; exit }'; }
renew_until() { /usr/bin/klist -c "$1" 2>/dev/null | awk '/krbtgt\// { getline; print $3, $4; exit }'; }

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    if ((SECONDS > deadline)); then
      fail "timed out waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}
running() { kill -0 "$1" 2>/dev/null && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }
ended() { ! running "$1"; }
has_tgt() { [[ -n $(tgt_times "$1") ]]; }
# changed CACHE OLD: the TGT's times are no longer OLD (a renewal, or a new ticket).
changed() { local now; now=$(tgt_times "$1"); [[ -n $now && $now != "$2" ]]; }

# --- A and B together: renewals until the renewable life ends (no keytab),
# and a new ticket from the keytab when it has ended.
echo "addprinc -randkey keeper
ktadd -k $dir/keeper.keytab keeper" | /usr/sbin/kadmin.local -r "$REALM" >/dev/null
a_cc=FILE:$dir/a.cc b_cc=FILE:$dir/b.cc
echo "$ALICE_PASSWORD" | "$kinit" --keep-renewed --renew-at 50 -l 10s -r 30s -c "$a_cc" "$ALICE_PRINCIPAL" \
  2>"$dir/a.err" &
a_pid=$!
"$kinit" --keep-renewed --renew-at 50 -l 10s -r 20s -k -t "$dir/keeper.keytab" -c "$b_cc" --pid-file "$dir/b.pid" \
  "keeper@$REALM" 2>"$dir/b.err" &
b_pid=$!

wait_for 30 "alice's first ticket" has_tgt "$a_cc"
a_first=$(tgt_times "$a_cc") a_renew_until=$(renew_until "$a_cc")
# A service ticket got between renewals stays in the cache.
/usr/bin/kvno -c "$a_cc" "host/$SERVER_HOST@$REALM" >/dev/null || fail "kvno with alice's kept TGT"
wait_for 30 "alice's first renewal" changed "$a_cc" "$a_first"
a_second=$(tgt_times "$a_cc")
wait_for 30 "alice's second renewal" changed "$a_cc" "$a_second"
[[ $(renew_until "$a_cc") == "$a_renew_until" ]] || fail "a renewal changed the renew-till: $(renew_until "$a_cc")"
/usr/bin/klist -c "$a_cc" | grep -q "host/$SERVER_HOST" || fail "the renewals dropped the service ticket"
wait_for 60 "alice's keeper to end with her renewable life" ended "$a_pid"
rc=0 && wait "$a_pid" || rc=$?
((rc == 14)) || fail "the end of the renewable life: exit $rc, not 14 ($(cat "$dir/a.err"))"
grep -q "can no longer be renewed" "$dir/a.err" || fail "no message at the end: $(cat "$dir/a.err")"
renewals=$(grep -c "^kinit: renewed the ticket of $ALICE_PRINCIPAL" "$dir/a.err" || true)
((renewals >= 2)) || fail "alice: $renewals renewal lines"

wait_for 30 "keeper's first ticket" has_tgt "$b_cc"
b_renew_until=$(renew_until "$b_cc")
wait_for 60 "a new ticket from the keytab" eval '[[ -n $(renew_until "$b_cc") && $(renew_until "$b_cc") != "$b_renew_until" ]]'
grep -q "^kinit: got a new ticket of keeper@$REALM from the keytab" "$dir/b.err" ||
  fail "no line for the keytab's ticket: $(cat "$dir/b.err")"
running "$b_pid" || fail "the keytab keeper ended: $(cat "$dir/b.err")"
[[ $(cat "$dir/b.pid") == "$b_pid" ]] || fail "pid file holds $(cat "$dir/b.pid"), not $b_pid"
kill -TERM "$b_pid"
rc=0 && wait "$b_pid" || rc=$?
((rc == 0)) || fail "SIGTERM (systemctl stop): exit $rc, not 0"
[[ ! -e $dir/b.pid ]] || fail "the pid file is left after the end"
echo "renewals and re-acquisition: $((SECONDS - started)) s"

# --- C: a command with a private cache in a DIR collection: renewals while
# it runs, its exit status, the cache destroyed, the primary untouched.
coll=DIR:$dir/coll
echo "$ALICE_PASSWORD" | KRB5CCNAME=$coll /usr/bin/kinit "$ALICE_PRINCIPAL" >/dev/null
primary_before=$(cat "$dir/coll/primary")
# The command waits for a renewal of its own cache, then exits 7.
cat >"$dir/wait_renewal.sh" <<'EOF'
tgt() { /usr/bin/klist 2>/dev/null | awk '/krbtgt\// { print $1, $2, $3, $4; exit }'; }
echo "$KRB5CCNAME" >"$1"
first=$(tgt)
for ((i = 0; i < 300; i++)); do
  now=$(tgt)
  [[ -n $first && -n $now && $now != "$first" ]] && exit 7
  sleep 0.2
done
exit 1
EOF
rc=0
echo "$BOB_PASSWORD" | KRB5CCNAME=$coll "$kinit" --keep-renewed --renew-at 50 -l 8s -r 1h "$BOB_PRINCIPAL" \
  -- bash "$dir/wait_renewal.sh" "$dir/c.ccname" 2>"$dir/c.err" || rc=$?
((rc == 7)) || fail "the command's status: $rc, not 7 ($(cat "$dir/c.err"))"
private=$(cat "$dir/c.ccname")
[[ $private == DIR::$dir/coll/tkt* ]] || fail "the command's KRB5CCNAME is '$private', not a new member of $coll"
[[ ! -e ${private#DIR::} ]] || fail "the private cache $private is left behind"
[[ $(cat "$dir/coll/primary") == "$primary_before" ]] || fail "the collection's primary moved"
[[ $(KRB5CCNAME=$coll /usr/bin/klist | sed -n 's/^Default principal: //p') == "$ALICE_PRINCIPAL" ]] ||
  fail "the default cache no longer holds alice"

# -R (krenew): the ticket MIT's kinit put in a cache, copied to the
# command's private cache and renewed there; the original is left as it was.
r_cc=FILE:$dir/r.cc
echo "$ALICE_PASSWORD" | /usr/bin/kinit -l 8s -r 1h -c "$r_cc" "$ALICE_PRINCIPAL" >/dev/null
r_before=$(tgt_times "$r_cc")
rc=0
"$kinit" --keep-renewed -R --renew-at 50 -c "$r_cc" -- bash "$dir/wait_renewal.sh" "$dir/r.ccname" 2>"$dir/r.err" ||
  rc=$?
((rc == 7)) || fail "-R with a command: status $rc, not 7 ($(cat "$dir/r.err"))"
private=$(cat "$dir/r.ccname")
[[ $private != "$r_cc" && ! -e ${private#FILE:} ]] || fail "-R: the private cache $private"
[[ $(tgt_times "$r_cc") == "$r_before" ]] || fail "-R changed the cache it copied"

# --- D: signals from kill(1) reach the command; its death by a signal is 128+N.
"$kinit" --keep-renewed --quiet --pid-file "$dir/d.pid" --command-pid-file "$dir/d.child" -k -t "$dir/keeper.keytab" \
  "keeper@$REALM" -- bash -c 'trap "exit 42" HUP; echo "$KRB5CCNAME" >"$0"; while :; do sleep 0.1; done' \
  "$dir/d.ccname" 2>"$dir/d.err" &
d_pid=$!
wait_for 30 "the command to start" test -s "$dir/d.ccname"
kill -HUP "$d_pid"
rc=0 && wait "$d_pid" || rc=$?
((rc == 42)) || fail "SIGHUP forwarded, the command's 'exit 42': got $rc ($(cat "$dir/d.err"))"
private=$(cat "$dir/d.ccname")
[[ ! -e ${private#FILE:} && ! -e $dir/d.pid && ! -e $dir/d.child ]] || fail "files left after SIGHUP"
[[ ! -s $dir/d.err ]] || fail "--quiet printed: $(cat "$dir/d.err")"
"$kinit" --keep-renewed --pid-file "$dir/e.pid" -k -t "$dir/keeper.keytab" "keeper@$REALM" \
  -- bash -c 'echo "$KRB5CCNAME" >"$0"; exec sleep 60' "$dir/e.ccname" 2>"$dir/e.err" &
e_pid=$!
wait_for 30 "the command to start" test -s "$dir/e.ccname"
# SIGALRM: a new ticket at once (from the keytab: it is not renewable).
e_cc=$(cat "$dir/e.ccname")
e_first=$(tgt_times "$e_cc")
sleep 1.1 # a ticket got in the same second would show the same times
kill -ALRM "$e_pid"
wait_for 30 "a new ticket after SIGALRM" changed "$e_cc" "$e_first"
kill -TERM "$e_pid"
rc=0 && wait "$e_pid" || rc=$?
((rc == 143)) || fail "SIGTERM forwarded, the command killed by it: exit $rc, not 143"
private=$(cat "$dir/e.ccname")
[[ ! -e ${private#FILE:} ]] || fail "the private cache $private is left after SIGTERM"
rc=0
"$kinit" --keep-renewed -k -t "$dir/keeper.keytab" "keeper@$REALM" -- "$dir/no-such-command" 2>"$dir/g.err" || rc=$?
((rc == 127)) || fail "a command that does not exist: exit $rc, not 127 as in a shell"
grep -q "cannot run $dir/no-such-command" "$dir/g.err" || fail "no message for the missing command: $(cat "$dir/g.err")"
echo "command and signals: $((SECONDS - started)) s"

# --- E: the KDC stopped when a renewal is due, started again: survived.
f_cc=FILE:$dir/f.cc
echo "$ALICE_PASSWORD" | "$kinit" --keep-renewed --renew-at 50 -l 30s -r 1h -c "$f_cc" "$ALICE_PRINCIPAL" \
  2>"$dir/f.err" &
f_pid=$!
wait_for 30 "alice's ticket" has_tgt "$f_cc"
f_first=$(tgt_times "$f_cc")
# The KDC goes away shortly before the renewal kinit announced (if the
# machine is too slow for that, the renewal after it fails instead).
wait_for 30 "the line of the first ticket" grep -q "next renewal at" "$dir/f.err"
due=$(date -d "$(sed -n '1s/.*next renewal at //p' "$dir/f.err")" +%s)
while (($(date +%s) < due - 3)); do sleep 0.2; done
# While the KDC is down its port must stay ours: hold the lock realms pick ports under.
exec 8>"$PORT_LOCK"
flock 8
stop_pidfile "$dir/krb5kdc.pid"
wait_for 40 "a failed renewal" grep -q "^kinit: renewing the ticket of $ALICE_PRINCIPAL failed" "$dir/f.err"
running "$f_pid" || fail "a transient failure ended the keeper: $(cat "$dir/f.err")"
setsid /usr/sbin/krb5kdc -n -r "$REALM" -P "$dir/krb5kdc.pid.daemon" </dev/null >>"$dir/krb5kdc.out" 2>&1 8>&- &
echo $! >"$dir/krb5kdc.pid"
wait_for_kdc "$KRB5_CONFIG" "$REALM" "$KDC_PORT"
exec 8>&-
wait_for 40 "the renewal once the KDC is back" changed "$f_cc" "$f_first"
running "$f_pid" || fail "the keeper ended: $(cat "$dir/f.err")"
kill -TERM "$f_pid"
wait "$f_pid" || fail "SIGTERM after the outage: exit $?"
echo "KDC outage: $(grep -c failed "$dir/f.err") failed attempts, then renewed"

echo "keep_renewed: $((SECONDS - started)) s"
if ((failures)); then
  echo "$failures failed" >&2
  exit 1
fi
