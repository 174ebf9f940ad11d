#!/usr/bin/env bash
# The rows of the speed table (issue 22) that compare_tools.sh does not
# time, against MIT's tools on a throwaway loopback realm, in one run:
#
#   bench/speed_rows.sh [BIN_DIR] [ROUNDS] [RUNS] [N]
#
#   startup-TOOL   TOOL --version against MIT's klist -V (process start-up)
#   kinit-20ms     kinit with the password, the KDC 20 ms away (a relay,
#                  bench/delay_relay.py, delays each UDP datagram 10 ms)
#   kvno-N         kvno of N services in one process (ROUNDS x 1 run)
#   kadmin-q       kadmin -q "getprinc alice"
#   kinit-anonymous  kinit -n: anonymous PKINIT (the realm gets certificates
#                  from tests/realm/pkinit_certs.sh)
#   floor-*        the least any tool built like ours can take, against the
#                  MIT command its target is measured against:
#                  floor-cli11 (CLI11 parsing --version, nothing else) and
#                  floor-openssl (the same linking the static libcrypto)
#                  against klist -V; floor-klist (CLI11, no options) against
#                  klist -c of the one-TGT cache; floor-kinit (OpenSSL's share
#                  of a password kinit: openssl.cnf, the fetches, PBKDF2)
#                  against MIT's kinit (bench/floors/cli11_floor.cpp)
#   addprinc-N     N addprinc read from stdin in one kadmin session, ours
#                  and MIT's once each, and MIT's one-process-per-principal
#                  loop (kadmin -q), timed with date: ratios only
#
# BIN_DIR default build/apps, ROUNDS 3, RUNS 20, N 1000; KRBKIT_BENCH_ROWS picks
# hyperfine rows as in compare_tools.sh. Columns as in
# compare_tools.sh (median wall ms, ratio, CPU ms, ratio).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-${KRBKIT_BIN_DIR:-$src/build/apps}}
rounds=${2:-3}
runs=${3:-20}
n=${4:-1000}
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 2; }
mit_bin=$(dirname "$(command -v kadmin)")
[[ $("$mit_bin/klist" -V 2>&1) == "Kerberos 5 version"* ]] || { echo "MIT's tools are not first on PATH" >&2; exit 2; }

work=$(mktemp -d)
relay_pid=""
trap '[[ -z $relay_pid ]] || kill "$relay_pid"; "$src/tests/realm/realm.sh" stop "$work/realm" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir "$work/realm"
"$src/tests/realm/pkinit_certs.sh" "$work/certs" KRBKIT.TEST >/dev/null
"$src/tests/realm/realm.sh" start "$work/realm" --pkinit "$work/certs" >/dev/null
# shellcheck disable=SC1091
. "$work/realm/env"
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
printf '%s\n' "$ALICE_PASSWORD" >"$work/password"
export LC_ALL=C TZ=UTC KRB5CCNAME="FILE:$work/cc"
"$mit_bin/kinit" "$ALICE_PRINCIPAL" <"$work/password" >/dev/null

bench_header
for tool in kinit klist kdestroy kswitch kvno kpasswd kadmin ktutil; do
  bench "startup-$tool" "$bin/$tool --version" "$mit_bin/klist -V"
done

# The floors (bench/floors/cli11_floor.cpp, built here as the tools are
# built): what a tool costs before it does any Kerberos work.
floor_flags=(-std=c++20 -O2 -fPIE -pie -static-libstdc++ -static-libgcc "-Wl,-z,pack-relative-relocs")
c++ "${floor_flags[@]}" "$src/bench/floors/cli11_floor.cpp" -o "$work/floor"
c++ "${floor_flags[@]}" -DKRBKIT_FLOOR_OPENSSL "$src/bench/floors/cli11_floor.cpp" -o "$work/floor-openssl" \
  "$(pkg-config --variable=libdir libcrypto)/libcrypto.a" -lpthread
