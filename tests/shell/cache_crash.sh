#!/usr/bin/env bash
# kill -9 at every write step of kinit, kinit -R and kvno (FILE caches and a
# DIR collection): afterwards MIT's klist must read the cache, holding the old
# contents or the new ones, never a damaged or empty file, and the next
# krbkit command must work on it. The steps are named by the library's test
# hook (KRBKIT_TEST_CRASH_AT, base/file_io.hpp): the process SIGKILLs itself
# there, half-way through writing a temporary file or an appended record
# included. Then kinit and kvno are killed after random short delays.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
realm_sh=$src/tests/realm/realm.sh

# shellcheck source=tests/shell/lib/throwaway_realm.sh
. "$src/tests/shell/lib/throwaway_realm.sh"
start_throwaway_realm crash

svc=host/$SERVER_HOST@$REALM
svc2=svc-aes128-sha1/$SERVER_HOST@$REALM
steps="replace:created replace:half-written replace:written replace:synced replace:renamed append:half-written"

# "principal: ticket server ..." as MIT's klist reads the cache, or why not.
contents() {
  local out
  out=$(/usr/bin/klist -c "$1" 2>&1) || {
    echo "UNREADABLE: $out"
    return
  }
  echo "$(sed -n 's/^Default principal: //p' <<<"$out"):$(awk '/^[0-9]/ {print $5}' <<<"$out" | sort | tr '\n' ' ')"
}

# prepare CACHE: alice's TGT and a service ticket (the "old" contents).
prepare() {
  rm -rf "$dir/c" && mkdir "$dir/c"
  echo "$ALICE_PASSWORD" | /usr/bin/kinit -r 1d -c "$1" "$ALICE_PRINCIPAL" >/dev/null
  /usr/bin/kvno -c "$1" "$svc" >/dev/null
}

killed=0 runs=0
# crash NAME CACHE COMMAND...: for each step, prepare CACHE, run COMMAND with
# the hook set there, and check what is left. NEW is the contents the
# command leaves when it completes (measured first, without the hook).
crash() {
  local name=$1 cache=$2
  shift 2
  prepare "$cache"
  local old new
  old=$(contents "$cache")
  "$@" >/dev/null 2>&1 || fail "$name without a crash failed"
  new=$(contents "$cache")
  [[ "$old" != "$new" ]] || fail "$name changed nothing ($old)"
  local step rc reached=0
  for step in $steps; do
    prepare "$cache"
    rc=0
    KRBKIT_TEST_CRASH_AT=$step "$@" >/dev/null 2>&1 || rc=$?
    runs=$((runs + 1))
    if ((rc == 137)); then
      killed=$((killed + 1))
      reached=$((reached + 1))
    elif ((rc != 0)); then
      fail "$name: exit $rc with the hook at $step"
    fi
    local now
    now=$(contents "$cache")
    [[ "$now" == "$old" || "$now" == "$new" ]] ||
      fail "$name killed at $step left '$now' (old: '$old', new: '$new')"
    if [[ $step == append:half-written ]] && ((rc == 137)); then
      local listed=0
      "$bin/klist" -c "$cache" >/dev/null 2>&1 || listed=$?
      ((listed == 9)) || fail "$name killed at $step: krbkit's klist exited $listed on the torn cache, not 9"
    fi
    # The next krbkit writer works on what is left; after a torn append
    # (a power cut's damage: a SIGKILL cannot split krbkit's single write)
    # it writes over the torn record, and the cache is whole again: MIT's
    # klist reads every record, and krbkit's klist lists it without damage.
    "$bin/kvno" -c "$cache" "$svc2" >/dev/null 2>&1 || fail "$name killed at $step: kvno afterwards failed"
    [[ $(contents "$cache") == *"${svc2%@*}"* ]] || fail "$name killed at $step: kvno's ticket is not in the cache"
    "$bin/klist" -c "$cache" >/dev/null 2>&1 || fail "$name killed at $step: krbkit's klist finds the cache damaged"
  done
  ((reached > 0)) || fail "$name reached none of the write steps"
}

bob_kinit() { echo "$BOB_PASSWORD" | "$bin/kinit" -c "$1" "$BOB_PRINCIPAL"; }
crash "kinit FILE" "FILE:$dir/c/cc" bob_kinit "FILE:$dir/c/cc"
crash "kinit -R FILE" "FILE:$dir/c/cc" "$bin/kinit" -R -c "FILE:$dir/c/cc"
crash "kvno FILE" "FILE:$dir/c/cc" "$bin/kvno" -c "FILE:$dir/c/cc" "$svc2"
crash "kinit DIR" "DIR:$dir/c/coll" bob_kinit "DIR:$dir/c/coll"
crash "kvno DIR" "DIR:$dir/c/coll" "$bin/kvno" -c "DIR:$dir/c/coll" "$svc2"

# Killed from outside after random delays, wherever the command happens to be.
for i in $(seq 1 16); do
  prepare "FILE:$dir/c/cc"
  old=$(contents "FILE:$dir/c/cc")
  if ((i % 2)); then
    "$bin/kinit" -c "FILE:$dir/c/cc" "$BOB_PRINCIPAL" <<<"$BOB_PASSWORD" >/dev/null 2>&1 &
  else
    "$bin/kvno" -c "FILE:$dir/c/cc" "$svc2" >/dev/null 2>&1 &
  fi
  pid=$!
  sleep "0.0$((RANDOM % 40))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  runs=$((runs + 1))
  now=$(contents "FILE:$dir/c/cc")
  [[ "$now" != UNREADABLE* ]] || fail "killed after a random delay ($i): $now"
done

echo "$runs runs, $killed killed at a write step"
if ((failures > 0)); then
  echo "$failures crash check(s) failed" >&2
  exit 1
fi
echo "crash safety tests passed"
