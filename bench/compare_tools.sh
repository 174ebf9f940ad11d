#!/usr/bin/env bash
# Compares krbkit's kinit, klist and kdestroy with MIT's against the same
# throwaway loopback realm (tests/realm/realm.sh), with hyperfine.
#
#   bench/compare_tools.sh [BIN_DIR] [ROUNDS] [RUNS]
#
# BIN_DIR: krbkit's built tools (default $KRBKIT_BIN_DIR, else build/apps).
# Each row runs ROUNDS (default 5) hyperfine rounds of RUNS (default 40) runs
# per tool, alternating which tool goes first, and prints the median of all
# runs of wall-clock time for each tool and the ratio krbkit/MIT (target:
# <= 1.0), then the same for CPU time (user + system, the median of the
# rounds' means), which a busy machine disturbs less.
# Rows: kinit (password on stdin), klist (a TGT and one service ticket),
# klist on a 1000-ticket cache, kdestroy (cache on the work directory's file
# system, and on tmpfs). The kinit row is skipped while krbkit's kinit cannot
# get a ticket from the realm. hyperfine's warnings go to a log in the work
# directory; on a busy machine use more ROUNDS. KRBKIT_BENCH_ROWS, a regular
# expression (bash =~) that whole row names must match, runs only those rows
# (e.g. 'klist-kcm-.*|klist-keyring').
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-${KRBKIT_BIN_DIR:-$src/build/apps}}
rounds=${2:-5}
runs=${3:-40}
for tool in klist kdestroy; do
  [[ -x $bin/$tool ]] || { echo "no $bin/$tool: build krbkit first (or pass BIN_DIR)" >&2; exit 2; }
done
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 2; }
mit_bin=$(dirname "$(command -v klist)")  # MIT's tools (Debian krb5-user)
[[ $(klist -V 2>&1) == "Kerberos 5 version"* ]] || { echo "MIT klist is not first on PATH" >&2; exit 2; }

work=$(mktemp -d)
shm=""
trap 'for d in "$work"/kcm-*/; do "$src/tests/realm/kcm.sh" stop "$d" >/dev/null 2>&1; done; "$src/tests/realm/realm.sh" stop "$work/realm" >/dev/null 2>&1 || true; rm -rf "$work" ${shm:+"$shm"}' EXIT
mkdir "$work/realm"
"$src/tests/realm/realm.sh" start "$work/realm" >/dev/null
# shellcheck disable=SC1091
. "$work/realm/env"
printf '%s\n' "$ALICE_PASSWORD" >"$work/password"
export LC_ALL=C TZ=UTC

# The caches: a TGT plus one service ticket (MIT kinit + kvno), and 1000 tickets.
export KRB5CCNAME="FILE:$work/small.cc"
"$mit_bin/kinit" "$ALICE_PRINCIPAL" <"$work/password" >/dev/null
"$mit_bin/kvno" "$SVC_AES256_SHA1" >/dev/null
python3 "$src/bench/make_big_cache.py" "$work/small.cc" "$work/big.cc" 1000

# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
bench_header
if ! selected kinit; then
  :
elif KRB5CCNAME="FILE:$work/probe.cc" "$bin/kinit" "$ALICE_PRINCIPAL" <"$work/password" >/dev/null 2>&1 &&
  "$mit_bin/klist" -s -c "FILE:$work/probe.cc"; then
  bench kinit "KRB5CCNAME=FILE:$work/k.cc $bin/kinit $ALICE_PRINCIPAL < $work/password" \
    "KRB5CCNAME=FILE:$work/m.cc $mit_bin/kinit $ALICE_PRINCIPAL < $work/password"
else
  printf '%-16s %s\n' kinit "skipped: krbkit's kinit cannot get a ticket yet"
fi
bench klist "$bin/klist -c $work/small.cc" "$mit_bin/klist -c $work/small.cc"
bench klist-1000 "$bin/klist -c $work/big.cc" "$mit_bin/klist -c $work/big.cc"
bench kdestroy "$bin/kdestroy -q -c $work/d.cc" "$mit_bin/kdestroy -q -c $work/d.cc" "cp $work/small.cc $work/d.cc"
# Both tools overwrite the file with zeros and unlink it, without fsync();
# the tmpfs row leaves the disk out altogether: the tools' own cost.
if [[ $(stat -f -c %T /dev/shm 2>/dev/null) == tmpfs ]]; then
  shm=$(mktemp -d /dev/shm/krbkit-bench-XXXXXX)
  bench kdestroy-tmpfs "$bin/kdestroy -q -c $shm/d.cc" "$mit_bin/kdestroy -q -c $shm/d.cc" "cp $work/small.cc $shm/d.cc"
fi

# klist of 100-ticket caches a daemon or the kernel holds (issue 17): KCM:
# in sssd-kcm and in Heimdal's kcm (tests/realm/kcm.sh: root only, for the
# daemon's mount namespace), and KEYRING: in this script's session keyring.
# Each is filled by krbkit's kcc copy from a 100-ticket FILE cache.
python3 "$src/bench/make_big_cache.py" "$work/small.cc" "$work/hundred.cc" 100
if [[ $(id -u) -eq 0 ]]; then
  for daemon in sssd heimdal; do
    selected "klist-kcm-$daemon" || continue
    if ! "$src/tests/realm/kcm.sh" start "$work/kcm-$daemon" "$daemon" --owner $$ >/dev/null 2>&1; then
      printf '%-16s %s\n' "klist-kcm-$daemon" "skipped: the daemon does not start here"
      continue
    fi
    socket=$(sed -n "s/^export KCM_SOCKET='\(.*\)'$/\1/p" "$work/kcm-$daemon/kcm.env")
    sed "s|^\[libdefaults\]|[libdefaults]\n  kcm_socket = $socket|" "$KRB5_CONFIG" >"$work/kcm-$daemon.conf"
    KRB5_CONFIG=$work/kcm-$daemon.conf "$bin/kcc" copy "FILE:$work/hundred.cc" KCM: >/dev/null
    KRB5_CONFIG=$work/kcm-$daemon.conf bench "klist-kcm-$daemon" "$bin/klist -c KCM:" "$mit_bin/klist -c KCM:"
    "$src/tests/realm/kcm.sh" stop "$work/kcm-$daemon"
  done
fi
if selected klist-keyring; then
  "$bin/kcc" copy "FILE:$work/hundred.cc" KEYRING:session:krbkit-bench >/dev/null
  bench klist-keyring "$bin/klist -c KEYRING:session:krbkit-bench" "$mit_bin/klist -c KEYRING:session:krbkit-bench"
  KRB5CCNAME=KEYRING:session:krbkit-bench "$bin/kdestroy" -A
fi
