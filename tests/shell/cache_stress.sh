#!/usr/bin/env bash
# Concurrent writers and readers on one FILE cache, then on one DIR
# collection: 8 kvno loops, 4 kinit loops and 8 klist loops at once, krbkit's
# tools and MIT's (krb5-user) taking turns in every loop. Afterwards: every
# command succeeded (no klist or kvno ever met a damaged or half-written
# cache), every ticket a kvno fetched after the last kinit finished is in the
# cache (none lost to a concurrent rewrite), no temporary file is left, and
# both tools still get the cache's lock at once (no stale lock).
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
realm_sh=$src/tests/realm/realm.sh
kvno_runs=${STRESS_KVNO_RUNS:-30} kinit_runs=${STRESS_KINIT_RUNS:-8} klist_runs=${STRESS_KLIST_RUNS:-30}

# shellcheck source=tests/shell/lib/throwaway_realm.sh
. "$src/tests/shell/lib/throwaway_realm.sh"
start_throwaway_realm stress

# 4 services per kvno loop, so a loop keeps adding tickets after each kinit.
for i in $(seq 0 31); do echo "addprinc -randkey stress-$i/$SERVER_HOST"; done |
  kadmin.local -r "$REALM" >/dev/null 2>&1

# Each command logs "<start> <end> <exit> <what>" to its loop's file; its
# output goes to a file kept when it failed.
logged() {
  local log=$1 what=$2
  shift 2
  local start=$EPOCHREALTIME rc=0 out=$dir/out/$(basename "$log")
  "$@" >"$out" 2>&1 || rc=$?
  echo "${start/./} ${EPOCHREALTIME/./} $rc $what" >>"$log"
  if ((rc != 0)); then cat "$out" >>"$dir/errors/$(basename "$log")"; fi
}
tool() { if (($1 % 2)); then echo "$bin/$2"; else echo "/usr/bin/$2"; fi; }

kvno_loop() {
  local cache=$1 i=$2 j
  for j in $(seq 1 "$kvno_runs"); do
    local svc=stress-$((i * 4 + j % 4))/$SERVER_HOST@$REALM
    logged "$dir/log/kvno-$i" "$svc" "$(tool $((i + j)) kvno)" -c "$cache" "$svc"
  done
}
kinit_loop() {
  local cache=$1 i=$2 j
  for j in $(seq 1 "$kinit_runs"); do
    logged "$dir/log/kinit-$i" kinit "$(tool $((i + j)) kinit)" -c "$cache" "$BOB_PRINCIPAL" <<<"$BOB_PASSWORD"
  done
}
klist_loop() {
  local cache=$1 i=$2 j
  for j in $(seq 1 "$klist_runs"); do
    logged "$dir/log/klist-$i" klist "$(tool $((i + j)) klist)" -c "$cache"
    grep -q "^Default principal: $BOB_PRINCIPAL\$" "$dir/out/klist-$i" ||
      cat "$dir/out/klist-$i" >>"$dir/errors/klist-$i"
  done
}

stress() {
  local cache=$1 folder=$2
  rm -rf "$dir/log" "$dir/out" "$dir/errors" && mkdir "$dir/log" "$dir/out" "$dir/errors"
  echo "$BOB_PASSWORD" | /usr/bin/kinit -c "$cache" "$BOB_PRINCIPAL" >/dev/null
  local started=$SECONDS i pids=()
  for i in $(seq 0 7); do kvno_loop "$cache" "$i" & pids+=($!); done
  for i in $(seq 0 3); do kinit_loop "$cache" "$i" & pids+=($!); done
  for i in $(seq 0 7); do klist_loop "$cache" "$i" & pids+=($!); done
  wait "${pids[@]}"
  local ops
  ops=$(cat "$dir"/log/kvno-* "$dir"/log/kinit-* "$dir"/log/klist-* | grep -c .)
  ((ops == 8 * kvno_runs + 4 * kinit_runs + 8 * klist_runs)) || fail "$cache: $ops commands logged"
  for f in "$dir"/errors/*; do
    [[ -e "$f" ]] || continue
    fail "$cache: $(basename "$f") failed:"$'\n'"$(head -5 "$f")"
  done
  # Every ticket fetched after the last kinit had finished must still be there.
  local last_kinit final checked=0
  last_kinit=$(cat "$dir"/log/kinit-* | awk '{print $2}' | sort -n | tail -1)
  final=$(/usr/bin/klist -c "$cache")
  while read -r start _ rc svc; do
    ((start > last_kinit && rc == 0)) || continue
    checked=$((checked + 1))
    grep -qF " $svc" <<<"$final" || fail "$cache: $svc fetched after the last kinit is missing"
  done < <(cat "$dir"/log/kvno-*)
  local leftovers
  leftovers=$(find "$folder" -mindepth 1 ! -name cc ! -name primary ! -name 'tkt*' -o -name 'tkt*.*')
  [[ -z "$leftovers" ]] || fail "$cache: files left behind: $leftovers"
  timeout 10 "$bin/kvno" -c "$cache" "$HOST_PRINCIPAL" >/dev/null || fail "$cache: krbkit's kvno afterwards"
  timeout 10 /usr/bin/kvno -c "$cache" "$HOST_PRINCIPAL" >/dev/null || fail "$cache: MIT's kvno afterwards"
  echo "$cache: $ops commands ($((8 * kvno_runs)) kvno, $((4 * kinit_runs)) kinit, $((8 * klist_runs)) klist," \
    "half krbkit's, half MIT's) in $((SECONDS - started)) s; $checked tickets fetched after the last kinit, all kept"
}

mkdir "$dir/f"
stress "FILE:$dir/f/cc" "$dir/f"
stress "DIR:$dir/coll" "$dir/coll"

if ((failures > 0)); then
  echo "$failures stress check(s) failed" >&2
  exit 1
fi
echo "cache stress tests passed"