bench floor-cli11 "$work/floor --version" "$mit_bin/klist -V"
bench floor-openssl "$work/floor-openssl --version" "$mit_bin/klist -V"
bench floor-klist "$work/floor" "$mit_bin/klist -c ${KRB5CCNAME}"
bench floor-kinit "$work/floor-openssl s2k < $work/password" \
  "KRB5CCNAME=FILE:$work/floor.cc $mit_bin/kinit $ALICE_PRINCIPAL < $work/password"

# The KDC 20 ms away: a krb5.conf whose only KDC is the relay.
coproc RELAY { exec python3 "$src/bench/delay_relay.py" 0 "$KDC_PORT" 20; }
relay_pid=$RELAY_PID
read -r relay_port <&"${RELAY[0]}"
sed "s/kdc = 127.0.0.1:$KDC_PORT/kdc = 127.0.0.1:$relay_port/" "$KRB5_CONFIG" >"$work/far.conf"
bench kinit-20ms "KRB5_CONFIG=$work/far.conf KRB5CCNAME=FILE:$work/k.cc $bin/kinit $ALICE_PRINCIPAL < $work/password" \
  "KRB5_CONFIG=$work/far.conf KRB5CCNAME=FILE:$work/m.cc $mit_bin/kinit $ALICE_PRINCIPAL < $work/password"

bench kinit-anonymous "KRB5CCNAME=FILE:$work/an.cc $bin/kinit -n" "KRB5CCNAME=FILE:$work/man.cc $mit_bin/kinit -n"

# N services, then kvno of all of them in one process (a fresh cache each run).
services_n=$n
selected "kvno-$n" || services_n=0
for ((i = 1; i <= services_n; i++)); do echo "addprinc -randkey svc$i/bench.krbkit.test"; done >"$work/services"
kadmin.local -r "$REALM" <"$work/services" >/dev/null 2>&1
mapfile -t services < <(for ((i = 1; i <= n; i++)); do echo "svc$i/bench.krbkit.test"; done)
cp "${KRB5CCNAME#FILE:}" "$work/tgt.cc"
saved_runs=$runs runs=1
bench "kvno-$n" "KRB5CCNAME=FILE:$work/kv.cc $bin/kvno -q ${services[*]}" \
  "KRB5CCNAME=FILE:$work/kv.cc $mit_bin/kvno -q ${services[*]}" "cp $work/tgt.cc $work/kv.cc"
runs=$saved_runs

bench kadmin-q "$bin/kadmin -p admin/admin -w $ADMIN_PASSWORD -q 'getprinc alice'" \
  "$mit_bin/kadmin -p admin/admin -w $ADMIN_PASSWORD -q 'getprinc alice'"

# addprinc_ms TOOL PREFIX: ms for N addprinc from stdin in one session.
addprinc_ms() {
  local start
  for ((i = 1; i <= n; i++)); do echo "addprinc -pw bench-pw-$i $2$i"; done >"$work/batch"
  start=$(date +%s%N)
  "$1" -p admin/admin -w "$ADMIN_PASSWORD" <"$work/batch" >/dev/null 2>&1
  echo $((($(date +%s%N) - start) / 1000000))
}
selected "addprinc-$n" || exit 0
ours=$(addprinc_ms "$bin/kadmin" ours)
theirs=$(addprinc_ms "$mit_bin/kadmin" mit)
loops=$((n >= 10 ? n / 10 : n)) # a tenth of N is enough to extrapolate the loop to N
start=$(date +%s%N)
for ((i = 1; i <= loops; i++)); do
  "$mit_bin/kadmin" -p admin/admin -w "$ADMIN_PASSWORD" -q "addprinc -pw bench-pw-$i loop$i" >/dev/null 2>&1
done
loop=$((($(date +%s%N) - start) * n / loops / 1000000))
printf '%-16s %9d %9d %7.2f   (MIT one kadmin -q per principal: %d ms, %.1fx ours)\n' "addprinc-$n" \
  "$ours" "$theirs" "$(awk -v a="$ours" -v b="$theirs" 'BEGIN { print a / b }')" "$loop" "$(awk -v a="$loop" -v b="$ours" 'BEGIN { print a / b }')"
