#!/usr/bin/env bash
# Heimdal's long option spellings (kinit --forwardable, klist --cache/--test,
# kswitch --principal, kvno --cache/--keytab/--quiet, ...) do what MIT's short
# options do, against the MIT test realm; MIT's klist checks the tickets.
set -euo pipefail
src=${KRBKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${KRBKIT_BIN_DIR:-$src/build/apps}
realm_sh=$src/tests/realm/realm.sh

dir=$(mktemp -d "${TMPDIR:-/tmp}/krbkit-heimdal-spellings-XXXXXX")
trap '"$realm_sh" stop "$dir"; rm -rf "$dir"' EXIT
"$realm_sh" start "$dir" --owner $$ >/dev/null
# shellcheck source=/dev/null
. "$dir/env"
export TZ=UTC LC_ALL=C

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
mit_klist=/usr/bin/klist

# kinit: --forwardable --proxiable --renewable-life --lifetime --cache, then the negations.
cc=FILE:$dir/cc-long
"$bin/kinit" --forwardable --proxiable --renewable-life 1d --lifetime 2h --cache "$cc" "$ALICE_PRINCIPAL" \
  <<<"$ALICE_PASSWORD" || fail "kinit with Heimdal's long options"
out=$("$mit_klist" -f -c "$cc" 2>&1) || fail "MIT klist on the cache: $out"
[[ $out == *"Flags: FPRIA"* ]] || fail "--forwardable --proxiable --renewable-life: MIT klist -f shows: $out"
[[ $out == *"renew until"* ]] || fail "--renewable-life: no renew-till in: $out"
"$bin/kinit" --no-forwardable --no-proxiable --cache "$cc" "$ALICE_PRINCIPAL" <<<"$ALICE_PASSWORD" ||
  fail "kinit --no-forwardable --no-proxiable"
out=$("$mit_klist" -f -c "$cc" 2>&1)
flags=$(sed -n 's/.*Flags: \([A-Za-z]*\).*/\1/p' <<<"$out" | head -1)
[[ -n $flags && $flags != *F* && $flags != *P* ]] || fail "--no-forwardable --no-proxiable: MIT klist -f shows: $out"
# --use-keytab --keytab --server: a host ticket from the keytab, straight from the AS exchange.
"$bin/kinit" --use-keytab --keytab "$HOST_KEYTAB" --cache "FILE:$dir/cc-host" "$HOST_PRINCIPAL" ||
  fail "kinit --use-keytab --keytab"
"$bin/kinit" --server "$SVC_AES128_SHA1" --cache "FILE:$dir/cc-svc" "$BOB_PRINCIPAL" <<<"$BOB_PASSWORD" ||
  fail "kinit --server"
out=$("$mit_klist" -c "FILE:$dir/cc-svc" 2>&1)
[[ $out == *"$SVC_AES128_SHA1"* ]] || fail "kinit --server: MIT klist shows: $out"

# klist: --cache NAME is MIT's -c NAME; --test is -s; --flags is -f.
[[ "$("$bin/klist" --cache "$cc" --flags)" == "$("$bin/klist" -f -c "$cc")" ]] || fail "klist --cache --flags differs from -f -c"
"$bin/klist" --test --cache "$cc" || fail "klist --test on a cache with a TGT"
if "$bin/klist" --test --cache "FILE:$dir/none" 2>/dev/null; then fail "klist --test on a missing cache exits 0"; fi
if "$bin/klist" --cache "$cc" "$cc" >/dev/null 2>&1; then fail "klist --cache with a name argument too exits 0"; fi

# kvno: --cache --enctype --keytab --quiet.
out=$("$bin/kvno" --cache "$cc" --enctype aes128-cts-hmac-sha1-96 --keytab "$SERVICES_KEYTAB" "$SVC_AES128_SHA1") ||
  fail "kvno with long options: $out"
[[ $out == "$SVC_AES128_SHA1: kvno = 1, keytab entry valid" ]] || fail "kvno long options printed: $out"
out=$("$bin/kvno" --quiet --cache "$cc" "$HOST_PRINCIPAL") || fail "kvno --quiet"
[[ -z $out ]] || fail "kvno --quiet printed: $out"

# kswitch --principal / --cache in a DIR: collection.
export KRB5CCNAME=DIR:$dir/coll
"$bin/kinit" "$ALICE_PRINCIPAL" <<<"$ALICE_PASSWORD" || fail "kinit alice into the collection"
"$bin/kinit" "$BOB_PRINCIPAL" <<<"$BOB_PASSWORD" || fail "kinit bob into the collection"
"$bin/kswitch" --principal "$ALICE_PRINCIPAL" || fail "kswitch --principal"
[[ "$("$mit_klist")" == *"Default principal: $ALICE_PRINCIPAL"* ]] || fail "kswitch --principal: MIT klist shows another primary"
bob_cache=$("$mit_klist" -l | awk -v p="$BOB_PRINCIPAL" '$1 == p {print $2}')
"$bin/kswitch" --cache "$bob_cache" || fail "kswitch --cache $bob_cache"
[[ "$("$mit_klist")" == *"Default principal: $BOB_PRINCIPAL"* ]] || fail "kswitch --cache: MIT klist shows another primary"
[[ "$("$bin/klist" --list-all)" == "$("$bin/klist" -l)" ]] || fail "klist --list-all differs from -l"
[[ "$("$bin/klist" --all-content)" == "$("$bin/klist" -A)" ]] || fail "klist --all-content differs from -A"

if ((failures)); then
  echo "$failures failed" >&2
  exit 1
fi
echo "Heimdal spellings: all checks passed"
