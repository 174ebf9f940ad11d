#!/usr/bin/env bash
# Captures MIT's own clients talking to a throwaway MIT realm
# (tests/realm/realm.sh) through a relay that saves every message
# (capture_relay.py), and writes typed fuzz seeds from what it saw:
#   fuzz/tools/capture_realm.sh FUZZ-BUILD-DIR OUTDIR
# OUTDIR/fuzz_<name>/ gets: the DER values of every type the conversation
# holds, opened with the passwords, ccaches and service keytabs
# (seed_typed: AS/TGS requests and replies, KRB-ERRORs, METHOD-DATA,
# PA-ETYPE-INFO2, PA-ENC-TS-ENC, EncKDCRepPart, Ticket, EncTicketPart,
# AP-REQ, Authenticator, authorization data, PA-FX-FAST request and reply,
# KrbFastReq, KrbFastResponse, from `kinit`, `kinit -T` (FAST) and `kvno` of a
# service of every enctype); the PACs and EncTicketParts of those service
# tickets (pac_seed_extract); the ccaches MIT's kinit wrote in versions 1 to
# 4 (ccache_type); the keytabs kadmin.local wrote; the realm's krb5.conf.
# Needs the MIT packages of scripts/bootstrap; builds seed_typed and
# pac_seed_extract in FUZZ-BUILD-DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$1 out=$2
mkdir -p "$out"
cmake --build "$build" --target seed_typed pac_seed_extract >/dev/null
work=$(mktemp -d)
relay_pid=
cleanup() {
  [[ -z $relay_pid ]] || kill "$relay_pid" 2>/dev/null || true
  "$top/tests/realm/realm.sh" stop "$work/realm" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"$top/tests/realm/realm.sh" start "$work/realm" --owner $$ >/dev/null
# shellcheck disable=SC1091
. "$work/realm/env"

# The relay's port: free now, and the realm holds the port lock no longer.
# shellcheck source=../../tests/realm/common.sh
. "$top/tests/realm/common.sh"
pick_ports 1
relay_port=${PICKED[0]}
python3 "$here/capture_relay.py" "$relay_port" 127.0.0.1 "$KDC_PORT" "$work/msgs" &
relay_pid=$!
for _ in $(seq 50); do port_listening tcp "$relay_port" && break; sleep 0.1; done
sed "s/kdc = 127.0.0.1:$KDC_PORT/kdc = 127.0.0.1:$relay_port/" "$KRB5_CONFIG" >"$work/krb5.conf"
export KRB5_CONFIG=$work/krb5.conf

cc=$work/cc
for v in 1 2 3 4; do
  printf '[libdefaults]\n    ccache_type = %s\n' "$v" >"$work/v$v.conf"
  KRB5_CONFIG=$work/krb5.conf:$work/v$v.conf kinit -c "$cc-v$v" "$ALICE_PRINCIPAL" <<<"$ALICE_PASSWORD" >/dev/null
done
kinit -c "$cc-bob" "$BOB_PRINCIPAL" <<<"$BOB_PASSWORD" >/dev/null
# FAST, armored with alice's TGT: bob (no pre-authentication) and alice
# (encrypted challenge inside FAST).
kinit -T "$cc-v4" -c "$cc-fast-bob" "$BOB_PRINCIPAL" <<<"$BOB_PASSWORD" >/dev/null
kinit -T "$cc-v4" -c "$cc-fast-alice" "$ALICE_PRINCIPAL" <<<"$ALICE_PASSWORD" >/dev/null
for pair in $SERVICES; do kvno -c "$cc-v4" "${pair#*=}" >/dev/null; done
kvno -c "$cc-fast-alice" "$HOST_PRINCIPAL" >/dev/null
kinit -c "$cc-x" "nobody@$REALM" </dev/null >/dev/null 2>&1 || true
kvno -c "$cc-v4" "nosuch/service@$REALM" >/dev/null 2>&1 || true
kill "$relay_pid"
relay_pid=

# TCP streams hold one message each after a 4-byte length.
shopt -s nullglob
for f in "$work"/msgs/tcp-*.bin; do tail -c +5 "$f" >"${f%.bin}.der" && rm "$f"; done
keys=()
for who in ALICE BOB; do
  principal=${who}_PRINCIPAL password=${who}_PASSWORD
  name=${!principal%@*}
  for e in aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 aes256-cts-hmac-sha384-192 aes128-cts-hmac-sha256-128; do
    keys+=(-p "$e" "${!password}" "$REALM$name")
  done
done
for c in "$cc"-*; do keys+=(-c "$c"); done
"$build/fuzz/seed_typed" "$out" "${keys[@]}" -k "$SERVICES_KEYTAB" -k "$HOST_KEYTAB" "$work"/msgs/*

mkdir -p "$work/pac" "$work/pac-ticket" "$out/fuzz_pac" "$out/fuzz_pac_ticket" "$out/fuzz_ccache" \
  "$out/fuzz_keytab" "$out/fuzz_krb5conf"
"$build/fuzz/pac_seed_extract" "$cc-v4" "$SERVICES_KEYTAB" "$work" mit >/dev/null
for f in "$work"/pac/*; do cp "$f" "$out/fuzz_pac/${f##*/}"; done
for f in "$work"/pac-ticket/*; do cp "$f" "$out/fuzz_pac_ticket/${f##*/}"; done
for v in 1 2 3 4; do cp "$cc-v$v" "$out/fuzz_ccache/mit-kinit-v$v.ccache"; done
cp "$cc-fast-alice" "$out/fuzz_ccache/mit-kinit-fast-kvno-v4.ccache"
cp "$SERVICES_KEYTAB" "$out/fuzz_keytab/mit-kadmin-services.keytab"
cp "$HOST_KEYTAB" "$out/fuzz_keytab/mit-kadmin-host.keytab"
cp "$work/realm/krb5.conf" "$out/fuzz_krb5conf/realm-krb5.conf"
cp "$work/realm/kdc.conf" "$out/fuzz_krb5conf/realm-kdc.conf"
echo "capture_realm: seeds in $out"
