#!/usr/bin/env bash
# Adding N principals (default 1000) from a script: krbkit kadmin's batch mode
# (one session for all of them) against a loop of MIT `kadmin -q` (one
# process, AS exchange and RPCSEC_GSS context per principal), and MIT kadmin
# reading the same requests on stdin. Prints the three times and the ratios.
#   bench/kadmin_batch.sh [N] [krbkit apps dir]
# KADMIN_BENCH_KEYS=randkey adds principals with -randkey instead of -pw, so
# that kadmind's string-to-key work (PBKDF2 for seven enctypes per principal)
# does not hide the client's per-session cost.
set -euo pipefail
n=${1:-1000}
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${2:-${KRBKIT_BIN_DIR:-$src/build/apps}}
realm_sh=$src/tests/realm/realm.sh
dir=$(mktemp -d "${TMPDIR:-/tmp}/krbkit-kadmin-bench-XXXXXX")
trap '"$realm_sh" stop "$dir"; rm -rf "$dir"' EXIT
"$realm_sh" start "$dir" --owner $$ >/dev/null
# shellcheck source=/dev/null
. "$dir/env"

keys() { if [[ ${KADMIN_BENCH_KEYS:-} == randkey ]]; then echo "-randkey"; else echo "-pw bench-pw-$1"; fi; }
requests() { for ((i = 0; i < n; i++)); do echo "addprinc $(keys "$i") $1$i"; done; }
count() { kadmin.local -r "$REALM" -q "listprincs $1*" 2>/dev/null | grep -c "^$1" || true; }
now() { date +%s.%N; }

t0=$(now)
requests kk | "$bin/kadmin" -p admin/admin -w "$ADMIN_PASSWORD" >/dev/null 2>&1
t1=$(now)
ours=$(echo "$t1 - $t0" | bc)

t0=$(now)
for ((i = 0; i < n; i++)); do
  kadmin -p admin/admin -w "$ADMIN_PASSWORD" -q "addprinc $(keys "$i") mq$i" >/dev/null 2>&1
done
t1=$(now)
mit_loop=$(echo "$t1 - $t0" | bc)

t0=$(now)
requests ms | kadmin -p admin/admin -w "$ADMIN_PASSWORD" >/dev/null 2>&1
t1=$(now)
mit_stdin=$(echo "$t1 - $t0" | bc)

[[ $(count kk) == "$n" && $(count mq) == "$n" && $(count ms) == "$n" ]] ||
  { echo "not every principal was created: krbkit $(count kk), MIT loop $(count mq), MIT stdin $(count ms)" >&2; exit 1; }
printf 'addprinc x %d\n' "$n"
printf '  krbkit kadmin batch (stdin, one session): %8.2f s\n' "$ours"
printf '  MIT kadmin -q loop (one process each):    %8.2f s  (%.1fx krbkit)\n' "$mit_loop" "$(echo "$mit_loop / $ours" | bc -l)"
printf '  MIT kadmin reading stdin:                 %8.2f s  (%.1fx krbkit)\n' "$mit_stdin" "$(echo "$mit_stdin / $ours" | bc -l)"
